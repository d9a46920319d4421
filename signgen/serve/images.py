"""Reference images that arrive over the network: bytes (or base64) -> the model's square frame."""

from __future__ import annotations

import base64
import binascii
import io
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from signgen.errors import ImageError
from signgen.io.image import frame_square

MIN_SIDE = 32  # px: below this there is no person to find
MAX_PIXELS = 40_000_000  # a 2 MB upload decoding to more than this is a decompression bomb


def decode_base64_image(text: str, size: int) -> np.ndarray:
    """A base64 PNG/JPEG (a ``data:`` URL prefix is allowed) -> uint8 [size, size, 3] RGB."""
    payload = text.split(",", 1)[1] if text.startswith("data:") else text
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise ImageError("the reference image is not valid base64") from None
    return decode_image(data, size)


def decode_image(data: bytes, size: int) -> np.ndarray:
    """PNG/JPEG/WebP bytes -> uint8 [size, size, 3] RGB, framed as `signgen.io.image` frames
    a file (EXIF orientation applied, transparency over white, largest square from the top)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                if opened.width * opened.height > MAX_PIXELS:
                    raise ImageError(
                        f"the reference image is {opened.width}x{opened.height} px: "
                        f"at most {MAX_PIXELS} pixels"
                    )
                opened.load()
                image = ImageOps.exif_transpose(opened)
    except ImageError:
        raise
    except UnidentifiedImageError:
        raise ImageError("the reference is not an image (PNG, JPEG or WebP expected)") from None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as error:
        raise ImageError(f"the reference image is unreadable: {error}") from None
    if min(image.size) < MIN_SIDE:
        raise ImageError(
            f"the reference image is {image.width}x{image.height} px: a reference photo needs "
            f"at least {MIN_SIDE} px a side"
        )
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    rgb = frame_square(image.convert("RGB"), size)
    return np.asarray(rgb, dtype=np.uint8).copy()
