"""`BatchConfig`: what `signgen batch` was asked to do (a frozen config)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from signgen.errors import ConfigError
from signgen.render.real import check_output_size

Engine = Literal["local", "ray"]
ENGINES: tuple[Engine, ...] = get_args(Engine)


@dataclass(frozen=True)
class RendererSettings:
    """How each engine worker loads the model (once) and how many clips it keeps in flight.

    batch_size: clips whose frames go through the network together (cross-clip batching).
    threads:    torch CPU threads per worker (None: torch's default).
    size:       frame size of the videos: the real-pixel path composes each reference's own
                pixels at this size (the network fills in at its own size).
    full_generation: draw whole frames with the network at its own size instead (the
                synthetic look; ``size`` is then unused).
    """

    checkpoint: Path
    device: str = "auto"
    dtype: str = "auto"
    threads: int | None = None
    batch_size: int = 4
    size: int = 256
    full_generation: bool = False

    def __post_init__(self) -> None:
        if not self.full_generation:
            check_output_size(self.size)
        if self.batch_size < 1:
            raise ConfigError(f"batch size must be at least 1, got {self.batch_size}")
        if self.threads is not None and self.threads < 1:
            raise ConfigError(f"threads must be at least 1, got {self.threads}")


@dataclass(frozen=True)
class BatchConfig:
    """A batch run.

    strict:  refuse to render anything when a manifest row is bad.
    address: Ray cluster to join ("auto": the running one); None starts a local Ray with
             ``cpus`` CPUs. workers: Ray actors (each holds one model); None = one per CPU
             (``threads`` CPUs each).
    """

    manifest: Path
    out: Path
    renderer: RendererSettings
    engine: Engine = "local"
    strict: bool = False
    address: str | None = None
    cpus: int | None = None
    workers: int | None = None

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ConfigError(f"engine must be one of {', '.join(ENGINES)}, got {self.engine!r}")
        if self.engine == "local" and (self.address or self.cpus or self.workers):
            raise ConfigError("--address, --cpus and --workers need --engine ray")
        for name, value in (("cpus", self.cpus), ("workers", self.workers)):
            if value is not None and value < 1:
                raise ConfigError(f"{name} must be at least 1, got {value}")
