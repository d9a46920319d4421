"""Reference images: formats, the framing rule, and one clear error per bad file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from signgen.errors import ImageError
from signgen.io.image import read_image, write_png

DATA = Path(__file__).parent / "data"


def _bands(width: int, height: int) -> np.ndarray:
    """Rows coloured by their y (red channel = row index) so crops can be located."""
    image = np.zeros((height, width, 3), np.uint8)
    image[..., 0] = np.arange(height, dtype=np.uint8)[:, None]
    image[..., 1] = np.arange(width, dtype=np.uint8)[None, :]
    return image


def test_real_reference_png_is_rgb_uint8() -> None:
    image = read_image(DATA / "fake_human_256.png")
    assert image.shape == (256, 256, 3) and image.dtype == np.uint8
    small = read_image(DATA / "fake_human_256.png", size=64)
    assert small.shape == (64, 64, 3)
    # Shrinking keeps the colours: the means agree within a couple of levels.
    assert np.abs(small.mean(axis=(0, 1)) - image.mean(axis=(0, 1))).max() < 2.0


def test_portrait_is_cropped_from_the_top(tmp_path: Path) -> None:
    Image.fromarray(_bands(100, 200)).save(tmp_path / "portrait.png")
    framed = read_image(tmp_path / "portrait.png", size=100)
    np.testing.assert_array_equal(framed, _bands(100, 200)[:100])


def test_landscape_is_cropped_in_the_centre(tmp_path: Path) -> None:
    Image.fromarray(_bands(200, 100)).save(tmp_path / "landscape.png")
    framed = read_image(tmp_path / "landscape.png", size=100)
    np.testing.assert_array_equal(framed, _bands(200, 100)[:, 50:150])


def test_jpeg_and_transparency(tmp_path: Path) -> None:
    Image.fromarray(_bands(64, 64)).save(tmp_path / "ref.jpg", quality=95)
    assert np.abs(read_image(tmp_path / "ref.jpg").astype(int) - _bands(64, 64)).mean() < 3
    rgba = np.zeros((32, 32, 4), np.uint8)
    rgba[:16, :, :] = (255, 0, 0, 255)  # opaque red top half, transparent bottom half
    Image.fromarray(rgba, mode="RGBA").save(tmp_path / "alpha.png")
    image = read_image(tmp_path / "alpha.png")
    assert tuple(image[0, 0]) == (255, 0, 0) and tuple(image[-1, -1]) == (255, 255, 255)


def test_write_png_round_trips(tmp_path: Path) -> None:
    path = write_png(_bands(40, 30), tmp_path / "out.png")
    np.testing.assert_array_equal(read_image(path), _bands(40, 30))
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]


def test_bad_files_are_image_errors_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "notes.png").write_text("hello, not a picture")
    truncated = tmp_path / "truncated.png"
    Image.fromarray(_bands(64, 64)).save(truncated)
    truncated.write_bytes(truncated.read_bytes()[:100])
    (tmp_path / "empty.jpg").touch()
    cases = {
        tmp_path / "missing.png": "no such image file",
        tmp_path: "not a file",
        tmp_path / "notes.png": "not an image",
        tmp_path / "empty.jpg": "not an image",
        truncated: "unreadable image",
    }
    for path, message in cases.items():
        with pytest.raises(ImageError, match=message) as caught:
            read_image(path, size=64)
        assert str(path) in str(caught.value) and "\n" not in str(caught.value)
