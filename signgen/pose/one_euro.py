"""The One-Euro filter (Casiez, Roussel, Vogel, CHI 2012), vectorised over points.

A low-pass filter whose cutoff rises with speed: slow motion is smoothed hard (jitter goes),
fast motion passes with little lag. Sequential in time, but each step is a handful of numpy
operations on all points at once.
"""

from __future__ import annotations

import math

import numpy as np


def _alpha(cutoff: np.ndarray | float, fps: float) -> np.ndarray | float:
    tau = 1.0 / (2.0 * math.pi * cutoff)
    return 1.0 / (1.0 + tau * fps)


def one_euro(
    xy: np.ndarray,
    valid: np.ndarray,
    fps: float,
    *,
    min_cutoff: float,
    beta: float,
    d_cutoff: float = 1.0,
) -> np.ndarray:
    """Filter point tracks.

    xy: [T, P, 2] float32 pixels; valid: [T, P] bool (False = missing).
    min_cutoff: Hz at rest; beta: Hz of extra cutoff per px/s of speed.
    Returns [T, P, 2] float32; missing points keep their input value, and a track restarts
    (no memory) where a point reappears after a gap.
    """
    out = xy.astype(np.float32, copy=True)
    if xy.shape[0] == 0:
        return out
    estimate = xy[0].astype(np.float64)
    speed = np.zeros(xy.shape[1:], np.float64)
    previous_valid = valid[0].copy()
    alpha_d = _alpha(d_cutoff, fps)
    for t in range(1, xy.shape[0]):
        current = xy[t].astype(np.float64)
        tracked = valid[t] & previous_valid
        raw_speed = (current - estimate) * fps
        speed = np.where(tracked[:, None], alpha_d * raw_speed + (1 - alpha_d) * speed, 0.0)
        cutoff = min_cutoff + beta * np.linalg.norm(speed, axis=-1)
        alpha = np.asarray(_alpha(cutoff, fps))[:, None]
        estimate = np.where(tracked[:, None], alpha * current + (1 - alpha) * estimate, current)
        out[t] = np.where(valid[t][:, None], estimate, xy[t])
        previous_valid = valid[t]
    return out
