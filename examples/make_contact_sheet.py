"""Recreate docs/real_contact_sheet.png: a real interpreter's photo moved to the pose of other
photos of her, one row per target: reference | target | signgen | copy the reference.

    .venv/bin/python examples/make_contact_sheet.py [FOLDER_OF_PHOTOS] [--size 256]

FOLDER_OF_PHOTOS: photos of one person, the first the reference (default: the BIU-MG photos
in tests/data/real; credit Bar-Ilan University, Maayan Gazuli).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from signgen.io.image import write_png
from signgen.realeval import read_source, render_pairs, resize_frames
from signgen.render import Renderer, RenderOptions
from signgen.render.real import PersonRenderer

REPO = Path(__file__).resolve().parents[1]
LABELS = ("reference", "target", "signgen", "copy")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=REPO / "tests" / "data" / "real")
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("-o", "--out", type=Path, default=REPO / "docs" / "real_contact_sheet.png")
    args = parser.parse_args()
    renderer = PersonRenderer(
        Renderer.from_checkpoint(REPO / "checkpoints" / "rpfm-128"), args.size
    )
    frames, _ = read_source(args.folder)
    photos = resize_frames(frames, args.size)
    rendered = render_pairs(renderer, photos, RenderOptions())
    rows = [
        np.concatenate([photos[0], target, render, photos[0]], axis=1)
        for target, render in zip(photos[1:], rendered, strict=True)
    ]
    sheet = Image.fromarray(np.concatenate(rows, axis=0))
    draw = ImageDraw.Draw(sheet)
    for column, label in enumerate(LABELS):
        draw.text((column * args.size + 6, 4), label, fill=(255, 255, 255))
    write_png(np.asarray(sheet), args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
