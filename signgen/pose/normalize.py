"""Fitting a pose sequence into a target frame by the signer's shoulders.

One similarity transform (uniform scale + translation) for the whole sequence, so motion is
preserved exactly: the median shoulder width over the frames that show both shoulders becomes
``shoulder_width`` px and the median shoulder centre lands on ``center``. A 1280x720 recording
thus drives a 256x256 render with the signer framed the same way every time.
"""

from __future__ import annotations

import numpy as np

from signgen.errors import PoseFileError
from signgen.pose.layouts import Layout
from signgen.pose.sequence import PoseSequence

# Default framing for `fit_to_size`: shoulders span 30% of the frame's smaller side, their
# centre sits at half width and 45% height (head above, hands have room below).
SHOULDER_FRACTION = 0.3
CENTER_FRACTION = (0.5, 0.45)


def shoulder_indices(layout: Layout) -> tuple[int, int]:
    """Global (left, right) shoulder indices of ``layout`` (every signgen layout has them)."""
    body = layout.component("body")
    start = layout.span("body").start
    return start + body.points.index("left_shoulder"), start + body.points.index("right_shoulder")


def fit_to_frame(
    seq: PoseSequence,
    width: int,
    height: int,
    *,
    shoulder_width: float,
    center: tuple[float, float],
    anchor: str = "median",
) -> PoseSequence:
    """``seq`` moved and scaled into a ``width`` x ``height`` frame (same layout, fps, conf).

    anchor "median": the sequence's median shoulders land on ``shoulder_width``/``center``;
    "first": its first frame showing both shoulders does (the clip starts where the reference
    stands, so a still signer stays exactly still).

    Raises `PoseFileError` when no frame shows both shoulders (nothing to fit by).
    """
    if width <= 0 or height <= 0 or not shoulder_width > 0:
        raise PoseFileError(f"invalid target frame {width}x{height}, shoulders {shoulder_width}")
    left, right = shoulder_indices(seq.layout)
    both = (seq.conf[:, left] > 0) & (seq.conf[:, right] > 0)
    if not both.any():
        raise PoseFileError("no frame shows both shoulders: cannot fit the pose to the frame")
    if anchor == "first":
        both = np.arange(len(both)) == int(np.argmax(both))
    left_xy, right_xy = seq.xy[both, left], seq.xy[both, right]
    measured = float(np.median(np.linalg.norm(left_xy - right_xy, axis=-1)))
    if measured < 1e-3:
        raise PoseFileError("the shoulders coincide: cannot fit the pose to the frame")
    scale = shoulder_width / measured
    source_center = np.median((left_xy + right_xy) / 2, axis=0)
    offset = np.asarray(center, np.float64) - scale * source_center
    xy = (seq.xy * np.float32(scale) + offset.astype(np.float32)).astype(np.float32)
    xy[seq.conf == 0] = 0.0
    return seq.replace(xy=xy, width=int(width), height=int(height))


def fit_to_size(seq: PoseSequence, width: int, height: int) -> PoseSequence:
    """`fit_to_frame` with the default framing (`SHOULDER_FRACTION`, `CENTER_FRACTION`)."""
    return fit_to_frame(
        seq,
        width,
        height,
        shoulder_width=SHOULDER_FRACTION * min(width, height),
        center=(CENTER_FRACTION[0] * width, CENTER_FRACTION[1] * height),
    )
