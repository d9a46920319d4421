"""Stage 1: train the autoencoder on synthetic frames (it must not be the quality ceiling)."""

from __future__ import annotations

import json

import torch
from torch import Tensor, nn

from signgen.checkpoint import load_checkpoint
from signgen.errors import ConfigError
from signgen.metrics import HAND_LABELS
from signgen.model import RPFM, TINY, RPFMConfig
from signgen.train.config import AutoencoderTrainConfig
from signgen.train.data import Item, PairPool, fixed_batch, pair_stream
from signgen.train.heldout import reconstruction_metrics
from signgen.train.loop import TrainResult, make_run, train_loop
from signgen.train.losses import region_weights, ssim_loss


def model_config(config: AutoencoderTrainConfig) -> RPFMConfig:
    """The model to build: TINY, a JSON file's RPFMConfig, or the default at image_size."""
    if config.tiny:
        return TINY
    if config.model is None:
        return RPFMConfig(image_size=config.image_size)
    try:
        return RPFMConfig.from_dict(json.loads(config.model.read_text()))
    except (OSError, json.JSONDecodeError) as error:
        raise ConfigError(f"unreadable model config: {error}", path=config.model) from error


def crop_origins(masks: Tensor, crop: int, hand_fraction: float) -> Tensor:
    """Top-left corners [B, 2] (y, x) of ``crop``-pixel windows, multiples of 4 so the
    latent grid stays aligned; ``hand_fraction`` of them centred on a hand pixel."""
    batch, size = masks.shape[0], masks.shape[-1]
    origins = torch.randint(0, size - crop + 1, (batch, 2))
    for row in range(batch):
        if torch.rand(()) >= hand_fraction:
            continue
        hand = torch.isin(masks[row], torch.tensor(HAND_LABELS, dtype=masks.dtype))
        points = hand.nonzero()
        if len(points):
            centre = points[torch.randint(len(points), ())]
            origins[row] = (centre - crop // 2).clamp(0, size - crop)
    return origins - origins % 4


def _crop(images: Tensor, origins: Tensor, crop: int) -> Tensor:
    return torch.stack(
        [
            img[..., y : y + crop, x : x + crop]
            for img, (y, x) in zip(images, origins.tolist(), strict=True)
        ]
    )


def autoencoder_loss(autoencoder: nn.Module, items: Item, config: AutoencoderTrainConfig) -> Tensor:
    """Region-weighted L1 (limbs and hands up-weighted) + ``ssim_weight`` * (1 - SSIM), on
    crops (``crop`` pixels; half of them on a hand) of the target frames."""
    target, masks = items["target"], items["target_mask"]
    if config.crop < target.shape[-1]:
        origins = crop_origins(masks, config.crop, 0.5)
        target, masks = _crop(target, origins, config.crop), _crop(masks, origins, config.crop)
    recon = autoencoder(target)
    weights = region_weights(masks, target.shape[-1], config.hand_weight, config.limb_weight)
    recon = recon.float()
    l1 = (weights * (recon - target).abs()).mean() / weights.mean()
    with torch.autocast("cpu", enabled=False):  # bf16 SSIM statistics overflow to -inf
        return l1 + config.ssim_weight * ssim_loss(recon, target)


def initial_model(config: AutoencoderTrainConfig) -> RPFM:
    """A fresh (seeded) RPFM, or ``config.init``'s weights; only what trains has gradients."""
    if config.decoder_only and config.init is None:
        raise ConfigError("decoder_only needs init: the checkpoint whose encoder stays frozen")
    torch.manual_seed(config.seed)
    if config.init is not None:
        model, _ = load_checkpoint(config.init)
        model.train()
    else:
        model = RPFM(model_config(config))
    model.requires_grad_(False)
    trained = model.autoencoder.decoder if config.decoder_only else model.autoencoder
    trained.requires_grad_(True)
    return model


def train_autoencoder(config: AutoencoderTrainConfig) -> TrainResult:
    """Train the autoencoder of a fresh RPFM (or fine-tune ``config.init``'s, or only its
    decoder); the checkpoint holds the whole model so `train_flow` can start from it."""
    model = initial_model(config)
    info: dict[str, object] = {"stage": "autoencoder", "data_seed": config.seed}
    if config.init is not None:
        info["init"] = str(config.init)
    run = make_run(config, model, model.autoencoder, info)
    size = model.config.image_size
    stream = pair_stream(
        "train", size, config.seed + 1000 * run.rank, config.max_stride, config.workers
    )
    pool = PairPool(stream, config.pool_size, config.fresh_per_step, _frames_only)
    heldout = fixed_batch("heldout", size, config.eval_pairs, config.seed, config.max_stride)
    data = pool.items(config.batch_size, warm=min(config.pool_size, 4 * config.batch_size))

    @torch.no_grad()
    def prepare(ema_model: RPFM) -> None:
        if config.decoder_only:  # the latent space is the flow's: keep its statistics
            return
        images = pool.data["target"][: min(pool.size, 128)]
        ema_model.autoencoder.set_normalisation(ema_model.autoencoder.encode_raw(images))

    return train_loop(
        run,
        "autoencoder",
        data,
        lambda trainable, items, step: autoencoder_loss(trainable, items, config),
        lambda ema_model: reconstruction_metrics(ema_model, heldout),
        prepare,
    )


def _frames_only(items: Item) -> Item:
    return {"target": items["target"], "target_mask": items["target_mask"]}
