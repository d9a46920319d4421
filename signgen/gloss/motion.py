"""How far the hands move: the one distance measure used to join signs and to test joins.

A hand's displacement between two frames is the mean distance its points moved (points present
in both frames only), falling back to the body wrist when the hand points are missing; the
distance between two frames is the larger of the two hands'. Everything is in pixels of the
sequence's frame, canonical layout (`signgen.pose.layouts.HOLISTIC`).
"""

from __future__ import annotations

import numpy as np

from signgen.errors import LayoutError
from signgen.pose.layouts import (
    HOLISTIC,
    LEFT_ELBOW,
    LEFT_HAND,
    LEFT_WRIST,
    RIGHT_ELBOW,
    RIGHT_HAND,
    RIGHT_WRIST,
)
from signgen.pose.sequence import PoseSequence

# (hand points, body wrist, body elbow) per side of the signer.
SIDES = ((LEFT_HAND, LEFT_WRIST, LEFT_ELBOW), (RIGHT_HAND, RIGHT_WRIST, RIGHT_ELBOW))


def require_canonical(seq: PoseSequence) -> None:
    if seq.layout.name != HOLISTIC.name:
        raise LayoutError(f"expected the canonical holistic layout, got {seq.layout.name!r}")


def _side_distance(
    xy_a: np.ndarray, conf_a: np.ndarray, xy_b: np.ndarray, conf_b: np.ndarray, side: int
) -> np.ndarray:
    """[N] float: displacement of one side's hand between row-paired frames a[n] -> b[n].

    xy_*: [N, K, 2] float32 px; conf_*: [N, K] float32.
    """
    hand, wrist, _ = SIDES[side]
    shared = (conf_a[:, hand] > 0) & (conf_b[:, hand] > 0)  # [N, 21]
    moved = np.linalg.norm(xy_b[:, hand] - xy_a[:, hand], axis=-1)  # [N, 21]
    count = shared.sum(axis=1)
    mean = np.where(shared, moved, 0.0).sum(axis=1) / np.maximum(count, 1)
    wrist_shared = (conf_a[:, wrist] > 0) & (conf_b[:, wrist] > 0)
    wrist_moved = np.linalg.norm(xy_b[:, wrist] - xy_a[:, wrist], axis=-1)
    fallback = np.where(wrist_shared, wrist_moved, 0.0)
    return np.where(count > 0, mean, fallback)


def pair_distance(
    xy_a: np.ndarray, conf_a: np.ndarray, xy_b: np.ndarray, conf_b: np.ndarray
) -> np.ndarray:
    """[N] float64 px: hand distance between frames a[n] and b[n] ([N, 543, 2] / [N, 543])."""
    return np.maximum(
        _side_distance(xy_a, conf_a, xy_b, conf_b, 0),
        _side_distance(xy_a, conf_a, xy_b, conf_b, 1),
    )


def hand_motion(seq: PoseSequence) -> np.ndarray:
    """[T-1] float64 px: hand distance between each pair of consecutive frames."""
    require_canonical(seq)
    return pair_distance(seq.xy[:-1], seq.conf[:-1], seq.xy[1:], seq.conf[1:])


def fast_motion(signs: list[PoseSequence], quantile: float = 0.95) -> float:
    """The ``quantile`` of frame-to-frame hand distances over all ``signs``, px (0 if none).

    A robust "fast" hand speed: the maximum is often a tracking glitch (a hand re-detected
    elsewhere for one frame), the 95th percentile is real motion.
    """
    motion = np.concatenate([hand_motion(seq) for seq in signs])
    return float(np.quantile(motion, quantile)) if motion.size else 0.0
