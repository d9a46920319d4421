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
    shoulder_width: float,
) -> None:
    """Lay ``appearance.pattern`` over the cloth pixels of ``image`` (uint8 [H, W, 3], in place).

    labels: uint8 [H, W] drawing-time labels; origin: [2] px (shoulder centre); across: [2]
    unit vector from the signer's right to left shoulder (the pattern turns with the body).
    """
    if appearance.pattern == "plain":
        return
    ys, xs = np.nonzero(_IS_CLOTH[labels])
    if len(xs) == 0:
        return
    px = xs - origin[0]
    py = ys - origin[1]
    u = px * across[0] + py * across[1]
    v = py * across[0] - px * across[1]
    if appearance.pattern == "stripes":
        period = 0.12 * shoulder_width
        alpha = _stripe(v, period)
    else:
        period = 0.16 * shoulder_width
        a, b = _stripe(u, period), _stripe(v, period)
        alpha = a + b - 2 * a * b  # checks: one set of stripes XOR the other
    top = np.maximum(np.array(appearance.top, np.float32), 1.0)
    ratio = np.clip(np.array(appearance.top_accent, np.float32) / top, 0.25, 4.0)
    pixels = image[ys, xs].astype(np.float32)
    pixels *= 1 + alpha[:, None].astype(np.float32) * (ratio - 1)
    image[ys, xs] = np.clip(pixels, 0, 255).astype(np.uint8)


def _stripe(coord: np.ndarray, period: float) -> np.ndarray:
    """Alternating bands of width period / 2: 1 inside a band, 0 outside, 1-px ramps."""
    tri = np.abs((coord / period) % 1.0 - 0.5) * 2  # 0 at band centres, 1 between
    return np.asarray(np.clip((tri - 0.5) * period / 2 + 0.5, 0.0, 1.0))
