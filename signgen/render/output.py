"""A clip straight to disk: frames streamed into an atomic mp4, and its latency report."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import torch

from signgen.io.video import VideoInfo
from signgen.pose.sequence import PoseSequence
from signgen.render.options import RenderOptions
from signgen.render.overlay import draw_skeleton, side_by_side
from signgen.render.real import PersonRenderer, rescale
from signgen.render.renderer import Clip, Frame, Renderer
from signgen.report import FrameTiming, LatencyReport
from signgen.video import VideoWriter

Progress = Callable[[Frame], None]
"""Called after each frame is in the video (for progress bars)."""


@dataclass(frozen=True)
class RenderResult:
    """The written video and the clip's latency report (one `FrameTiming` per frame)."""

    video: VideoInfo
    report: LatencyReport


def render_to_video(
    renderer: Renderer | PersonRenderer,
    reference: np.ndarray,
    poses: PoseSequence,
    options: RenderOptions,
    out: str | Path,
    *,
    reference_pose: PoseSequence | None = None,
    show_skeleton: bool = False,
    progress: Progress | None = None,
    size: int | None = None,
) -> RenderResult:
    """Render ``poses`` with ``reference`` into an H.264 mp4 at the poses' fps.

    Input errors (poses, options) are raised before the output file is created; the mp4
    appears at ``out`` only when every frame is in (an error or Ctrl-C leaves no file).
    ``show_skeleton`` puts the driving skeleton to the left of each frame. ``size``: the
    video's frame size (frames of another size are resized to it); the renderer's by default.
    ``renderer``: a `Renderer`, or a `PersonRenderer` (the real-pixel path).
    """
    clip: Clip = renderer.render_clip(reference, poses, options, reference_pose=reference_pose)
    size = size or renderer.size
    prepared = rescale(clip.poses, size)
    writer = VideoWriter(out, clip.fps, 2 * size if show_skeleton else size, size)

    def sink(index: int, image: np.ndarray) -> None:
        if image.shape[0] != size:
            image = cv2.resize(image, (size, size), interpolation=cv2.INTER_LINEAR)
        if show_skeleton:
            skeleton = draw_skeleton(prepared.xy[index], prepared.conf[index], size, size)
            image = side_by_side(skeleton, image)
        writer.write(image)

    timings: list[FrameTiming] = []
    try:
        for frame in clip.frames(sink):
            timings.append(frame.timing)
            if progress is not None:
                progress(frame)
    except BaseException:
        writer.abort()
        raise
    video = writer.close()
    report = LatencyReport(
        frames=tuple(timings),
        clip_fps=clip.fps,
        setup_ms=clip.setup_ms,
        budget_ms=options.budget_ms,
        meta=run_meta(renderer, options, show_skeleton=show_skeleton),
    )
    return RenderResult(video=video, report=report)


def run_meta(
    renderer: Renderer | PersonRenderer, options: RenderOptions, **extra: Any
) -> dict[str, Any]:
    """What produced a report: the options, device, dtype, threads and frame size."""
    return {
        "options": dataclasses.asdict(options),
        "device": str(renderer.device),
        "dtype": str(renderer.dtype).removeprefix("torch."),
        "threads": torch.get_num_threads(),
        "size": renderer.size,
        "checkpoint": None if renderer.source is None else str(renderer.source),
        **extra,
    }
