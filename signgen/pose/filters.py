"""Filters on pose sequences: stray hands, gap filling, smoothing, frame-rate resampling.

All work on whole arrays ([T, K] at once, no per-frame Python except One-Euro's time loop).
Missing points (conf 0) are never invented: `fill_gaps` bridges only short dropouts between
two observations, `smooth` leaves missing points missing and never touches the face (its
small fast motions, mouth and eyes, carry meaning), `resample` keeps a point only where both
neighbouring source frames have it.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from signgen.errors import ConfigError
from signgen.pose.layouts import (
    CANONICAL,
    LEFT_HAND,
    LEFT_SHOULDER,
    LEFT_WRIST,
    RIGHT_HAND,
    RIGHT_SHOULDER,
    RIGHT_WRIST,
)
from signgen.pose.one_euro import one_euro
from signgen.pose.sequence import GlossSpan, PoseSequence

SmoothMethod = Literal["savgol", "one_euro"]
HAND_REACH = 0.5
"""A detected hand whose wrist lies farther than this share of the shoulder width from the
body model's wrist is not that arm's hand (a hand detector firing on the shirt or the face)."""


def drop_stray_hands(seq: PoseSequence, reach: float = HAND_REACH) -> PoseSequence:
    """Canonical ``seq`` with every hand marked missing in the frames where its wrist point
    is far from the body's wrist on the same side (both seen, shoulders seen)."""
    if seq.layout.name != CANONICAL.name:
        raise ConfigError("stray hands are found in the canonical layout")
    xy, conf = seq.xy, seq.conf
    shoulders = (conf[:, LEFT_SHOULDER] > 0) & (conf[:, RIGHT_SHOULDER] > 0)
    width = np.linalg.norm(xy[:, LEFT_SHOULDER] - xy[:, RIGHT_SHOULDER], axis=-1)
    stray = []
    for hand, wrist in ((LEFT_HAND, LEFT_WRIST), (RIGHT_HAND, RIGHT_WRIST)):
        both = shoulders & (conf[:, hand.start] > 0) & (conf[:, wrist] > 0)
        apart = np.linalg.norm(xy[:, hand.start] - xy[:, wrist], axis=-1)
        stray.append((hand, both & (apart > reach * width)))
    if not any(frames.any() for _, frames in stray):
        return seq
    conf = conf.copy()
    for hand, frames in stray:
        conf[frames, hand] = 0.0
    return seq.replace(conf=conf)


def _neighbours(valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each [t, k]: the last frame <= t and the first frame >= t where k is valid.

    valid: [T, K] bool. Returns (previous, following) int64 [T, K]; -1 / T where none.
    """
    num_frames = valid.shape[0]
    frame = np.arange(num_frames)[:, None]
    previous = np.maximum.accumulate(np.where(valid, frame, -1), axis=0)
    following = np.minimum.accumulate(np.where(valid, frame, num_frames)[::-1], axis=0)[::-1]
    return previous, following


def _interpolate(
    xy: np.ndarray, conf: np.ndarray, previous: np.ndarray, following: np.ndarray, fill: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Linear interpolation between the neighbouring observations at the ``fill`` [T, K] cells."""
    frame = np.arange(xy.shape[0])[:, None]
    before = np.clip(previous, 0, xy.shape[0] - 1)
    after = np.clip(following, 0, xy.shape[0] - 1)
    span = np.maximum(after - before, 1)
    weight = ((frame - before) / span).astype(np.float32)[..., None]
    xy_before = np.take_along_axis(xy, before[..., None], axis=0)
    xy_after = np.take_along_axis(xy, after[..., None], axis=0)
    new_xy = np.where(fill[..., None], xy_before * (1 - weight) + xy_after * weight, xy)
    ends = np.minimum(np.take_along_axis(conf, before, 0), np.take_along_axis(conf, after, 0))
    new_conf = np.where(fill, ends, conf)
    return new_xy.astype(np.float32), new_conf.astype(np.float32)


def fill_gaps(seq: PoseSequence, max_gap: int = 5) -> PoseSequence:
    """Bridge dropouts of at most ``max_gap`` frames by linear interpolation.

    A filled point gets the smaller confidence of the two observations around it. Gaps at
    the start or end of a track, and longer gaps, stay missing. In the canonical layout a
    filled hand rides on its arm: where the body's wrist is seen, the bridged hand is moved
    by how far that wrist is from its own bridged track (a hand lost for a frame stays on
    the arm that moved on, instead of floating along the straight line between sightings).
    """
    if max_gap < 0:
        raise ConfigError(f"max_gap must be >= 0, got {max_gap}")
    valid = seq.conf > 0
    previous, following = _neighbours(valid)
    gap = following - previous - 1
    fill = ~valid & (previous >= 0) & (following < seq.num_frames) & (gap <= max_gap)
    if not fill.any():
        return seq
    xy, conf = _interpolate(seq.xy, seq.conf, previous, following, fill)
    if seq.layout.name == CANONICAL.name:
        _follow_wrists(seq.xy, valid, xy, fill, previous, following)
    return seq.replace(xy=xy, conf=conf)


def _follow_wrists(
    source: np.ndarray,
    valid: np.ndarray,
    xy: np.ndarray,
    fill: np.ndarray,
    previous: np.ndarray,
    following: np.ndarray,
) -> None:
    """Move each bridged hand in ``xy`` (in place) by its body wrist's offset from where that
    wrist would be on the same bridge (``source`` [T, K, 2] / ``valid``: the observations;
    the wrist must be seen in the frame and at both ends of the hand's bridge)."""
    frames = np.arange(source.shape[0])
    for hand, wrist in ((LEFT_HAND, LEFT_WRIST), (RIGHT_HAND, RIGHT_WRIST)):
        before, after = previous[:, hand.start], following[:, hand.start]
        cells = fill[:, hand.start] & valid[:, wrist]  # a filled cell has both ends
        cells[cells] &= valid[before[cells], wrist] & valid[after[cells], wrist]
        if not cells.any():
            continue
        t, a, b = frames[cells], before[cells], after[cells]
        weight = ((t - a) / (b - a)).astype(np.float32)[:, None]
        bridged = source[a, wrist] * (1 - weight) + source[b, wrist] * weight
        offset = source[t, wrist] - bridged
        points = np.arange(hand.start, hand.stop)
        moved = fill[np.ix_(t, points)]
        xy[np.ix_(t, points)] += np.where(moved[..., None], offset[:, None, :], 0.0)


def _smoothed_points(seq: PoseSequence) -> np.ndarray:
    """Indices of every point outside the face."""
    return np.concatenate(
        [
            np.arange(seq.layout.span(c.name).start, seq.layout.span(c.name).stop)
            for c in seq.layout.components
            if c.name != "face"
        ]
        or [np.zeros(0, np.int64)]
    )


def _savgol(xy: np.ndarray, valid: np.ndarray, window: int, order: int) -> np.ndarray:
    """Savitzky-Golay along time; gaps are bridged linearly (held at the ends) for the filter
    only, so a dropout does not bend its neighbours toward (0, 0)."""
    previous, following = _neighbours(valid)
    last = xy.shape[0] - 1
    before = np.where(previous >= 0, previous, following)
    after = np.where(following <= last, following, previous)
    filled, _ = _interpolate(
        xy, valid.astype(np.float32), before, after, ~valid & (before >= 0) & (before <= last)
    )
    from scipy.signal import savgol_filter  # ~0.6 s to import: only when a file is smoothed

    return savgol_filter(filled, window, order, axis=0, mode="interp").astype(np.float32)


def smooth(
    seq: PoseSequence,
    method: SmoothMethod = "savgol",
    *,
    window: int = 5,
    order: int = 2,
    min_cutoff: float = 1.5,
    beta: float = 15.0,
) -> PoseSequence:
    """Smooth body and hand tracks over time; the face and missing points are untouched.

    savgol: Savitzky-Golay, ``window`` frames (odd; shrunk for short sequences), polynomial
    ``order``. one_euro: One-Euro filter with ``min_cutoff`` Hz and speed coefficient ``beta``
    in Hz per (frame size / s), so one setting suits any resolution. Length, fps,
    confidences and gloss spans are unchanged.

    Defaults measured on the real recordings in tests/data with Gaussian jitter of 0.5% of
    the frame added: savgol 5/2 halves the frame-to-frame acceleration (jitter) while the
    error to the original stays at the added noise level; wider windows cut signing motion.
    """
    points = _smoothed_points(seq)
    valid = seq.conf[:, points] > 0
    tracks = seq.xy[:, points]
    if method == "savgol":
        window = min(window, seq.num_frames - (1 - seq.num_frames % 2))
        if window <= order:
            return seq
        filtered = _savgol(tracks, valid, window, order)
    elif method == "one_euro":
        per_pixel = beta / max(seq.width, seq.height)
        filtered = one_euro(tracks, valid, seq.fps, min_cutoff=min_cutoff, beta=per_pixel)
    else:
        raise ConfigError(f"unknown smoothing method {method!r} (savgol or one_euro)")
    xy = seq.xy.copy()
    xy[:, points] = np.where(valid[..., None], filtered, tracks)
    return seq.replace(xy=xy)


def _rescale_spans(
    spans: tuple[GlossSpan, ...], factor: float, frames: int
) -> tuple[GlossSpan, ...]:
    rescaled = []
    for span in spans:
        start = min(int(round(span.start * factor)), frames - 1)
        end = min(max(int(round(span.end * factor)), start + 1), frames)
        rescaled.append(GlossSpan(span.gloss, start, end))
    return tuple(rescaled)


def resample(seq: PoseSequence, fps: float) -> PoseSequence:
    """``seq`` at ``fps`` frames per second, same duration (``round(T * fps / seq.fps)`` frames).

    Each new frame interpolates the two source frames around its time linearly (xy and conf);
    a point is present only where both of them have it (or the time falls on a source frame
    that has it). Gloss spans are rescaled to the new frame numbers.
    """
    if not (np.isfinite(fps) and fps > 0):
        raise ConfigError(f"fps must be a positive number, got {fps}")
    factor = fps / seq.fps
    frames = max(1, int(round(seq.num_frames * factor)))
    position = np.minimum(np.arange(frames) / factor, seq.num_frames - 1)
    before = np.floor(position).astype(np.int64)
    after = np.minimum(before + 1, seq.num_frames - 1)
    weight = (position - before).astype(np.float32)
    on_frame = weight < 1e-6
    w = weight[:, None, None]
    xy = seq.xy[before] * (1 - w) + seq.xy[after] * w
    conf_before, conf_after = seq.conf[before], seq.conf[after]
    conf = conf_before * (1 - w[..., 0]) + conf_after * w[..., 0]
    present = (conf_before > 0) & ((conf_after > 0) | on_frame[:, None])
    conf = np.where(present, np.where(on_frame[:, None], conf_before, conf), 0.0)
    xy = np.where(present[..., None], np.where(on_frame[:, None, None], seq.xy[before], xy), 0.0)
    return seq.replace(
        xy=xy.astype(np.float32),
        conf=conf.astype(np.float32),
        fps=float(fps),
        glosses=_rescale_spans(seq.glosses, factor, frames),
    )
