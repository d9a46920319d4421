"""Solvers against velocity fields whose solutions are known exactly."""

from __future__ import annotations

import math

import pytest
import torch
from torch import Tensor

from signgen.errors import ConfigError
from signgen.sampler import METHODS, Method, Solution, nfe_for, solve, time_grid


class Counting:
    """A velocity field that counts its evaluations (to check the reported NFE)."""

    def __init__(self, field: object) -> None:
        self.field = field
        self.calls = 0

    def __call__(self, x: Tensor, t: Tensor) -> Tensor:
        self.calls += 1
        assert t.shape == (x.shape[0],) and t.dtype == x.dtype
        return self.field(x, t)  # type: ignore[operator]


def _x0() -> Tensor:
    return torch.linspace(-1.0, 2.0, 12, dtype=torch.float64).reshape(3, 4)


@pytest.mark.parametrize("method", METHODS)
def test_constant_field_is_exact_with_one_step(method: Method) -> None:
    # Straight-line flow from x0 to x1: the conditional velocity x1 - x0 is constant in x and t,
    # so every method lands on x1 in a single step (why 1-step warm starts can work at all).
    x0 = _x0()
    x1 = torch.cos(x0) * 3.0
    velocity = Counting(lambda x, t: x1 - x0)
    solution = solve(velocity, x0, time_grid(0.0, 1.0, 1), method)
    torch.testing.assert_close(solution.x, x1, rtol=0, atol=1e-12)
    assert solution.nfe == velocity.calls == nfe_for(method, 1)


@pytest.mark.parametrize("method", METHODS)
def test_partial_interval_follows_the_path(method: Method) -> None:
    # Starting part-way at x_t0 on the straight path, integrating t0 -> 1 reaches x1 exactly.
    x0, x1, t0 = _x0(), torch.sin(_x0()), 0.6
    x_t0 = (1 - t0) * x0 + t0 * x1
    solution = solve(lambda x, t: x1 - x0, x_t0, time_grid(t0, 1.0, 3), method)
    torch.testing.assert_close(solution.x, x1, rtol=0, atol=1e-12)


@pytest.mark.parametrize(("method", "order"), [("euler", 1), ("heun", 2), ("midpoint", 2)])
def test_linear_field_converges_at_the_method_order(method: Method, order: int) -> None:
    # dx/dt = a x  =>  x(1) = x(0) exp(a). Halving the step divides the error by 2^order.
    a, x0 = -1.3, _x0()
    exact = x0 * math.exp(a)
    errors = []
    for steps in (8, 16, 32, 64):
        solution = solve(lambda x, t: a * x, x0, time_grid(0.0, 1.0, steps), method)
        errors.append((solution.x - exact).abs().max().item())
    rates = [math.log2(e0 / e1) for e0, e1 in zip(errors, errors[1:], strict=False)]
    assert all(abs(rate - order) < 0.15 for rate in rates), rates


@pytest.mark.parametrize("method", ["heun", "midpoint"])
def test_second_order_methods_are_exact_on_a_linear_in_time_field(method: Method) -> None:
    # dx/dt = 2t  =>  x(1) = x(0) + 1: the trapezoid and midpoint rules integrate it exactly.
    x0 = _x0()
    solution = solve(lambda x, t: 2 * t[:, None].expand_as(x), x0, (0.0, 0.3, 1.0), method)
    torch.testing.assert_close(solution.x, x0 + 1, rtol=0, atol=1e-12)


def test_euler_on_a_linear_in_time_field_has_the_known_error() -> None:
    # Euler on dx/dt = 2t with n steps of 1/n lands at x0 + (n - 1)/n.
    x0 = _x0()
    solution = solve(lambda x, t: 2 * t[:, None].expand_as(x), x0, time_grid(0, 1, 4), "euler")
    torch.testing.assert_close(solution.x, x0 + 0.75, rtol=0, atol=1e-12)


def test_nonuniform_grid_and_dtype_are_kept() -> None:
    x0 = _x0().to(torch.bfloat16)
    solution = solve(lambda x, t: -x, x0, [0.0, 0.1, 0.5, 1.0], "heun")
    assert isinstance(solution, Solution)
    assert solution.x.dtype == torch.bfloat16 and solution.nfe == 6
    expected = _x0() * math.exp(-1)
    assert (solution.x.double() - expected).abs().max().item() < 0.05


def test_time_grid_is_even_and_ends_exactly() -> None:
    assert time_grid(0.0, 1.0, 4) == (0.0, 0.25, 0.5, 0.75, 1.0)
    assert time_grid(0.7, 1.0, 3)[-1] == 1.0 and len(time_grid(0.7, 1.0, 3)) == 4


@pytest.mark.parametrize(
    ("grid", "method"),
    [([0.0], "euler"), ([0.0, 0.5, 0.5], "euler"), ([1.0, 0.0], "heun"), ([0.0, 1.0], "rk4")],
)
def test_bad_grids_and_methods_are_config_errors(grid: list[float], method: str) -> None:
    with pytest.raises(ConfigError):
        solve(lambda x, t: x, _x0(), grid, method)  # type: ignore[arg-type]


@pytest.mark.parametrize(("start", "end", "steps"), [(0.0, 1.0, 0), (0.5, 0.5, 2), (-0.1, 1, 1)])
def test_bad_time_grid_arguments(start: float, end: float, steps: int) -> None:
    with pytest.raises(ConfigError):
        time_grid(start, end, steps)
