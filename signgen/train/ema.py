"""Exponential moving average of a model's weights (the weights that ship)."""

from __future__ import annotations

import copy

import torch
from torch import nn

from signgen.model import RPFM


class EMA:
    """A frozen copy of ``model`` whose parameters trail the trained ones.

    decay warms up as (1 + step) / (10 + step), so early averages are not dominated by the
    random initialisation. Buffers are copied as they are.
    """

    def __init__(self, model: RPFM, decay: float) -> None:
        self.decay = decay
        self.model: RPFM = copy.deepcopy(model).eval()
        self.model.requires_grad_(False)

    @torch.no_grad()
    def update(self, model: nn.Module, step: int) -> None:
        decay = min(self.decay, (1 + step) / (10 + step))
        for shadow, live in zip(self.model.parameters(), model.parameters(), strict=True):
            if live.requires_grad:
                shadow.lerp_(live.detach(), 1.0 - decay)
            else:
                shadow.copy_(live.detach())
        for shadow_buffer, live_buffer in zip(self.model.buffers(), model.buffers(), strict=True):
            shadow_buffer.copy_(live_buffer)
