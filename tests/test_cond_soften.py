"""Softened warm start: the blur the warm step reads its start through."""

import torch

from signgen.cond import soften
from signgen.train.flow import perturb


def test_a_flat_latent_is_unchanged_and_a_point_spreads_binomially() -> None:
    flat = torch.full((1, 2, 8, 8), 0.7)
    assert torch.allclose(soften(flat), flat)
    point = torch.zeros(1, 2, 8, 8)
    point[0, 0, 4, 4] = 16.0
    out = soften(point)
    expected = torch.tensor([[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]])
    assert torch.equal(out[0, 0, 3:6, 3:6], expected)
    assert out[0, 0].sum() == 16.0 and not out[0, 1].any()  # channels blurred on their own


def test_soften_keeps_dtype_and_layout() -> None:
    latent = torch.randn(2, 8, 16, 16).to(torch.bfloat16)
    out = soften(latent.contiguous(memory_format=torch.channels_last))
    assert out.dtype == torch.bfloat16 and out.shape == latent.shape
    assert out.is_contiguous(memory_format=torch.channels_last)
    assert soften(latent).is_contiguous()


def test_training_blurs_with_the_same_kernel_rendering_reads_through() -> None:
    latent = torch.randn(3, 4, 8, 8)
    assert torch.equal(perturb(latent, 0.0, 1.0), soften(latent))
    assert torch.equal(perturb(latent, 0.0, 0.0), latent)
