"""Loss terms: region weights from the synthetic masks, and a differentiable SSIM."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from signgen.metrics import HAND_LABELS, LIMB_LABELS


def region_weights(mask: Tensor, size: int, hand_weight: float, limb_weight: float) -> Tensor:
    """Per-pixel loss weights [B, 1, size, size] from masks uint8 [B, S, S].

    1 everywhere, + ``limb_weight`` on arms and hands, + ``hand_weight`` on hands; regions are
    max-pooled to ``size`` (a latent cell counts if any of its pixels does) and then grown by
    one cell, so the edges of a moving hand count too.
    """
    labels = mask.long()
    hands = torch.zeros_like(labels, dtype=torch.float32)
    limbs = torch.zeros_like(hands)
    for label in HAND_LABELS:
        hands += (labels == label).float()
    for label in LIMB_LABELS:
        limbs += (labels == label).float()
    regions = torch.stack([hands, limbs], dim=1)
    factor = mask.shape[-1] // size
    if factor > 1:
        regions = F.max_pool2d(regions, factor)
    regions = F.max_pool2d(regions, 3, stride=1, padding=1)
    return 1.0 + hand_weight * regions[:, :1] + limb_weight * regions[:, 1:]


def _gaussian_window(channels: int, device: torch.device, dtype: torch.dtype) -> Tensor:
    coords = torch.arange(11, device=device, dtype=dtype) - 5
    g = torch.exp(-(coords**2) / (2 * 1.5**2))
    g = g / g.sum()
    return (g[:, None] * g[None, :]).expand(channels, 1, 11, 11).contiguous()


def ssim_loss(pred: Tensor, target: Tensor) -> Tensor:
    """1 - SSIM of images [B, 3, H, W] in [-1, 1] (same window and constants as metrics)."""
    a, b = (pred + 1) / 2, (target + 1) / 2
    window = _gaussian_window(a.shape[1], a.device, a.dtype)

    def blur(x: Tensor) -> Tensor:
        return F.conv2d(F.pad(x, (5, 5, 5, 5), mode="reflect"), window, groups=x.shape[1])

    mu_a, mu_b = blur(a), blur(b)
    var_a = blur(a * a) - mu_a**2
    var_b = blur(b * b) - mu_b**2
    cov = blur(a * b) - mu_a * mu_b
    c1, c2 = 0.01**2, 0.03**2
    ssim = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / (
        (mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2)
    )
    return 1.0 - ssim.mean()
