"""Shortening held handshapes: a fingerspelled letter recorded alone is held ~0.6 s, far
longer than inside a word (fluent fingerspelling runs at several letters per second)."""

from __future__ import annotations

import numpy as np

from signgen.gloss.motion import hand_motion
from signgen.pose.sequence import PoseSequence


def longest_still_run(seq: PoseSequence, still_px: float) -> tuple[int, int]:
    """[start, stop) of the longest run of frames whose hands move < ``still_px`` per frame.

    A frame is still when the hand motion into it and out of it are both below the threshold.
    Returns (0, 0) when no frame is still.
    """
    motion = hand_motion(seq)  # [T-1]
    slow = motion < still_px
    # Frame t is still when the steps t-1 -> t and t -> t+1 (where they exist) are slow.
    still = np.ones(seq.num_frames, dtype=bool)
    still[1:] &= slow
    still[:-1] &= slow
    best, start = (0, 0), None
    for t, flag in enumerate([*still.tolist(), False]):
        if flag and start is None:
            start = t
        elif not flag and start is not None:
            if t - start > best[1] - best[0]:
                best = (start, t)
            start = None
    return best


def shorten_hold(seq: PoseSequence, max_frames: int, still_px: float) -> PoseSequence:
    """``seq`` with its longest hold cut to ``max_frames`` frames (its middle removed).

    The hold's first and last frames stay, so the motion into and out of it is untouched and
    the cut joins two nearly identical poses.
    """
    start, stop = longest_still_run(seq, still_px)
    if stop - start <= max_frames:
        return seq
    head = start + max_frames // 2
    tail = stop - (max_frames - max_frames // 2)
    keep = np.r_[0:head, tail : seq.num_frames]
    return seq.replace(xy=seq.xy[keep], conf=seq.conf[keep], glosses=())
