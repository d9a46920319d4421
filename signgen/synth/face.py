"""Drawing the head: hair, ears, face oval, eyes, brows, nose and mouth from the face points.

Hair shapes are defined in template units (see `signgen.synth.face_template`) and carried
onto the frame by an affine map fitted to the face outline, so they turn and tilt with it.
"""

from __future__ import annotations

import numpy as np

from signgen.pose.layouts import FACE_CONTOURS
from signgen.synth.body import LABEL_HEAD, Style, shade
from signgen.synth.canvas import Canvas
from signgen.synth.face_template import FACE_TEMPLATE

_OVAL = np.array(FACE_CONTOURS["face_oval"][:-1])
_LIPS_OUT = np.array(FACE_CONTOURS["lips_outer"][:-1])
_LIPS_IN = np.array(FACE_CONTOURS["lips_inner"][:-1])
_EYES = (np.array(FACE_CONTOURS["left_eye"][:-1]), np.array(FACE_CONTOURS["right_eye"][:-1]))
_BROWS = (np.array(FACE_CONTOURS["left_brow"][:-1]), np.array(FACE_CONTOURS["right_brow"][:-1]))
_NOSE_WINGS = np.array([64, 2, 294])  # right ala, below the tip, left ala
# Points that carry the head's affine map: the oval and the eye corners.
_FIT = np.concatenate([_OVAL, np.array([33, 133, 362, 263])])
_FIT_TEMPLATE = np.hstack([FACE_TEMPLATE[_FIT], np.ones((len(_FIT), 1), np.float32)])
_FIT_PINV = np.linalg.pinv(_FIT_TEMPLATE.astype(np.float64))
_UPPER_OVAL = np.array([i for i in _OVAL if FACE_TEMPLATE[i, 1] < 0.1])
# Order the upper outline from the signer's right temple over the top to the left one.
_UPPER_OVAL = _UPPER_OVAL[
    np.argsort(np.arctan2(FACE_TEMPLATE[_UPPER_OVAL, 1] - 0.5, FACE_TEMPLATE[_UPPER_OVAL, 0]))
]


def head_affine(face: np.ndarray) -> np.ndarray:
    """[2, 3] least-squares affine map from template units onto this face (face [468, 2] px)."""
    return np.asarray((_FIT_PINV @ face[_FIT]).T)


def _ellipse_points(
    cx: float, cy: float, ax: float, ay: float, n: int = 20, waves: int = 0
) -> np.ndarray:
    """An ellipse outline [n, 2]; ``waves`` > 0 makes it wavy (curls)."""
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = 1 + (0.05 * np.sin(waves * t) if waves else 0)
    return np.stack([cx + ax * r * np.cos(t), cy + ay * r * np.sin(t)], axis=1)


# Hair shapes in template units, (behind the head, in front of the forehead).
_CRANIUM = _ellipse_points(0.0, -0.3, 1.2, 1.3, 24)
_SHEEN = _ellipse_points(0.0, -1.0, 0.6, 0.38, 16)


def _fringe(depth: float) -> np.ndarray:
    """The hair over the forehead: the upper face outline closed by a hairline curve."""
    upper = FACE_TEMPLATE[_UPPER_OVAL].astype(np.float64) * 1.04
    xs = upper[::-1, 0]
    hairline = np.stack(
        [xs, -0.55 + depth * (1 - (xs / 1.1) ** 2) * 0.3 + 0.35 * (xs / 1.1) ** 4], 1
    )
    return np.concatenate([upper, hairline])


def _hair_shapes(style: str) -> tuple[list[np.ndarray], list[np.ndarray]]:
    back: list[np.ndarray] = []
    front: list[np.ndarray] = []
    if style == "long":
        back.append(np.array([(-1.3, -0.6), (1.3, -0.6), (1.45, 3.3), (-1.45, 3.3)]))
    elif style == "bob":
        back.append(_ellipse_points(0.0, 0.25, 1.4, 1.45, 24))
    elif style == "curly":
        back.append(_ellipse_points(0.0, -0.15, 1.7, 1.75, 64, waves=16))
    elif style == "bun":
        back.append(_ellipse_points(0.0, -1.65, 0.55, 0.5, 16))
    if style != "shaved":
        back.append(_CRANIUM)
        front.append(_fringe(0.0 if style in ("short", "bun") else 0.6))
    return back, front


_HAIR = {style: _hair_shapes(style) for style in ("short", "long", "bob", "bun", "curly", "shaved")}


def _map(affine: np.ndarray, points: np.ndarray) -> np.ndarray:
    return np.asarray(points @ affine[:, :2].T + affine[:, 2])


def draw_hair_back(canvas: Canvas, style: Style, affine: np.ndarray) -> None:
    """Hair behind the head and shoulders (drawn before the body)."""
    look = style.appearance
    color = look.hair if look.hair_style != "shaved" else shade(look.skin, 0.85)
    for shape in _HAIR[look.hair_style][0][:-1] if look.hair_style != "shaved" else []:
        canvas.polygon(_map(affine, shape), shade(color, 0.8), LABEL_HEAD)


def draw_head(canvas: Canvas, style: Style, face: np.ndarray, affine: np.ndarray) -> None:
    """Cranium, ears, face and hair in front; face: [468, 2] px (complete)."""
    look = style.appearance
    if look.hair_style == "shaved":
        canvas.polygon(_map(affine, _CRANIUM), shade(look.skin, 0.9), LABEL_HEAD)
        canvas.polygon(_map(affine, _CRANIUM * 0.97), _mix(look.skin, look.hair, 0.3), LABEL_HEAD)
    else:
        canvas.polygon(_map(affine, _CRANIUM), look.hair, LABEL_HEAD)
        # Sheen on the side of the hair facing the light.
        sheen = _SHEEN + np.array(style.light) * 0.35
        canvas.polygon(_map(affine, sheen), _mix(look.hair, (255, 255, 255), 0.07), -1)
    ear_r = float(np.hypot(*affine[:, 0])) * 0.22
    for ear in (234, 454):
        canvas.ellipse(face[ear], (ear_r, ear_r * 1.6), 0.0, style.skin_shadow, LABEL_HEAD)
    oval = face[_OVAL]
    canvas.polygon(oval, style.skin_shadow, LABEL_HEAD)
    center = oval.mean(axis=0)
    scale = float(np.hypot(*affine[:, 0]))
    canvas.polygon(center + (oval - center) * 0.93 + style.light * scale * 0.08, style.skin, -1)
    _draw_features(canvas, style, face, scale)
    for shape in _HAIR[look.hair_style][1]:
        canvas.polygon(_map(affine, shape), look.hair, LABEL_HEAD)


def _draw_features(canvas: Canvas, style: Style, face: np.ndarray, scale: float) -> None:
    look = style.appearance
    line = max(1, int(round(scale * 0.06)))
    brow = shade(look.hair, 0.7) if look.hair_style != "shaved" else shade(look.skin, 0.45)
    for eye, brow_idx in zip(_EYES, _BROWS, strict=True):
        pts = face[eye]
        canvas.polygon(pts, (236, 232, 226), -1)
        center = pts.mean(axis=0)
        opening = float(np.hypot(*(pts[4] - pts[12])))
        radius = min(0.2 * scale, 0.55 * opening + 0.05 * scale)
        canvas.circle(center, radius, look.eyes, -1)
        canvas.circle(center, radius * 0.45, (20, 16, 14), -1)
        canvas.polyline(pts[:9], shade(look.skin, 0.35), line)
        canvas.polygon(face[brow_idx], brow, -1)
    canvas.polyline(face[_NOSE_WINGS], style.skin_dark, line)
    lips_out, lips_in = face[_LIPS_OUT], face[_LIPS_IN]
    canvas.polygon(lips_out, look.lips, -1)
    opening = float(np.hypot(*(face[13] - face[14])))
    if opening > 0.06 * scale:
        canvas.polygon(lips_in, (70, 24, 30), -1)
        teeth = lips_in[3:8]  # the upper front teeth, clear of the mouth corners
        canvas.polygon(
            np.concatenate([teeth, teeth[::-1] + (0, opening * 0.3)]), (225, 220, 210), -1
        )
    else:
        canvas.polyline(lips_in[:11], shade(look.lips, 0.55), line)


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    r, g, bl = (int(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    return (r, g, bl)
