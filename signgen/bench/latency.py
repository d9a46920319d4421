"""`signgen bench`: the latency of the user's own setup, frame by frame.

The user's reference photo at their ``--size``, on their device, driven by a pose file through
the real-pixel path (the person composited at full size, the flow network at its own size),
sampled with the checkpoint's recipe (`signgen.render.recipe`). Beside it, in the same run,
the same path with the 50-step sampler on the first of those frames (fewer of them: each costs
50 evaluations), so the speed-up is measured on one machine state. Frame 0 (the cold start)
and the warm-up frames are not timed; the rows alternate in rounds so a burst of load from
another process hits both alike.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rich.table import Table

from signgen.errors import ConfigError
from signgen.io.atomic import replace_via_temp
from signgen.pose.sequence import PoseSequence
from signgen.render import Renderer, RenderOptions
from signgen.render.real import PersonRenderer
from signgen.report import STAGES

FORMAT = "signgen.bench-latency/1"
RECIPE, SLOW = "checkpoint recipe", "50-step sampler"
# The flow network's own stages; compose (pasting onto the photo) and mux are the rest.
NETWORK_STAGES = ("pose", "cond", "sample", "decode")


@dataclass(frozen=True)
class LatencyRow:
    """One sampler: the total ms of each timed frame and the mean ms of each stage."""

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

    @property
    def network_ms(self) -> float:
        """Mean ms per frame in the flow network (pose raster to decoded image)."""
        return sum(self.stage_ms[stage] for stage in NETWORK_STAGES)


@dataclass(frozen=True)
class LatencyBench:
    """Both rows of one run, the output size and what the run ran on (`machine_info`)."""

    size: int
    machine: dict[str, Any]
    rows: list[LatencyRow] = field(default_factory=list)

    def row(self, name: str) -> LatencyRow:
        return next(r for r in self.rows if r.name == name)

    @property
    def speedup(self) -> float:
        """p50 of the 50-step row over the recipe row's."""
        return self.row(SLOW).p50_ms / self.row(RECIPE).p50_ms

    def to_dict(self) -> dict[str, Any]:
        rows = [{**dataclasses.asdict(r), "p50_ms": r.p50_ms, "p95_ms": r.p95_ms}
                for r in self.rows]  # fmt: skip
        return {"format": FORMAT, "size": self.size, "machine": self.machine, "rows": rows,
                "speedup_p50": self.speedup}  # fmt: skip


@dataclass(frozen=True)
class BenchRun:
    """How many frames each row times: ``frames`` / ``frames_50`` per round for the recipe /
    50-step row, ``rounds`` rounds, after ``warmup`` untimed frames (and frame 0)."""

    frames: int = 40
    frames_50: int = 6
    rounds: int = 2
    warmup: int = 3

    def __post_init__(self) -> None:
        if self.frames < 2 or self.frames_50 < 2 or self.rounds < 1 or self.warmup < 0:
            raise ConfigError("the benchmark needs 2+ frames per row, 1+ rounds, 0+ warm-up frames")


def run_latency_bench(
    renderer: PersonRenderer,
    reference: np.ndarray,
    reference_pose: PoseSequence | None,
    poses: PoseSequence,
    options: RenderOptions,
    run: BenchRun = BenchRun(),
) -> LatencyBench:
    """Time ``options`` (the recipe row) and the 50-step sampler (see module) on ``reference``
    (uint8 [S, S, 3], S = ``renderer.size``) driven by ``poses``, looped when shorter."""
    from signgen.bench.machine import machine_info

    needed = 1 + run.warmup + max(run.frames, run.frames_50)
    looped = looped_poses(poses, needed)
    slow = dataclasses.replace(options, warm_start="none", steps=50, budget_ms=None)
    timings: dict[str, list[Any]] = {RECIPE: [], SLOW: []}
    for _ in range(run.rounds):
        for name, row_options, count in ((RECIPE, options, run.frames),
                                         (SLOW, slow, run.frames_50)):  # fmt: skip
            clip = renderer.render_clip(reference, looped.frames(0, 1 + run.warmup + count),
                                        row_options, reference_pose=reference_pose)  # fmt: skip
            timings[name].extend(f.timing for f in list(clip.frames())[1 + run.warmup :])
    rows = [
        LatencyRow(name, float(np.mean([t.nfe for t in timed])), [t.total_ms for t in timed],
                   {s: float(np.mean([t.stage_ms(s) for t in timed])) for s in STAGES})
        for name, timed in timings.items()
    ]  # fmt: skip
    return LatencyBench(renderer.size, machine_info(renderer.device, renderer.dtype), rows)


def load_person_renderer(
    checkpoint: Path, size: int, device: str = "auto", dtype: str = "auto", threads: int = 2
) -> PersonRenderer:
    """The real-pixel path at ``size`` px over ``checkpoint``'s network."""
    network = Renderer.from_checkpoint(checkpoint, device=device, dtype=dtype, threads=threads)  # type: ignore[arg-type]
    return PersonRenderer(network, size)


def latency_table(bench: LatencyBench) -> Table:
    """One row per sampler: network evaluations, p50/p95 ms and fps per frame, and the mean ms
    of the network and of compositing onto the photo."""
    machine = bench.machine
    where = machine.get("gpu") or machine.get("cpu", "?")
    setup = f"{machine.get('device')}, {machine.get('dtype')}, threads {machine.get('threads')}"
    table = Table(
        title=f"ms per frame at {bench.size}x{bench.size} px on {where} ({setup})",
        title_justify="left",
    )
    for column in ("sampler", "NFE", "p50 ms", "p95 ms", "fps", "network ms", "compose ms"):
        first = column == "sampler"
        table.add_column(column, justify="left" if first else "right", no_wrap=first)
    for row in bench.rows:
        table.add_row(row.name, f"{row.nfe_per_frame:.2f}", f"{row.p50_ms:.1f}",
                      f"{row.p95_ms:.1f}", f"{1000 / row.p50_ms:.1f}", f"{row.network_ms:.1f}",
                      f"{row.stage_ms['compose']:.1f}")  # fmt: skip
    table.caption = f"the recipe is {bench.speedup:.1f}x faster than the 50-step sampler at p50"
    table.caption_justify = "left"
    return table


def write_bench(bench: LatencyBench, path: Path) -> Path:
    """The run as JSON (`LatencyBench.to_dict`), written atomically."""
    text = json.dumps(bench.to_dict(), indent=1)
    return replace_via_temp(path, lambda temp: temp.write_text(text), "the benchmark report")


def looped_poses(poses: PoseSequence, frames: int) -> PoseSequence:
    """``poses`` played forward then backward until ``frames`` frames (no jump at the seams),
    so a short pose file still gives every row its timed frames."""
    n = poses.num_frames
    cycle = np.concatenate([np.arange(n), np.arange(n - 2, 0, -1)]) if n > 1 else np.zeros(1)
    order = cycle[np.arange(frames) % len(cycle)].astype(int)
    return poses.replace(xy=poses.xy[order], conf=poses.conf[order], glosses=())
