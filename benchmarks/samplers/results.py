"""Typed records of a benchmark run and their JSON form (``"format": "signgen.bench/1"``)."""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from signgen.errors import SigngenError
from signgen.io.atomic import replace_via_temp

from .search import KSearch, KTrial

FORMAT = "signgen.bench/1"


@dataclass(frozen=True)
class RowResult:
    """One row: how fast and how good, on ``frames`` frames of the held-out clip.

    Latency (ms) is over the frames after frame 0 (always a cold start): p50/p95 of the
    per-frame total, fps = 1000 / mean. ``nfe`` is the mean network evaluations per frame
    after frame 0, ``nfe_first`` those of frame 0. Quality is against the ground truth:
    SSIM, hand-crop SSIM, limb PSNR (dB), flicker (mean |frame_k - frame_k-1|, [0, 1]) and
    ``flicker_ratio`` = flicker / the ground truth's; ``drift`` = mean SSIM of the first 50
    frames minus that of the last 50 (None under 100 frames). ``ssim_50`` is SSIM over the
    50-step row's frames (the like-for-like comparison), ``speedup`` the 50-step row's p50
    over this p50. ``stage_ms``: mean ms per stage (pose, cond, sample, decode, compose, mux).
    ``timed_frames``: how many frames the latency figures are over (the interleaved timing
    runs, see `BenchConfig`).
    """

    name: str
    frames: int
    p50_ms: float
    p95_ms: float
    fps: float
    nfe: float
    nfe_first: int
    ssim: float
    hand_ssim: float
    limb_psnr: float
    flicker: float
    flicker_ratio: float
    drift: float | None
    ssim_50: float
    speedup: float | None = None
    over_budget: int | None = None
    stage_ms: dict[str, float] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    timed_frames: int | None = None


@dataclass(frozen=True)
class BenchReport:
    """A whole run: the rows (50-step first), the K search, and what it ran on.

    machine: CPU/GPU name, threads, torch version, dtype, device. clip: held-out clip index,
    frames, fps, the ground truth's flicker, frames of the 50-step row. compile_s: seconds
    spent compiling (torch.compile; None without), excluded from every row's figures.
    timing: the interleaved timing runs the latency came from (rounds, frames per row per
    round, frames of the 50-step row per round); {} in reports written before them.
    """

    rows: tuple[RowResult, ...]
    k_search: KSearch
    machine: dict[str, Any]
    clip: dict[str, Any]
    checkpoint: str
    compile_s: float | None = None
    setup_s: dict[str, float] = field(default_factory=dict)
    timing: dict[str, int] = field(default_factory=dict)

    def row(self, name: str) -> RowResult:
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return _finite(
            {
                "format": FORMAT,
                "checkpoint": self.checkpoint,
                "machine": self.machine,
                "clip": self.clip,
                "compile_s": self.compile_s,
                "setup_s": self.setup_s,
                "timing": self.timing,
                "k_search": dataclasses.asdict(self.k_search),
                "rows": [dataclasses.asdict(row) for row in self.rows],
            }
        )


def write_json(report: BenchReport, path: str | Path, extra: dict[str, Any] | None = None) -> Path:
    """Write ``report`` (plus ``extra`` top-level entries, e.g. the checks) atomically."""
    path = Path(path)
    document = {**report.to_dict(), **_finite(extra or {})}
    text = json.dumps(document, indent=1)
    return replace_via_temp(path, lambda temp: temp.write_text(text), "the benchmark report")


def _finite(value: Any) -> Any:
    """NaN/inf -> None, so the JSON is standard (no NaN literals)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def read_json(path: str | Path) -> BenchReport:
    """Read a report written by `write_json` (to re-plot or re-tabulate it)."""
    path = Path(path)
    try:
        document = json.loads(path.read_text())
        if document.get("format") != FORMAT:
            raise ValueError(f"format is {document.get('format')!r}, expected {FORMAT!r}")
        search = dict(document["k_search"])
        search["trials"] = tuple(KTrial(**t) for t in search["trials"])
        return BenchReport(
            rows=tuple(RowResult(**row) for row in document["rows"]),
            k_search=KSearch(**search),
            machine=dict(document["machine"]),
            clip=dict(document["clip"]),
            checkpoint=str(document["checkpoint"]),
            compile_s=document["compile_s"],
            setup_s=dict(document["setup_s"]),
            timing=dict(document.get("timing", {})),
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise SigngenError(f"not a readable benchmark report: {error}", path=path) from error
