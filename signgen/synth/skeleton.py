"""The synthetic signer's skeleton: framing, the neutral pose, and completing missing points.

Framing follows sign-language broadcasts: upper body, head to waist, elbows to elbows. The
shoulder centre sits at ``SHOULDER_CENTER`` (fractions of the frame), the shoulder width is
``appearance.shoulder_width`` of the frame size.
"""

from __future__ import annotations

import numpy as np

from signgen.pose.layouts import (
    CANONICAL,
    FACE,
    FACE_CONTOURS,
    SIDES,
)
from signgen.pose.sequence import PoseSequence
from signgen.synth.appearance import Appearance
from signgen.synth.face_template import FACE_TEMPLATE
from signgen.synth.handshapes import place_hand, relaxed_handshape

SHOULDER_CENTER = (0.5, 0.49)
NUM_POINTS = CANONICAL.num_points
FACE_START = FACE.start
LEFT_EYE_POINTS = np.array(FACE_CONTOURS["left_eye"][:-1])
RIGHT_EYE_POINTS = np.array(FACE_CONTOURS["right_eye"][:-1])
# Face-mesh points behind the body's head points (nose, eyes, ears, mouth corners), in order
# of body indices 0..10; eyes use their contour means instead (see `body_head_points`).
# (Indices 2 and 5 are placeholders, overwritten by the eye centres.)
_HEAD_FROM_FACE = np.array([1, 362, 0, 263, 133, 0, 33, 454, 234, 291, 61])


def frame_anchor(appearance: Appearance, size: int) -> tuple[np.ndarray, float]:
    """(shoulder centre [2] px, shoulder width px) of ``appearance`` in a ``size`` frame."""
    center = np.array(SHOULDER_CENTER, np.float64) * size
    return center, appearance.shoulder_width * size


def eye_centers(face: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(left, right) eye centres [..., 2] from the face points [..., 468, 2]."""
    return face[..., LEFT_EYE_POINTS, :].mean(axis=-2), face[..., RIGHT_EYE_POINTS, :].mean(axis=-2)


def template_face(eye_mid: np.ndarray, eye_distance: float, angle: float = 0.0) -> np.ndarray:
    """The template face [468, 2] with its eye midpoint at ``eye_mid``, tilted by ``angle``."""
    c, s = np.cos(angle), np.sin(angle)
    return np.asarray(FACE_TEMPLATE @ np.array([[c, s], [-s, c]]) * eye_distance + eye_mid)


def body_head_points(face: np.ndarray) -> np.ndarray:
    """Body points 0..10 [..., 11, 2] (nose, eyes, ears, mouth corners) from the face points
    [..., 468, 2]."""
    out = face[..., _HEAD_FROM_FACE, :].copy()
    out[..., 2, :], out[..., 5, :] = eye_centers(face)
    return out


def complete_face(
    face: np.ndarray,
    conf: np.ndarray,
    body: np.ndarray,
    body_conf: np.ndarray,
    fallback: np.ndarray,
) -> np.ndarray:
    """The face [468, 2] with missing points filled from the template.

    The template is fitted (similarity, least squares) to the present face points; with fewer
    than 6 of them, to the body's eyes and nose; with neither, ``fallback`` [468, 2] is used.
    """
    present = conf > 0
    if present.all():
        return face
    if present.sum() >= 6:
        src, dst = FACE_TEMPLATE[present], face[present]
    else:
        idx = [i for i in (2, 5, 0) if body_conf[i] > 0]
        if len(idx) < 2:
            return np.where(present[:, None], face, fallback)
        tmpl = body_head_points(FACE_TEMPLATE)
        src, dst = tmpl[idx], body[idx]
    fitted = _apply(_fit_similarity(src, dst), FACE_TEMPLATE)
    return np.where(present[:, None], face, fitted)


def _fit_similarity(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """[2, 3] similarity (rotation, uniform scale, shift) mapping src [N, 2] onto dst [N, 2]."""
    ms, md = src.mean(axis=0), dst.mean(axis=0)
    a, b = src - ms, dst - md
    denom = float((a**2).sum()) or 1.0
    p = float((a * b).sum()) / denom
    q = float((a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]).sum()) / denom
    m = np.array([[p, -q], [q, p]])
    return np.hstack([m, (md - m @ ms)[:, None]])


def _apply(affine: np.ndarray, points: np.ndarray) -> np.ndarray:
    return np.asarray(points @ affine[:, :2].T + affine[:, 2])


def neutral_xy(appearance: Appearance, size: int) -> np.ndarray:
    """The neutral pose [543, 2] px: facing the camera, hands resting in front of the waist."""
    center, sw = frame_anchor(appearance, size)
    xy = np.zeros((NUM_POINTS, 2))
    eye_mid = center - (0, appearance.neck * sw)
    face = template_face(eye_mid, appearance.head * sw)
    xy[FACE] = face
    xy[:11] = body_head_points(face)
    for points in SIDES:
        side = -1 if points.right else 1  # +1: the signer's left, on the image right
        shoulder = center + (side * sw / 2, 0)
        elbow = shoulder + np.array([side * 0.18, 0.82]) * sw
        wrist = center + np.array([side * 0.3, 0.82]) * sw
        xy[points.shoulder] = shoulder
        xy[points.elbow] = elbow
        xy[points.wrist] = wrist
        xy[points.hip] = center + (side * appearance.hips * sw / 2, 1.43 * sw)
        angle = np.pi / 2 + side * 0.6  # fingers down and towards the body's midline
        hand = place_hand(relaxed_handshape(), wrist, angle, appearance.hand * sw, points.right)
        xy[points.hand] = hand
    set_body_hand_points(xy)
    return xy.astype(np.float32)


def neutral_conf() -> np.ndarray:
    """[543] confidences of a synthetic pose: 1 everywhere but the legs (25..32), which are 0."""
    conf = np.ones(NUM_POINTS, np.float32)
    conf[25:33] = 0
    return conf


def set_body_hand_points(xy: np.ndarray) -> None:
    """Body points 17..22 (pinky, index, thumb) from the hand points, in place ([..., 543, 2])."""
    for side in SIDES:
        h, offset = xy[..., side.hand, :], int(side.right)
        for body, point in ((17, 17), (19, 5), (21, 2)):
            xy[..., body + offset, :] = h[..., point, :]


def neutral_pose(appearance: Appearance, size: int) -> PoseSequence:
    """One frame of ``appearance``'s neutral pose in a ``size`` x ``size`` frame (canonical)."""
    return PoseSequence(
        xy=neutral_xy(appearance, size)[None],
        conf=neutral_conf()[None],
        fps=25.0,
        width=size,
        height=size,
        layout=CANONICAL,
    )
