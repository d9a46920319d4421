"""A contact sheet of synthetic signers: several appearances, each in a few poses."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from signgen.io import read_canonical
from signgen.synth.appearance import Appearance
from signgen.synth.motion import RECORDINGS, generated_motion
from signgen.synth.render import render_frame
from signgen.synth.retarget import SourceMotion
from signgen.synth.skeleton import neutral_conf, neutral_xy

# Real frames shown after the neutral pose: (recording, frame index), training recordings only.
SHEET_FRAMES = (
    ("segmentation_example.pose", 52),
    ("pose_hand_estimation_84322c38.pose", 30),
    ("sgg_essen.pose", 40),
)


@dataclass(frozen=True)
class SheetConfig:
    """16 appearances (seeds first_seed..) x 4 poses, tiles of ``size`` px, 8 tiles a row."""

    num_appearances: int = 16
    first_seed: int = 0
    size: int = 256
    columns: int = 8


def contact_sheet(config: SheetConfig = SheetConfig()) -> np.ndarray:
    """uint8 [H, W, 3] RGB: each appearance in its neutral pose then the `SHEET_FRAMES` poses
    (a generated pose stands in if a recording is missing)."""
    sources = []
    for name, frame in SHEET_FRAMES:
        path = RECORDINGS / name
        sources.append(
            (SourceMotion.prepare(read_canonical(path)), frame) if path.exists() else None
        )
    tiles = []
    for i in range(config.num_appearances):
        look = Appearance.from_seed(config.first_seed + i)
        poses = [(neutral_xy(look, config.size), neutral_conf())]
        for k, source in enumerate(sources):
            if source is None:
                motion = generated_motion(look, config.size, 1, seed=k)
                poses.append((motion.xy[0], motion.conf[0]))
            else:
                xy, conf = source[0].pose(look, config.size, np.array([source[1]]))
                poses.append((xy[0], conf[0]))
        tiles += [render_frame(look, xy, conf, config.size).image for xy, conf in poses]
    return _grid(tiles, config.columns)


def _grid(tiles: list[np.ndarray], columns: int) -> np.ndarray:
    rows = -(-len(tiles) // columns)
    blank = np.zeros_like(tiles[0])
    tiles = tiles + [blank] * (rows * columns - len(tiles))
    return np.vstack([np.hstack(tiles[r * columns : (r + 1) * columns]) for r in range(rows)])
