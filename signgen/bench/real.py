"""`signgen bench --size N`: the real-pixel path at N px on a real photo and a real recording.

Two rows on the same frames: the product's path (composite at N px, the flow network warm-
started at one evaluation per frame) and the same path with the 50-step sampler. Frame 0 (the
cold start) and the warm-up frames are not timed; the rows alternate in rounds so a burst of
load from another process hits both alike. The figure that matters is the ratio, measured in
one run.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from signgen.errors import ConfigError
from signgen.io.atomic import replace_via_temp
from signgen.report import STAGES

REPO = Path(__file__).resolve().parents[2]
BENCH_REFERENCE = REPO / "examples" / "signer.png"
BENCH_POSES = REPO / "examples" / "segmentation_example.pose"
FAST, SLOW = "1 NFE warm start", "50-step sampler"


@dataclass(frozen=True)
class RealBenchRow:
    """One row: per-frame totals (ms) of its timed frames and the mean of each stage."""

    name: str
    nfe_per_frame: float
    frame_ms: list[float]
    stage_ms: dict[str, float]

    @property
    def p50_ms(self) -> float:
        return float(np.percentile(self.frame_ms, 50))

    @property
    def p95_ms(self) -> float:
        return float(np.percentile(self.frame_ms, 95))


@dataclass(frozen=True)
class RealBench:
    size: int
    machine: dict[str, Any]
    rows: list[RealBenchRow] = field(default_factory=list)

    def row(self, name: str) -> RealBenchRow:
        return next(r for r in self.rows if r.name == name)

    @property
    def speedup(self) -> float:
        """p50 of the 50-step row over the product row's."""
        return self.row(SLOW).p50_ms / self.row(FAST).p50_ms

    def to_dict(self) -> dict[str, Any]:
        rows = [
            {**dataclasses.asdict(r), "p50_ms": r.p50_ms, "p95_ms": r.p95_ms} for r in self.rows
        ]
        return {"format": "signgen.bench-real/1", "size": self.size, "machine": self.machine,
                "rows": rows, "speedup_p50": self.speedup}  # fmt: skip


def run_real_bench(
    checkpoint: Path,
    size: int,
    frames: int = 40,
    frames_50: int = 6,
    rounds: int = 2,
    warmup: int = 3,
    dtype: str = "auto",
    threads: int | None = 2,
) -> RealBench:
    """Time both rows (see module) at ``size`` px: ``frames`` / ``frames_50`` timed frames a
    round for the product / 50-step row, ``rounds`` rounds."""
    from signgen.bench.machine import machine_info
    from signgen.io import read_poses
    from signgen.io.image import read_image
    from signgen.render import Renderer, RenderOptions
    from signgen.render.poses import estimate_reference_pose
    from signgen.render.real import PersonRenderer

    if frames < 2 or frames_50 < 2 or rounds < 1 or warmup < 0:
        raise ConfigError("the benchmark needs 2+ frames per row, 1+ rounds, 0+ warm-up frames")
    network = Renderer.from_checkpoint(checkpoint, device="cpu", dtype=dtype, threads=threads)  # type: ignore[arg-type]
    renderer = PersonRenderer(network, size)
    reference = read_image(BENCH_REFERENCE, size=size)
    reference_pose = estimate_reference_pose(reference)
    poses = read_poses(BENCH_POSES)
    fast = RenderOptions(smoothing="none")
    slow = dataclasses.replace(fast, warm_start="none", steps=50)
    timings: dict[str, list[Any]] = {FAST: [], SLOW: []}
    for _ in range(rounds):
        for name, options, count in ((FAST, fast, frames), (SLOW, slow, frames_50)):
            clip = renderer.render_clip(reference, poses.frames(0, 1 + warmup + count), options,
                                        reference_pose=reference_pose)  # fmt: skip
            timed = [f.timing for f in clip.frames()][1 + warmup :]
            timings[name].extend(timed)
    rows = []
    for name, timed in timings.items():
        rows.append(RealBenchRow(
            name, float(np.mean([t.nfe for t in timed])), [t.total_ms for t in timed],
            {s: float(np.mean([t.stage_ms(s) for t in timed])) for s in STAGES},
        ))  # fmt: skip
    return RealBench(size, machine_info(network.device, network.dtype), rows)


def write_real_bench(bench: RealBench, path: Path) -> Path:
    text = json.dumps(bench.to_dict(), indent=1)
    return replace_via_temp(path, lambda temp: temp.write_text(text), "the benchmark report")
