"""Turning points read from other tools' files into signgen's plain arrays.

Foreign files (pose-format, OpenPose, mmpose) are taken as they are, but a point that is not
a usable image point (NaN/inf, an absurd coordinate, confidence <= 0) becomes a missing point
(conf 0, xy 0) rather than an error: detectors do write such values. Confidences above 1
(OpenPose writes up to ~1.01, RTMW SimCC scores can exceed 1) are clipped to 1.
signgen's own JSON is stricter: there, any such value is an error.
"""

from __future__ import annotations

import numpy as np

# Coordinates beyond a million pixels are corrupt data, and squaring them would overflow float32.
MAX_COORD = 1e6


def clean_points(xy: np.ndarray, conf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Plain float32 arrays with missing points zeroed.

    xy: [..., 2] any float dtype, pixels; conf: [...] matching.
    Returns (xy float32 [..., 2], conf float32 [...] in [0, 1]); a few vectorised passes
    (a comparison is False for NaN, so ``abs(v) <= MAX_COORD`` also rejects NaN and inf).
    """
    with np.errstate(invalid="ignore", over="ignore"):
        valid = conf > 0
        valid &= np.abs(xy[..., 0]) <= MAX_COORD
        valid &= np.abs(xy[..., 1]) <= MAX_COORD
        clean_conf = np.minimum(conf, 1.0, dtype=np.float32)
        clean_conf[~valid] = 0.0
        clean_xy = np.array(xy, dtype=np.float32)
        clean_xy[~valid] = 0.0
    return clean_xy, clean_conf


def extent_size(xy: np.ndarray, conf: np.ndarray) -> tuple[int, int]:
    """(width, height) that holds every present point: for files that store no frame size."""
    present = conf > 0
    if not present.any():
        return 1, 1
    points = xy[present]
    width = int(np.ceil(max(points[:, 0].max(), 0.0))) + 1
    height = int(np.ceil(max(points[:, 1].max(), 0.0))) + 1
    return width, height
