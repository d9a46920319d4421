"""Held-out evaluation during training (fixed pairs, EMA weights, uint8 frames as shipped)."""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from signgen.metrics import score
from signgen.model import RPFM, ReferenceCache, WarmStep
from signgen.sampler import solve, time_grid
from signgen.train.data import Batch


def to_uint8(images: Tensor) -> np.ndarray:
    """Images [B, 3, H, W] in [-1, 1] -> uint8 [B, H, W, 3] (what a video would hold)."""
    scaled = ((images.detach().float().clamp(-1, 1) + 1) * 127.5).round()
    return scaled.to(torch.uint8).permute(0, 2, 3, 1).cpu().numpy()


def _scores(prefix: str, images: Tensor, batch: Batch) -> dict[str, float]:
    truth, masks = to_uint8(batch.target), batch.target_mask.cpu().numpy()
    values = score(to_uint8(images), truth, masks).as_dict()
    return {f"{prefix}{k}": v for k, v in values.items()}


@torch.no_grad()
def reconstruction_metrics(model: RPFM, batch: Batch) -> dict[str, float]:
    """Autoencoder round trip of the held-out targets."""
    return _scores("", model.autoencoder(batch.target), batch)


@torch.no_grad()
def sample(
    model: RPFM,
    x_init: Tensor,
    reference: ReferenceCache,
    pose_features: Tensor,
    mode: float,
    t_grid: tuple[float, ...],
) -> Tensor:
    """Integrate the model's velocity field (Euler) over ``t_grid`` from ``x_init``."""
    modes = torch.full((len(x_init),), mode, dtype=x_init.dtype)
    return solve(
        lambda x, t: model.velocity(x, t, reference, pose_features, modes), x_init, t_grid
    ).x


@torch.no_grad()
def flow_metrics(
    model: RPFM,
    batch: Batch,
    steps: int,
    seed: int = 0,
    warp: bool = False,
    soften: bool = False,
) -> dict[str, float]:
    """Cold ``steps``-step sampling from fixed noise, and the 1-step warm start from the true
    previous frame (the frame-to-frame path; moved along the pose's motion first with
    ``warp`` and read through the blur with ``soften``, as rendering does), scored against the
    held-out targets."""
    reference = model.encode_reference(batch.reference, batch.reference_raster)
    pose = model.encode_pose(batch.target_raster)
    shape = (len(batch), model.config.autoencoder.latent_channels) + (model.config.latent_size,) * 2
    noise = torch.randn(shape, generator=torch.Generator().manual_seed(seed))
    cold = sample(model, noise, reference, pose, 0.0, time_grid(0.0, 1.0, steps))
    previous = model.autoencoder.encode(batch.previous)
    if warp and (batch.previous_pose is None or batch.target_pose is None):
        raise ValueError("warping needs the batch's poses")
    previous, _ = WarmStep(warp, soften).start(
        previous, batch.previous_pose, batch.target_pose, model.config.image_size
    )
    warm = sample(model, previous, reference, pose, 1.0, time_grid(0.0, 1.0, 1))
    decode = model.autoencoder.decode
    return {**_scores("", decode(cold), batch), **_scores("warm_", decode(warm), batch)}
