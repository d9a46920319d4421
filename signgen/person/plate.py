"""Plates: what lies behind a part once it has moved away, by inpainting the reference."""

from __future__ import annotations

import cv2
import numpy as np


def inpaint_plate(
    image: np.ndarray, hole: np.ndarray, grow: int = 3, radius: int = 5
) -> np.ndarray:
    """``image`` with the ``hole`` filled from its surroundings (OpenCV Telea inpainting).

    image: uint8 [H, W, 3]; hole: float32 or bool [H, W], where > 0.05 is replaced. The hole
    grows by ``grow`` px first, so the soft edge of what is removed does not bleed back in.
    Returns uint8 [H, W, 3]; pixels outside the grown hole are unchanged.
    """
    region = np.asarray((np.asarray(hole, np.float32) > 0.05).astype(np.uint8))
    if grow > 0:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * grow + 1, 2 * grow + 1))
        region = np.asarray(cv2.dilate(region, kernel))
    if not region.any():
        return image.copy()
    return cv2.inpaint(np.ascontiguousarray(image), region, radius, cv2.INPAINT_TELEA)
