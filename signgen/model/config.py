"""Frozen configs that rebuild an RPFM model; saved as ``config.json`` beside the weights."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from signgen.cond.raster import NUM_CHANNELS
from signgen.errors import ConfigError
from signgen.validate import strict_values

# Every size in a model config (channels, blocks, image size) lies in [1, MAX_SIZE].
MAX_SIZE = 4096


@dataclass(frozen=True)
class AutoencoderConfig:
    """Image [3, S, S] in [-1, 1] <-> latent [latent_channels, S/f, S/f], f = 2**len(down)."""

    # 8 channels at 4x (6x compression): the autoencoder must not cap quality, and it has
    # minutes of CPU to train; the channel count costs the flow almost nothing.
    latent_channels: int = 8
    encoder_channels: tuple[int, ...] = (16, 32, 64)
    encoder_blocks: tuple[int, ...] = (1, 1, 1)
    # Sized for decode latency: a full-resolution block costs most (measured, bf16, 2 cores).
    decoder_channels: tuple[int, ...] = (64, 48, 24)
    decoder_blocks: tuple[int, ...] = (1, 1, 1)

    @property
    def downsample(self) -> int:
        return 2 ** (len(self.encoder_channels) - 1)


@dataclass(frozen=True)
class PoseEncoderConfig:
    """Pose raster [NUM_CHANNELS, S, S] -> features [out_channels, S/f, S/f]."""

    raster_channels: int = NUM_CHANNELS
    hidden_channels: tuple[int, ...] = (32, 64)
    out_channels: int = 16


@dataclass(frozen=True)
class VelocityConfig:
    """The velocity UNet (diffusers UNet2DConditionModel) and its reference tokens."""

    block_channels: tuple[int, ...] = (64, 128, 256)
    layers_per_block: int = 1
    cross_attention_dim: int = 128
    attention_head_dim: int = 32
    norm_groups: int = 16
    # Reference tokens: the reference latent + pose features at 1/token_stride of latent size.
    token_stride: int = 2


@dataclass(frozen=True)
class RPFMConfig:
    """Everything needed to rebuild the model with no other input."""

    image_size: int = 128
    autoencoder: AutoencoderConfig = field(default_factory=AutoencoderConfig)
    pose_encoder: PoseEncoderConfig = field(default_factory=PoseEncoderConfig)
    velocity: VelocityConfig = field(default_factory=VelocityConfig)

    def __post_init__(self) -> None:
        factor = self.autoencoder.downsample
        if 2 ** len(self.pose_encoder.hidden_channels) != factor:
            raise ConfigError(
                f"the pose encoder needs log2({factor}) = {factor.bit_length() - 1} stride-2 "
                f"stages to match the autoencoder, got {len(self.pose_encoder.hidden_channels)}"
            )
        if self.image_size % (factor * 2 ** len(self.velocity.block_channels)) != 0:
            raise ConfigError(f"image size {self.image_size} does not divide into the UNet levels")

    @property
    def latent_size(self) -> int:
        return self.image_size // self.autoencoder.downsample

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RPFMConfig:
        """Rebuild from `to_dict` output; unknown or ill-typed fields raise ConfigError."""
        if not isinstance(data, dict):
            raise ConfigError("invalid model config: not a JSON object")
        try:
            sizes = strict_values(cls, {"image_size": data["image_size"]}, int_limit=MAX_SIZE)
            return cls(
                image_size=sizes["image_size"],
                autoencoder=_build(AutoencoderConfig, data["autoencoder"]),
                pose_encoder=_build(PoseEncoderConfig, data["pose_encoder"]),
                velocity=_build(VelocityConfig, data["velocity"]),
            )
        except KeyError as error:
            raise ConfigError(f"invalid model config: no {error}") from None
        except (ConfigError, TypeError, ValueError) as error:
            raise ConfigError(f"invalid model config: {error}") from None


def _build(kind: type, data: dict[str, Any]) -> Any:
    """A config dataclass from JSON data: lists become tuples; unknown keys are an error."""
    if not isinstance(data, dict):
        raise ConfigError(f"{kind.__name__}: not a JSON object")
    return kind(**strict_values(kind, data, int_limit=MAX_SIZE))


TINY = RPFMConfig(
    image_size=32,
    autoencoder=AutoencoderConfig(
        encoder_channels=(8, 16),
        encoder_blocks=(1, 1),
        decoder_channels=(16, 8),
        decoder_blocks=(1, 1),
    ),
    pose_encoder=PoseEncoderConfig(hidden_channels=(8,), out_channels=4),
    velocity=VelocityConfig(
        block_channels=(16, 32),
        cross_attention_dim=16,
        attention_head_dim=8,
        norm_groups=8,
        token_stride=2,
    ),
)
"""A tiny model for tests and render development (random weights, 32x32 images)."""
