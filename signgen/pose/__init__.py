"""The pose layer: skeleton layouts, `PoseSequence`, conversion, normalisation, filtering."""

from signgen.pose.layouts import CANONICAL, LAYOUTS, Component, Layout, get_layout
from signgen.pose.sequence import GlossSpan, PoseSequence
from signgen.pose.source_layouts import (
    COCO_18,
    COCO_WHOLEBODY_133,
    HOLISTIC_IRIS,
    OPENPOSE_137,
    REDUCED_178,
)

__all__ = [
    "CANONICAL",
    "COCO_18",
    "COCO_WHOLEBODY_133",
    "HOLISTIC_IRIS",
    "LAYOUTS",
    "OPENPOSE_137",
    "REDUCED_178",
    "Component",
    "GlossSpan",
    "Layout",
    "PoseSequence",
    "get_layout",
]
