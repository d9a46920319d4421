"""The pose layer: skeleton layouts, `PoseSequence`, conversion, normalisation, filtering."""

from signgen.pose.layouts import CANONICAL, LAYOUTS, Component, Layout, get_layout
from signgen.pose.sequence import GlossSpan, PoseSequence

__all__ = ["CANONICAL", "LAYOUTS", "Component", "GlossSpan", "Layout", "PoseSequence", "get_layout"]
