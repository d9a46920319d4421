"""Training (only the CLI imports this package): autoencoder first, then the flow."""

from signgen.train.autoencoder import train_autoencoder
from signgen.train.config import AutoencoderTrainConfig, FlowTrainConfig, build_config
from signgen.train.flow import train_flow
from signgen.train.loop import TrainResult

__all__ = [
    "AutoencoderTrainConfig",
    "FlowTrainConfig",
    "TrainResult",
    "build_config",
    "train_autoencoder",
    "train_flow",
]
