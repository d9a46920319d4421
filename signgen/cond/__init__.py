"""Conditioning: poses drawn as multi-channel rasters for the pose encoder."""

from signgen.cond.motion import (
    STATIC_GAIN,
    MotionHistory,
    check_gain,
    damp_static,
    motion_mask,
)
from signgen.cond.raster import CHANNELS, NUM_CHANNELS, pose_raster, pose_raster_batch

__all__ = [
    "CHANNELS",
    "MotionHistory",
    "NUM_CHANNELS",
    "STATIC_GAIN",
    "check_gain",
    "damp_static",
    "motion_mask",
    "pose_raster",
    "pose_raster_batch",
]
