"""RPFM on the tiny config: shapes, reference broadcast, the zero-initialised mode channel."""

import torch

from signgen.cond import NUM_CHANNELS
from signgen.model import RPFM, TINY, clamp_to_reference


def _inputs(batch: int = 2) -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(0)
    size = TINY.image_size
    image = torch.rand(batch, 3, size, size, generator=gen) * 2 - 1
    raster = torch.rand(batch, NUM_CHANNELS, size, size, generator=gen)
    return image, raster


def test_shapes() -> None:
    torch.manual_seed(0)
    model = RPFM(TINY).eval()
    image, raster = _inputs()
    latent = model.autoencoder.encode(image)
    h = TINY.latent_size
    assert latent.shape == (2, TINY.autoencoder.latent_channels, h, h)
    assert model.autoencoder.decode(latent).shape == image.shape
    reference = model.encode_reference(image, raster)
    assert reference.tokens.shape == (2, (h // TINY.velocity.token_stride) ** 2, 16)
    v = model.velocity(latent, torch.rand(2), reference, model.encode_pose(raster), torch.ones(2))
    assert v.shape == latent.shape and torch.isfinite(v).all()


def test_one_reference_broadcasts_over_frames() -> None:
    torch.manual_seed(0)
    model = RPFM(TINY).eval()
    image, raster = _inputs(3)
    with torch.no_grad():
        one = model.encode_reference(image[:1], raster[:1])
        many = model.encode_reference(image[:1].repeat(3, 1, 1, 1), raster[:1].repeat(3, 1, 1, 1))
        x = torch.randn(3, TINY.autoencoder.latent_channels, TINY.latent_size, TINY.latent_size)
        pose = model.encode_pose(raster)
        t = torch.full((3,), 0.5)
        a = model.velocity(x, t, one, pose, torch.zeros(3))
        b = model.velocity(x, t, many, pose, torch.zeros(3))
    torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-5)


def test_mode_channel_starts_at_zero_weight() -> None:
    torch.manual_seed(0)
    model = RPFM(TINY).eval()
    image, raster = _inputs()
    with torch.no_grad():
        reference = model.encode_reference(image, raster)
        x = torch.randn(2, TINY.autoencoder.latent_channels, TINY.latent_size, TINY.latent_size)
        pose = model.encode_pose(raster)
        t = torch.rand(2)
        noise_path = model.velocity(x, t, reference, pose, torch.zeros(2))
        frame_path = model.velocity(x, t, reference, pose, torch.ones(2))
    assert torch.equal(noise_path, frame_path)


def test_clamp_to_reference_keeps_each_channel_in_the_reference_range() -> None:
    torch.manual_seed(0)
    reference = torch.randn(1, 3, 8, 8)
    reference[:, 1] *= 5  # channels with their own ranges
    latent = 10 * torch.randn(2, 3, 8, 8)
    clamped = clamp_to_reference(latent, reference)
    for channel in range(3):
        low, high = reference[0, channel].min(), reference[0, channel].max()
        assert clamped[:, channel].min() >= low and clamped[:, channel].max() <= high
        assert torch.isclose(clamped[:, channel].min(), low)  # 10x the spread reaches both ends
    inside = reference.expand(2, -1, -1, -1) * 0.5  # already in range: unchanged
    assert torch.equal(clamp_to_reference(inside, reference), inside)
