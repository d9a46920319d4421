"""Conditioning: poses drawn as multi-channel rasters for the pose encoder, and what the pose's
motion says about the warm start (where it moved, the flow that carries the latent along),
with the blur the warm step reads its start through."""

from signgen.cond.motion import (
    STATIC_GAIN,
    MotionHistory,
    check_gain,
    damp_static,
    motion_mask,
)
from signgen.cond.raster import CHANNELS, NUM_CHANNELS, pose_raster, pose_raster_batch
from signgen.cond.soften import soften
from signgen.cond.warp import follow_pose, keypoints, pose_flow, warp_latent

__all__ = [
    "CHANNELS",
    "MotionHistory",
    "NUM_CHANNELS",
    "STATIC_GAIN",
    "check_gain",
    "follow_pose",
    "keypoints",
    "damp_static",
    "motion_mask",
    "pose_flow",
    "pose_raster",
    "pose_raster_batch",
    "soften",
    "warp_latent",
]
