"""Pose preparation before the frame loop: canonical layout, fitted to the model's frame,
gaps filled, smoothed (never the face). Also the reference's own pose and its framing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from signgen.errors import ConfigError, ImageError, PoseFileError
from signgen.pose.convert import to_canonical
from signgen.pose.filters import drop_stray_hands, fill_gaps, smooth
from signgen.pose.layouts import (
    BODY,
    CANONICAL,
    LEFT_HAND,
    LEFT_SHOULDER,
    RIGHT_HAND,
    RIGHT_SHOULDER,
)
from signgen.pose.normalize import fit_to_frame
from signgen.pose.sequence import PoseSequence
from signgen.render.options import RenderOptions
from signgen.synth import Appearance, neutral_pose

# The synthetic signer whose rest pose stands in for the reference's pose when none is given.
DEFAULT_REFERENCE_SEED = 0


def prepare_poses(
    poses: PoseSequence,
    size: int,
    reference_pose: PoseSequence,
    options: RenderOptions,
    anchor: str = "median",
) -> PoseSequence:
    """Any supported layout -> canonical 543 points in the ``size`` x ``size`` render frame.

    The sequence is fitted by one similarity transform so that its median (``anchor``
    "median") or first (``anchor`` "first") shoulders land on the reference signer's
    shoulders (unless ``options.fit_poses`` is off: then it must already be in a ``size`` x
    ``size`` frame); then short gaps are filled and the body and
    hands smoothed. Raises PoseFileError for an empty sequence or one with no visible points.
    """
    canonical = check_poses(poses)
    if options.fit_poses:
        width, center = reference_framing(reference_pose)
        fitted = fit_to_frame(
            canonical, size, size, shoulder_width=width, center=center, anchor=anchor
        )
    elif (canonical.width, canonical.height) == (size, size):
        fitted = canonical
    else:
        raise ConfigError(
            f"poses are in a {canonical.width}x{canonical.height} frame, not the model's "
            f"{size}x{size}: keep fit_poses on"
        )
    filled = fill_gaps(fitted, max_gap=options.max_gap) if options.max_gap > 0 else fitted
    if options.smoothing == "none" or filled.num_frames < 2:
        return filled
    return smooth(filled, method=options.smoothing)


def check_poses(poses: PoseSequence, source: Path | None = None) -> PoseSequence:
    """The sequence in the canonical layout with non-finite points and stray hands (a hand
    far from its arm's wrist: `drop_stray_hands`) marked missing.

    Raises PoseFileError (naming ``source``) when there is nothing to render: no frames, or
    no visible body or hand point in any frame (all missing or NaN).
    """
    if poses.num_frames == 0:
        raise PoseFileError("the pose sequence has no frames", path=source)
    canonical = poses if poses.layout.name == CANONICAL.name else to_canonical(poses)
    canonical = drop_stray_hands(_drop_non_finite(canonical))
    seen = canonical.conf > 0
    if not (seen[:, BODY].any() or seen[:, LEFT_HAND].any() or seen[:, RIGHT_HAND].any()):
        raise PoseFileError(
            f"none of its {poses.num_frames} frames has a visible body or hand point "
            "(all missing or NaN)",
            path=source,
        )
    return canonical


def default_reference_pose(size: int) -> PoseSequence:
    """The rest pose of a synthetic signer: the assumed pose of a reference without one."""
    return neutral_pose(Appearance.from_seed(DEFAULT_REFERENCE_SEED), size)


def frame_reference_pose(pose: PoseSequence, size: int) -> PoseSequence:
    """Map a reference pose (canonical, in its image's pixels) through `read_image`'s framing
    rule (largest square: centred across, from the top down; scaled to ``size``)."""
    side = min(pose.width, pose.height)
    left = (pose.width - side) // 2
    scale = size / side
    xy = (pose.xy - np.array([left, 0], np.float32)) * np.float32(scale)
    return pose.replace(xy=xy, width=size, height=size)


def estimate_reference_pose(image: np.ndarray) -> PoseSequence:
    """The reference signer's pose estimated by MediaPipe Holistic (single-image mode).

    image: uint8 [S, S, 3] RGB, already framed (`read_image(path, size)`).
    Raises ImageError when no person with both shoulders is found.
    """
    from signgen.extract.holistic import HolisticBackend, HolisticSettings

    with HolisticBackend(HolisticSettings(static_image_mode=True)) as backend:
        found = backend(image)
    if found.conf[LEFT_SHOULDER] <= 0 or found.conf[RIGHT_SHOULDER] <= 0:
        raise ImageError("no signer with both shoulders visible was found in the reference image")
    size = image.shape[0]
    return drop_stray_hands(
        PoseSequence(found.xy[None], found.conf[None], 25.0, size, size, CANONICAL)
    )


def reference_framing(reference_pose: PoseSequence) -> tuple[float, tuple[float, float]]:
    """Shoulder width (px) and shoulder centre (x, y px) of the reference's first frame."""
    xy, conf = reference_pose.xy[0], reference_pose.conf[0]
    if conf[LEFT_SHOULDER] <= 0 or conf[RIGHT_SHOULDER] <= 0:
        raise PoseFileError("the reference pose does not show both shoulders")
    left, right = xy[LEFT_SHOULDER].astype(np.float64), xy[RIGHT_SHOULDER].astype(np.float64)
    centre = (left + right) / 2
    return float(np.linalg.norm(left - right)), (float(centre[0]), float(centre[1]))


def _drop_non_finite(seq: PoseSequence) -> PoseSequence:
    """Points with NaN or infinite coordinates become missing (conf 0, xy 0)."""
    finite = np.isfinite(seq.xy).all(axis=-1)
    if finite.all():
        return seq
    conf = np.where(finite, seq.conf, 0.0).astype(np.float32)
    xy = np.where(finite[..., None], seq.xy, 0.0).astype(np.float32)
    return seq.replace(xy=xy, conf=conf)
