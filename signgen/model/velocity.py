"""The velocity network and the reference-token encoder (RPFM, arXiv 2505.03562).

Input of the UNet, channel-concatenated at latent resolution:
``x_t | reference latent | target pose features | reference pose features | mode plane``.
The reference also enters as tokens through the cross-attention of the UNet's middle block,
so appearance can move to where the target pose puts it. The mode plane (0 = noise path,
1 = frame-to-frame path, see `signgen.path`) has zero-initialised input weights, so adding it
changes nothing until training finds a use for it.
"""

from __future__ import annotations

from typing import cast

import torch
from diffusers import UNet2DConditionModel
from torch import Tensor, nn

from signgen.model.config import RPFMConfig

TIME_SCALE = 1000.0  # t in [0, 1] -> the sinusoidal embedding's usual range


class ReferenceEncoder(nn.Module):
    """Reference latent + pose features [B, C, h, w] -> tokens [B, (h/s)*(w/s), D]."""

    def __init__(self, config: RPFMConfig) -> None:
        super().__init__()
        v = config.velocity
        inputs = config.autoencoder.latent_channels + config.pose_encoder.out_channels
        dim = v.cross_attention_dim
        self.layers = nn.Sequential(
            nn.Conv2d(inputs, dim, 3, stride=v.token_stride, padding=1),
            nn.SiLU(),
            nn.Conv2d(dim, dim, 3, padding=1),
        )
        tokens = (config.latent_size // v.token_stride) ** 2
        self.position = nn.Parameter(torch.randn(1, tokens, dim) * 0.02)

    def forward(self, latent: Tensor, pose_features: Tensor) -> Tensor:
        features = self.layers(torch.cat([latent, pose_features], dim=1))
        return features.flatten(2).transpose(1, 2) + self.position


class VelocityNet(nn.Module):
    """``(x_t, t, conditioning) -> v``, all at latent resolution [B, C, h, w]."""

    def __init__(self, config: RPFMConfig) -> None:
        super().__init__()
        v = config.velocity
        latent = config.autoencoder.latent_channels
        pose = config.pose_encoder.out_channels
        levels = len(v.block_channels)
        self.unet = cast(
            nn.Module,
            UNet2DConditionModel(
                sample_size=config.latent_size,
                in_channels=2 * latent + 2 * pose + 1,
                out_channels=latent,
                down_block_types=("DownBlock2D",) * levels,
                up_block_types=("UpBlock2D",) * levels,
                mid_block_type="UNetMidBlock2DCrossAttn",
                block_out_channels=v.block_channels,
                layers_per_block=v.layers_per_block,
                cross_attention_dim=v.cross_attention_dim,
                attention_head_dim=v.attention_head_dim,
                norm_num_groups=v.norm_groups,
            ),
        )
        with torch.no_grad():
            self.unet.get_parameter("conv_in.weight")[:, -1].zero_()

    def forward(
        self,
        x_t: Tensor,
        t: Tensor,
        reference_latent: Tensor,
        reference_pose: Tensor,
        tokens: Tensor,
        pose_features: Tensor,
        mode: Tensor,
    ) -> Tensor:
        batch, _, height, width = x_t.shape
        plane = mode.to(x_t.dtype).reshape(-1, 1, 1, 1).expand(batch, 1, height, width)
        inputs = torch.cat(
            [x_t, reference_latent.expand(batch, -1, -1, -1), pose_features,
             reference_pose.expand(batch, -1, -1, -1), plane],
            dim=1,
        )  # fmt: skip
        timestep = (t.reshape(-1).expand(batch) * TIME_SCALE).to(x_t.dtype)
        out = self.unet(
            inputs, timestep, encoder_hidden_states=tokens.expand(batch, -1, -1), return_dict=False
        )
        return out[0]
