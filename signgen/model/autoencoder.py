"""Image <-> latent autoencoder, built from diffusers' tiny-autoencoder blocks (TAESD style).

Deterministic (no KL term): the encoder output is soft-clamped to [-3, 3] (TAESD's tanh clamp)
and then normalised per channel by statistics measured after training (buffers ``shift`` and
``scale``, saved with the weights), so the flow sees latents of roughly unit variance.
"""

from __future__ import annotations

import torch
from diffusers.models.unets.unet_2d_blocks import AutoencoderTinyBlock
from torch import Tensor, nn

from signgen.model.config import AutoencoderConfig

_CLAMP = 3.0


def _encoder(config: AutoencoderConfig) -> nn.Sequential:
    layers: list[nn.Module] = []
    previous = 3
    for level, (channels, blocks) in enumerate(
        zip(config.encoder_channels, config.encoder_blocks, strict=True)
    ):
        stride = 1 if level == 0 else 2
        layers.append(nn.Conv2d(previous, channels, 3, stride=stride, padding=1))
        layers.extend(AutoencoderTinyBlock(channels, channels, "relu") for _ in range(blocks))
        previous = channels
    layers.append(nn.Conv2d(previous, config.latent_channels, 3, padding=1))
    return nn.Sequential(*layers)


def _decoder(config: AutoencoderConfig) -> nn.Sequential:
    first = config.decoder_channels[0]
    layers: list[nn.Module] = [nn.Conv2d(config.latent_channels, first, 3, padding=1), nn.ReLU()]
    levels = len(config.decoder_channels)
    for level, (channels, blocks) in enumerate(
        zip(config.decoder_channels, config.decoder_blocks, strict=True)
    ):
        layers.extend(AutoencoderTinyBlock(channels, channels, "relu") for _ in range(blocks))
        if level < levels - 1:
            nxt = config.decoder_channels[level + 1]
            layers.append(nn.Upsample(scale_factor=2, mode="nearest"))
            layers.append(nn.Conv2d(channels, nxt, 3, padding=1, bias=False))
    layers.append(nn.Conv2d(config.decoder_channels[-1], 3, 3, padding=1))
    return nn.Sequential(*layers)


class Autoencoder(nn.Module):
    """``encode``: image [B, 3, S, S] in [-1, 1] -> latent [B, C, S/f, S/f] (~unit variance);
    ``decode``: the inverse, returning images in about [-1, 1] (not clamped)."""

    shift: Tensor  # [1, C, 1, 1] buffers, saved with the weights
    scale: Tensor

    def __init__(self, config: AutoencoderConfig) -> None:
        super().__init__()
        self.config = config
        self.encoder = _encoder(config)
        self.decoder = _decoder(config)
        self.register_buffer("shift", torch.zeros(1, config.latent_channels, 1, 1))
        self.register_buffer("scale", torch.ones(1, config.latent_channels, 1, 1))

    def encode_raw(self, image: Tensor) -> Tensor:
        """Clamped, unnormalised latent: the decoder's input space."""
        return torch.tanh(self.encoder(image) / _CLAMP) * _CLAMP

    def encode(self, image: Tensor) -> Tensor:
        """[B, 3, S, S] in [-1, 1] -> normalised latent [B, C, S/f, S/f]."""
        return (self.encode_raw(image) - self.shift) / self.scale

    def decode(self, latent: Tensor) -> Tensor:
        """Normalised latent [B, C, h, w] -> image [B, 3, h*f, w*f], about [-1, 1]."""
        return self.decoder(latent * self.scale + self.shift)

    def decode_raw(self, raw: Tensor) -> Tensor:
        return self.decoder(raw)

    def forward(self, image: Tensor) -> Tensor:
        """Reconstruction [B, 3, S, S] (the training entry point, normalisation-free)."""
        return self.decode_raw(self.encode_raw(image))

    @torch.no_grad()
    def set_normalisation(self, raw_latents: Tensor) -> None:
        """Fit ``shift``/``scale`` to per-channel mean/std of raw latents [N, C, h, w]."""
        self.shift.copy_(raw_latents.mean(dim=(0, 2, 3), keepdim=True))
        self.scale.copy_(raw_latents.std(dim=(0, 2, 3), keepdim=True).clamp_min(1e-3))
