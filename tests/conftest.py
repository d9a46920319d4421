"""Shared pytest fixtures (add new fixtures; never change existing ones)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from signgen.checkpoint import save_checkpoint
from signgen.model import RPFM, TINY


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkpoint folder of the TINY config (32x32 frames) with seeded random weights."""
    torch.manual_seed(0)
    model = RPFM(TINY)
    return save_checkpoint(tmp_path_factory.mktemp("ckpt") / "tiny", model)
