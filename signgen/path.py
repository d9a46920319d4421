"""The one probability path of signgen (DESIGN.md section 5): t = 0 is the source, t = 1 data.

Conditional optimal-transport path of flow matching (Lipman et al. 2023), as used by RPFM:

    x_t = (1 - (1 - s) t) x0 + t x1          target velocity  u = x1 - (1 - s) x0

with s = ``sigma_min``. Two uses share it:

- the noise path: x0 ~ N(0, I), s = `SIGMA_MIN` (cold start, frame 0 and keyframes);
- the frame-to-frame path: x0 = the previous frame's latent (perturbed in training), s = 0,
  so the network learns to move the previous frame to the next one (warm start, 1 step).

Training, sampling, warm start and tests import these functions; no other module writes the
formula again. Nothing here knows about the network.
"""

from __future__ import annotations

import torch
from torch import Tensor

SIGMA_MIN = 1e-4
"""``s`` of the noise path: the data end keeps a tiny Gaussian of this width."""


def _time_like(t: Tensor | float, x: Tensor) -> Tensor:
    """Broadcast a time (scalar or [B]) against ``x`` [B, ...]."""
    t = torch.as_tensor(t, dtype=x.dtype, device=x.device)
    return t.reshape(-1, *([1] * (x.dim() - 1))) if t.dim() > 0 else t


def interpolate(x0: Tensor, x1: Tensor, t: Tensor | float, sigma_min: float = 0.0) -> Tensor:
    """A point on the path: ``x_t = (1 - (1 - s) t) x0 + t x1``.

    Args:
        x0: source sample [B, ...] (noise, or the previous frame's latent).
        x1: data sample [B, ...], same shape.
        t: time in [0, 1], a float or [B].
        sigma_min: ``s``; `SIGMA_MIN` for the noise path, 0 for the frame-to-frame path.
    """
    tt = _time_like(t, x1)
    return (1.0 - (1.0 - sigma_min) * tt) * x0 + tt * x1


def target_velocity(x0: Tensor, x1: Tensor, sigma_min: float = 0.0) -> Tensor:
    """The regression target ``u = x1 - (1 - s) x0`` (constant in t along this path)."""
    return x1 - (1.0 - sigma_min) * x0


def predict_data(x_t: Tensor, velocity: Tensor, t: Tensor | float) -> Tensor:
    """One Euler step from ``t`` to 1: the data estimate ``x_t + (1 - t) v``.

    Exact (up to ``s * x0``) when ``velocity`` is the path's target velocity.
    """
    return x_t + (1.0 - _time_like(t, x_t)) * velocity
