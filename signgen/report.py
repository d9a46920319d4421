"""Per-frame latency records and the clip report: summary, JSON, rich table, PNG plot.

A frame's cost is split into the stages of the render loop (DESIGN.md section 10):
pose (raster of the frame's pose), cond (pose features), sample (ODE solve, with its NFE),
decode (latent -> image, including the one host copy), compose (pasting it onto the
reference photo, real-photo path only) and mux (pushing the frame into the mp4). Work done
once per clip (pose preparation, reference encoding) is ``setup_ms``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
from rich.table import Table

from signgen.errors import SigngenError
from signgen.io.atomic import replace_via_temp

FORMAT = "signgen.latency/1"
STAGES: tuple[str, ...] = ("pose", "cond", "sample", "decode", "compose", "mux")


@dataclass(frozen=True)
class FrameTiming:
    """What one frame cost. Times in milliseconds; ``total_ms`` is the sum of the stages.

    kind: how the frame's latent was started: "cold" (fixed noise, frame 0 and keyframes),
          "warm" (trained frame-to-frame path from the previous latent) or "sdedit".
    nfe:  velocity-network evaluations spent on the frame.
    """

    index: int
    kind: str
    nfe: int
    pose_ms: float = 0.0
    cond_ms: float = 0.0
    sample_ms: float = 0.0
    decode_ms: float = 0.0
    mux_ms: float = 0.0
    compose_ms: float = 0.0

    @property
    def total_ms(self) -> float:
        return sum(self.stage_ms(stage) for stage in STAGES)

    def stage_ms(self, stage: str) -> float:
        return float(getattr(self, f"{stage}_ms"))


@dataclass(frozen=True)
class LatencySummary:
    """Clip-level figures. Percentiles over per-frame totals (ms); fps = frames / frame time.

    real_time_factor: (setup + all frame time) / clip duration; below 1 is faster than real time.
    over_budget: frames whose total exceeded ``budget_ms`` (0 when no budget was set).
    """

    num_frames: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    fps: float
    real_time_factor: float
    setup_ms: float
    mean_nfe: float
    budget_ms: float | None
    over_budget: int
    stage_mean_ms: dict[str, float]


@dataclass(frozen=True)
class LatencyReport:
    """Every frame's timing for one clip, the clip's frame rate and run metadata."""

    frames: tuple[FrameTiming, ...]
    clip_fps: float
    setup_ms: float = 0.0
    budget_ms: float | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> LatencySummary:
        if not self.frames:
            raise SigngenError("a latency report needs at least one frame")
        totals = np.array([f.total_ms for f in self.frames])
        p50, p95, p99 = np.percentile(totals, [50, 95, 99])
        frame_s = totals.sum() / 1000.0
        duration_s = len(self.frames) / self.clip_fps
        over = 0 if self.budget_ms is None else int((totals > self.budget_ms).sum())
        return LatencySummary(
            num_frames=len(self.frames),
            p50_ms=float(p50),
            p95_ms=float(p95),
            p99_ms=float(p99),
            mean_ms=float(totals.mean()),
            max_ms=float(totals.max()),
            fps=float(len(self.frames) / frame_s) if frame_s > 0 else float("inf"),
            real_time_factor=float((frame_s + self.setup_ms / 1000.0) / duration_s),
            setup_ms=self.setup_ms,
            mean_nfe=float(np.mean([f.nfe for f in self.frames])),
            budget_ms=self.budget_ms,
            over_budget=over,
            stage_mean_ms={s: float(np.mean([f.stage_ms(s) for f in self.frames])) for s in STAGES},
        )


def write_report(report: LatencyReport, path: str | Path) -> Path:
    """JSON: ``{"format", "meta", "summary", "frames": [one object per frame]}``, atomically."""
    path = Path(path)
    frames = [{**asdict(f), "total_ms": f.total_ms} for f in report.frames]
    document = {
        "format": FORMAT,
        "clip_fps": report.clip_fps,
        "setup_ms": report.setup_ms,
        "budget_ms": report.budget_ms,
        "meta": report.meta,
        "summary": asdict(report.summary()),
        "frames": frames,
    }
    _write_atomic(path, json.dumps(document, indent=1).encode())
    return path


def read_report(path: str | Path) -> LatencyReport:
    """Read a report written by `write_report`."""
    path = Path(path)
    try:
        document = json.loads(path.read_text())
        if document.get("format") != FORMAT:
            raise ValueError(f"format is {document.get('format')!r}, expected {FORMAT!r}")
        names = {f.name for f in fields(FrameTiming)}
        frames = tuple(
            FrameTiming(**{k: v for k, v in row.items() if k in names})
            for row in document["frames"]
        )
        return LatencyReport(
            frames=frames,
            clip_fps=float(document["clip_fps"]),
            setup_ms=float(document["setup_ms"]),
            budget_ms=document["budget_ms"],
            meta=dict(document["meta"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise SigngenError(f"not a readable latency report: {error}", path=path) from error


def latency_table(report: LatencyReport, title: str = "Per-frame latency") -> Table:
    """A rich table: one row per stage and the total (mean, p50, p95, p99, max in ms)."""
    summary = report.summary()
    table = Table(title=title, title_justify="left")
    table.add_column("stage")
    for column in ("mean ms", "p50", "p95", "p99", "max"):
        table.add_column(column, justify="right")
    for stage in (*STAGES, "total"):
        values = np.array(
            [f.total_ms if stage == "total" else f.stage_ms(stage) for f in report.frames]
        )
        p50, p95, p99 = np.percentile(values, [50, 95, 99])
        style = "bold" if stage == "total" else None
        cells = [f"{v:.1f}" for v in (values.mean(), p50, p95, p99, values.max())]
        table.add_row(stage, *cells, style=style)
    budget = (
        ""
        if summary.budget_ms is None
        else f"  budget {summary.budget_ms:g} ms: {summary.over_budget} frames over"
    )
    table.caption = (
        f"{summary.num_frames} frames  {summary.fps:.1f} fps  NFE/frame {summary.mean_nfe:.2f}  "
        f"real-time factor {summary.real_time_factor:.2f}  setup {summary.setup_ms:.0f} ms"
        f"{budget}"
    )
    table.caption_justify = "left"
    return table


def plot_report(report: LatencyReport, path: str | Path) -> Path:
    """PNG: per-frame latency stacked by stage with the budget line, and NFE per frame below."""
    import matplotlib

    matplotlib.use("Agg")  # files only; never opens a window
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    summary = report.summary()
    index = np.array([f.index for f in report.frames])
    stacks = [np.array([f.stage_ms(s) for f in report.frames]) for s in STAGES]
    figure, (top, bottom) = plt.subplots(
        2, 1, figsize=(9, 5), sharex=True, height_ratios=(3, 1), constrained_layout=True
    )
    top.stackplot(index, *stacks, labels=STAGES, step="mid", alpha=0.85)
    if report.budget_ms is not None:
        top.axhline(report.budget_ms, color="crimson", linestyle="--", label="budget")
    top.set_ylabel("ms per frame")
    top.set_title(
        f"p50 {summary.p50_ms:.1f} ms  p95 {summary.p95_ms:.1f} ms  {summary.fps:.1f} fps  "
        f"real-time factor {summary.real_time_factor:.2f}",
        fontsize=10,
    )
    top.legend(loc="upper right", fontsize=8, ncols=3)
    bottom.step(index, [f.nfe for f in report.frames], where="mid", color="black")
    bottom.set_ylabel("NFE")
    bottom.yaxis.set_major_locator(MaxNLocator(integer=True))
    bottom.set_xlabel("frame")
    try:
        return replace_via_temp(
            path, lambda temp: figure.savefig(temp, dpi=110, format="png"), "the plot"
        )
    finally:
        plt.close(figure)


def _write_atomic(path: Path, data: bytes) -> None:
    replace_via_temp(path, lambda temp: temp.write_bytes(data), "the report")
