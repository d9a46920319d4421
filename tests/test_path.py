"""The probability path: end points, target velocity, and the one-step data estimate."""

import pytest
import torch

from signgen.path import SIGMA_MIN, interpolate, predict_data, target_velocity


@pytest.fixture
def pair() -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(0)
    return torch.randn(3, 4, 8, 8, generator=gen), torch.randn(3, 4, 8, 8, generator=gen)


@pytest.mark.parametrize("sigma", [0.0, SIGMA_MIN, 0.1])
def test_end_points(pair: tuple[torch.Tensor, torch.Tensor], sigma: float) -> None:
    x0, x1 = pair
    assert torch.equal(interpolate(x0, x1, 0.0, sigma), x0)
    torch.testing.assert_close(interpolate(x0, x1, 1.0, sigma), x1 + sigma * x0)


@pytest.mark.parametrize("sigma", [0.0, SIGMA_MIN, 0.1])
def test_target_is_the_time_derivative(
    pair: tuple[torch.Tensor, torch.Tensor], sigma: float
) -> None:
    x0, x1 = pair
    t = torch.tensor([0.1, 0.5, 0.9])
    h = 1e-3
    slope = (interpolate(x0, x1, t + h, sigma) - interpolate(x0, x1, t - h, sigma)) / (2 * h)
    torch.testing.assert_close(slope, target_velocity(x0, x1, sigma), atol=1e-3, rtol=1e-3)


def test_per_sample_times(pair: tuple[torch.Tensor, torch.Tensor]) -> None:
    x0, x1 = pair
    t = torch.tensor([0.0, 0.25, 1.0])
    x_t = interpolate(x0, x1, t)
    assert torch.equal(x_t[0], x0[0])
    torch.testing.assert_close(x_t[1], 0.75 * x0[1] + 0.25 * x1[1])
    torch.testing.assert_close(x_t[2], x1[2])


def test_one_euler_step_with_the_exact_velocity_lands_on_data(
    pair: tuple[torch.Tensor, torch.Tensor],
) -> None:
    x0, x1 = pair
    t = torch.tensor([0.0, 0.3, 0.8])
    x_t = interpolate(x0, x1, t)
    torch.testing.assert_close(predict_data(x_t, target_velocity(x0, x1), t), x1)
