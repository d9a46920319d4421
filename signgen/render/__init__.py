"""The frame loop: reference + pose sequence -> frames, warm-started, timed (DESIGN.md 6, 10)."""

from signgen.render.options import RenderOptions, WarmStart

__all__ = ["RenderOptions", "WarmStart"]
