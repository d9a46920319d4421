"""Resume: which clips of a batch are already done, and clearing what a killed run left.

A clip is done when its video and its latency report are both complete. The video is
renamed into place only when whole (`signgen.video.VideoWriter`), and the report is written
atomically AFTER that rename, naming the video's size: so a report that reads back and
matches the video on disk marks a finished clip, and anything else (a video without report,
a report whose video is missing or different, leftover ``.partial`` files) is half-done and
rendered again.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from signgen.batch.manifest import ClipJob
from signgen.errors import ConfigError, SigngenError
from signgen.io.atomic import temps_of
from signgen.report import LatencyReport, read_report

LOCK_NAME = ".signgen-batch.lock"


@dataclass(frozen=True)
class Finished:
    """A done clip found on disk: its report (frames, latency) and what the batch recorded."""

    report: LatencyReport
    seconds: float
    renders: int


def batch_meta(job: ClipJob, video_bytes: int, seconds: float, renders: int) -> dict[str, Any]:
    """What a clip's report records for resuming (under ``meta["batch"]``)."""
    return {
        "clip": job.id,
        "video": job.output.name,
        "video_bytes": video_bytes,
        "seconds": seconds,
        "renders": renders,
    }


def finished(job: ClipJob) -> Finished | None:
    """The clip's record when its video and report are complete and agree, else None."""
    if not (job.output.is_file() and job.report.is_file()):
        return None
    try:
        report = read_report(job.report)
    except SigngenError:
        return None
    batch = report.meta.get("batch")
    if not isinstance(batch, dict) or batch.get("clip") != job.id:
        return None
    if batch.get("video_bytes") != job.output.stat().st_size or not report.frames:
        return None
    return Finished(report, float(batch.get("seconds", 0.0)), int(batch.get("renders", 1)))


def previous_renders(job: ClipJob) -> int:
    """How many times an earlier run rendered this clip to completion (from a stale report)."""
    try:
        batch = read_report(job.report).meta.get("batch", {})
        return int(batch.get("renders", 0)) if batch.get("clip") == job.id else 0
    except (SigngenError, AttributeError, TypeError, ValueError):
        return 0


def clear_half_done(job: ClipJob) -> None:
    """Remove a not-done clip's stale report, video and ``.partial`` leftovers."""
    job.report.unlink(missing_ok=True)
    job.output.unlink(missing_ok=True)
    # The temporaries of this clip's own video and report, matched by exact name (no pattern
    # matching on the clip's name: another clip's temporaries are never touched).
    for leftover in (*temps_of(job.output), *temps_of(job.report)):
        leftover.unlink(missing_ok=True)


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the output folder's lock: two batch runs writing one folder would redo and
    delete each other's clips. The OS drops the lock when the process dies (even SIGKILL)."""
    out.mkdir(parents=True, exist_ok=True)
    handle = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise ConfigError(
                "another signgen batch is writing into this folder", path=out
            ) from error
        yield
    finally:
        os.close(handle)
