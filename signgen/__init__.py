"""signgen: real-time sign-language video generation with latent flow matching (RPFM)."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["render_video"]


def __getattr__(name: str) -> Any:
    """`signgen.render_video` loads on first use: `import signgen` stays light."""
    if name == "render_video":
        from signgen.api import render_video

        return render_video
    raise AttributeError(f"module 'signgen' has no attribute {name!r}")
