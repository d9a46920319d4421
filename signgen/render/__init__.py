"""The frame loop: reference + pose sequence -> frames, warm-started, timed (DESIGN.md 6, 10)."""

from signgen.render.options import RenderOptions, WarmStart
from signgen.render.output import RenderResult, render_to_video
from signgen.render.renderer import Clip, ClipStream, Frame, Renderer, resolve_device

__all__ = [
    "Clip",
    "ClipStream",
    "Frame",
    "RenderOptions",
    "RenderResult",
    "Renderer",
    "WarmStart",
    "render_to_video",
    "resolve_device",
]
