"""Temporal stabilisation of the warm start: where did the pose move since the last frame?

The trained warm start re-predicts the whole latent every frame, so parts of the image that
should stand still (the torso, the background, a resting hand) shimmer a little from frame
to frame: on the slowest held-out recordings that made a render flicker 1.3x as much as its
ground truth. `motion_mask` marks the latent cells where the pose raster changed between two
frames; `damp_static` applies the warm step's update in full there and only a ``gain``
share of it elsewhere, so still regions keep their previous latent (and keep converging to
the model's prediction, more slowly) while the signing moves as predicted. `MotionHistory`
keeps the last few rasters of a clip so that a cell counts as moving for a short while after
its pose changed, not only on the frame it changed.
"""

from __future__ import annotations

from collections import deque

import torch
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
# A cell moves when its pose changed against any of the last this many frames: a limb that
# slows down below the threshold per frame (the end of a movement) still gets the model's
# catch-up update instead of lagging. Chosen on the validation recordings, like the gain: 2
# raised limb PSNR by 0.01-0.26 dB on seven of them against 1 (3 added at most 0.03 dB
# more), with flicker up 0.02-0.04x.
MOTION_WINDOW = 2


def check_gain(gain: float) -> None:
    """Refuse a static gain outside [0, 1] with a `ConfigError` (render and eval options)."""
    if not 0.0 <= gain <= 1.0:
        raise ConfigError(f"static gain must be between 0 and 1, got {gain}")


def motion_mask(previous: Tensor, current: Tensor, latent_size: int) -> Tensor:
    """1.0 in the latent cells where the pose moved, 0.0 elsewhere.

    previous, current: [B, C, S, S] pose rasters (`signgen.cond.pose_raster`) of two frames.
    Returns float32 [B, 1, h, w] with h = w = ``latent_size`` (S a multiple of it).
    """
    return _cells(_moved_pixels(previous, current), latent_size)


def _moved_pixels(previous: Tensor, current: Tensor) -> Tensor:
    """float32 [B, 1, S, S]: 1.0 where the raster channels changed by more than the threshold."""
    change = (current.float() - previous.float()).abs().sum(dim=1, keepdim=True)
    return (change > MOTION_THRESHOLD).float()


def _cells(moved: Tensor, latent_size: int) -> Tensor:
    """Moved pixels [B, 1, S, S] -> moved latent cells [B, 1, h, w], grown by the radius."""
    cells = F.max_pool2d(moved, moved.shape[-1] // latent_size)
    return F.max_pool2d(cells, 2 * MOTION_RADIUS + 1, stride=1, padding=MOTION_RADIUS)


def damp_static(previous: Tensor, predicted: Tensor, mask: Tensor, gain: float) -> Tensor:
    """``previous + g * (predicted - previous)`` with g = 1 where ``mask`` is 1 and ``gain``
    where it is 0; latents [B, C, h, w], mask [B, 1, h, w] (`motion_mask`). A gain of 1
    returns ``predicted`` itself (off, bit for bit)."""
    if gain >= 1.0:
        return predicted
    share = gain + (1.0 - gain) * mask.to(predicted.dtype)
    return previous + share * (predicted - previous)


class MotionHistory:
    """The last ``window`` pose rasters of a clip, and where its pose moved against them.

    Usage per frame: ``mask = history.moved(raster)`` (None on the clip's first frame), then
    ``history.push(raster)``. Rasters are [B, C, S, S] (`signgen.cond.pose_raster`), one clip
    per row (the renderer's B is 1; training's chain rollouts keep a batch of clips).
    """

    def __init__(self, latent_size: int, window: int = MOTION_WINDOW) -> None:
        if window < 1:
            raise ConfigError(f"motion window must be at least 1 frame, got {window}")
        self.latent_size = latent_size
        self._rasters: deque[Tensor] = deque(maxlen=window)

    def moved(self, current: Tensor) -> Tensor | None:
        """`motion_mask` of ``current`` against every remembered raster, combined: a cell moved
        if it moved against any of them. [B, 1, h, w] float32, or None before any `push`."""
        if not self._rasters:
            return None
        # Pooling commutes with the union, so the pixels are combined first and pooled once.
        pixels = [_moved_pixels(previous, current) for previous in self._rasters]
        return _cells(torch.stack(pixels).amax(dim=0), self.latent_size)

    def push(self, raster: Tensor) -> None:
        """Remember ``raster`` as the newest frame (the oldest drops out past the window)."""
        self._rasters.append(raster)
