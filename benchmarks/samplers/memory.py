"""Peak memory of a long render: the frame loop must not grow with the clip's length.

`measure_memory` renders the same signer for N and 4N frames (poses of the held-out real
recording played back and forth) straight into an mp4, as `signgen render` does, sampling
the process's resident set size after every frame. Flat memory shows as the same peak for
both lengths; a leak (frames kept, a growing cache) as a peak that grows with the frames.
The ffmpeg encoder is a child process: its memory is not in these figures.
"""

from __future__ import annotations

import dataclasses
import json
import os
import resource
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

from rich.table import Table

from signgen.bench.latency import looped_poses
from signgen.io.atomic import replace_via_temp
from signgen.render import Frame, Renderer, RenderOptions, render_to_video
from signgen.synth.dataset import heldout_clip

MIB = 1024.0 * 1024.0
# Poses drawn from the held-out clip before being played back and forth to any length.
SOURCE_FRAMES = 200


@dataclass(frozen=True)
class MemoryPoint:
    """One render of ``frames`` frames: resident memory (MiB) before it (the looped poses
    built), after its first frame (poses prepared, reference encoded), at its peak, after it.
    ``loop_growth_mib`` = peak - first frame: what the frame loop itself added."""

    frames: int
    seconds: float
    rss_before_mib: float
    rss_first_mib: float
    rss_peak_mib: float
    rss_after_mib: float

    @property
    def loop_growth_mib(self) -> float:
        return self.rss_peak_mib - self.rss_first_mib


@dataclass(frozen=True)
class MemoryReport:
    """Renders of increasing length; ``growth_mib`` = last peak minus first peak."""

    points: tuple[MemoryPoint, ...]
    max_rss_mib: float  # the process's lifetime peak (getrusage), loading included

    @property
    def growth_mib(self) -> float:
        return self.points[-1].rss_peak_mib - self.points[0].rss_peak_mib


def rss_mib() -> float:
    """Current resident set size of this process in MiB (Linux; the lifetime peak elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / MIB
    except (OSError, ValueError, IndexError):
        return _max_rss_mib()


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def measure_memory(
    renderer: Renderer,
    lengths: Sequence[int],
    options: RenderOptions | None = None,
    clip_index: int = 0,
    progress: Callable[[str, int, int], None] | None = None,
) -> MemoryReport:
    """Render clips of ``lengths`` frames (increasing) into a temporary mp4 each.

    options: default render options (the poses are already in the frame, so not refitted).
    """
    options = options or RenderOptions(fit_poses=False)
    source = heldout_clip(clip_index, min(SOURCE_FRAMES, max(lengths)), renderer.size)
    points = []
    with tempfile.TemporaryDirectory(prefix="signgen-bench-memory-") as folder:
        for length in lengths:
            poses = looped_poses(source.poses, length)
            before = peak = first = rss_mib()

            def sample(frame: Frame, length: int = length) -> None:
                nonlocal peak, first
                peak = max(peak, rss_mib())
                if frame.index == 0:
                    first = peak
                if progress is not None:
                    progress(f"memory: {length} frames", frame.index + 1, length)

            start = perf_counter()
            render_to_video(
                renderer, source.reference, poses, options, Path(folder) / f"clip{length}.mp4",
                reference_pose=source.reference_pose, progress=sample,
            )  # fmt: skip
            points.append(
                MemoryPoint(length, perf_counter() - start, before, first, peak, rss_mib())
            )
    return MemoryReport(tuple(points), _max_rss_mib())


def memory_table(report: MemoryReport) -> Table:
    """Frames, seconds, RSS before / peak / after (MiB) per length, and the growth."""
    table = Table(title="peak resident memory vs clip length (frame loop + mp4 writer)",
                  title_justify="left")  # fmt: skip
    for column in ("frames", "seconds", "RSS before", "after frame 0", "peak", "after",
                   "loop growth"):  # fmt: skip
        table.add_column(column, justify="right")
    for p in report.points:
        table.add_row(str(p.frames), f"{p.seconds:.1f}", f"{p.rss_before_mib:.0f} MiB",
                      f"{p.rss_first_mib:.0f} MiB", f"{p.rss_peak_mib:.0f} MiB",
                      f"{p.rss_after_mib:.0f} MiB", f"{p.loop_growth_mib:+.1f} MiB")  # fmt: skip
    table.caption = (
        f"peak growth from {report.points[0].frames} to {report.points[-1].frames} frames: "
        f"{report.growth_mib:+.1f} MiB; process peak {report.max_rss_mib:.0f} MiB"
    )
    table.caption_justify = "left"
    return table


def write_memory(report: MemoryReport, path: str | Path) -> Path:
    """JSON ``{"format": "signgen.bench-memory/1", "points": [...], ...}``, atomically."""
    path = Path(path)
    document = {
        "format": "signgen.bench-memory/1",
        "points": [
            {**dataclasses.asdict(p), "loop_growth_mib": p.loop_growth_mib} for p in report.points
        ],
        "growth_mib": report.growth_mib,
        "max_rss_mib": report.max_rss_mib,
    }
    text = json.dumps(document, indent=1)
    return replace_via_temp(path, lambda temp: temp.write_text(text), "the memory report")
