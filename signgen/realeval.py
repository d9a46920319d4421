"""Evaluation on real people: self-reenactment of a video and the pair protocol.

Video (self-reenactment): frame 0 of a clip is the reference photo, the clip's own extracted
poses are the motion; signgen renders the clip (the same path as `signgen render`, through
H.264) and frames 1..N are scored against the clip. Pairs: a folder of photos of one person;
the first is the reference, each other photo is a target whose pose is estimated from it.

Beside the render, two reference rows: copying the reference photo (the floor: a render that
never moves) and the true-motion warp (the reference warped by OpenCV DIS optical flow
computed from the true frame: the most any warp of the reference can give).

Regions: a pixel is "moving" in a target frame when its colour differs from the reference by
more than `MOVING_THRESHOLD` (sum of absolute RGB differences, values in [0, 1]); the rest is
"static". Scores are taken at the render's size.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

from signgen.errors import ConfigError, SigngenError
from signgen.metrics import flicker_ratio, region_psnr, ssim
from signgen.render.options import RenderOptions
from signgen.render.real import PersonRenderer

MOVING_THRESHOLD = 0.15
MAX_FRAMES = 75
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
ROWS = ("render", "copy", "warp")
ROW_TITLES = {"render": "signgen", "copy": "copy", "warp": "true warp"}


@dataclass(frozen=True)
class RegionScores:
    """One row's figures over the scored frames (PSNR in dB)."""

    psnr: float
    ssim: float
    moving_psnr: float
    static_psnr: float


@dataclass(frozen=True)
class RealResult:
    """One source scored: ``rows`` maps render / copy / warp to their `RegionScores`.

    flicker: the render's mean frame-to-frame change over the source's (video protocol only;
    1 = as lively as the source). own_psnr: the render's first frame against the reference
    (the signer in their own pose must come back as the photo; video protocol only).
    """

    source: str
    protocol: str
    frames: int
    size: int
    rows: dict[str, RegionScores]
    flicker: float | None = None
    own_psnr: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class RealReport:
    """Every source scored, and the means over them."""

    results: list[RealResult] = field(default_factory=list)

    def mean(self, row: str, key: str) -> float:
        return float(np.mean([getattr(r.rows[row], key) for r in self.results]))

    def to_dict(self) -> dict[str, Any]:
        means = {row: {k: self.mean(row, k) for k in RegionScores.__dataclass_fields__}
                 for row in ROWS}  # fmt: skip
        return {"format": "signgen.real-eval/1", "results": [r.to_dict() for r in self.results],
                "mean": means}  # fmt: skip


def square(frame: np.ndarray) -> np.ndarray:
    """The largest square: centred across a landscape frame, from the top of a portrait one
    (head to waist), as `signgen.io.image.read_image` frames a reference."""
    height, width = frame.shape[:2]
    side = min(width, height) // 2 * 2  # even: H.264 4:2:0
    left = (width - side) // 2
    return frame[:side, left : left + side]


def read_source(source: Path, max_frames: int = MAX_FRAMES) -> tuple[list[np.ndarray], float]:
    """A clip's square frames (uint8 RGB, native resolution) and fps: a video file, or a
    folder of images played in name order at 25 fps. Clips faster than 40 fps keep every
    second frame."""
    if source.is_dir():
        paths = sorted(p for p in source.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if len(paths) < 2:
            raise ConfigError("a frame folder needs at least two images", path=source)
        images = [np.asarray(Image.open(p).convert("RGB")) for p in paths[:max_frames]]
        if len({f.shape for f in images}) != 1:
            raise ConfigError("the images in a frame folder must share one size", path=source)
        return [square(f) for f in images], 25.0
    from signgen.io.video import probe_video, read_frames

    info = probe_video(source)
    step = 2 if info.fps > 40 else 1
    frames: list[np.ndarray] = []
    for frame in read_frames(info, step):
        frames.append(square(frame))
        if len(frames) == max_frames:
            break
    if len(frames) < 2:
        raise ConfigError("a clip needs at least two frames", path=source)
    return frames, info.fps / step


def resize_frames(frames: Sequence[np.ndarray], size: int) -> np.ndarray:
    """uint8 [N, size, size, 3]: each square frame box-filtered to ``size``."""
    return np.stack(
        [np.asarray(Image.fromarray(f).resize((size, size), Image.Resampling.BOX)) for f in frames]
    )


def true_motion_warp(truth: np.ndarray) -> np.ndarray:
    """The reference (``truth[0]``) warped onto every frame by DIS optical flow computed from
    the true frame (backward flow, bilinear): uint8 [N, S, S, 3], frame 0 the reference."""
    dis = cv2.DISOpticalFlow.create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    reference = truth[0]
    grey = cv2.cvtColor(reference, cv2.COLOR_RGB2GRAY)
    height, width = grey.shape
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    out = [reference]
    for frame in truth[1:]:
        flow = dis.calc(cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY), grey, None)  # type: ignore[call-overload]
        out.append(cv2.remap(reference, xs + flow[..., 0], ys + flow[..., 1], cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_REFLECT))  # fmt: skip
    return np.stack(out)


def moving_mask(reference: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """bool [N, S, S]: where each frame's colour differs from the reference (see module)."""
    diff = np.abs(frames.astype(np.int32) - reference.astype(np.int32)).sum(axis=-1)
    return diff > MOVING_THRESHOLD * 255


def score_rows(
    render: np.ndarray, truth: np.ndarray, reference: np.ndarray, warp: np.ndarray
) -> dict[str, RegionScores]:
    """The three rows scored on target frames (all uint8 [N, S, S, 3]; ``reference`` [S, S, 3])."""
    moving = moving_mask(reference, truth)
    copy = np.broadcast_to(reference, truth.shape)
    rows = {}
    for name, frames in (("render", render), ("copy", copy), ("warp", warp)):
        rows[name] = RegionScores(
            psnr=region_psnr(frames, truth),
            ssim=ssim(frames, truth),
            moving_psnr=region_psnr(frames, truth, moving),
            static_psnr=region_psnr(frames, truth, ~moving),
        )
    return rows


def evaluate_video(
    renderer: PersonRenderer,
    source: Path,
    options: RenderOptions,
    max_frames: int = MAX_FRAMES,
) -> RealResult:
    """Self-reenactment of one clip (see module), rendered exactly as `signgen render` does
    (poses extracted from the clip, reference pose by MediaPipe, through H.264)."""
    from signgen.extract import extract_poses
    from signgen.io.image import read_image, write_png
    from signgen.io.video import read_video
    from signgen.render.output import render_to_video
    from signgen.render.poses import estimate_reference_pose
    from signgen.video import write_video

    frames, fps = read_source(source, max_frames)
    size = renderer.size
    truth = resize_frames(frames, size)
    with tempfile.TemporaryDirectory(prefix="signgen-real-") as temp:
        folder = Path(temp)
        write_video(folder / "clip.mp4", frames, fps, crf=0)
        write_png(frames[0], folder / "reference.png")
        poses = extract_poses(folder / "clip.mp4", allow_empty=True)
        reference = read_image(folder / "reference.png", size=size)
        reference_pose = estimate_reference_pose(reference)
        render_to_video(renderer, reference, poses, options, folder / "render.mp4",
                        reference_pose=reference_pose)  # fmt: skip
        rendered = read_video(folder / "render.mp4").frames
    if len(rendered) != len(truth):
        raise SigngenError(f"the render has {len(rendered)} frames, the clip {len(truth)}")
    warp = true_motion_warp(truth)
    rows = score_rows(rendered[1:], truth[1:], truth[0], warp[1:])
    return RealResult(
        str(source), "video", len(truth) - 1, size, rows,
        flicker=flicker_ratio(rendered[1:], truth[1:]),
        own_psnr=region_psnr(rendered[:1], truth[:1]),
    )  # fmt: skip


def evaluate_pairs(renderer: PersonRenderer, folder: Path, options: RenderOptions) -> RealResult:
    """The pair protocol on a folder of photos of one person (see module)."""
    frames, _ = read_source(folder, max_frames=10_000)
    truth = resize_frames(frames, renderer.size)
    rendered = render_pairs(renderer, truth, options)
    warp = true_motion_warp(truth)
    rows = score_rows(rendered, truth[1:], truth[0], warp[1:])
    return RealResult(str(folder), "pairs", len(rendered), renderer.size, rows)


def render_pairs(
    renderer: PersonRenderer, photos: np.ndarray, options: RenderOptions
) -> np.ndarray:
    """``photos[0]`` (uint8 [N, S, S, 3]) rendered in the pose of each other photo (estimated
    by MediaPipe; same camera, so nothing is refitted): uint8 [N - 1, S, S, 3]."""
    from signgen.render.poses import estimate_reference_pose

    reference = photos[0]
    reference_pose = estimate_reference_pose(reference)
    still = dataclasses.replace(options, fit_poses=False, smoothing="none", max_gap=0)
    rendered = []
    for target in photos[1:]:
        pose = estimate_reference_pose(target)
        clip = renderer.render_clip(reference, pose, still, reference_pose=reference_pose,
                                    ease_seconds=0.0)  # fmt: skip
        rendered.append(next(iter(clip.frames())).image)
    return np.stack(rendered)


def evaluate_real(
    renderer: PersonRenderer,
    videos: Sequence[Path],
    pair_folders: Sequence[Path],
    options: RenderOptions,
    max_frames: int = MAX_FRAMES,
    progress: Callable[[str], None] | None = None,
) -> RealReport:
    """Every clip (video protocol) and every folder (pair protocol) scored."""
    report = RealReport()
    for video in videos:
        if progress is not None:
            progress(f"{video} (video)")
        report.results.append(evaluate_video(renderer, video, options, max_frames))
    for folder in pair_folders:
        if progress is not None:
            progress(f"{folder} (pairs)")
        report.results.append(evaluate_pairs(renderer, folder, options))
    return report
