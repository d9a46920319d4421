"""Rest frames: the signer's hands hang below the elbows before and after a sign."""

from __future__ import annotations

import numpy as np

from signgen.gloss.motion import SIDES, require_canonical
from signgen.pose.sequence import PoseSequence


def raised_hands(seq: PoseSequence) -> np.ndarray:
    """[T] bool: frames where at least one wrist is above its elbow (image y points down).

    The wrist is the hand's own wrist point when the hand is tracked, else the body wrist. An
    elbow that is not tracked has left the frame at the bottom, so any tracked wrist is above it.
    """
    require_canonical(seq)
    raised = np.zeros(seq.num_frames, dtype=bool)
    for hand, body_wrist, elbow in SIDES:
        hand_wrist = hand.start
        wrist_y = np.where(
            seq.conf[:, hand_wrist] > 0,
            seq.xy[:, hand_wrist, 1],
            np.where(seq.conf[:, body_wrist] > 0, seq.xy[:, body_wrist, 1], np.nan),
        )
        elbow_y = np.where(seq.conf[:, elbow] > 0, seq.xy[:, elbow, 1], np.inf)
        with np.errstate(invalid="ignore"):
            raised |= wrist_y < elbow_y
    return raised


def active_range(seq: PoseSequence) -> tuple[int, int]:
    """[start, stop) from the first to the last frame with a raised hand; all frames if none."""
    frames = np.flatnonzero(raised_hands(seq))
    if frames.size == 0:
        # A sign made low (or a recording without elbows): keep it whole rather than drop it.
        return 0, seq.num_frames
    return int(frames[0]), int(frames[-1]) + 1


def trim_rest(seq: PoseSequence) -> PoseSequence:
    """``seq`` without its leading and trailing rest frames."""
    start, stop = active_range(seq)
    return seq.frames(start, stop)
