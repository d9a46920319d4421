"""Pose raster at image resolution -> pose features at latent resolution."""

from __future__ import annotations

from torch import Tensor, nn

from signgen.model.config import PoseEncoderConfig


class PoseEncoder(nn.Module):
    """A strided conv stack: [B, raster_channels, S, S] in [0, 1] -> [B, out_channels, S/f, S/f].

    One stride-2 stage per entry of ``hidden_channels`` (f = 2**len); the first uses a 4x4
    kernel so one-pixel finger lines at 128x128 are seen by every output position.
    """

    def __init__(self, config: PoseEncoderConfig) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        previous = config.raster_channels
        for stage, channels in enumerate(config.hidden_channels):
            kernel = 4 if stage == 0 else 3
            layers += [nn.Conv2d(previous, channels, kernel, stride=2, padding=1), nn.SiLU()]
            previous = channels
        layers.append(nn.Conv2d(previous, config.out_channels, 3, padding=1))
        self.layers = nn.Sequential(*layers)

    def forward(self, raster: Tensor) -> Tensor:
        return self.layers(raster)
