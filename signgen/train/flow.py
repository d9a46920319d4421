"""Stage 2: the conditional flow, noise path and trained frame-to-frame path together.

Every batch mixes (measured on a prototype):
- noise-path samples (``noise_fraction``, mode 0): x0 ~ N(0, I), s = `SIGMA_MIN`;
- frame-to-frame samples (mode 1): x0 = the previous frame's latent, perturbed the way
  inference errors look: Gaussian noise with sigma ~ U(0, ``perturb_sigma``), a blur
  ``blur_probability`` of the time, and after ``rollout_after`` steps, for
  ``rollout_fraction`` of the batch, the model's own 1-step prediction of that previous frame
  (self-rollout), so it learns to correct its own errors instead of accumulating them.
  A rollout re-predicts the previous frame from a perturbed copy of itself (a still step), or,
  for ``rollout_motion`` of them, from the perturbed *target* frame (a real motion step,
  played backwards): the errors a chained warm start makes when the signer moves, which the
  still step never shows (measured: chained warm start lost 3.4 dB limb PSNR against cold).
  With ``rollout_depth`` D > 1 a rollout is a chain of 1..D such steps (drawn per batch),
  motion chains going back and forth between the two frames, so the model also sees errors
  compounded over several frames, as a long warm-started clip builds them up.
  With ``rollout_chain`` D > 0, ``chain_share`` of the rollout batches instead walk the model's
  own warm start through the 1..D recorded frames before the previous one, starting from the
  (perturbed) true latent of the first, damped where the pose stood still and clamped to the
  reference's range, exactly as rendering chains it: its own errors while the signer moves
  through distinct poses, which going back and forth between two frames only approximates.
With ``warp``, every frame-to-frame step starts from the previous latent moved along the
pose's motion (`signgen.cond.warp`), in the rollouts and chains too, as rendering does;
with ``soften``, every frame-to-frame start is then read through `signgen.cond.soften`'s blur,
also as rendering does (the damping of still cells in a chain keeps the unblurred latent).
Frame strides 1-5 come from the data (``max_stride``). At inference the previous latent gets
no noise (sigma 0).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import torch
from torch import Tensor, nn

from signgen.checkpoint import HISTORY_KEYS, latent_difference, load_checkpoint, read_train_info
from signgen.cond import (
    STATIC_GAIN,
    MotionHistory,
    pose_raster_batch,
    soften,
)
from signgen.errors import ConfigError
from signgen.model import RPFM, WarmStep, latent_range
from signgen.path import SIGMA_MIN, interpolate, predict_data, target_velocity
from signgen.train.config import FlowTrainConfig
from signgen.train.data import Batch, Item, PairPool, fixed_batch, pair_stream, to_batch
from signgen.train.heldout import flow_metrics
from signgen.train.loop import TrainResult, make_run, train_loop
from signgen.train.losses import region_weights


def perturb(latent: Tensor, max_sigma: float, blur_probability: float) -> Tensor:
    """Previous-frame latents [B, C, h, w] degraded like a rollout: noise and sometimes blur."""
    batch = len(latent)
    sigma = torch.rand(batch, 1, 1, 1) * max_sigma
    out = latent + sigma * torch.randn_like(latent)
    blur = torch.rand(batch) < blur_probability
    if blur.any():
        out = torch.where(blur[:, None, None, None], soften(out), out)
    return out


def _times(count: int, zero_fraction: float) -> Tensor:
    """U(0, 1) times with ``zero_fraction`` of them exactly 0 (the 1-step start)."""
    t = torch.rand(count)
    return torch.where(torch.rand(count) < zero_fraction, torch.zeros_like(t), t)


@torch.no_grad()
def _rollout(model: RPFM, batch: Batch, config: FlowTrainConfig, depth: int = 1) -> Tensor:
    """The model's own chain of ``depth`` 1-step frame-to-frame predictions (latents), ending
    on the previous frame's pose.

    A still rollout starts from the perturbed previous frame and re-predicts it at every step.
    A motion rollout (``rollout_motion`` of the batch) alternates between the two frames, every
    step a real motion step, so its last step goes from the target's pose to the previous
    one: the errors of a chained warm start while the signer moves, compounded ``depth`` times.
    """
    motion = torch.rand(len(batch)) < config.rollout_motion
    # An odd-length motion chain starts on the target frame, an even-length one on the previous.
    start = _where_rows(motion, batch.target if depth % 2 else batch.previous, batch.previous)
    latent = perturb(start, config.perturb_sigma, config.blur_probability)
    reference = model.reference_from_latent(batch.reference, batch.reference_raster)
    previous_pose = model.encode_pose(batch.previous_raster)
    target_pose = model.encode_pose(batch.target_raster) if depth > 1 else previous_pose
    zeros, ones = torch.zeros(len(batch)), torch.ones(len(batch))
    _check_poses(batch, config)
    # The poses each row stands on, two frames apart: a motion row changes frame at every
    # step, a still one stays on the previous frame (its warp moves nothing).
    frames = (batch.previous_pose, batch.previous_pose)
    if batch.target_pose is not None and batch.previous_pose is not None:
        frames = (batch.previous_pose, _where_rows(motion, batch.target_pose, batch.previous_pose))
    warm = WarmStep(config.warp, config.soften)
    for step in range(depth):
        lands_on_previous = (depth - 1 - step) % 2 == 0
        pose = (
            previous_pose if lands_on_previous else _where_rows(motion, target_pose, previous_pose)
        )
        before, after = frames[::-1] if lands_on_previous else frames
        start, _ = warm.start(latent, before, after, model.config.image_size)
        velocity = model.velocity(start, zeros, reference, pose, ones)
        latent = predict_data(start, velocity, 0.0)
    return latent


def _check_poses(batch: Batch, config: FlowTrainConfig) -> None:
    if config.warp and (batch.target_pose is None or batch.previous_pose is None):
        raise ValueError("warping needs the batch's poses")


def _where_rows(rows: Tensor, a: Tensor, b: Tensor) -> Tensor:
    """Row ``i`` of ``a`` where ``rows[i]`` (bool [B]) is set, of ``b`` elsewhere."""
    return torch.where(rows.view(-1, *([1] * (a.dim() - 1))), a, b)


@torch.no_grad()
def _chain_rollout(model: RPFM, batch: Batch, config: FlowTrainConfig) -> Tensor:
    """The model's own warm start walked through ``batch.chain_poses`` (latents), ending on the
    previous frame's pose: 1-step predictions, each damped by `STATIC_GAIN` where the pose did
    not move over the last steps (`MotionHistory`) and clamped to the reference's range, as
    `signgen.render.Renderer` does (moved along the pose's motion first with ``warp``).
    """
    if batch.chain_start is None or batch.chain_poses is None:
        raise ValueError("a chain rollout needs a batch from a pool with a chain")
    latent = perturb(batch.chain_start, config.perturb_sigma, config.blur_probability)
    reference = model.reference_from_latent(batch.reference, batch.reference_raster)
    bounds = latent_range(batch.reference)
    size = model.config.image_size
    zeros, ones = torch.zeros(len(batch)), torch.ones(len(batch))
    poses = batch.chain_poses.unbind(1)
    rasters = [pose_raster_batch(pose, size) for pose in poses]
    history = MotionHistory(model.config.latent_size)
    history.push(rasters[0])
    warm = WarmStep(config.warp, config.soften, STATIC_GAIN)
    for step, raster in enumerate(rasters[1:], start=1):
        start, kept = warm.start(latent, poses[step - 1], poses[step], size)
        velocity = model.velocity(start, zeros, reference, model.encode_pose(raster), ones)
        predicted = predict_data(start, velocity, 0.0)
        latent = warm.finish(kept, predicted, history.moved(raster), bounds)
        history.push(raster)
    return latent


def flow_loss(
    trainable: nn.Module, model: RPFM, batch: Batch, step: int, config: FlowTrainConfig
) -> Tensor:
    """Region-weighted velocity MSE over a batch mixing both paths.

    batch: latents [B, C, h, w] in ``reference``/``target``/``previous`` (see `encode_items`).
    trainable: ``model`` itself or its DDP wrapper (its ``forward`` is the training entry).
    """
    z_target, z_prev = batch.target, batch.previous
    size = len(batch)
    noisy = max(1, round(config.noise_fraction * size))
    x0 = perturb(z_prev, config.perturb_sigma, config.blur_probability)
    x0[:noisy] = torch.randn_like(z_prev[:noisy])
    if step >= config.rollout_after and config.rollout_fraction > 0:
        count = min(size - noisy, max(1, round(config.rollout_fraction * size)))
        if count > 0:
            part = slice(noisy, noisy + count)
            deep = config.rollout_depth > 1  # (depth 1 draws nothing: old runs replay exactly)
            depth = int(torch.randint(1, config.rollout_depth + 1, ())) if deep else 1
            chain = config.rollout_chain > 0 and float(torch.rand(())) < config.chain_share
            if chain:
                x0[part] = _chain_rollout(model, batch.select(part), config)
            else:
                x0[part] = _rollout(model, batch.select(part), config, depth)
    # Every frame-to-frame start takes the warm step from the previous pose to the target's.
    pairs = batch.select(slice(noisy, None))
    _check_poses(pairs, config)
    x0[noisy:], _ = WarmStep(config.warp, config.soften).start(
        x0[noisy:], pairs.previous_pose, pairs.target_pose, model.config.image_size
    )
    mode = (torch.arange(size) >= noisy).float()
    t = torch.cat([_times(noisy, 0.25), _times(size - noisy, config.zero_time_fraction)])
    x_t = torch.cat([
        interpolate(x0[:noisy], z_target[:noisy], t[:noisy], SIGMA_MIN),
        interpolate(x0[noisy:], z_target[noisy:], t[noisy:]),
    ])  # fmt: skip
    target = torch.cat([
        target_velocity(x0[:noisy], z_target[:noisy], SIGMA_MIN),
        target_velocity(x0[noisy:], z_target[noisy:]),
    ])  # fmt: skip
    v = trainable(x_t, t, batch.reference, batch.reference_raster, batch.target_raster, mode)
    weights = region_weights(
        batch.target_mask, z_target.shape[-1], config.hand_weight, config.limb_weight
    )
    return (weights * (v.float() - target) ** 2).mean() / weights.mean()


def encode_items(model: RPFM, bf16: bool = False) -> Callable[[Item], Item]:
    """Pool transform: the three images of each pair -> latents (frozen encoder, once)."""

    @torch.no_grad()
    def encode(items: Item) -> Item:
        out = dict(items)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            for key in ("reference", "target", "previous", "chain_start"):
                if key in items:
                    out[key] = model.autoencoder.encode(items[key]).float()
        return out

    return encode


def initial_model(config: FlowTrainConfig) -> RPFM:
    """The flow on top of the trained, frozen autoencoder of ``config.autoencoder``: fresh
    (seeded), or ``config.init``'s pose encoder, reference encoder and velocity network (a
    fine-tune, e.g. of the shipped checkpoint; its model config is kept)."""
    trained, model_config = load_checkpoint(config.autoencoder)
    if config.init is not None:
        start, model_config = load_checkpoint(config.init)
        changed = latent_difference(trained, start)
        if trained.config.image_size != model_config.image_size or changed:
            raise ConfigError(
                f"was trained on another autoencoder than {config.autoencoder}'s "
                f"({changed or 'image size'} differs); fine-tune it on its own",
                path=config.init,
            )
        widths = model_config.velocity.block_channels
        if config.block_channels is not None and tuple(config.block_channels) != widths:
            raise ConfigError(
                f"block_channels {list(config.block_channels)} differs from the "
                f"UNet widths of {config.init} ({list(widths)})",
                path=config.init,
            )
    elif config.block_channels is not None:
        velocity = dataclasses.replace(model_config.velocity, block_channels=config.block_channels)
        model_config = dataclasses.replace(model_config, velocity=velocity)
    torch.manual_seed(config.seed)
    model = RPFM(model_config)
    if config.init is not None:
        model.load_state_dict(start.state_dict())
    model.autoencoder.load_state_dict(trained.autoencoder.state_dict())
    model.autoencoder.requires_grad_(False)
    return model


def trained_recipe(config: FlowTrainConfig) -> dict[str, object]:
    """The sampling recipe fields a flow run trains for (its ``sampler.json``): the warm
    step of `_chain_rollout`, one network evaluation from the previous latent, with its
    warp, blur, stabilisation and clamp."""
    return {"warm_start": "trained", "warm_steps": 1, "warp": config.warp,
            "soften": config.soften, "static_gain": STATIC_GAIN, "clamp": True}  # fmt: skip


def train_flow(config: FlowTrainConfig) -> TrainResult:
    """Train the pose/reference encoders and the velocity network."""
    model = initial_model(config)
    info: dict[str, object] = {
        "stage": "flow",
        "data_seed": config.seed,
        "autoencoder": str(config.autoencoder),
    }
    if config.init is not None:  # the history this run continues, so none of it is lost
        earlier = read_train_info(config.init)
        kept = {k: earlier[k] for k in HISTORY_KEYS if k in earlier}
        info["init"] = {"path": str(config.init), **kept}
    run = make_run(config, model, model, info)
    run.recipe = trained_recipe(config)
    size = model.config.image_size
    stream = pair_stream(
        "train",
        size,
        config.seed + 1000 * run.rank,
        config.max_stride,
        config.workers,
        config.rollout_chain,
        config.lost_hands,
    )
    pool = PairPool(
        stream, config.pool_size, config.fresh_per_step, encode_items(model, config.bf16)
    )
    heldout = fixed_batch("heldout", size, config.eval_pairs, config.seed, config.max_stride)
    warm = min(config.pool_size, 4 * config.batch_size)
    data = (to_batch(items) for items in pool.items(config.batch_size, warm))
    return train_loop(
        run,
        "flow",
        data,
        lambda trainable, batch, step: flow_loss(trainable, model, batch, step, config),
        lambda ema_model: flow_metrics(
            ema_model, heldout, config.eval_steps, config.seed, config.warp, config.soften
        ),
        lambda ema_model: None,
    )
