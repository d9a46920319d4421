"""Joining two signs: where to cut them, and the transition frames drawn between them."""

from __future__ import annotations

import math

import numpy as np

from signgen.gloss.motion import pair_distance
from signgen.pose.sequence import PoseSequence


def closest_join(
    a: PoseSequence, b: PoseSequence, window_a: int, window_b: int
) -> tuple[int, int, float]:
    """Where to join ``a`` to ``b``: ``(i, j, distance)``.

    Among the last ``window_a`` frames of ``a`` and the first ``window_b`` of ``b``, the pair whose
    hands are closest (`signgen.gloss.motion.pair_distance`, px); ``a`` is then kept up to and
    including frame ``i`` and ``b`` from frame ``j``. Ties prefer the latest ``i`` and earliest
    ``j`` (the least of either sign is dropped).
    """
    tail = np.arange(max(0, a.num_frames - max(1, window_a)), a.num_frames)
    head = np.arange(0, min(max(1, window_b), b.num_frames))
    ii, jj = np.meshgrid(tail, head, indexing="ij")  # [W, W]
    pairs_i, pairs_j = ii.ravel(), jj.ravel()
    distance = pair_distance(a.xy[pairs_i], a.conf[pairs_i], b.xy[pairs_j], b.conf[pairs_j])
    # Order candidates so that argmin's first hit is the latest i, then the earliest j.
    order = np.lexsort((pairs_j, -pairs_i))
    best = order[np.argmin(distance[order])]
    return int(pairs_i[best]), int(pairs_j[best]), float(distance[best])


def transition_length(
    distance: float, *, frames_per_px: float, min_frames: int, max_frames: int, peak_step: float
) -> int:
    """Number of in-between frames for hands that travel ``distance`` px.

    The base length is ``distance * frames_per_px`` (a constant hand speed), clamped to
    ``[min_frames, max_frames]``. It is then raised, if needed, so that the eased transition's
    largest step (pi/2 times the mean step for a cosine ease) stays within ``peak_step``, a fast
    but real hand motion inside the signs themselves: a join must never be the fastest moment.
    """
    frames = min(max(math.ceil(distance * frames_per_px), min_frames), max_frames)
    if peak_step > 0:
        frames = max(frames, math.ceil(math.pi / 2 * distance / peak_step) - 1)
    return max(frames, 0)


def transition(
    xy_a: np.ndarray, conf_a: np.ndarray, xy_b: np.ndarray, conf_b: np.ndarray, frames: int
) -> tuple[np.ndarray, np.ndarray]:
    """``frames`` in-between frames from frame a to frame b, eased (slow out, slow in).

    xy_*: [K, 2] float32 px, conf_*: [K] float32. Returns xy [frames, K, 2] and conf
    [frames, K], float32. Points present in both frames move along a cosine ease; a point
    present on one side only is shown from that side's half of the transition, unmoved.
    """
    steps = np.arange(1, frames + 1, dtype=np.float64) / (frames + 1)  # (0, 1) exclusive
    ease = (1.0 - np.cos(np.pi * steps)) / 2.0  # [F]
    w = ease[:, None, None]
    xy = (1.0 - w) * xy_a[None] + w * xy_b[None]  # [F, K, 2]
    conf = (1.0 - ease[:, None]) * conf_a[None] + ease[:, None] * conf_b[None]  # [F, K]
    only_a = (conf_a > 0) & ~(conf_b > 0)
    only_b = (conf_b > 0) & ~(conf_a > 0)
    first_half = (steps < 0.5)[:, None]  # [F, 1]
    xy = np.where((only_a & first_half)[..., None], xy_a[None], xy)
    xy = np.where((only_b & ~first_half)[..., None], xy_b[None], xy)
    conf = np.where(only_a, np.where(first_half, conf_a[None], 0.0), conf)
    conf = np.where(only_b, np.where(first_half, 0.0, conf_b[None]), conf)
    return xy.astype(np.float32), conf.astype(np.float32)
