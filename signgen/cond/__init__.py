"""Conditioning: poses drawn as multi-channel rasters for the pose encoder."""

from signgen.cond.raster import CHANNELS, NUM_CHANNELS, pose_raster, pose_raster_batch

__all__ = ["CHANNELS", "NUM_CHANNELS", "pose_raster", "pose_raster_batch"]
