"""Pose -> multi-channel conditioning raster at image resolution (DESIGN.md section 5).

Each body part is drawn on its own channel, so the pose encoder can tell a thumb from a
pinky and the signer's left hand from the right: 6 body channels (torso, four arm segments,
head), 6 per hand (five fingers from the wrist, the knuckle line), 4 face channels (oval,
eyes and brows, lips, nose). Lines are anti-aliased with sub-pixel endpoints (cv2 fixed-point
``shift``), values in [0, 1]. A segment with a missing endpoint (confidence 0) is not drawn.
"""

from __future__ import annotations

import cv2
import numpy as np
import torch
from torch import Tensor

from signgen.pose.layouts import (
    BODY,
    FACE,
    FACE_CONTOURS,
    FINGERS,
    LEFT_ELBOW,
    LEFT_HAND,
    LEFT_HIP,
    LEFT_SHOULDER,
    LEFT_WRIST,
    NOSE,
    RIGHT_ELBOW,
    RIGHT_HAND,
    RIGHT_HIP,
    RIGHT_SHOULDER,
    RIGHT_WRIST,
)

NUM_POINTS = 543
_SHIFT = 4  # cv2 fixed-point bits: endpoints at 1/16 pixel
_REFERENCE_SIZE = 128  # line widths below are for a 128-pixel raster and scale with size


def _chain(points: tuple[int, ...], offset: int = 0) -> list[tuple[int, int]]:
    return [(offset + a, offset + b) for a, b in zip(points, points[1:], strict=False)]


def _hand_channels(offset: int) -> list[list[tuple[int, int]]]:
    fingers = [_chain(chain, offset) for chain in FINGERS]
    knuckles = _chain((5, 9, 13, 17), offset)
    return [*fingers, knuckles]


def _face(*names: str) -> list[tuple[int, int]]:
    return [pair for name in names for pair in _chain(FACE_CONTOURS[name], FACE.start)]


# (segments as global point-index pairs, line width at 128 px) per channel.
_BODY_HEAD = [(NOSE, 2), (NOSE, 5), (2, 7), (5, 8), (9, 10)]
_TORSO = [
    (LEFT_SHOULDER, RIGHT_SHOULDER),
    (LEFT_SHOULDER, LEFT_HIP),
    (RIGHT_SHOULDER, RIGHT_HIP),
    (LEFT_HIP, RIGHT_HIP),
]
CHANNELS: tuple[tuple[str, tuple[tuple[int, int], ...], int], ...] = tuple(
    (name, tuple(segments), width)
    for name, segments, width in [
        ("torso", _TORSO, 2),
        ("left_upper_arm", [(LEFT_SHOULDER, LEFT_ELBOW)], 2),
        ("left_forearm", [(LEFT_ELBOW, LEFT_WRIST)], 2),
        ("right_upper_arm", [(RIGHT_SHOULDER, RIGHT_ELBOW)], 2),
        ("right_forearm", [(RIGHT_ELBOW, RIGHT_WRIST)], 2),
        ("head", [(BODY.start + a, BODY.start + b) for a, b in _BODY_HEAD], 1),
        *[
            (f"left_{part}", segs, 1)
            for part, segs in zip(
                ("thumb", "index", "middle", "ring", "pinky", "knuckles"),
                _hand_channels(LEFT_HAND.start),
                strict=True,
            )
        ],
        *[
            (f"right_{part}", segs, 1)
            for part, segs in zip(
                ("thumb", "index", "middle", "ring", "pinky", "knuckles"),
                _hand_channels(RIGHT_HAND.start),
                strict=True,
            )
        ],
        ("face_oval", _face("face_oval"), 1),
        ("eyes_brows", _face("left_eye", "right_eye", "left_brow", "right_brow"), 1),
        ("lips", _face("lips_outer", "lips_inner"), 1),
        ("nose", _face("nose"), 1),
    ]
)
NUM_CHANNELS = len(CHANNELS)
"""Channels of the raster (22)."""

_SEGMENTS = [np.asarray(segments, dtype=np.int64) for _, segments, _ in CHANNELS]


def pose_raster(xy: np.ndarray, conf: np.ndarray, size: int) -> np.ndarray:
    """Draw one pose as a `NUM_CHANNELS`-channel raster.

    Args:
        xy: [543, 2] float32, pixel coordinates in a ``size`` x ``size`` frame (canonical layout).
        conf: [543] float32, 0 = missing.
        size: raster height and width in pixels.

    Returns:
        float32 [NUM_CHANNELS, size, size] in [0, 1].
    """
    raster = np.zeros((NUM_CHANNELS, size, size), dtype=np.uint8)
    fixed = np.round(np.nan_to_num(xy, nan=-1e4) * (1 << _SHIFT)).clip(-(2**28), 2**28)
    fixed = fixed.astype(np.int32)
    visible = (conf > 0) & np.isfinite(xy).all(axis=1)
    scale = size / _REFERENCE_SIZE
    for channel, ((_, _, width), segments) in enumerate(zip(CHANNELS, _SEGMENTS, strict=True)):
        keep = segments[visible[segments[:, 0]] & visible[segments[:, 1]]]
        if len(keep) == 0:
            continue
        lines = list(fixed[keep])  # each [2, 2]: one segment as a 2-point polyline
        thickness = max(1, round(width * scale))
        cv2.polylines(raster[channel], lines, False, (255,), thickness, cv2.LINE_AA, _SHIFT)
    return raster.astype(np.float32) / 255.0


def pose_raster_batch(poses: Tensor, size: int) -> Tensor:
    """Batched form of `pose_raster` for training and rendering.

    Args:
        poses: [B, 543, 3] float (x px, y px, confidence), any device.
        size: raster height and width.

    Returns:
        float32 [B, NUM_CHANNELS, size, size] in [0, 1], on ``poses``'s device.
    """
    host = poses.detach().to("cpu", torch.float32).numpy()
    rasters = np.stack([pose_raster(p[:, :2], p[:, 2], size) for p in host])
    return torch.from_numpy(rasters).to(poses.device)
