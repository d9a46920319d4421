"""Pose file to pose file: read any format, optionally convert, clean, resample, refit, write.

The one function behind `signgen poses convert`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from signgen.errors import PoseFileError
from signgen.io import read_poses, write_poses
from signgen.pose.convert import to_canonical
from signgen.pose.filters import SmoothMethod, fill_gaps, resample, smooth
from signgen.pose.normalize import fit_to_size
from signgen.pose.sequence import PoseSequence


@dataclass(frozen=True)
class ConvertOptions:
    """What `convert_poses` does between reading and writing (everything off by default)."""

    canonical: bool = False  # convert to holistic 543 points
    smooth: SmoothMethod | None = None  # fill short gaps, then smooth body and hands
    max_gap: int = 5  # frames bridged by gap filling before smoothing
    fps: float | None = None  # resample to this frame rate
    size: tuple[int, int] | None = None  # fit into (width, height) by the shoulders
    input_fps: float | None = None  # for inputs that store no frame rate (OpenPose, mmpose)
    input_size: tuple[int, int] | None = None  # for inputs that store no frame size


def convert_poses(source: str | Path, target: str | Path, options: ConvertOptions) -> PoseSequence:
    """Read ``source``, apply ``options`` in the order canonical, smooth, resample, fit, and
    write ``target`` (.json or .pose, atomically). Returns the written sequence."""
    if Path(target).suffix.lower() not in (".json", ".pose"):
        raise PoseFileError("output must be a .json (signgen) or .pose (pose-format) file", target)
    seq = read_poses(source, fps=options.input_fps, size=options.input_size)
    if options.canonical:
        seq = to_canonical(seq)
    if options.smooth is not None:
        seq = smooth(fill_gaps(seq, options.max_gap), options.smooth)
    if options.fps is not None:
        seq = resample(seq, options.fps)
    if options.size is not None:
        seq = fit_to_size(seq, *options.size)
    write_poses(seq, target)
    return seq
