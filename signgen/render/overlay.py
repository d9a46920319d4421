"""Side-by-side output: the driving skeleton drawn next to the rendered frame."""

from __future__ import annotations

import cv2
import numpy as np

from signgen.pose.layouts import BODY, FACE, HOLISTIC, LEFT_HAND, RIGHT_HAND

# RGB colours per component: body light grey, face dim, hands in two distinct hues so that a
# swapped left/right is visible at a glance.
_COLOURS = {
    "body": (220, 220, 220),
    "face": (120, 120, 140),
    "left_hand": (255, 160, 40),
    "right_hand": (60, 180, 255),
}
_SPANS = {"body": BODY, "face": FACE, "left_hand": LEFT_HAND, "right_hand": RIGHT_HAND}
_BACKGROUND = (24, 24, 28)


def draw_skeleton(xy: np.ndarray, conf: np.ndarray, width: int, height: int) -> np.ndarray:
    """The canonical skeleton as lines on a dark canvas.

    xy: [543, 2] float32 px in a ``width`` x ``height`` frame; conf: [543] float32, 0 = missing.
    Returns uint8 [height, width, 3] RGB.
    """
    canvas = np.empty((height, width, 3), np.uint8)
    canvas[:] = _BACKGROUND
    # Sub-pixel coordinates (shift=4) keep small renders smooth; cv2 wants int32 points.
    points = np.round(np.nan_to_num(xy) * 16).astype(np.int32)
    seen = conf > 0
    thickness = max(1, round(min(width, height) / 160))
    for a, b, colour in _LIMBS:
        if seen[a] and seen[b]:
            pa = (int(points[a, 0]), int(points[a, 1]))
            pb = (int(points[b, 0]), int(points[b, 1]))
            cv2.line(canvas, pa, pb, colour, thickness, cv2.LINE_AA, shift=4)
    return canvas


def side_by_side(skeleton: np.ndarray, frame: np.ndarray) -> np.ndarray:
    """uint8 [H, 2W, 3]: the skeleton panel on the left, the rendered frame on the right."""
    return np.concatenate([skeleton, frame], axis=1)


def _component_of(index: int) -> str:
    return next(name for name, span in _SPANS.items() if span.start <= index < span.stop)


_LIMBS = [(a, b, _COLOURS[_component_of(a)]) for a, b in HOLISTIC.limbs()]
