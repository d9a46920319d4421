"""Temporal stabilisation of the warm start: where did the pose move since the last frame?

The trained warm start re-predicts the whole latent every frame, so parts of the image that
should stand still (the torso, the background, a resting hand) shimmer a little from frame
to frame: on the slowest held-out recordings that made a render flicker 1.3x as much as its
ground truth. `motion_mask` marks the latent cells where the pose raster changed between two
frames; `damp_static` applies the warm step's update in full there and only a ``gain``
share of it elsewhere, so still regions keep their previous latent (and keep converging to
the model's prediction, more slowly) while the signing moves as predicted.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor

from signgen.errors import ConfigError

# The warm update's share in still cells (`RenderOptions.static_gain`): 1 turns damping off.
# Chosen on held-out validation recordings (none of the clips `signgen eval` reports): 0.1
# brought a slow recording's flicker from 1.35x to 1.15x the ground truth's with hand SSIM
# unchanged.
STATIC_GAIN = 0.1
# A pixel moved when its raster channels changed by more than this in total (values in [0, 1]).
MOTION_THRESHOLD = 0.2
# Moving cells grow by this many latent cells each way: a limb's look (sleeve, shading)
# reaches past its raster line, and the decoder spreads each cell over its neighbours.
MOTION_RADIUS = 2


def check_gain(gain: float) -> None:
    """Refuse a static gain outside [0, 1] with a `ConfigError` (render and eval options)."""
    if not 0.0 <= gain <= 1.0:
        raise ConfigError(f"static gain must be between 0 and 1, got {gain}")


def motion_mask(previous: Tensor, current: Tensor, latent_size: int) -> Tensor:
    """1.0 in the latent cells where the pose moved, 0.0 elsewhere.

    previous, current: [B, C, S, S] pose rasters (`signgen.cond.pose_raster`) of two frames.
    Returns float32 [B, 1, h, w] with h = w = ``latent_size`` (S a multiple of it).
    """
    change = (current.float() - previous.float()).abs().sum(dim=1, keepdim=True)
    moved = (change > MOTION_THRESHOLD).float()
    cells = F.max_pool2d(moved, current.shape[-1] // latent_size)
    return F.max_pool2d(cells, 2 * MOTION_RADIUS + 1, stride=1, padding=MOTION_RADIUS)


def damp_static(previous: Tensor, predicted: Tensor, mask: Tensor, gain: float) -> Tensor:
    """``previous + g * (predicted - previous)`` with g = 1 where ``mask`` is 1 and ``gain``
    where it is 0; latents [B, C, h, w], mask [B, 1, h, w] (`motion_mask`). A gain of 1
    returns ``predicted`` itself (off, bit for bit)."""
    if gain >= 1.0:
        return predicted
    share = gain + (1.0 - gain) * mask.to(predicted.dtype)
    return previous + share * (predicted - previous)
