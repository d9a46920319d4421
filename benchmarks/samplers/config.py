"""What the sampler comparison measures: the run's settings and its rows (frozen configs).

Every row renders the same held-out clip with the same network, so the figures differ only
by how each frame's latent is produced (DESIGN.md section 6):

- "50-step sampler": every frame cold, 50 Euler steps (the sampling budget of PIDM, CFLD and
  X-MDPT); expensive, so it may run on the first ``frames_50`` frames only;
- RPFM cold start: every frame cold from the clip's one fixed noise with K steps, K the
  smallest whose SSIM is within ``tolerance`` of the 50-step row (`samplers.search`);
- naive SDEdit warm start, the trained warm start (1 network evaluation per frame), the
  motion-adaptive warm start and deadline mode;
- the floor: one network evaluation + one decode per frame, timed directly
  (`samplers.floor`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from signgen.errors import ConfigError
from signgen.render import RenderOptions
from signgen.render.renderer import DTYPE_NAMES, DType

FIFTY_STEP = "50-step sampler"
SDEDIT = "SDEdit warm start"
TRAINED = "trained warm start"
ADAPTIVE = "motion-adaptive warm"
FLOOR = "floor (1 eval + decode)"
# Candidate step counts of the honest cold row, searched in this order.
K_CANDIDATES: tuple[int, ...] = (1, 2, 4, 8, 16)
# Frame 0 of every row is a cold start (and the first call of a run); latency percentiles
# are taken over the frames after it.
SKIP_FRAMES = 1
# Drift needs two 50-frame windows that do not overlap.
DRIFT_WINDOW = 50


def cold_name(k: int) -> str:
    return f"RPFM cold, K={k}"


def deadline_name(budget_ms: float) -> str:
    return f"deadline {budget_ms:g} ms"


@dataclass(frozen=True)
class BenchConfig:
    """Settings of one benchmark run.

    frames:     length of the held-out clip every row renders.
    frames_50:  frames of the 50-step row (None = all); the K search scores the cold rows on
                the same first frames, so the comparison stays like for like.
    clip:       held-out clip index (even = the held-out real recording, see
                `signgen.synth.dataset.heldout_clip`).
    budget_ms:  the deadline row's budget (40 ms = 25 fps).
    tolerance:  SSIM gap to the 50-step row within which a cold K counts as "as good".
    compile:    run the network through torch.compile (compile time reported separately).
    warmup:     untimed frames rendered first, so one-off costs (oneDNN kernel selection,
                allocator growth) do not land in the first row.
    timing_rounds / timing_frames: after the quality runs, every row is timed again on the
                clip's first ``timing_frames`` frames (the 50-step row: ``timing_frames_50``),
                row after row, ``timing_rounds`` times over (each round in a rotated order).
                Latency comes from these interleaved runs, so a burst of load from another
                process hits every row alike instead of one row's long run; the ratios
                between rows are what the issue asks for. 0 rounds: latency from the quality
                runs themselves.
    """

    checkpoint: Path
    frames: int = 300
    frames_50: int | None = None
    clip: int = 0
    device: str = "cpu"
    dtype: DType = "auto"
    threads: int | None = 2
    budget_ms: float = 40.0
    tolerance: float = 0.005
    k_candidates: tuple[int, ...] = K_CANDIDATES
    seed: int = 0
    compile: bool = False
    warmup: int = 3
    timing_rounds: int = 3
    timing_frames: int = 60
    timing_frames_50: int = 8

    def __post_init__(self) -> None:
        if self.frames < 2:
            raise ConfigError(f"frames must be at least 2, got {self.frames}")
        if self.frames_50 is not None and not 2 <= self.frames_50 <= self.frames:
            raise ConfigError(f"--frames-50 must be between 2 and --frames, got {self.frames_50}")
        if self.tolerance < 0:
            raise ConfigError(f"tolerance must be 0 or more, got {self.tolerance}")
        if not self.k_candidates or any(k < 1 for k in self.k_candidates):
            raise ConfigError("the K candidates must be positive step counts")
        if list(self.k_candidates) != sorted(set(self.k_candidates)):
            raise ConfigError("the K candidates must be increasing")
        if self.dtype not in DTYPE_NAMES:
            raise ConfigError(f"dtype must be one of {', '.join(DTYPE_NAMES)}, got {self.dtype!r}")
        if self.warmup < 0:
            raise ConfigError(f"warmup must be 0 or more frames, got {self.warmup}")
        if self.timing_rounds < 0:
            raise ConfigError(f"timing rounds must be 0 or more, got {self.timing_rounds}")
        if self.timing_rounds and min(self.timing_frames, self.timing_frames_50) < 2:
            raise ConfigError("timing runs need at least 2 frames (frame 0 is not timed)")

    @property
    def quality_frames(self) -> int:
        """Frames of the 50-step row: the window every row's SSIM is compared on."""
        return self.frames if self.frames_50 is None else self.frames_50

    def timing_frames_of(self, row: str) -> int:
        """Frames of one timing run of ``row`` (never more than its quality run)."""
        if row == FIFTY_STEP:
            return min(self.timing_frames_50, self.quality_frames)
        return min(self.timing_frames, self.frames)


def base_options(config: BenchConfig) -> RenderOptions:
    """Options shared by every row: poses are already in the render frame (the synthetic
    clip's ground truth lines up with them), so they are neither refitted nor smoothed."""
    return RenderOptions(seed=config.seed, fit_poses=False, smoothing="none")


def fifty_step_options(config: BenchConfig) -> RenderOptions:
    return _with(base_options(config), warm_start="none", steps=50)


def cold_options(config: BenchConfig, k: int) -> RenderOptions:
    return _with(base_options(config), warm_start="none", steps=k)


def warm_rows(config: BenchConfig) -> dict[str, RenderOptions]:
    """The warm-started rows, by name (each renders the whole clip)."""
    base = base_options(config)
    return {
        SDEDIT: _with(base, warm_start="sdedit", t0=0.7),
        TRAINED: base,
        ADAPTIVE: _with(base, adaptive=True),
        deadline_name(config.budget_ms): _with(base, budget_ms=config.budget_ms, max_extra_steps=2),
    }


def _with(options: RenderOptions, **changes: object) -> RenderOptions:
    return replace(options, **changes)  # type: ignore[arg-type]
