"""What happened to each clip of a batch: `ClipOutcome`, the summary table and
``batch_report.json``."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from rich.table import Table
from rich.text import Text

from signgen.io.atomic import replace_via_temp
from signgen.report import LatencyReport

FORMAT = "signgen.batch/1"
REPORT_NAME = "batch_report.json"
Status = Literal["rendered", "skipped", "failed", "invalid"]
"""rendered: done in this run; skipped: done by an earlier run (resume); failed: its inputs or
its rendering failed (error says why); invalid: its manifest row was rejected."""


@dataclass(frozen=True)
class ClipOutcome:
    """One clip's end. Latencies are per-frame totals (ms) from the clip's latency report;
    seconds is the clip's wall time from reading its inputs to its report on disk."""

    id: str | None
    line: int
    status: Status
    output: str | None = None
    frames: int = 0
    seconds: float = 0.0
    p50_ms: float | None = None
    p95_ms: float | None = None
    renders: int = 0
    error: str | None = None

    @classmethod
    def from_report(
        cls,
        job_id: str,
        line: int,
        status: Status,
        output: Path,
        report: LatencyReport,
        seconds: float,
        renders: int,
    ) -> ClipOutcome:
        summary = report.summary()
        return cls(
            job_id, line, status, str(output), summary.num_frames, seconds,
            summary.p50_ms, summary.p95_ms, renders,
        )  # fmt: skip

    @property
    def ok(self) -> bool:
        return self.status in ("rendered", "skipped")


@dataclass(frozen=True)
class BatchReport:
    """Every row's outcome (manifest order) and the run's throughput.

    frames_rendered / render_seconds: frames this run rendered and the engine's wall time.
    """

    manifest: Path
    out: Path
    engine: str
    batch_size: int
    clips: tuple[ClipOutcome, ...]
    render_seconds: float

    @property
    def frames_rendered(self) -> int:
        return sum(c.frames for c in self.clips if c.status == "rendered")

    @property
    def fps(self) -> float:
        return self.frames_rendered / self.render_seconds if self.render_seconds > 0 else 0.0

    def count(self, status: Status) -> int:
        return sum(c.status == status for c in self.clips)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.clips)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "manifest": str(self.manifest),
            "out": str(self.out),
            "engine": self.engine,
            "batch_size": self.batch_size,
            "counts": {s: self.count(s) for s in ("rendered", "skipped", "failed", "invalid")},
            "frames_rendered": self.frames_rendered,
            "render_seconds": self.render_seconds,
            "fps": self.fps,
            "clips": [asdict(c) for c in self.clips],
        }


def write_batch_report(report: BatchReport) -> Path:
    """``<out>/batch_report.json``, written atomically."""
    # One batch per folder (the folder's lock), so one temp name is enough.
    text = json.dumps(report.to_json(), indent=1)
    return replace_via_temp(
        report.out / REPORT_NAME, lambda temp: temp.write_text(text), "the batch report"
    )


STYLES: dict[str, str] = {
    "rendered": "green",
    "skipped": "cyan",
    "failed": "bold red",
    "invalid": "red",
}


def summary_table(report: BatchReport) -> Table:
    """A rich table: one row per clip (status, frames, seconds, p50/p95 ms, error)."""
    table = Table(title=Text(f"signgen batch: {report.manifest.name}"), title_justify="left")
    for column, justify in (
        ("clip", "left"), ("status", "left"), ("frames", "right"), ("s", "right"),
        ("p50 ms", "right"), ("p95 ms", "right"), ("error", "left"),
    ):  # fmt: skip
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for clip in report.clips:
        table.add_row(
            Text(clip.id or f"line {clip.line}"),
            Text(clip.status, style=STYLES[clip.status]),
            str(clip.frames) if clip.frames else "",
            f"{clip.seconds:.1f}" if clip.frames else "",
            "" if clip.p50_ms is None else f"{clip.p50_ms:.1f}",
            "" if clip.p95_ms is None else f"{clip.p95_ms:.1f}",
            Text(clip.error or ""),
        )
    counts = ", ".join(
        f"{report.count(s)} {s}" for s in ("rendered", "skipped", "failed", "invalid")
    )
    table.caption = (
        f"{counts}; {report.frames_rendered} frames in {report.render_seconds:.1f} s "
        f"({report.fps:.1f} frames/s, {report.engine} engine, batch size {report.batch_size})"
    )
    return table
