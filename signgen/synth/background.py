"""Studio backgrounds: plain walls with soft light falloff, green screen, gradients, texture.

Built once per (appearance, size) and cached: rendering a frame starts from a copy.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

from signgen.synth.appearance import Appearance


@lru_cache(maxsize=64)
def background(appearance: Appearance, size: int) -> np.ndarray:
    """uint8 [size, size, 3] RGB, read-only (copy before drawing on it)."""
    rng = np.random.default_rng([appearance.seed, 0xB6])
    wall = np.array(appearance.wall, np.float32)
    accent = np.array(appearance.wall_accent, np.float32)
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32) / max(size - 1, 1)
    kind = appearance.background
    if kind == "gradient":
        angle = rng.uniform(0, np.pi)
        t = (np.cos(angle) * (xs - 0.5) + np.sin(angle) * (ys - 0.5)) * 1.2 + 0.5
        image = wall + np.clip(t, 0, 1)[..., None] * (accent - wall)
    else:
        # A spotlight on the wall behind the signer: brighter centre, darker corners.
        cx, cy = 0.5 + rng.uniform(-0.2, 0.2), rng.uniform(0.2, 0.5)
        falloff = 1.08 - 0.3 * ((xs - cx) ** 2 + (ys - cy) ** 2)
        strength = 0.3 if kind == "green" else 1.0
        image = wall * (1 + (falloff[..., None] - 1) * strength)
    if kind == "texture":
        coarse = rng.normal(0, 1, (max(size // 8, 2), max(size // 8, 2))).astype(np.float32)
        noise = np.asarray(cv2.resize(coarse, (size, size), interpolation=cv2.INTER_CUBIC))
        fine = rng.normal(0, 1, (size, size)).astype(np.float32)
        image = image + (noise * 7 + fine * 2.5)[..., None]
    out = np.clip(np.rint(image), 0, 255).astype(np.uint8)
    out.setflags(write=False)
    return out
