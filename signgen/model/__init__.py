"""nn.Modules of RPFM (no sampling loops, no file I/O)."""

from signgen.model.autoencoder import Autoencoder
from signgen.model.config import (
    TINY,
    AutoencoderConfig,
    PoseEncoderConfig,
    RPFMConfig,
    VelocityConfig,
)
from signgen.model.rpfm import (
    RPFM,
    ReferenceCache,
    clamp_to_range,
    clamp_to_reference,
    latent_range,
    settle,
)
from signgen.model.warm import WarmStep

__all__ = [
    "WarmStep",
    "RPFM",
    "TINY",
    "Autoencoder",
    "AutoencoderConfig",
    "PoseEncoderConfig",
    "RPFMConfig",
    "ReferenceCache",
    "VelocityConfig",
    "clamp_to_range",
    "clamp_to_reference",
    "latent_range",
    "settle",
]
