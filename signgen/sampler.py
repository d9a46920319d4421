"""Stateless ODE solvers for flow matching: integrate ``dx/dt = velocity(x, t)`` over a grid.

The solver knows nothing about the model (DESIGN.md section 2): it takes any callable
``velocity(x, t) -> v`` and an explicit, increasing time grid, and returns the end point with
the number of function evaluations (NFE) it spent. Cold start, warm start and SDEdit differ
only in ``x_init`` and ``t_grid``; the caller owns any state between calls.

Time convention (signgen.path): t = 0 is noise, t = 1 is data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import torch
from torch import Tensor

from signgen.errors import ConfigError

Method = Literal["euler", "heun", "midpoint"]
METHODS: tuple[Method, ...] = get_args(Method)

Velocity = Callable[[Tensor, Tensor], Tensor]
"""``velocity(x [B, ...], t [B]) -> v`` with v shaped like x; t has x's dtype and device."""

# Network evaluations per step of each method (Heun and midpoint are second order).
EVALS_PER_STEP: dict[Method, int] = {"euler": 1, "heun": 2, "midpoint": 2}


@dataclass(frozen=True)
class Solution:
    """The end point of an integration and what it cost.

    x:   [B, ...] the state at ``t_grid[-1]``, same dtype and device as ``x_init``.
    nfe: number of velocity evaluations spent.
    """

    x: Tensor
    nfe: int


def time_grid(t_start: float, t_end: float, steps: int) -> tuple[float, ...]:
    """``steps + 1`` evenly spaced times from ``t_start`` to ``t_end`` (both included)."""
    if steps < 1:
        raise ConfigError(f"steps must be at least 1, got {steps}")
    if not 0.0 <= t_start < t_end <= 1.0:
        raise ConfigError(f"need 0 <= t_start < t_end <= 1, got {t_start} -> {t_end}")
    width = t_end - t_start
    return tuple(t_start + width * i / steps for i in range(steps)) + (t_end,)


def nfe_for(method: Method, steps: int) -> int:
    """Velocity evaluations that ``solve`` spends on a grid of ``steps`` intervals."""
    return EVALS_PER_STEP[method] * steps


def solve(
    velocity: Velocity,
    x_init: Tensor,
    t_grid: Sequence[float] | Tensor,
    method: Method = "euler",
) -> Solution:
    """Integrate ``dx/dt = velocity(x, t)`` from ``t_grid[0]`` to ``t_grid[-1]``.

    x_init: [B, ...] any floating dtype; the state stays in that dtype.
    t_grid: increasing times (at least two); host floats, so no device sync per step.
    method: "euler" (first order, 1 NFE/step), "heun" or "midpoint" (second order, 2 NFE/step).
    """
    if method not in EVALS_PER_STEP:
        raise ConfigError(f"unknown solver {method!r}; choose one of {', '.join(METHODS)}")
    times = [float(t) for t in t_grid]
    if len(times) < 2 or any(b <= a for a, b in zip(times, times[1:], strict=False)):
        raise ConfigError(f"t_grid must hold at least two increasing times, got {times}")
    step = _STEPS[method]
    x = x_init
    for t, t_next in zip(times, times[1:], strict=False):
        x = step(velocity, x, t, t_next - t)
    return Solution(x=x, nfe=nfe_for(method, len(times) - 1))


def _time(x: Tensor, t: float) -> Tensor:
    """[B] tensor of ``t`` on x's device and dtype (a fill, not a host-to-device copy)."""
    return torch.full((x.shape[0],), t, dtype=x.dtype, device=x.device)


def _euler(velocity: Velocity, x: Tensor, t: float, h: float) -> Tensor:
    return x + h * velocity(x, _time(x, t))


def _heun(velocity: Velocity, x: Tensor, t: float, h: float) -> Tensor:
    # Trapezoid rule: average the slope at the start and at the Euler prediction.
    v0 = velocity(x, _time(x, t))
    v1 = velocity(x + h * v0, _time(x, t + h))
    return x + (0.5 * h) * (v0 + v1)


def _midpoint(velocity: Velocity, x: Tensor, t: float, h: float) -> Tensor:
    v0 = velocity(x, _time(x, t))
    return x + h * velocity(x + (0.5 * h) * v0, _time(x, t + 0.5 * h))


_STEPS: dict[Method, Callable[[Velocity, Tensor, float, float], Tensor]] = {
    "euler": _euler,
    "heun": _heun,
    "midpoint": _midpoint,
}
