"""Body parts of a signer, described once: which pose points move each part, how it is drawn
as a mask around its bones, and its place in the depth order.

Masks are soft (float32 [S, S] in [0, 1]) and exclusive: a pixel belongs to the frontmost
part that claims it (hands before forearms before upper arms before the head before the
torso), inside the person mask. Widths scale with the shoulder width, so any framing works.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

from signgen.pose.layouts import (
    FINGERS,
    LEFT,
    LEFT_ELBOW,
    LEFT_HAND,
    LEFT_HIP,
    LEFT_SHOULDER,
    LEFT_WRIST,
    RIGHT,
    RIGHT_ELBOW,
    RIGHT_HAND,
    RIGHT_HIP,
    RIGHT_SHOULDER,
    RIGHT_WRIST,
    Side,
)

Kind = Literal["torso", "head", "limb", "hand"]
HEAD_POINTS = tuple(range(11))  # nose, eyes, ears, mouth corners (MediaPipe Pose)
SLEEVE = 0.35
"""How far below the shoulder (a share of the shoulder width) what sticks out beyond the
trunk's line still belongs to the upper arm: the deltoid and a short sleeve; below it, the
trunk's own side."""
PALM = (0, 1, 2, 5, 9, 13, 17)  # wrist, the thumb's base, the knuckles (of the 21 hand points)


@dataclass(frozen=True)
class Part:
    """A body part.

    points: canonical point indices whose motion moves the part (a limb: its two joints,
        start and end; a hand: its 21 points; the head and torso: landmarks on them).
    fallback: points standing in for ``points`` when those are not seen (a hand's wrist,
        index and pinky knuckles from the body model).
    width: the limb's thickness as a share of the shoulder width (limbs and hands).
    """

    name: str
    kind: Kind
    points: tuple[int, ...]
    fallback: tuple[int, ...] = ()
    width: float = 0.0


def _hand(side: str, span: slice, wrist: int) -> Part:
    body = (wrist, wrist + 2, wrist + 4, wrist + 6)  # wrist, pinky, index, thumb
    return Part(f"{side}_hand", "hand", tuple(range(span.start, span.stop)), body, 0.07)


# Back to front: later parts are drawn over earlier ones and win shared pixels.
PARTS: tuple[Part, ...] = (
    Part("torso", "torso", (LEFT_SHOULDER, RIGHT_SHOULDER, LEFT_HIP, RIGHT_HIP)),
    Part("head", "head", HEAD_POINTS),
    Part("left_upper_arm", "limb", (LEFT_SHOULDER, LEFT_ELBOW), width=0.26),
    Part("right_upper_arm", "limb", (RIGHT_SHOULDER, RIGHT_ELBOW), width=0.26),
    Part("left_forearm", "limb", (LEFT_ELBOW, LEFT_WRIST), width=0.22),
    Part("right_forearm", "limb", (RIGHT_ELBOW, RIGHT_WRIST), width=0.22),
    _hand("left", LEFT_HAND, LEFT_WRIST),
    _hand("right", RIGHT_HAND, RIGHT_WRIST),
)
MOVABLE = tuple(p for p in PARTS if p.kind in ("limb", "hand"))


def shoulder_width(xy: np.ndarray, conf: np.ndarray) -> float:
    """Distance (px) between the shoulders; 0 when either is not seen."""
    if conf[LEFT_SHOULDER] <= 0 or conf[RIGHT_SHOULDER] <= 0:
        return 0.0
    return float(np.linalg.norm(xy[LEFT_SHOULDER] - xy[RIGHT_SHOULDER]))


def control_points(part: Part, xy: np.ndarray, conf: np.ndarray) -> np.ndarray | None:
    """The part's points [N, 2] in this pose, or None when too few are seen to place it.

    A limb needs both joints; a hand its detected points (at least 5) or else the body's
    wrist and knuckles; the head 3 of its points; the torso both shoulders.
    """
    seen = conf > 0
    if part.kind == "limb":
        return xy[list(part.points)] if seen[list(part.points)].all() else None
    if part.kind == "hand":
        for group, least in ((part.points, 5), (part.fallback, 3)):
            index = [i for i in group if seen[i]]
            if len(index) >= least:
                return xy[index]
        return None
    if part.kind == "torso":
        shoulders = list(part.points[:2])
        return xy[shoulders] if seen[shoulders].all() else None
    index = [i for i in part.points if seen[i]]
    return xy[index] if len(index) >= 3 else None


def matched_points(
    part: Part, xy_a: np.ndarray, conf_a: np.ndarray, xy_b: np.ndarray, conf_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """The part's points seen in both poses, as two [N, 2] arrays (a's, b's), or None when
    too few are shared to place it (the rules of `control_points`, on the shared points)."""
    seen = (conf_a > 0) & (conf_b > 0)
    if part.kind in ("limb", "torso"):
        index = list(part.points[:2])
        return (xy_a[index], xy_b[index]) if seen[index].all() else None
    groups = ((part.points, 5), (part.fallback, 3)) if part.kind == "hand" else ((part.points, 3),)
    for group, least in groups:
        shared = [i for i in group if seen[i]]
        if len(shared) >= least:
            return xy_a[shared], xy_b[shared]
    return None


def draw_part(
    part: Part,
    xy: np.ndarray,
    conf: np.ndarray,
    size: int | tuple[int, int],
    scale: float,
    origin: tuple[int, int] = (0, 0),
) -> np.ndarray:
    """The part's shape in this pose (limbs and hands), uint8 [H, W] (255 inside).

    size: S (an S x S canvas) or (H, W); origin: the canvas's top-left corner (x, y) in the
    pose's pixels (to draw one region of the frame). scale: the shoulder width in px. A limb
    is a capsule along its bone; a hand with all its 21 points is its palm (the hull of the
    wrist, the thumb's base and the knuckles) and five fingers a finger's width thick (spread
    fingers show what lies between them); a hand known only by the body's wrist and knuckles
    is the hull of those, thickened.
    """
    shape = (size, size) if isinstance(size, int) else size
    canvas = np.zeros(shape, np.uint8)
    points = control_points(part, xy, conf)
    if points is None:
        return canvas
    thickness = max(2, int(round(part.width * scale)))
    local: np.ndarray = points - np.asarray(origin, np.float32)
    pixels = np.round(local * 4).astype(np.int32)  # 2 fractional bits for sub-pixel lines
    if part.kind == "limb":
        cv2.line(canvas, _pt(pixels[0]), _pt(pixels[1]), (255,), thickness, cv2.LINE_AA, 2)
        return canvas
    if part.kind == "hand":
        whole = len(points) == len(part.points)  # all 21 points: a palm and five fingers
        palm = pixels[list(PALM)] if whole else pixels
        hull = cv2.convexHull(palm)
        cv2.fillConvexPoly(canvas, hull, (255,), cv2.LINE_AA, 2)
        cv2.polylines(canvas, [hull], True, (255,), thickness, cv2.LINE_AA, 2)
        if whole:
            fingers = [pixels[list(chain[1:])] for chain in FINGERS]
            cv2.polylines(canvas, fingers, False, (255,), thickness, cv2.LINE_AA, 2)
        return canvas
    raise ValueError(f"{part.name} is not drawn from its bones")


def part_extent(part: Part, xy: np.ndarray, conf: np.ndarray, scale: float) -> np.ndarray | None:
    """The bounding box (x0, y0, x1, y1) of `draw_part`'s shape, or None when not placed."""
    points = control_points(part, xy, conf)
    if points is None:
        return None
    reach = max(2, int(round(part.width * scale))) / 2 + 2
    return np.concatenate([points.min(axis=0) - reach, points.max(axis=0) + reach])


def _head_shape(xy: np.ndarray, conf: np.ndarray, size: int, scale: float) -> np.ndarray:
    """An ellipse over the face and hair, from the head points (the chin to the crown)."""
    canvas = np.zeros((size, size), np.uint8)
    points = control_points(PARTS[1], xy, conf)
    if points is None:
        return canvas
    centre = points.mean(axis=0)
    radius = max(0.32 * scale, float(np.ptp(points[:, 0])) * 0.8)
    axes = (int(radius * 1.1), int(radius * 1.45))
    cv2.ellipse(
        canvas, (int(centre[0]), int(centre[1] - 0.2 * radius)), axes, 0, 0, 360, (255,), -1
    )
    return canvas


def _beside_trunk(
    side: Side, xy: np.ndarray, conf: np.ndarray, size: int, scale: float
) -> np.ndarray:
    """uint8 [S, S] (255 inside): what sticks out sideways beyond the trunk's line (shoulder to
    hip) on ``side``, from above the shoulder to `SLEEVE` below it (not past the elbow): the
    shoulder's and sleeve's outline, which moves with the upper arm. Empty when the hip or
    elbow is not seen."""
    canvas = np.zeros((size, size), np.uint8)
    other = (RIGHT if side is LEFT else LEFT).shoulder
    if (conf[[side.shoulder, side.hip, side.elbow, other]] <= 0).any() or scale <= 0:
        return canvas
    shoulder = xy[side.shoulder].astype(np.float64)
    down = xy[side.hip] - shoulder
    length = float(np.hypot(*down))
    if length < 1e-6:
        return canvas
    down = down / length
    across = np.array([-down[1], down[0]])
    if float((xy[other] - shoulder) @ across) > 0:  # ``across`` points away from the body
        across = -across
    elbow = float((xy[side.elbow] - shoulder) @ down)
    ys, xs = np.mgrid[0:size, 0:size]
    dx, dy = xs - shoulder[0], ys - shoulder[1]
    along = dx * down[0] + dy * down[1]
    out = dx * across[0] + dy * across[1]
    reach = min(elbow, SLEEVE * scale)
    inside = (out > 0) & (out < 0.6 * scale) & (along > -0.3 * scale) & (along < reach)
    canvas[inside] = 255
    return canvas


def part_masks(
    xy: np.ndarray, conf: np.ndarray, person: np.ndarray, feather: float = 1.0
) -> dict[str, np.ndarray]:
    """Each part's soft mask on the image the pose was taken from.

    xy: [K, 2] float32 canonical points in pixels; conf: [K]; person: float32 [S, S] in [0, 1].
    Returns {part name: float32 [S, S] in [0, 1]}; masks are exclusive (front parts first)
    and their sum is the person mask. ``feather``: Gaussian sigma (px) of the shape edges.
    """
    size = person.shape[0]
    scale = shoulder_width(xy, conf)
    shapes: dict[str, np.ndarray] = {}
    for part in PARTS:
        if part.kind in ("limb", "hand"):
            shapes[part.name] = draw_part(part, xy, conf, size, scale)
    for side in (LEFT, RIGHT):  # a sleeve wider than the bone's capsule goes with the arm
        name = f"{'right' if side.right else 'left'}_upper_arm"
        shapes[name] = np.maximum(shapes[name], _beside_trunk(side, xy, conf, size, scale))
    shapes["head"] = _head_shape(xy, conf, size, scale)
    remaining = person.astype(np.float32).copy()
    masks: dict[str, np.ndarray] = {}
    for part in reversed(PARTS):  # front to back: each takes its share of what is left
        if part.kind == "torso":
            masks[part.name] = remaining
            continue
        shape = shapes[part.name].astype(np.float32) / 255.0
        if feather > 0:
            shape = np.asarray(cv2.GaussianBlur(shape, (0, 0), feather))
        masks[part.name] = remaining * shape
        remaining = remaining - masks[part.name]
    return {part.name: masks[part.name] for part in PARTS}


def _pt(point: np.ndarray) -> tuple[int, int]:
    return int(point[0]), int(point[1])
