"""`WarmStep`: the frame-to-frame warm start every frame loop uses (render, bench, eval, train).

A warm frame starts from the previous frame's latent: moved along the pose's motion
(``warp``), read through a small blur (``soften``), integrated on the trained frame-to-frame
path, then damped where the pose stood still and clamped to the reference's range (`settle`).
"""

from __future__ import annotations

from dataclasses import dataclass

from torch import Tensor

from signgen.cond.motion import STATIC_GAIN
from signgen.cond.soften import soften as blur
from signgen.cond.warp import follow_pose
from signgen.model.rpfm import settle


@dataclass(frozen=True)
class WarmStep:
    """warp: move the previous latent along the pose's motion first; soften: the step reads
    it through the blur; static_gain: share of the update kept where the pose stood still."""

    warp: bool = True
    soften: bool = True
    static_gain: float = STATIC_GAIN

    def start(
        self,
        latent: Tensor,
        previous_pose: Tensor | None = None,
        pose: Tensor | None = None,
        image_size: int = 0,
    ) -> tuple[Tensor, Tensor]:
        """(x_init, kept): where the warm step starts [B, C, h, w], and the previous latent
        as its still cells keep it (warped, not blurred). Poses [B, 543, 3] in the
        ``image_size`` frame; without them (or with ``warp`` off) nothing moves."""
        kept = latent
        if self.warp and previous_pose is not None and pose is not None:
            kept = follow_pose(latent, previous_pose, pose, image_size)
        return (blur(kept) if self.soften else kept), kept

    def finish(
        self,
        kept: Tensor,
        predicted: Tensor,
        moved: Tensor | None,
        bounds: tuple[Tensor, Tensor] | None,
    ) -> Tensor:
        """The frame's latent: ``predicted`` damped towards ``kept`` where the pose did not
        move (``moved`` None: nowhere) and clamped to ``bounds`` (None: off)."""
        return settle(kept, predicted, moved, self.static_gain, bounds)
