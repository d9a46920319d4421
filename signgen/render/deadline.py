"""Deadline mode: choose each frame's solver steps so that the frame fits a latency budget.

A frame costs ``fixed + nfe * eval`` ms: fixed = pose raster, pose features, decode and mux
(paid whatever the steps), eval = one velocity-network evaluation. Both are tracked as
running means of what the last frames measured, so the choice follows the machine's load.
"""

from __future__ import annotations

from dataclasses import dataclass

from signgen.report import FrameTiming

# Weight of the newest frame in the running means: ~10 frames of memory, quick to react to a
# slower machine, steady against one-off spikes.
SMOOTHING = 0.2
# Aim below the budget: a plan exactly at the budget misses half the time.
HEADROOM = 0.9


@dataclass
class Deadline:
    """Running cost estimates and the step choice for one clip."""

    budget_ms: float
    eval_ms: float | None = None
    fixed_ms: float | None = None

    def steps(self, wanted: int, evals_per_step: int) -> int:
        """Most steps (1..wanted) whose predicted frame time stays under the budget."""
        if self.eval_ms is None or self.fixed_ms is None:
            return wanted  # nothing measured yet (frame 0): do what was asked
        spare = HEADROOM * self.budget_ms - self.fixed_ms
        affordable = int(spare // (self.eval_ms * evals_per_step)) if self.eval_ms > 0 else wanted
        return max(1, min(wanted, affordable))

    def observe(self, timing: FrameTiming) -> None:
        """Fold a finished frame's measured costs into the running means."""
        if timing.nfe < 1:
            return
        eval_ms = timing.sample_ms / timing.nfe
        fixed_ms = timing.total_ms - timing.sample_ms
        if self.eval_ms is None or self.fixed_ms is None:
            self.eval_ms, self.fixed_ms = eval_ms, fixed_ms
        else:
            self.eval_ms += SMOOTHING * (eval_ms - self.eval_ms)
            self.fixed_ms += SMOOTHING * (fixed_ms - self.fixed_ms)
