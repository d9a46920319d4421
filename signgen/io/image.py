"""Reference images: read (PNG, JPEG and whatever else Pillow opens) into RGB uint8, and write PNG.

The framing rule brings any photo to the model's square frame without distorting the signer:
1. EXIF orientation is applied (phone photos), transparency is composited over white;
2. the largest square is cropped: centred horizontally in a landscape image, and from the TOP
   of a portrait image (a signer's head and signing space are in the upper part of a portrait
   shot; a centred crop would cut the head);
3. the square is resized to ``size`` x ``size`` (Lanczos, antialiased when shrinking).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from signgen.errors import ImageError
from signgen.io.atomic import write_atomic


def read_image(path: str | Path, size: int | None = None) -> np.ndarray:
    """Read an image as uint8 [H, W, 3] RGB; with ``size``, framed to uint8 [size, size, 3]."""
    path = Path(path)
    if not path.exists():
        raise ImageError("no such image file", path=path)
    if not path.is_file():
        raise ImageError("not a file (an image file is expected)", path=path)
    try:
        with Image.open(path) as opened:
            opened.load()
            image = ImageOps.exif_transpose(opened)
    except UnidentifiedImageError as error:
        raise ImageError("not an image (PNG or JPEG expected)", path=path) from error
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ImageError(f"unreadable image: {error}", path=path) from error
    rgb = _to_rgb(image)
    if size is not None:
        rgb = frame_square(rgb, size)
    return np.asarray(rgb, dtype=np.uint8).copy()


def frame_square(image: Image.Image, size: int) -> Image.Image:
    """The module's framing rule (steps 2 and 3 above) on an RGB image."""
    if size < 8:
        raise ImageError(f"image size must be at least 8 pixels, got {size}")
    width, height = image.size
    side = min(width, height)
    left = (width - side) // 2
    box = (left, 0, left + side, side)  # portrait: from the top; landscape: centred
    return image.crop(box).resize((size, size), Image.Resampling.LANCZOS)


def write_png(image: np.ndarray, path: str | Path) -> Path:
    """Write uint8 [H, W, 3] RGB as PNG atomically (`signgen.io.atomic`)."""
    path = Path(path)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ImageError(f"expected uint8 [H, W, 3], got {image.dtype} {image.shape}", path=path)
    picture = Image.fromarray(image)
    write_atomic(path, lambda file: picture.save(file, format="PNG"), "the image", error=ImageError)
    return path


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")
