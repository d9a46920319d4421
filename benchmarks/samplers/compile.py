"""Optional torch.compile of the per-frame network (velocity UNet and decoder).

Off by default: compilation takes tens of seconds to minutes on a CPU and needs a C++
compiler. The benchmark reports the compile time separately (its warm-up pass), never
inside a row's figures.
"""

from __future__ import annotations

import torch

from signgen.render import Renderer


def compile_network(renderer: Renderer) -> None:
    """Replace the renderer's velocity network and decoder by compiled versions (in place).

    Shapes are static for a clip (batch 1, one frame size), so ``dynamic=False``: one graph
    per module, compiled on the first call.
    """
    model = renderer.model
    model.velocity_net = torch.compile(model.velocity_net, dynamic=False)  # type: ignore[assignment]
    decoder = model.autoencoder.decoder
    model.autoencoder.decoder = torch.compile(decoder, dynamic=False)  # type: ignore[assignment]
