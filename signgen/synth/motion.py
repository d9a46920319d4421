"""Motions for the synthetic world: real recordings, and generated sign-like motion.

Generated motion: each wrist follows a smooth path (a cubic spline through random targets in
the signing space, one every 0.3-0.8 s, sometimes resting low), elbows come from 2-link
inverse kinematics with a slowly varying foreshortening (arms stay anatomically plausible),
handshapes blend between handshapes taken from real recordings and the 3-D hand model, and
the head and shoulders sway a little while the mouth opens and closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from signgen.errors import SigngenError
from signgen.gloss.lexicon import Lexicon
from signgen.io import read_canonical
from signgen.pose.layouts import (
    CANONICAL,
    FACE,
    FACE_CONTOURS,
    LEFT,
    RIGHT,
    SIDES,
)
from signgen.pose.sequence import PoseSequence
from signgen.synth.appearance import Appearance
from signgen.synth.face_template import FACE_TEMPLATE
from signgen.synth.handshapes import normalize_hand, place_hand, random_handshape
from signgen.synth.skeleton import (
    body_head_points,
    frame_anchor,
    neutral_conf,
    set_body_hand_points,
)

RECORDINGS = Path(__file__).resolve().parents[1] / "data" / "recordings"
# The real recording kept out of training: evaluation's unseen real motion.
HELDOUT_RECORDING = "pose_tests_mediapipe_long.pose"
# Eye contours split into (upper lid, lower lid) points: the contours run corner, upper lid,
# corner, lower lid (see FACE_CONTOURS).
_LIDS = tuple(
    (np.array(FACE_CONTOURS[eye][1:8]), np.array(FACE_CONTOURS[eye][9:16]))
    for eye in ("left_eye", "right_eye")
)
# How far each template point moves down when the jaw opens: 0 above the lips, 1 at the chin.
_JAW_WEIGHT = np.where(
    FACE_TEMPLATE[:, 1] > 1.075, ((FACE_TEMPLATE[:, 1] - 1.0) / 0.8).clip(0, 1) ** 0.3, 0.0
)


def recording_paths(heldout: bool) -> list[Path]:
    """The packaged real recordings of one split (sorted; the held-out split has one)."""
    paths = sorted(RECORDINGS.glob("*.pose"))
    return [p for p in paths if (p.name == HELDOUT_RECORDING) == heldout]


@lru_cache(maxsize=2)
def real_motions(heldout: bool) -> tuple[PoseSequence, ...]:
    """The real canonical sequences of one split: the packaged recordings, plus, for training,
    every sign of the default lexicon (`signgen.gloss.lexicon.default_lexicon_dir`; ASL
    fingerspelling and DSGS signs) when it is there."""
    motions = [read_canonical(path) for path in recording_paths(heldout)]
    if not heldout:
        motions += _lexicon_signs()
    return tuple(motions)


def _lexicon_signs() -> list[PoseSequence]:
    try:
        lexicon = Lexicon.default()
    except SigngenError:
        return []  # no lexicon next to this install: the recordings alone
    signs = []
    for language in lexicon.languages():
        for entry in lexicon.signs(language):
            try:
                signs.append(lexicon.read(entry))
            except SigngenError:
                continue  # a broken entry is the lexicon's problem, not training's
    return signs


@lru_cache(maxsize=2)
def handshape_bank(heldout: bool) -> np.ndarray:
    """Real handshapes [N, 21, 2] (right-hand units, see `signgen.synth.handshapes`) from the
    real motions of one split, every other frame of every present hand."""
    shapes = []
    for seq in real_motions(heldout):
        for hand in SIDES:
            span, right = hand.hand, hand.right
            present = np.flatnonzero((seq.conf[:, span] > 0).all(axis=1))
            for t in present[::2]:
                shape = normalize_hand(seq.xy[t, span], right)
                if shape is not None and np.abs(shape).max() < 3.5:
                    shapes.append(shape)
    return np.stack(shapes) if shapes else np.zeros((0, 21, 2), np.float32)


@dataclass(frozen=True)
class MotionConfig:
    """Generated motion: fps, and how busy the hands are."""

    fps: float = 25.0
    min_hold: float = 0.3  # seconds between wrist targets
    max_hold: float = 0.8
    rest_probability: float = 0.15  # a hand rests low for a while
    real_handshapes: float = 0.7  # share of handshapes taken from recordings


def generated_motion(
    appearance: Appearance,
    size: int,
    num_frames: int,
    seed: int,
    config: MotionConfig = MotionConfig(),
) -> PoseSequence:
    """A sign-like motion [num_frames] for ``appearance`` in a size x size frame (canonical)."""
    rng = np.random.default_rng([seed, 0x30710])
    center, sw = frame_anchor(appearance, size)
    t = np.arange(num_frames)
    xy = np.zeros((num_frames, CANONICAL.num_points, 2))
    sway = _smooth_noise(rng, num_frames, config, 2, 0.03 * sw)
    tilt = _smooth_noise(rng, num_frames, config, 1, 0.05)[:, 0]
    shoulder_center = center + sway
    across = np.stack([np.cos(tilt), np.sin(tilt)], axis=1)
    xy[:, LEFT.shoulder] = shoulder_center + across * sw / 2
    xy[:, RIGHT.shoulder] = shoulder_center - across * sw / 2
    bank = handshape_bank(False)  # training recordings' handshapes, also for held-out seeds
    for left in (True, False):
        _arm(xy, rng, appearance, sw, center, left, t, bank, config)
    _face(xy, rng, appearance, sw, shoulder_center, tilt, config)
    down = np.stack([-across[:, 1], across[:, 0]], axis=1)
    hips = shoulder_center + down * 1.43 * sw
    xy[:, 23] = hips + across * appearance.hips * sw / 2
    xy[:, 24] = hips - across * appearance.hips * sw / 2
    xy[:, 25:33] = center + (0, 2 * sw)
    set_body_hand_points(xy)
    conf = np.broadcast_to(neutral_conf(), (num_frames, CANONICAL.num_points)).copy()
    return PoseSequence(
        xy=xy.astype(np.float32),
        conf=conf,
        fps=config.fps,
        width=size,
        height=size,
        layout=CANONICAL,
    )


def _blinks(rng: np.random.Generator, n: int, config: MotionConfig) -> np.ndarray:
    """[n] eyelid closure in [0, 1]: short triangular blinks every 2-5 s."""
    closure = np.zeros(n)
    start = rng.uniform(0.5, 4.0) * config.fps
    half = max(config.fps * 0.1, 1.0)
    frames = np.arange(n)
    while start < n:
        closure = np.maximum(closure, (1 - np.abs(frames - start - half) / half).clip(0, 1))
        start += rng.uniform(2.0, 5.0) * config.fps
    return closure


def _smooth_noise(
    rng: np.random.Generator, n: int, config: MotionConfig, dims: int, scale: float
) -> np.ndarray:
    """[n, dims] smooth random wandering (a sum of three low-frequency sinusoids), +-scale."""
    t = np.arange(n)[:, None] / config.fps
    out = np.zeros((n, dims))
    for hz in (0.15, 0.35, 0.7):
        phase = rng.uniform(0, 2 * np.pi, dims)
        out += np.sin(2 * np.pi * hz * rng.uniform(0.7, 1.3) * t + phase) * rng.uniform(0.2, 0.5)
    return out * scale


def _keyframes(rng: np.random.Generator, n: int, config: MotionConfig) -> np.ndarray:
    """Increasing frame indices from 0 to past n - 1, 0.3-0.8 s apart."""
    times = [0.0]
    while times[-1] < n - 1:
        times.append(times[-1] + rng.uniform(config.min_hold, config.max_hold) * config.fps)
    return np.array(times)


def _arm(
    xy: np.ndarray,
    rng: np.random.Generator,
    appearance: Appearance,
    sw: float,
    center: np.ndarray,
    left: bool,
    t: np.ndarray,
    bank: np.ndarray,
    config: MotionConfig,
) -> None:
    side = 1.0 if left else -1.0
    joints = LEFT if left else RIGHT
    shoulder_i, elbow_i, wrist_i, span = joints.shoulder, joints.elbow, joints.wrist, joints.hand
    keys = _keyframes(rng, len(t), config)
    # Signing space: mostly the chest, sometimes the face; the hand's own side more likely.
    n_keys = len(keys)
    high = rng.uniform(size=n_keys) < 0.15
    targets = np.stack(
        [
            # At face height a hand stays on its own side, so the forearm never hides the face.
            center[0]
            + sw
            * side
            * np.where(high, rng.uniform(0.1, 0.7, n_keys), rng.uniform(-0.3, 0.8, n_keys)),
            center[1]
            + sw * np.where(high, rng.uniform(-0.9, -0.4, n_keys), rng.uniform(-0.3, 1.0, n_keys)),
        ],
        axis=1,
    )
    resting = rng.uniform(size=len(keys)) < config.rest_probability
    targets[resting] = center + sw * np.array([side * 0.45, 1.25])
    from scipy.interpolate import CubicSpline  # slow to import: only when a clip is made

    wrist = CubicSpline(keys, targets, bc_type="clamped")(t)
    upper, fore = appearance.upper_arm * sw, appearance.forearm * sw
    # Foreshortening: how much of each bone lies in the image plane, wandering slowly.
    depth = 0.8 + _smooth_noise(rng, len(t), config, 2, 0.35).clip(-0.2, 0.2)
    shoulder = xy[:, shoulder_i]
    elbow, wrist = _two_link(shoulder, wrist, upper * depth[:, 0], fore * depth[:, 1], side)
    xy[:, elbow_i], xy[:, wrist_i] = elbow, wrist
    shapes = _handshapes(rng, keys, t, bank, config)
    forearm = wrist - elbow
    roll = (
        np.arctan2(forearm[:, 1], forearm[:, 0]) + _smooth_noise(rng, len(t), config, 1, 0.9)[:, 0]
    )
    palm = appearance.hand * sw * (0.92 + _smooth_noise(rng, len(t), config, 1, 0.1)[:, 0])
    xy[:, span] = place_hand(shapes, wrist, roll, palm, not left)


def _two_link(
    shoulder: np.ndarray, wrist: np.ndarray, upper: np.ndarray, fore: np.ndarray, side: float
) -> tuple[np.ndarray, np.ndarray]:
    """Elbows [T, 2] for wrists [T, 2] (pulled in when out of reach), elbow bent outwards-down."""
    d = wrist - shoulder
    dist = np.hypot(*d.T).clip(1e-6)
    reach = (upper + fore) * 0.98
    near = np.abs(upper - fore) * 1.02 + 1e-3
    clipped = dist.clip(near, reach)
    wrist = shoulder + d * (clipped / dist)[:, None]
    u = d / dist[:, None]
    # Law of cosines: distance along the shoulder->wrist line and the bend's height.
    along = (upper**2 - fore**2 + clipped**2) / (2 * clipped)
    height = np.sqrt((upper**2 - along**2).clip(0))
    normal = np.stack([-u[:, 1], u[:, 0]], axis=1)
    # Pick the bend whose elbow lies low and outwards (away from the body's midline).
    score = normal[:, 1] + 0.35 * side * normal[:, 0]
    normal *= np.where(score >= 0, 1.0, -1.0)[:, None]
    elbow = shoulder + u * along[:, None] + normal * height[:, None]
    return elbow, wrist


def _handshapes(
    rng: np.random.Generator,
    keys: np.ndarray,
    t: np.ndarray,
    bank: np.ndarray,
    config: MotionConfig,
) -> np.ndarray:
    """[T, 21, 2] handshapes: one per keyframe, linearly blended in between."""
    per_key = []
    for _ in keys:
        if len(bank) and rng.uniform() < config.real_handshapes:
            per_key.append(bank[rng.integers(len(bank))])
        else:
            per_key.append(random_handshape(rng))
    shapes = np.stack(per_key).astype(np.float64)
    idx = np.searchsorted(keys, t, side="right").clip(1, len(keys) - 1)
    w = ((t - keys[idx - 1]) / (keys[idx] - keys[idx - 1]))[:, None, None]
    w = w * w * (3 - 2 * w)  # ease in and out: handshapes settle at each target
    return np.asarray(shapes[idx - 1] * (1 - w) + shapes[idx] * w)


def _face(
    xy: np.ndarray,
    rng: np.random.Generator,
    appearance: Appearance,
    sw: float,
    shoulder_center: np.ndarray,
    tilt: np.ndarray,
    config: MotionConfig,
) -> None:
    n = len(xy)
    nod = _smooth_noise(rng, n, config, 2, 0.04 * sw)
    head_tilt = tilt + _smooth_noise(rng, n, config, 1, 0.12)[:, 0]
    # Mouthing: the jaw opens in short bursts.
    mouth = (_smooth_noise(rng, n, config, 1, 1.0)[:, 0] * 2.2 - 0.3).clip(0, 0.45)
    eye_mid = shoulder_center - (0, appearance.neck * sw) + nod
    eye_distance = appearance.head * sw
    face = np.broadcast_to(FACE_TEMPLATE.astype(np.float64), (n, *FACE_TEMPLATE.shape)).copy()
    face[:, :, 1] += mouth[:, None] * _JAW_WEIGHT
    # Blinks: every 2-5 s the upper lids close onto the lower ones for ~0.2 s.
    blink = _blinks(rng, n, config)
    for upper, lower in _LIDS:
        target = face[:, lower, 1].mean(axis=1, keepdims=True)
        face[:, upper, 1] += blink[:, None] * (target - face[:, upper, 1])
    c, s = np.cos(head_tilt)[:, None], np.sin(head_tilt)[:, None]
    x, y = face[..., 0], face[..., 1]
    rotated = np.stack([x * c - y * s, x * s + y * c], axis=-1)
    xy[:, FACE] = rotated * eye_distance + eye_mid[:, None]
    xy[:, :11] = body_head_points(xy[:, FACE])
