"""Per-part transforms from the reference pose to a target pose (2 x 3 affine matrices).

- A limb maps its two joints exactly: rotate to the new bone direction and stretch along the
  bone only (foreshortening), never across it, so the arm keeps its thickness.
- A hand takes the least-squares similarity of its points (rotation, uniform scale, shift;
  Umeyama 1991), which ignores what a similarity cannot express (the fingers' own motion is
  the generator's job). The head and the torso take the same fit without its scale: a head
  turned towards profile brings its ears together on screen, which is a turn, not a smaller
  head, and the trunk's size on screen hardly changes while signing.
- Pose jitter must not move a part: MediaPipe points shake by a pixel or two on a still
  signer. `ramp_transform` keeps the identity while the part's points moved less than the
  threshold and blends in the full transform over the next threshold's worth of motion, so
  a part starts moving without a jump.
"""

from __future__ import annotations

import numpy as np

IDENTITY = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], np.float64)
STRETCH_RANGE = (0.35, 1.6)  # a bone's length ratio outside this is a pose error, not motion


def similarity(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The similarity [2, 3] that best maps ``source`` [N, 2] onto ``target`` [N, 2] (N >= 2)
    in the least-squares sense, without reflection."""
    src = np.asarray(source, np.float64)
    dst = np.asarray(target, np.float64)
    mu_s, mu_d = src.mean(axis=0), dst.mean(axis=0)
    a, b = src - mu_s, dst - mu_d
    var = float((a**2).sum())
    if var < 1e-9:
        return np.hstack([np.eye(2), (mu_d - mu_s)[:, None]])
    u, sigma, vt = np.linalg.svd(b.T @ a)
    d = np.diag([1.0, np.sign(np.linalg.det(u @ vt)) or 1.0])
    rotation = u @ d @ vt
    scale = float((sigma * np.diag(d)).sum()) / var
    linear = scale * rotation
    return np.hstack([linear, (mu_d - linear @ mu_s)[:, None]])


def bone_transform(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The affine [2, 3] taking bone ``source`` [2, 2] (start, end) onto ``target`` [2, 2]:
    start to start, direction to direction, stretched along the bone only."""
    s0, s1 = np.asarray(source, np.float64)
    t0, t1 = np.asarray(target, np.float64)
    ds, dt = s1 - s0, t1 - t0
    ls, lt = float(np.hypot(*ds)), float(np.hypot(*dt))
    if ls < 1e-6:
        return np.hstack([np.eye(2), (t0 - s0)[:, None]])
    stretch = float(np.clip(lt / ls, *STRETCH_RANGE))
    us = ds / ls
    ut = dt / lt if lt > 1e-6 else us
    frame_s = np.array([us, [-us[1], us[0]]])  # rows: along, across (source frame)
    frame_t = np.array([ut, [-ut[1], ut[0]]])
    linear = frame_t.T @ np.diag([stretch, 1.0]) @ frame_s
    return np.hstack([linear, (t0 - linear @ s0)[:, None]])


def part_transform(kind: str, source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The transform of a part of ``kind`` from its reference points to its target points."""
    if kind == "limb":
        return bone_transform(source, target)
    matrix = similarity(source, target)
    if kind in ("torso", "head"):  # they turn and shift; their size on screen stays
        linear = matrix[:, :2]
        scale = float(np.sqrt(abs(np.linalg.det(linear))))
        if scale > 0:
            centre_s, centre_t = source.mean(axis=0), target.mean(axis=0)
            linear = linear / scale
            matrix = np.hstack([linear, (centre_t - linear @ centre_s)[:, None]])
    return matrix


def displacement(matrix: np.ndarray, points: np.ndarray) -> float:
    """How far (px) ``matrix`` moves the farthest of ``points`` [N, 2]."""
    moved = points @ matrix[:, :2].T + matrix[:, 2]
    return float(np.max(np.hypot(*(moved - points).T)))


def ramp_transform(
    matrix: np.ndarray, points: np.ndarray, threshold: float
) -> tuple[np.ndarray, float]:
    """(matrix blended with the identity, its weight in [0, 1]).

    Weight 0 (the identity) while the part's farthest point moves less than ``threshold`` px,
    1 from twice that, linear between (matrices are blended entry by entry, which for these
    near-rigid motions moves every point along the straight line to its target).
    """
    moved = displacement(matrix, points)
    weight = float(np.clip(moved / max(threshold, 1e-6) - 1.0, 0.0, 1.0))
    return IDENTITY + weight * (matrix - IDENTITY), weight
