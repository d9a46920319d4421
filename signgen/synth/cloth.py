"""Patterned tops: stripes or checks laid over the drawn cloth, in the torso's own axes.

The pattern multiplies the shaded cloth colour (so folds and light stay), is computed only on
cloth pixels, and is anti-aliased by a one-pixel ramp at each stripe edge.
"""

from __future__ import annotations

import numpy as np

from signgen.synth.appearance import Appearance
from signgen.synth.body import CLOTH_LABELS

_IS_CLOTH = np.zeros(256, bool)
_IS_CLOTH[list(CLOTH_LABELS)] = True


def apply_pattern(
    image: np.ndarray,
    labels: np.ndarray,
    appearance: Appearance,
    origin: np.ndarray,
    across: np.ndarray,
    arms: dict[int, np.ndarray],
    shoulder_width: float,
) -> None:
    """Lay ``appearance.pattern`` over the cloth pixels of ``image`` (uint8 [H, W, 3], in place).

    labels: uint8 [H, W] drawing-time labels; origin: [2] px (shoulder centre); across: [2]
    unit vector from the signer's right to left shoulder (the torso's pattern turns with the
    body); arms: arm label -> joints [3, 2] (shoulder, elbow, wrist): sleeves carry the
    pattern along the arm, so stripes ring the sleeve as on real clothes.
    """
    if appearance.pattern == "plain":
        return
    ys, xs = np.nonzero(_IS_CLOTH[labels])
    if len(xs) == 0:
        return
    points = np.stack([xs, ys], axis=1).astype(np.float64)
    rel = points - origin
    u = rel @ across
    v = rel[:, 1] * across[0] - rel[:, 0] * across[1]
    pixel_labels = labels[ys, xs]
    for label, joints in arms.items():
        on_arm = pixel_labels == label
        if on_arm.any():
            u[on_arm], v[on_arm] = _arm_coordinates(points[on_arm], joints)
    if appearance.pattern == "stripes":
        period = 0.12 * shoulder_width
        alpha = _stripe(v, period)
    else:
        period = 0.16 * shoulder_width
        a, b = _stripe(u, period), _stripe(v, period)
        alpha = (a + b - 2 * a * b) * 0.7  # checks: one set of stripes XOR the other, softer
    top = np.maximum(np.array(appearance.top, np.float32), 1.0)
    ratio = np.clip(np.array(appearance.top_accent, np.float32) / top, 0.25, 4.0)
    pixels = image[ys, xs].astype(np.float32)
    pixels *= 1 + alpha[:, None].astype(np.float32) * (ratio - 1)
    image[ys, xs] = np.clip(pixels, 0, 255).astype(np.uint8)


def _arm_coordinates(points: np.ndarray, joints: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(across, along) coordinates [N] of points [N, 2] on an arm: along runs from the shoulder
    down the nearer of the two bones (continuing past the elbow), across is perpendicular."""
    coords = []
    start = 0.0
    for a, b in ((joints[0], joints[1]), (joints[1], joints[2])):
        d = b - a
        length = max(float(np.hypot(*d)), 1e-6)
        unit = d / length
        rel = points - a
        along = rel @ unit
        across = rel[:, 0] * unit[1] - rel[:, 1] * unit[0]
        gap = np.hypot(np.maximum(np.maximum(-along, along - length), 0), across)
        coords.append((across, along + start, gap))
        start += length
    use_upper = coords[0][2] <= coords[1][2]
    across = np.where(use_upper, coords[0][0], coords[1][0])
    along = np.where(use_upper, coords[0][1], coords[1][1])
    return across, along


def _stripe(coord: np.ndarray, period: float) -> np.ndarray:
    """Alternating bands of width period / 2: 1 inside a band, 0 outside, 1-px ramps."""
    tri = np.abs((coord / period) % 1.0 - 0.5) * 2  # 0 at band centres, 1 between
    return np.asarray(np.clip((tri - 0.5) * period / 2 + 0.5, 0.0, 1.0))
