"""Ground truth for any pose sequence: a synthetic signer performing it, frame by frame."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from signgen.errors import ConfigError
from signgen.pose.sequence import PoseSequence
from signgen.synth.appearance import Appearance
from signgen.synth.render import SynthFrame, render_frame
from signgen.synth.retarget import retarget
from signgen.synth.skeleton import neutral_pose

MIN_SIZE, MAX_SIZE = 32, 1024


@dataclass(frozen=True)
class SynthOptions:
    """Which signer and how big: appearance seed (>= 0) and an even frame size in px."""

    appearance: int = 0
    size: int = 256

    def __post_init__(self) -> None:
        if self.appearance < 0:
            raise ConfigError(f"--appearance must be a seed >= 0, got {self.appearance}")
        if not (MIN_SIZE <= self.size <= MAX_SIZE) or self.size % 2:
            raise ConfigError(
                f"--size must be even and within {MIN_SIZE}..{MAX_SIZE}, got {self.size}"
            )


def reference_image(options: SynthOptions) -> np.ndarray:
    """The signer of ``options`` in the neutral pose, facing the camera: uint8 [S, S, 3]."""
    look = Appearance.from_seed(options.appearance)
    pose = neutral_pose(look, options.size)
    return render_frame(look, pose.xy[0], pose.conf[0], options.size).image


def render_sequence(
    seq: PoseSequence, options: SynthOptions
) -> tuple[PoseSequence, Iterator[SynthFrame]]:
    """(the retargeted poses [T], a lazy iterator over their T rendered frames).

    ``seq`` is canonical (see `signgen.io.read_canonical`); frame count and fps are kept.
    """
    look = Appearance.from_seed(options.appearance)
    poses = retarget(seq, look, options.size)

    def frames() -> Iterator[SynthFrame]:
        for t in range(poses.num_frames):
            yield render_frame(look, poses.xy[t], poses.conf[t], options.size)

    return poses, frames()
