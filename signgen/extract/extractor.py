"""`extract_poses`: a video file -> a canonical `PoseSequence`, one pose per kept frame."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np

from signgen.errors import ConfigError, ExtractError
from signgen.extract.holistic import FramePose, HolisticBackend
from signgen.io.video import VideoInfo, probe_video, read_frames
from signgen.pose.layouts import HOLISTIC
from signgen.pose.sequence import PoseSequence

# progress(frames_done, frames_total) after each frame; total is the expected count.
Progress = Callable[[int, int], None]


class PoseBackend(Protocol):
    """A pose estimator for one video: frames in order, then close()."""

    name: str

    def __call__(self, frame: np.ndarray) -> FramePose: ...

    def metadata(self) -> dict[str, str | int | float | bool]: ...

    def close(self) -> None: ...


BACKENDS: dict[str, Callable[[], PoseBackend]] = {"mediapipe": HolisticBackend}


def extract_poses(
    video: str | Path,
    *,
    backend: str = "mediapipe",
    every: int = 1,
    allow_empty: bool = False,
    progress: Progress | None = None,
) -> PoseSequence:
    """Estimate a pose in frames 0, every, 2*every, ... of ``video``.

    Returns a `PoseSequence` in the canonical holistic layout (543 points) in pixels of the
    video's width x height, at fps / every, one pose per kept frame; points not found have
    conf 0 (a hand out of view: its 21 points).
    Raises `VideoError` for a file that is not a readable video (missing, 0 bytes, an image,
    corrupt), `ExtractError` when no frame shows a person (unless ``allow_empty``, which returns
    the empty frames), `ConfigError` for an unknown backend or ``every`` < 1.
    """
    if backend not in BACKENDS:
        raise ConfigError(f"unknown pose backend {backend!r}; choose from {sorted(BACKENDS)}")
    if every < 1:
        raise ConfigError(f"--every must be 1 or more, got {every}")
    info = probe_video(video)
    estimator = BACKENDS[backend]()
    try:
        xy, conf = _estimate(estimator, info, every, progress)
    finally:
        estimator.close()
    found = int((conf > 0).any(axis=1).sum())
    if found == 0 and not allow_empty:
        raise ExtractError(
            f"no person found in any of its {len(conf)} frames "
            "(use --allow-empty to keep the empty frames)",
            path=info.path,
        )
    meta: dict[str, str | int | float | bool] = {
        "source": info.path.name,
        "reader": info.reader,
        "every": every,
    }
    meta.update(estimator.metadata())
    return PoseSequence(xy, conf, info.fps / every, info.width, info.height, HOLISTIC, meta=meta)


def _estimate(
    estimator: PoseBackend, info: VideoInfo, every: int, progress: Progress | None
) -> tuple[np.ndarray, np.ndarray]:
    """xy [T, 543, 2] and conf [T, 543] float32 for the kept frames, read one batch at a time."""
    expected = len(range(0, info.num_frames, every))
    xy = np.zeros((expected, HOLISTIC.num_points, 2), np.float32)
    conf = np.zeros((expected, HOLISTIC.num_points), np.float32)
    count = 0
    for frame in read_frames(info, every):
        if count == len(xy):  # the container under-reported its length (ffmpeg estimate)
            xy, conf = _grow(xy), _grow(conf)
        pose = estimator(frame)
        xy[count], conf[count] = pose.xy, pose.conf
        count += 1
        if progress is not None:
            progress(count, max(expected, count))
    if count == 0:
        raise ExtractError("no frames could be decoded", path=info.path)
    return xy[:count], conf[:count]


def _grow(array: np.ndarray) -> np.ndarray:
    return np.concatenate([array, np.zeros_like(array)], axis=0)
