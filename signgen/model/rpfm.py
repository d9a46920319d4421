"""RPFM: the autoencoder, the pose and reference encoders and the velocity network together."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from signgen.cond.motion import damp_static
from signgen.model.autoencoder import Autoencoder
from signgen.model.config import RPFMConfig
from signgen.model.pose_encoder import PoseEncoder
from signgen.model.velocity import ReferenceEncoder, VelocityNet


@dataclass(frozen=True)
class ReferenceCache:
    """What the network needs of the reference, computed once per clip.

    latent:        [B, C, h, w] normalised reference latent.
    pose_features: [B, F, h, w] features of the reference pose.
    tokens:        [B, N, D] reference tokens for cross-attention.
    B is 1 for a clip (it broadcasts over a batch of frames) or the batch size in training.
    """

    latent: Tensor
    pose_features: Tensor
    tokens: Tensor


def latent_range(reference_latent: Tensor) -> tuple[Tensor, Tensor]:
    """Per-channel (min, max) [B, C, 1, 1] of a reference latent [B, C, h, w]: computed once
    per clip, then `clamp_to_range` every frame."""
    return reference_latent.amin(dim=(2, 3), keepdim=True), reference_latent.amax(
        dim=(2, 3), keepdim=True
    )


def clamp_to_range(latent: Tensor, bounds: tuple[Tensor, Tensor]) -> Tensor:
    """``latent`` [B, C, h, w] with each channel inside ``bounds`` (see `latent_range`)."""
    low, high = bounds
    return torch.maximum(torch.minimum(latent, high), low)


def settle(
    previous: Tensor | None,
    predicted: Tensor,
    moved: Tensor | None,
    gain: float,
    bounds: tuple[Tensor, Tensor] | None,
) -> Tensor:
    """A frame's sampled latent as every frame loop keeps it: ``predicted`` [B, C, h, w] damped
    towards ``previous`` where the pose stood still (`signgen.cond.damp_static` with the
    ``moved`` mask and ``gain``; not damped when ``moved`` or ``previous`` is None: a cold
    frame, or stabilisation off), then clamped to ``bounds`` (`clamp_to_range`; None: off).
    """
    latent = predicted
    if moved is not None and previous is not None:
        latent = damp_static(previous, predicted, moved, gain)
    return latent if bounds is None else clamp_to_range(latent, bounds)


def clamp_to_reference(latent: Tensor, reference_latent: Tensor) -> Tensor:
    """``latent`` [B, C, h, w] with each channel kept inside the value range that channel
    takes over the reference's latent [B or 1, C, h, w].

    The reference shows the same signer, clothes and background, so every frame's latent lives
    in about the same per-channel range. A warm start chained on its own outputs drifts out of
    it where the hands move fast (saturated colour blobs that then grow frame after frame);
    clamping stops that at no cost (measured on a held-out 300-frame clip: limb PSNR
    21.0 -> 24.1 dB, hand-crop SSIM 0.584 -> 0.632). In a frame loop, compute
    `latent_range` once per clip and call `clamp_to_range`.
    """
    return clamp_to_range(latent, latent_range(reference_latent))


class RPFM(nn.Module):
    """The model. Shapes for the default config: image [B, 3, 128, 128] in [-1, 1], latent
    [B, 4, 32, 32], pose raster [B, 22, 128, 128] in [0, 1] (`signgen.cond.pose_raster_batch`).
    """

    def __init__(self, config: RPFMConfig) -> None:
        super().__init__()
        self.config = config
        self.autoencoder = Autoencoder(config.autoencoder)
        self.pose_encoder = PoseEncoder(config.pose_encoder)
        self.reference_encoder = ReferenceEncoder(config)
        self.velocity_net = VelocityNet(config)

    def encode_pose(self, raster: Tensor) -> Tensor:
        """Pose raster [B, 22, S, S] -> pose features [B, F, h, w]."""
        return self.pose_encoder(raster)

    def encode_reference(self, image: Tensor, raster: Tensor) -> ReferenceCache:
        """Reference image [B, 3, S, S] in [-1, 1] and its pose raster -> `ReferenceCache`."""
        return self.reference_from_latent(self.autoencoder.encode(image), raster)

    def reference_from_latent(self, latent: Tensor, raster: Tensor) -> ReferenceCache:
        pose_features = self.encode_pose(raster)
        tokens = self.reference_encoder(latent, pose_features)
        return ReferenceCache(latent=latent, pose_features=pose_features, tokens=tokens)

    def velocity(
        self,
        x_t: Tensor,
        t: Tensor,
        reference: ReferenceCache,
        pose_features: Tensor,
        mode: Tensor,
    ) -> Tensor:
        """Velocity [B, C, h, w] at ``x_t`` [B, C, h, w], time ``t`` [B] (or [1]) in [0, 1].

        mode: [B] (or [1]) 0 = noise path, 1 = frame-to-frame path (see `signgen.path`).
        """
        return self.velocity_net(
            x_t, t, reference.latent, reference.pose_features, reference.tokens, pose_features, mode
        )

    def forward(
        self,
        x_t: Tensor,
        t: Tensor,
        reference_latent: Tensor,
        reference_raster: Tensor,
        target_raster: Tensor,
        mode: Tensor,
    ) -> Tensor:
        """Training entry point (what DDP calls): encoders and velocity in one pass."""
        reference = self.reference_from_latent(reference_latent, reference_raster)
        return self.velocity(x_t, t, reference, self.encode_pose(target_raster), mode)
