"""Pose extraction from real video: `extract_poses(video) -> PoseSequence` (canonical 543).

Layer: uses errors, pose and video (reading); io is not needed: the caller writes the result.
"""

from signgen.extract.extractor import BACKENDS, extract_poses
from signgen.extract.holistic import HolisticSettings
from signgen.io.video import VideoInfo, probe_video

__all__ = ["BACKENDS", "HolisticSettings", "VideoInfo", "extract_poses", "probe_video"]
