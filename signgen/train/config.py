"""Training configs: frozen dataclasses, from JSON files and CLI flags."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from signgen.errors import ConfigError
from signgen.validate import strict_values


@dataclass(frozen=True)
class TrainConfig:
    """What every training run shares.

    out: checkpoint folder (written every ``save_every_s`` seconds and at the end; resumable).
    steps / max_minutes: stop at whichever comes first (the learning rate decays linearly over
    the last ``decay_fraction`` of that budget).
    """

    out: Path = Path("runs/model")
    steps: int = 10_000
    max_minutes: float = 25.0
    batch_size: int = 16
    lr: float = 5e-4
    weight_decay: float = 0.01
    warmup_steps: int = 200
    decay_fraction: float = 0.2
    ema_decay: float = 0.999
    grad_clip: float = 1.0
    seed: int = 0
    image_size: int = 128
    max_stride: int = 5
    workers: int = 0
    pool_size: int = 2048  # rendered pairs kept in memory (see signgen.train.data)
    fresh_per_step: int = 4  # new pairs rendered per step
    threads: int = 1  # 2 threads on 2 shared cores ran 3-30x slower (OpenMP oversubscription)
    bf16: bool = True  # autocast + channels_last: ~10x faster steps on this CPU (measured)
    log_every: int = 20
    eval_every: int = 500
    eval_pairs: int = 32
    save_every_s: float = 300.0
    resume: bool = False


@dataclass(frozen=True)
class AutoencoderTrainConfig(TrainConfig):
    """Autoencoder: L1 weighted up on limbs and hands, plus (1 - SSIM)."""

    model: Path | None = None  # JSON file with an RPFMConfig dict; None = the default model
    tiny: bool = False  # the TINY test model (32x32)
    hand_weight: float = 4.0
    limb_weight: float = 1.0
    ssim_weight: float = 0.2
    crop: int = 64  # train on crops (half on a hand): 4x cheaper steps, fully convolutional
    init: Path | None = None  # start from this checkpoint's autoencoder (and its model config)
    decoder_only: bool = False  # train the decoder alone: encoder and latent statistics frozen,
    # so a flow trained on ``init``'s latents stays valid (see `swap_decoder`)


@dataclass(frozen=True)
class FlowTrainConfig(TrainConfig):
    """The flow: noise path and frame-to-frame path mixed in every batch."""

    autoencoder: Path = Path("runs/autoencoder")  # checkpoint whose autoencoder is frozen
    max_minutes: float = 85.0
    lr: float = 4e-4
    fresh_per_step: int = 2
    noise_fraction: float = 0.375  # share of each batch on the noise path (mode 0), >= 25%
    perturb_sigma: float = 0.3  # previous latent + N(0, sigma^2), sigma ~ U(0, perturb_sigma)
    blur_probability: float = 0.3
    rollout_fraction: float = 0.25  # share of the batch whose previous frame is the model's own
    rollout_after: int = 1000  # warm-up steps before self-rollout starts
    rollout_motion: float = 0.0  # share of rollouts that take a real motion step (see flow.py)
    rollout_depth: int = 1  # longest chain of own 1-step predictions in a rollout (see flow.py)
    rollout_chain: int = 0  # rollouts through up to this many recorded frames (0 = off; flow.py)
    chain_share: float = 0.5  # share of rollout batches that take such a chain when it is on
    warp: bool = False  # previous latents moved along the pose's motion first (cond.warp)
    soften: bool = False  # frame-to-frame starts read through the blur (cond.soften)
    zero_time_fraction: float = 0.5  # frame-to-frame samples at t = 0 (the 1-step warm start)
    lost_hands: float = 0.0  # share of training items with both hands lost (PairDataset)
    hand_weight: float = 2.0
    limb_weight: float = 1.0
    eval_steps: int = 2  # cold sampling steps of the periodic held-out evaluation
    block_channels: tuple[int, ...] | None = None  # UNet widths; None = the checkpoint's
    init: Path | None = None  # start the flow from this checkpoint's weights (a fine-tune)

    def __post_init__(self) -> None:
        if self.rollout_depth < 1:
            raise ValueError(f"rollout depth must be at least 1, got {self.rollout_depth}")
        if not 0.0 <= self.rollout_motion <= 1.0:
            raise ValueError(f"rollout motion must be a share in [0, 1], got {self.rollout_motion}")
        if self.rollout_chain < 0:
            raise ValueError(f"rollout chain must be 0 or more frames, got {self.rollout_chain}")
        if not 0.0 <= self.chain_share <= 1.0:
            raise ValueError(f"chain share must be a share in [0, 1], got {self.chain_share}")
        if not 0.0 <= self.lost_hands <= 1.0:
            raise ValueError(f"lost hands must be a share in [0, 1], got {self.lost_hands}")


C = TypeVar("C", bound=TrainConfig)


def build_config(kind: type[C], json_file: Path | None, overrides: dict[str, Any]) -> C:
    """``kind`` from defaults, then a JSON file's values, then ``overrides`` (None = unset)."""
    values: dict[str, Any] = {}
    if json_file is not None:
        try:
            data = json.loads(Path(json_file).read_bytes())
        except OSError as error:
            raise ConfigError(
                f"unreadable training config: {error.strerror}", path=json_file
            ) from None
        except (ValueError, RecursionError):  # not text, not JSON, nested too deep
            raise ConfigError("training config is not a JSON file", path=json_file) from None
        if not isinstance(data, dict):
            raise ConfigError("training config must be a JSON object", path=json_file)
        values.update(data)
    values.update({k: v for k, v in overrides.items() if v is not None})
    unknown = sorted(set(values) - {f.name for f in dataclasses.fields(kind)})
    if unknown:
        raise ConfigError(f"unknown training options: {', '.join(unknown)}", path=json_file)
    try:
        return kind(**strict_values(kind, values))
    except ConfigError as error:
        raise ConfigError(f"invalid training option {error}", path=json_file) from None
    except (TypeError, ValueError) as error:
        raise ConfigError(f"invalid training option: {error}", path=json_file) from error


def config_dict(config: TrainConfig) -> dict[str, Any]:
    """JSON-ready dict of a training config (paths as strings)."""
    return {k: str(v) if isinstance(v, Path) else v for k, v in dataclasses.asdict(config).items()}
