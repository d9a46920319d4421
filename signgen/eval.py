"""Quality of a checkpoint on the held-out synthetic world.

Two parts, both against ground truth rendered by `signgen.synth`:

- pairs: held-out (reference, previous, target) pairs; rows for copying the reference image
  (the baseline: background and torso do not move, so whole-frame SSIM is high anyway), the
  autoencoder round trip (the ceiling), cold K-step sampling from fixed noise, and the
  1-step frame-to-frame warm start from the true previous frame;
- clips: a held-out signer performing the held-out real recording, rendered frame by frame:
  cold (one fixed noise per clip, K steps every frame) vs warm-started (frame 0 cold, then
  1 network evaluation per frame from the previous frame's latent): SSIM, hand SSIM, limb
  PSNR, flicker against the ground truth's, and drift (first vs last 50 frames).

Sampled latents are clamped to the reference latent's per-channel range as the renderer does
(`EvalConfig.clamp`, `signgen.model.clamp_to_reference`); `--no-clamp` scores them raw.
Warm clip frames are stabilised where the pose stood still, also as the renderer does
(`EvalConfig.static_gain`, `signgen.cond.motion`); `--static-gain 1` turns that off. Warm
starts (pairs and clips) begin from the previous latent moved along the pose's motion, as the
renderer does (`EvalConfig.warp`, `signgen.cond.warp`); `--no-warp` starts from it as it is.
The warm step then reads that start through a small blur, as the renderer does
(`EvalConfig.soften`, `signgen.cond.soften`); `--no-soften` reads it as it is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
from torch import Tensor

from signgen.checkpoint import load_checkpoint
from signgen.cond import (
    STATIC_GAIN,
    MotionHistory,
    check_gain,
    keypoints,
    pose_raster_batch,
)
from signgen.errors import ConfigError
from signgen.metrics import Scores, drift, flicker, per_frame_ssim, score
from signgen.model import RPFM, ReferenceCache, WarmStep, clamp_to_range, latent_range
from signgen.sampler import solve, time_grid
from signgen.targets import Check, flicker_ok

Progress = Callable[[str, int, int], None]
"""``(stage, done, total)``: called as work completes."""


@dataclass(frozen=True)
class EvalConfig:
    checkpoint: Path
    pairs: int = 200
    steps: int = 2  # cold sampling steps (Euler)
    clip_frames: int = 300
    clips: int = 1  # held-out clips 0, 2, 4, ...: held-out signers, held-out real recording
    seed: int = 0
    batch_size: int = 16
    threads: int = 1
    bf16: bool = False
    clamp: bool = True  # keep latents in the reference's per-channel range, as rendering does
    static_gain: float = STATIC_GAIN  # warm frames damped where the pose stood still, ditto
    warp: bool = True  # warm starts moved along the pose's motion first, ditto
    soften: bool = True  # warm steps read their start through the blur, ditto


PairKind = Literal["copy", "auto", "cold", "warm"]


@dataclass(frozen=True)
class PairRow:
    name: str
    nfe: int
    scores: Scores
    kind: PairKind


@dataclass(frozen=True)
class ClipRow:
    name: str
    nfe_per_frame: float
    scores: Scores
    flicker: float
    flicker_truth: float
    drift: float  # SSIM of the first 50 frames minus that of the last 50

    @property
    def flicker_ratio(self) -> float:
        return self.flicker / max(self.flicker_truth, 1e-12)


@dataclass(frozen=True)
class EvalReport:
    config: EvalConfig
    pairs: tuple[PairRow, ...]
    clips: tuple[ClipRow, ...]

    def pair(self, kind: PairKind) -> PairRow:
        return next(row for row in self.pairs if row.kind == kind)

    def clip_pairs(self) -> list[tuple[ClipRow, ClipRow]]:
        """(cold, warm) rows of each clip, in clip order."""
        return list(zip(self.clips[::2], self.clips[1::2], strict=True))

    def to_dict(self) -> dict[str, Any]:
        config = {k: str(v) if isinstance(v, Path) else v for k, v in vars(self.config).items()}
        pairs = [
            {"name": r.name, "kind": r.kind, "nfe": r.nfe, **r.scores.as_dict()} for r in self.pairs
        ]
        clips = [
            {
                **dataclasses.asdict(r),
                "scores": r.scores.as_dict(),
                "flicker_ratio": r.flicker_ratio,
            }
            for r in self.clips
        ]
        checks = [vars(check) for check in evaluate_targets(self)]
        return {"config": config, "pairs": pairs, "clips": clips, "checks": checks}


CHECKS_TITLE = "quality checks"


def evaluate_targets(report: EvalReport) -> list[Check]:
    """The quality checks on ``report``: the autoencoder is not the ceiling, cold sampling
    on the pairs, and on every clip the warm start at least as good as cold on hands and
    limbs, its flicker within 15% of the ground truth's, and no drift."""
    auto, cold = report.pair("auto").scores, report.pair("cold").scores
    k = f"cold {report.config.steps}-step"
    checks = [
        Check("autoencoder PSNR (dB)", auto.psnr, ">= 33", auto.psnr >= 33),
        Check("autoencoder hand SSIM", auto.hand_ssim, ">= 0.90", auto.hand_ssim >= 0.90),
        Check(f"{k} SSIM", cold.ssim, ">= 0.90 (goal 0.93)", cold.ssim >= 0.90),
        Check(f"{k} hand SSIM", cold.hand_ssim, ">= 0.75 (goal 0.82)", cold.hand_ssim >= 0.75),
        Check(f"{k} limb PSNR (dB)", cold.limb_psnr, ">= 23 (goal 26)", cold.limb_psnr >= 23),
    ]
    for cold_row, warm_row in report.clip_pairs():
        clip, c, w = warm_row.name.removesuffix(" warm"), cold_row.scores, warm_row.scores
        checks += [
            Check(f"{clip}: warm - cold hand SSIM", w.hand_ssim - c.hand_ssim, ">= 0",
                  w.hand_ssim >= c.hand_ssim),
            Check(f"{clip}: warm - cold limb PSNR (dB)", w.limb_psnr - c.limb_psnr, ">= 0",
                  w.limb_psnr >= c.limb_psnr),
            Check(f"{clip}: warm flicker / ground truth", warm_row.flicker_ratio,
                  "0.85 .. 1.15", flicker_ok(warm_row.flicker_ratio)),
            Check(f"{clip}: warm drift (first - last 50)", warm_row.drift, "-0.01 .. 0.01",
                  abs(warm_row.drift) <= 0.01),
        ]  # fmt: skip
    return checks


def to_uint8(images: Tensor) -> np.ndarray:
    """[B, 3, H, W] in [-1, 1] -> uint8 [B, H, W, 3]."""
    scaled = ((images.detach().float().clamp(-1, 1) + 1) * 127.5).round()
    return scaled.to(torch.uint8).permute(0, 2, 3, 1).cpu().numpy()


def _to_tensor(frames: np.ndarray, dtype: torch.dtype) -> Tensor:
    """uint8 [B, H, W, 3] -> [B, 3, H, W] in [-1, 1]."""
    return (torch.from_numpy(frames).permute(0, 3, 1, 2).to(dtype) / 127.5) - 1.0


def integrate(
    model: RPFM, x: Tensor, reference: ReferenceCache, pose: Tensor, mode: float, steps: int
) -> Tensor:
    """Euler over ``steps`` equal steps from t = 0 to 1 on path ``mode`` (0 noise, 1 frame)."""
    modes = torch.full((len(x),), mode, dtype=x.dtype)
    grid = time_grid(0.0, 1.0, steps)
    return solve(lambda z, t: model.velocity(z, t, reference, pose, modes), x, grid).x


def _noise(count: int, model: RPFM, seed: int, dtype: torch.dtype) -> Tensor:
    shape = (count, model.config.autoencoder.latent_channels, *(2 * (model.config.latent_size,)))
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed)).to(dtype)


def evaluate_pairs(
    model: RPFM, config: EvalConfig, dtype: torch.dtype, progress: Progress
) -> tuple[PairRow, ...]:
    """Rows for the held-out pairs (see the module docstring)."""
    from signgen.synth.dataset import PairDataset

    size = model.config.image_size
    stream = iter(PairDataset(split="heldout", size=size, seed=config.seed))
    outputs: dict[str, list[np.ndarray]] = {k: [] for k in ("copy", "auto", "cold", "warm")}
    truths, masks = [], []
    done = 0
    while done < config.pairs:
        items = [next(stream) for _ in range(min(config.batch_size, config.pairs - done))]
        batch = {k: torch.stack([item[k] for item in items]) for k in items[0]}
        images = {k: batch[k].to(dtype) for k in ("reference", "target", "previous")}
        rasters = {k: pose_raster_batch(batch[f"{k}_pose"], size).to(dtype) for k in images}
        with torch.inference_mode():
            reference = model.encode_reference(images["reference"], rasters["reference"])
            pose = model.encode_pose(rasters["target"])
            noise = _noise(len(items), model, config.seed + done, dtype)
            cold = integrate(model, noise, reference, pose, 0.0, config.steps)
            previous = model.autoencoder.encode(images["previous"])
            x_init, _ = WarmStep(config.warp, config.soften).start(
                previous, batch["previous_pose"], batch["target_pose"], size
            )
            warm = integrate(model, x_init, reference, pose, 1.0, 1)
            if config.clamp:  # each pair in its own reference's range, as rendering does
                bounds = latent_range(reference.latent)
                cold, warm = clamp_to_range(cold, bounds), clamp_to_range(warm, bounds)
            decode = model.autoencoder.decode
            outputs["auto"].append(to_uint8(decode(model.autoencoder.encode(images["target"]))))
            outputs["cold"].append(to_uint8(decode(cold)))
            outputs["warm"].append(to_uint8(decode(warm)))
        outputs["copy"].append(to_uint8(batch["reference"]))
        truths.append(to_uint8(batch["target"]))
        masks.append(batch["target_mask"].numpy())
        done += len(items)
        progress("pairs", done, config.pairs)
    truth, mask = np.concatenate(truths), np.concatenate(masks)
    names: dict[PairKind, tuple[str, int]] = {
        "copy": ("copy reference (baseline)", 0),
        "auto": ("autoencoder (ceiling)", 0),
        "cold": (f"cold {config.steps}-step", config.steps),
        "warm": ("warm 1-step, true previous", 1),
    }
    return tuple(
        PairRow(name, nfe, score(np.concatenate(outputs[key]), truth, mask), key)
        for key, (name, nfe) in names.items()
    )


def _clip_inputs(model: RPFM, index: int, frames: int, dtype: torch.dtype) -> tuple[Any, ...]:
    """Held-out clip ``index``: (clip, reference cache, pose features [T, F, h, w], motion
    masks [T, 1, h, w]: where the pose moved, as the renderer's `MotionHistory` sees it;
    frame 0 has none).
    """
    from signgen.synth.dataset import heldout_clip

    size = model.config.image_size
    clip = heldout_clip(index, frames, size)
    poses = keypoints(clip.poses.xy, clip.poses.conf)
    ref = keypoints(clip.reference_pose.xy, clip.reference_pose.conf)
    features, masks = [], []
    history = MotionHistory(model.config.latent_size)
    still = torch.zeros(1, 1, *(2 * (model.config.latent_size,)))
    with torch.inference_mode():
        reference = model.encode_reference(
            _to_tensor(clip.reference[None], dtype), pose_raster_batch(ref, size).to(dtype)
        )
        for start in range(0, len(poses), 32):
            rasters = pose_raster_batch(poses[start : start + 32], size)
            features.append(model.encode_pose(rasters.to(dtype)))
            for raster in rasters.split(1):
                moved = history.moved(raster)
                masks.append(still if moved is None else moved)
                history.push(raster)
    return clip, reference, torch.cat(features), torch.cat(masks)


def _clip_row(
    name: str, nfe: float, pred: np.ndarray, truth: np.ndarray, masks: np.ndarray
) -> ClipRow:
    return ClipRow(
        name=name,
        nfe_per_frame=nfe,
        scores=score(pred, truth, masks),
        flicker=flicker(pred),
        flicker_truth=flicker(truth),
        drift=drift(per_frame_ssim(pred, truth)),
    )


def evaluate_clip(
    model: RPFM, config: EvalConfig, index: int, dtype: torch.dtype, progress: Progress
) -> tuple[ClipRow, ClipRow]:
    """Cold (fixed noise, K steps per frame) vs warm (1 NFE per frame after the first)."""
    clip, reference, pose, moved = _clip_inputs(model, index, config.clip_frames, dtype)
    frames = len(pose)
    noise = _noise(1, model, config.seed + index, dtype)
    decode = model.autoencoder.decode
    cold, warm = [], []

    bounds = latent_range(reference.latent) if config.clamp else None

    def keep(latent: Tensor) -> Tensor:
        return latent if bounds is None else clamp_to_range(latent, bounds)

    with torch.inference_mode():
        for start in range(0, frames, config.batch_size):
            chunk = pose[start : start + config.batch_size]
            latents = keep(integrate(model, noise.expand(len(chunk), -1, -1, -1), reference,
                                     chunk, 0.0, config.steps))  # fmt: skip
            cold.append(to_uint8(decode(latents)))
            progress(f"clip {index} cold", start + len(chunk), frames)
        latent = keep(integrate(model, noise, reference, pose[:1], 0.0, config.steps))
        warm_latents = [latent]
        points, image_size = keypoints(clip.poses.xy, clip.poses.conf), model.config.image_size
        step = WarmStep(config.warp, config.soften, config.static_gain)
        for k in range(1, frames):
            x_init, kept = step.start(latent, points[k - 1 : k], points[k : k + 1], image_size)
            predicted = integrate(model, x_init, reference, pose[k : k + 1], 1.0, 1)
            latent = step.finish(kept, predicted, moved[k : k + 1], bounds)
            warm_latents.append(latent)
            if k % 25 == 0 or k == frames - 1:
                progress(f"clip {index} warm", k + 1, frames)
        for start in range(0, frames, config.batch_size):
            warm.append(
                to_uint8(decode(torch.cat(warm_latents[start : start + config.batch_size])))
            )
    truth, masks = clip.frames, clip.masks
    warm_nfe = (config.steps + frames - 1) / frames
    return (
        _clip_row(f"clip {index} cold {config.steps}-step", config.steps,
                  np.concatenate(cold), truth, masks),
        _clip_row(f"clip {index} warm", warm_nfe, np.concatenate(warm),
                  truth, masks),
    )  # fmt: skip


def evaluate(config: EvalConfig, progress: Progress | None = None) -> EvalReport:
    """Load the checkpoint and run both parts."""
    if config.pairs < 1 or config.steps < 1 or config.clip_frames < 2 or config.clips < 0:
        raise ConfigError("need pairs >= 1, steps >= 1, clip frames >= 2 and clips >= 0")
    check_gain(config.static_gain)
    torch.set_num_threads(config.threads)
    dtype = torch.bfloat16 if config.bf16 else torch.float32
    model, _ = load_checkpoint(config.checkpoint, dtype=dtype)
    report = progress or (lambda stage, done, total: None)
    pairs = evaluate_pairs(model, config, dtype, report)
    clips: list[ClipRow] = []
    for index in range(0, 2 * config.clips, 2):
        clips.extend(evaluate_clip(model, config, index, dtype, report))
    return EvalReport(config, pairs, tuple(clips))
