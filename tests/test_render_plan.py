"""Frame plans (cold/warm/sdedit, keyframes, motion-adaptive, deadline) and option checks."""

from __future__ import annotations

import numpy as np
import pytest

from signgen.errors import ConfigError
from signgen.pose.layouts import LEFT_HAND, RIGHT_HAND
from signgen.render.deadline import HEADROOM, Deadline
from signgen.render.options import RenderOptions
from signgen.render.plan import FramePlan, hand_motion, plan_frame
from signgen.report import FrameTiming


def test_first_frame_is_cold_and_the_rest_warm_with_one_evaluation() -> None:
    options = RenderOptions(steps=3)
    assert plan_frame(0, options, 0.0) == FramePlan("cold", (0.0, 1 / 3, 2 / 3, 1.0))
    warm = plan_frame(1, options, 0.0)
    assert warm == FramePlan("warm", (0.0, 1.0)) and warm.steps == 1


def test_keyframes_and_no_warm_start_are_cold() -> None:
    options = RenderOptions(keyframe_interval=4)
    kinds = [plan_frame(i, options, 0.0).kind for i in range(9)]
    assert kinds == ["cold", "warm", "warm", "warm", "cold", "warm", "warm", "warm", "cold"]
    assert {plan_frame(i, RenderOptions(warm_start="none"), 0.0).kind for i in range(5)} == {"cold"}


def test_sdedit_starts_at_t0_and_adaptive_lowers_it_with_motion() -> None:
    plan = plan_frame(5, RenderOptions(warm_start="sdedit", t0=0.8, warm_steps=2), 100.0)
    assert plan.kind == "sdedit" and plan.t_grid == pytest.approx((0.8, 0.9, 1.0))
    adaptive = RenderOptions(warm_start="sdedit", t0=0.8, adaptive=True, motion_px=4.0)
    assert plan_frame(5, adaptive, 8.0).t_grid[0] == pytest.approx(0.6)
    assert plan_frame(5, adaptive, float("inf")).t_grid[0] == pytest.approx(0.05)


def test_adaptive_adds_a_step_per_threshold_of_motion_up_to_the_cap() -> None:
    options = RenderOptions(adaptive=True, motion_px=4.0, max_extra_steps=2)
    assert [plan_frame(1, options, m).steps for m in (0.0, 3.9, 4.0, 9.0, 50.0)] == [1, 1, 2, 3, 3]
    assert plan_frame(1, options, float("inf")).steps == 3
    assert plan_frame(1, RenderOptions(), 50.0).steps == 1  # not adaptive: motion is ignored


def test_deadline_fits_steps_to_the_measured_costs() -> None:
    deadline = Deadline(budget_ms=40.0)
    assert deadline.steps(4, 1) == 4  # nothing measured yet
    # 2 evaluations cost 20 ms, the rest 12 ms: eval 10 ms, fixed 12 ms.
    deadline.observe(FrameTiming(0, "cold", 2, pose_ms=2, cond_ms=3, sample_ms=20, decode_ms=7))
    assert (deadline.eval_ms, deadline.fixed_ms) == (10.0, 12.0)
    expected = int((HEADROOM * 40.0 - 12.0) // 10.0)  # 2 evaluations fit under 36 ms
    assert deadline.steps(5, 1) == expected == 2
    assert deadline.steps(5, 2) == 1  # a Heun step costs 2: one fits
    assert deadline.steps(1, 1) == 1
    options = RenderOptions(budget_ms=40.0, max_extra_steps=3)
    assert plan_frame(3, options, 0.0, deadline).steps == 2
    assert plan_frame(0, RenderOptions(steps=8), 0.0, deadline).steps == 2


def test_deadline_never_goes_below_one_step_and_follows_a_slowdown() -> None:
    deadline = Deadline(budget_ms=10.0)
    deadline.observe(FrameTiming(0, "cold", 1, sample_ms=30, decode_ms=20))
    assert deadline.steps(4, 1) == 1
    fast = Deadline(budget_ms=100.0)
    fast.observe(FrameTiming(0, "warm", 1, sample_ms=5, decode_ms=5))
    for index in range(1, 20):
        fast.observe(FrameTiming(index, "warm", 1, sample_ms=40, decode_ms=5))
    assert fast.eval_ms is not None and 39 < fast.eval_ms < 40
    assert fast.steps(4, 1) == 2


def _hands(offset: float = 0.0, visible: bool = True) -> tuple[np.ndarray, np.ndarray]:
    xy = np.zeros((543, 2), np.float32)
    conf = np.zeros(543, np.float32)
    for hand in (LEFT_HAND, RIGHT_HAND):
        xy[hand] = np.arange(21, dtype=np.float32)[:, None] + offset
        conf[hand] = 1.0 if visible else 0.0
    return xy, conf


def test_hand_motion_is_the_largest_point_displacement() -> None:
    a, b = _hands(0.0), _hands(3.0)
    assert hand_motion(*a, *b) == pytest.approx(3.0 * np.sqrt(2))
    assert hand_motion(*a, *a) == 0.0
    assert hand_motion(*_hands(visible=False), *_hands(5.0, visible=False)) == 0.0
    assert hand_motion(*_hands(visible=False), *a) == float("inf")


@pytest.mark.parametrize(
    "changes",
    [
        {"steps": 0},
        {"solver": "rk4"},
        {"warm_start": "magic"},
        {"warm_steps": 0},
        {"t0": 1.0},
        {"t0": 0.0},
        {"keyframe_interval": -1},
        {"budget_ms": 0.0},
        {"smoothing": "gauss"},
        {"max_gap": -1},
        {"static_gain": -0.1},
        {"static_gain": 1.5},
    ],
)
def test_invalid_options_are_config_errors(changes: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        RenderOptions(**changes)  # type: ignore[arg-type]
