"""Drawing a hand from its 21 points: palm polygon and five jointed, tapering fingers.

Each finger segment is a capsule with a darker rim one pixel-ish wider, so neighbouring
fingers stay separate even at 128 x 128. Finger radii are fractions of the palm length
(wrist -> middle knuckle) of the appearance, so fingers keep their thickness when a hand
turns edge-on and its 2-D palm shrinks.
"""

from __future__ import annotations

import cv2
import numpy as np

from signgen.pose.layouts import FINGERS
from signgen.synth.body import Style
from signgen.synth.canvas import Canvas, capsule_outlines, fixed
from signgen.synth.handshapes import fist_handshape, place_hand

# Base radius of each finger (thumb .. pinky) as a fraction of the palm length; tips taper.
_FINGER_RADIUS = (0.125, 0.105, 0.108, 0.1, 0.088)
_TAPER = (1.0, 0.92, 0.84, 0.78)  # radius factor at knuckle, middle joint, last joint, tip
_PALM_POINTS = np.array([0, 1, 2, 5, 9, 13, 17])
# Finger segments (knuckle -> middle -> last joint -> tip), drawn back to front: pinky first,
# thumb last (palm-facing views dominate signing).
_DRAW_ORDER = (4, 3, 2, 1, 0)
_SEG_A = np.array([FINGERS[f][j] for f in _DRAW_ORDER for j in (1, 2, 3)])
_SEG_B = _SEG_A + 1
_SEG_RA = np.array([_FINGER_RADIUS[f] * _TAPER[j] for f in _DRAW_ORDER for j in (0, 1, 2)])
_SEG_RB = np.array([_FINGER_RADIUS[f] * _TAPER[j] for f in _DRAW_ORDER for j in (1, 2, 3)])
_FIST = fist_handshape()


def fist_points(wrist: np.ndarray, elbow: np.ndarray, palm: float, right: bool) -> np.ndarray:
    """[21, 2] px: a closed fist at ``wrist``, continuing the forearm's direction."""
    d = wrist - elbow
    angle = float(np.arctan2(d[1], d[0])) if np.hypot(*d) > 1e-3 else np.pi / 2
    return place_hand(_FIST, wrist, angle, palm, right)


def draw_hand(canvas: Canvas, style: Style, hand: np.ndarray, palm: float, label: int) -> None:
    """Draw one hand. hand: [21, 2] px; palm: the appearance's palm length in px."""
    rim = style.skin_dark
    skin = style.skin
    border = max(0.6, palm * 0.03)
    outline = _palm_outline(hand, palm)
    center = outline.mean(axis=0)
    grown = center + (outline - center) * (1 + border / (palm * 0.45))
    canvas.convex(grown, rim, label)
    canvas.convex(outline, skin, label)
    # All 15 finger segments at once; rim first, then skin, finger by finger, so a finger's
    # joints show no seams but its neighbours are separated by a rim.
    a, b = hand[_SEG_A], hand[_SEG_B]
    ra, rb = _SEG_RA * palm, _SEG_RB * palm
    both = fixed(
        capsule_outlines(
            np.concatenate([a, a]), np.concatenate([b, b]),
            np.concatenate([ra + border, ra]), np.concatenate([rb + border, rb]),
        )
    )  # fmt: skip
    rims, skins = both[:15], both[15:]
    for f in range(5):
        s = slice(3 * f, 3 * f + 3)
        canvas.fixed_convex(rims[s], rim, label)
        canvas.fixed_convex(skins[s], skin, label)


def _palm_outline(hand: np.ndarray, palm: float) -> np.ndarray:
    """[N, 2] convex palm: the knuckles, thumb base and a wrist as wide as the palm."""
    axis = hand[9] - hand[0]
    length = float(np.hypot(*axis))
    across = np.array([-axis[1], axis[0]]) / length if length > 1e-3 else np.array([1.0, 0])
    half = palm * 0.3
    points = np.concatenate(
        [hand[_PALM_POINTS], [hand[0] + across * half, hand[0] - across * half]]
    ).astype(np.float32)
    hull = cv2.convexHull(points)[:, 0, :]
    return np.asarray(hull, np.float64)
