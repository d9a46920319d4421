"""Handshapes as 21 hand points: a small 3-D hand model, and shapes taken from real recordings.

A handshape here is float32 [21, 2] in hand units: the wrist at the origin, the wrist -> middle
knuckle vector of length 1 pointing up (-y), for a RIGHT hand (the signer's right); a left hand
is the mirror image (x -> -x). `place_hand` turns a handshape into frame pixels.
"""

from __future__ import annotations

import numpy as np

from signgen.pose.layouts import FINGERS

# Knuckle positions of a right hand, palm towards the camera, fingers up (thumb side +x).
_KNUCKLES = np.array([(0.34, -0.95), (0.1, -1.0), (-0.13, -0.95), (-0.33, -0.84)])
# Phalanx lengths (proximal, middle, distal) in palm lengths: index, middle, ring, pinky.
_PHALANGES = np.array(
    [(0.46, 0.27, 0.21), (0.5, 0.31, 0.23), (0.46, 0.29, 0.22), (0.36, 0.22, 0.2)]
)
_THUMB_CMC = np.array([0.2, -0.2, 0.0])
_THUMB_BONES = (0.42, 0.32, 0.27)


def hand_model(
    curls: np.ndarray, spread: float, thumb_out: float, thumb_curl: float, rotation: np.ndarray
) -> np.ndarray:
    """21 hand points [21, 2] of a right hand from joint parameters.

    curls: [4] in [0, 1] (index..pinky; 0 straight, 1 fist); spread: radians between neighbour
    fingers; thumb_out in [0, 1] (0 along the index finger, 1 out to the side); thumb_curl in
    [0, 1]; rotation: [3, 3] applied to the 3-D hand (palm facing the camera is identity)
    before the orthographic projection (x right, y down, z away from the camera).
    """
    points = np.zeros((21, 3))
    for f in range(4):
        phi = (1.5 - f) * spread
        base = np.array([*_KNUCKLES[f], 0.0])
        angles = np.cumsum(np.array([85.0, 100.0, 70.0]) * np.pi / 180 * curls[f])
        chain = FINGERS[f + 1]
        points[chain[1]] = base
        for j in range(3):
            step = _direction(phi, angles[j]) * _PHALANGES[f, j]
            points[chain[j + 2]] = points[chain[j + 1]] + step
    # The thumb swings from beside the index finger out to the side, and curls across the palm.
    phi = 0.25 + 0.9 * thumb_out - 0.9 * thumb_curl
    theta = np.cumsum(np.array([20.0, 35.0, 40.0]) * np.pi / 180 * (0.3 + thumb_curl))
    points[1] = _THUMB_CMC
    for j in range(3):
        points[2 + j] = (
            points[1 + j] + _direction(phi - 0.3 * j * thumb_curl, theta[j]) * (_THUMB_BONES[j])
        )
    return (points @ rotation.T)[:, :2].astype(np.float32)


def _direction(phi: float, theta: float) -> np.ndarray:
    """Unit vector: ``phi`` turns in the palm plane, ``theta`` flexes towards the camera."""
    return np.array([np.sin(phi) * np.cos(theta), -np.cos(phi) * np.cos(theta), -np.sin(theta)])


def rotation(roll: float, yaw: float, pitch: float) -> np.ndarray:
    """[3, 3] rotation: pitch about x, then yaw about y (palm turning), then roll in the image."""
    cr, sr = np.cos(roll), np.sin(roll)
    cy, sy = np.cos(yaw), np.sin(yaw)
    cp, sp = np.cos(pitch), np.sin(pitch)
    rz = np.array([[cr, -sr, 0], [sr, cr, 0], [0, 0, 1]])
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rx = np.array([[1, 0, 0], [0, cp, -sp], [0, sp, cp]])
    return np.asarray(rz @ ry @ rx)


def random_handshape(rng: np.random.Generator) -> np.ndarray:
    """A plausible random right handshape [21, 2], palm-ish towards the camera, fingers up."""
    kind = rng.integers(4)
    if kind == 0:  # flat / spread hand
        curls = rng.uniform(0, 0.15, 4)
    elif kind == 1:  # fist
        curls = rng.uniform(0.85, 1.0, 4)
    elif kind == 2:  # some fingers extended (index, V, W, pinky shapes)
        curls = np.where(rng.uniform(size=4) < 0.5, rng.uniform(0, 0.1, 4), rng.uniform(0.8, 1, 4))
    else:  # bent / claw / relaxed
        curls = rng.uniform(0.2, 0.7, 4)
    rot = rotation(0.0, rng.uniform(-1.2, 1.2), rng.uniform(-0.4, 0.4))
    return hand_model(curls, rng.uniform(0.0, 0.25), rng.uniform(0, 1), rng.uniform(0, 1), rot)


def relaxed_handshape() -> np.ndarray:
    """The rest handshape [21, 2]: fingers gently curled, thumb along the index finger."""
    return _RELAXED.copy()


def fist_handshape() -> np.ndarray:
    """A closed fist [21, 2], drawn where a source lost a hand (the model learns this rule)."""
    return hand_model(np.array([0.95, 0.95, 0.95, 0.95]), 0.02, 0.1, 0.8, rotation(0, 0.6, 0))


def normalize_hand(points: np.ndarray, right: bool) -> np.ndarray | None:
    """A hand's 21 frame points [21, 2] as a right handshape in hand units; None if degenerate."""
    pts = np.asarray(points, np.float64) - points[0]
    up = pts[9]
    length = float(np.hypot(*up))
    if length < 1e-3:
        return None
    # Rotate so the wrist -> middle knuckle vector points to -y, scale to unit length.
    c, s = -up[1] / length, -up[0] / length
    rot = np.array([[c, -s], [s, c]])
    shape = pts @ rot.T / length
    if not right:
        shape[:, 0] *= -1
    return shape.astype(np.float32)


def place_hand(
    shape: np.ndarray,
    wrist: np.ndarray,
    angle: float | np.ndarray,
    length: float | np.ndarray,
    right: bool,
) -> np.ndarray:
    """Frame pixels [..., 21, 2] of ``shape`` [..., 21, 2] with its wrist at ``wrist`` [..., 2].

    angle: image direction (radians, atan2(y, x)) of the wrist -> middle knuckle vector;
    length: that vector's length in pixels (both scalars or arrays over the leading axes).
    """
    pts = np.asarray(shape, np.float64)
    x = pts[..., 0] if right else -pts[..., 0]
    y = pts[..., 1]
    # Hand units point up (-y): rotate the up vector onto ``angle``.
    turn = np.asarray(angle, np.float64) + np.pi / 2
    c, s = np.cos(turn)[..., None], np.sin(turn)[..., None]
    scale = np.asarray(length, np.float64)[..., None]
    out = np.stack([(x * c - y * s) * scale, (x * s + y * c) * scale], axis=-1)
    return (out + np.asarray(wrist, np.float64)[..., None, :]).astype(np.float32)


_RELAXED = hand_model(np.array([0.3, 0.35, 0.4, 0.45]), 0.06, 0.2, 0.3, rotation(0, 0.5, 0.2))
