"""What each frame does: cold or warm start, over which time grid (pure logic, no tensors).

The frame loop asks `plan_frame` for every frame; the rules are DESIGN.md section 6:
frame 0 and keyframes cold-start from the clip's fixed noise, other frames warm-start from the
previous latent; motion-adaptive mode spends more when the hands moved more; deadline mode
caps the steps by what fits the budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from signgen.pose.layouts import LEFT_HAND, RIGHT_HAND
from signgen.render.deadline import Deadline
from signgen.render.options import RenderOptions
from signgen.sampler import EVALS_PER_STEP, time_grid

FrameKind = Literal["cold", "warm", "sdedit"]
# Lowest sdedit start time motion may push t0 down to (t0 -> 0 is a cold start).
MIN_T0 = 0.05
# t0 drop per ``motion_px`` of hand motion in adaptive sdedit.
T0_PER_MOTION = 0.1


@dataclass(frozen=True)
class FramePlan:
    """kind: how the latent starts; t_grid: the solver's times (t = 0 noise, t = 1 data)."""

    kind: FrameKind
    t_grid: tuple[float, ...]

    @property
    def steps(self) -> int:
        return len(self.t_grid) - 1


def plan_frame(
    index: int, options: RenderOptions, motion_px: float, deadline: Deadline | None = None
) -> FramePlan:
    """The plan for frame ``index`` given the hands' motion since the previous frame (px)."""
    per_step = EVALS_PER_STEP[options.solver]
    keyframe = options.keyframe_interval > 0 and index % options.keyframe_interval == 0
    if index == 0 or keyframe or options.warm_start == "none":
        steps = options.steps if deadline is None else deadline.steps(options.steps, per_step)
        return FramePlan("cold", time_grid(0.0, 1.0, steps))
    extra = _extra_steps(options, motion_px)
    if deadline is not None:
        # The budget, not the motion, decides: as many steps as fit, up to the adaptive cap.
        steps = deadline.steps(options.warm_steps + options.max_extra_steps, per_step)
    else:
        steps = options.warm_steps + (extra if options.warm_start == "trained" else 0)
    if options.warm_start == "trained":
        return FramePlan("warm", time_grid(0.0, 1.0, steps))
    t0 = options.t0
    if options.adaptive:
        t0 = max(MIN_T0, t0 - T0_PER_MOTION * motion_px / options.motion_px)
    return FramePlan("sdedit", time_grid(t0, 1.0, steps))


def _extra_steps(options: RenderOptions, motion_px: float) -> int:
    if not options.adaptive:
        return 0
    # min() first: a hand that appears counts as infinite motion.
    return int(min(options.max_extra_steps, motion_px // options.motion_px))


def hand_motion(
    xy_prev: np.ndarray, conf_prev: np.ndarray, xy: np.ndarray, conf: np.ndarray
) -> float:
    """Largest displacement (px) of a hand point seen in both frames; 0 if none is.

    xy_*: [543, 2] float32 canonical points in the render frame; conf_*: [543] float32.
    A hand that appears or vanishes counts as large motion (its raster changes a lot).
    """
    largest = 0.0
    for hand in (LEFT_HAND, RIGHT_HAND):
        seen_prev, seen = conf_prev[hand] > 0, conf[hand] > 0
        if seen_prev.any() != seen.any():
            return float("inf")
        both = seen_prev & seen
        if both.any():
            moved = np.linalg.norm(xy[hand][both] - xy_prev[hand][both], axis=1)
            largest = max(largest, float(moved.max()))
    return largest
