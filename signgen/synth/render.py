"""`render_frame`: one synthetic signer image and its part mask from a canonical pose frame.

Mask labels: 0 background, 1 torso and neck, 2 head (face and hair), 3 left arm, 4 right arm,
5 left hand, 6 right hand (the signer's own sides; the signer's left is on the image right).

Draw order (painter's algorithm) stands in for depth: hair behind, neck, torso, head, then the
two arms each with its hand, the arm whose hand is higher last (a raised hand is in front of
the other, the face and the body, as in signing).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from signgen.pose.layouts import FACE, LEFT, RIGHT
from signgen.synth.appearance import Appearance
from signgen.synth.background import background
from signgen.synth.body import (
    LABEL_LEFT_ARM,
    LABEL_LEFT_HAND,
    LABEL_RIGHT_ARM,
    LABEL_RIGHT_HAND,
    MASK_LUT,
    Style,
    draw_arm,
    draw_neck,
    draw_torso,
    torso_outline,
)
from signgen.synth.canvas import Canvas
from signgen.synth.cloth import apply_pattern
from signgen.synth.face import draw_hair_back, draw_head, head_affine
from signgen.synth.hands import draw_hand, fist_points
from signgen.synth.skeleton import complete_face, frame_anchor, neutral_xy

MASK_LABELS = ("background", "torso", "head", "left_arm", "right_arm", "left_hand", "right_hand")


@dataclass(frozen=True)
class SynthFrame:
    """image: uint8 [H, W, 3] RGB; mask: uint8 [H, W] part labels (see `MASK_LABELS`)."""

    image: np.ndarray
    mask: np.ndarray


@dataclass(frozen=True)
class _Arm:
    shoulder: np.ndarray
    elbow: np.ndarray
    wrist: np.ndarray
    hand: np.ndarray  # [21, 2] px (a fist when the source lost the hand)
    right: bool


def render_frame(appearance: Appearance, xy: np.ndarray, conf: np.ndarray, size: int) -> SynthFrame:
    """Draw ``appearance`` in the pose (xy [543, 2] float32 px, conf [543] float32) at size x size.

    The pose should already be fitted to the frame (see `signgen.synth.retarget`). Missing
    points (conf 0) are completed plausibly: body points from the neutral pose, face points
    from the template face, a missing hand becomes a closed fist at the wrist. Deterministic.
    """
    xy = np.asarray(xy, np.float64)
    conf = np.asarray(conf, np.float32)
    style = _style(appearance, size)
    rest = _neutral(appearance, size)
    body = np.where(conf[:33, None] > 0, xy[:33], rest[:33])
    face = complete_face(xy[FACE], conf[FACE], body, conf[:33], rest[FACE])
    palm = appearance.hand * style.shoulder_width
    arms = [_arm(body, xy, conf, palm, right) for right in (False, True)]
    # The arm whose hand is higher in the frame is in front (drawn last).
    arms.sort(key=lambda arm: -float(np.min(arm.hand[:, 1])))

    image = background(appearance, size).copy()
    mask = np.zeros((size, size), np.uint8)
    canvas = Canvas(image, mask)
    affine = head_affine(face)
    draw_hair_back(canvas, style, affine)
    shoulders = (body[LEFT.shoulder], body[RIGHT.shoulder])
    chin = face[152]
    draw_neck(canvas, style, (shoulders[0] + shoulders[1]) / 2, chin)
    hips = (body[LEFT.hip], body[RIGHT.hip])
    outline = torso_outline(shoulders[0], shoulders[1], hips, style.shoulder_width, size)
    draw_torso(canvas, style, outline)
    draw_head(canvas, style, face, affine)
    for arm in arms:
        arm_label = LABEL_RIGHT_ARM if arm.right else LABEL_LEFT_ARM
        draw_arm(canvas, style, arm.shoulder, arm.elbow, arm.wrist, arm_label)
        draw_hand(canvas, style, arm.hand, palm, LABEL_RIGHT_HAND if arm.right else LABEL_LEFT_HAND)
    across = shoulders[0] - shoulders[1]
    across = across / max(float(np.hypot(*across)), 1e-6)
    joints = {
        (LABEL_RIGHT_ARM if arm.right else LABEL_LEFT_ARM): np.stack(
            [arm.shoulder, arm.elbow, arm.wrist]
        )
        for arm in arms
    }
    mid = (shoulders[0] + shoulders[1]) / 2
    apply_pattern(image, mask, appearance, mid, across, joints, style.shoulder_width)
    return SynthFrame(image=image, mask=MASK_LUT[mask])


def _arm(body: np.ndarray, xy: np.ndarray, conf: np.ndarray, palm: float, right: bool) -> _Arm:
    side = RIGHT if right else LEFT
    shoulder, elbow, wrist = body[side.shoulder], body[side.elbow], body[side.wrist]
    span = side.hand
    if (conf[span] > 0).all():
        hand = xy[span]
        wrist = hand[0]
    else:
        hand = fist_points(wrist, elbow, palm, right).astype(np.float64)
    return _Arm(shoulder, elbow, wrist, hand, right)


@lru_cache(maxsize=64)
def _style(appearance: Appearance, size: int) -> Style:
    return Style.of(appearance, size)


@lru_cache(maxsize=64)
def _neutral(appearance: Appearance, size: int) -> np.ndarray:
    xy = neutral_xy(appearance, size).astype(np.float64)
    xy.setflags(write=False)
    return xy


__all__ = ["MASK_LABELS", "SynthFrame", "frame_anchor", "render_frame"]
