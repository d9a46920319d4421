"""`Appearance`: everything about a synthetic signer that is not the pose, sampled from a seed.

Colours are RGB uint8 triples. Body proportions are ratios to the shoulder width as MediaPipe
measures it (shoulder point to shoulder point), so they compose with `signgen.synth.skeleton`.
Seeds below `HELDOUT_SEED_START` are the training signers; seeds at or above it are held out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Color = tuple[int, int, int]

HELDOUT_SEED_START = 1_000_000

# A light-to-dark range of real skin tones (loosely the Monk skin tone scale), interpolated.
_SKIN_TONES = np.array(
    [
        (246, 222, 206), (236, 200, 176), (224, 178, 146), (204, 148, 110),
        (172, 116, 80), (136, 88, 58), (102, 66, 44), (72, 48, 34),
    ],
    dtype=np.float64,
)  # fmt: skip
_HAIR_COLORS = np.array(
    [
        (24, 20, 18), (44, 32, 26), (72, 50, 34), (108, 72, 44), (142, 84, 48),
        (196, 160, 104), (226, 200, 150), (150, 146, 142), (210, 208, 204),
    ],
    dtype=np.float64,
)  # fmt: skip
_HAIR_WEIGHTS = np.array([0.24, 0.2, 0.16, 0.1, 0.06, 0.08, 0.05, 0.07, 0.04])
# Interpreters mostly wear dark plain tops; the rest is for variety.
_DARK_TOPS = np.array(
    [(22, 22, 26), (30, 34, 52), (46, 46, 50), (20, 42, 60), (54, 30, 34), (36, 48, 38)],
    dtype=np.float64,
)
# Studio walls: greys, blue-greys, beiges, deep blues; plus chroma-key green.
_WALLS = np.array(
    [
        (200, 202, 204), (150, 160, 172), (92, 110, 132), (214, 204, 186), (170, 156, 136),
        (40, 60, 96), (60, 64, 72), (230, 230, 226), (120, 140, 128),
    ],
    dtype=np.float64,
)  # fmt: skip
GREEN_SCREEN: Color = (20, 176, 70)

HAIR_STYLES = ("short", "long", "bob", "bun", "curly", "shaved")
PATTERNS = ("plain", "stripes", "checks")
BACKGROUNDS = ("wall", "green", "gradient", "texture")
SLEEVES = ("long", "short")


@dataclass(frozen=True)
class Appearance:
    """A synthetic signer's look. Build with `Appearance.from_seed`."""

    seed: int
    skin: Color
    lips: Color
    eyes: Color
    hair: Color
    hair_style: str
    top: Color
    top_accent: Color
    pattern: str
    sleeves: str
    background: str
    wall: Color
    wall_accent: Color
    light: tuple[float, float]  # unit (x, y) image direction the light comes from
    shoulder_width: float  # fraction of the frame size
    upper_arm: float  # ratio to shoulder width
    forearm: float
    hand: float  # wrist -> middle-finger knuckle, ratio to shoulder width
    head: float  # distance between the eye centres, ratio to shoulder width
    neck: float  # eye midpoint above the shoulder centre, ratio to shoulder width
    hips: float  # hip width, ratio to shoulder width

    @property
    def heldout(self) -> bool:
        return self.seed >= HELDOUT_SEED_START

    @classmethod
    def from_seed(cls, seed: int) -> Appearance:
        """A deterministic appearance: the same seed always gives the same signer."""
        rng = np.random.default_rng([int(seed), 0x5E17])
        skin = _lerp_palette(_SKIN_TONES, rng.uniform(0, 1), rng, jitter=6)
        hair_style = str(rng.choice(HAIR_STYLES, p=[0.3, 0.2, 0.18, 0.1, 0.12, 0.1]))
        hair = _HAIR_COLORS[rng.choice(len(_HAIR_COLORS), p=_HAIR_WEIGHTS)]
        top = _pick_top(rng)
        accent = (
            _shade(top, rng.choice([0.55, 1.6, 2.2])) if rng.uniform() < 0.7 else _rand_rgb(rng)
        )
        background = str(rng.choice(BACKGROUNDS, p=[0.4, 0.15, 0.25, 0.2]))
        wall = np.array(GREEN_SCREEN, float) if background == "green" else _pick_wall(rng)
        angle = rng.uniform(-np.pi, 0)  # light from above, any side
        return cls(
            seed=int(seed),
            skin=_color(skin),
            lips=_color(skin * np.array([0.86, 0.62, 0.62]) + rng.normal(0, 4, 3)),
            eyes=_color(rng.choice([(60, 40, 28), (40, 30, 24), (70, 96, 120), (88, 104, 64)])),
            hair=_color(hair + rng.normal(0, 5, 3)),
            hair_style=hair_style,
            top=_color(top),
            top_accent=_color(accent),
            pattern=str(rng.choice(PATTERNS, p=[0.6, 0.25, 0.15])),
            sleeves=str(rng.choice(SLEEVES, p=[0.8, 0.2])),
            background=background,
            wall=_color(wall),
            wall_accent=_color(_shade(wall, rng.uniform(0.6, 1.3))),
            light=(float(np.cos(angle)), float(np.sin(angle))),
            shoulder_width=float(rng.uniform(0.35, 0.41)),
            upper_arm=float(rng.uniform(0.84, 0.96)),
            forearm=float(rng.uniform(0.72, 0.84)),
            hand=float(rng.uniform(0.24, 0.29)),
            head=float(rng.uniform(0.205, 0.24)),
            neck=float(rng.uniform(0.66, 0.76)),
            hips=float(rng.uniform(0.62, 0.78)),
        )


def _lerp_palette(
    palette: np.ndarray, u: float, rng: np.random.Generator, jitter: float
) -> np.ndarray:
    pos = u * (len(palette) - 1)
    i = min(int(pos), len(palette) - 2)
    color = palette[i] + (pos - i) * (palette[i + 1] - palette[i])
    return np.asarray(color + rng.normal(0, jitter, 3))


def _pick_top(rng: np.random.Generator) -> np.ndarray:
    if rng.uniform() < 0.55:
        return np.asarray(_DARK_TOPS[rng.integers(len(_DARK_TOPS))] + rng.normal(0, 5, 3))
    return _rand_rgb(rng)


def _pick_wall(rng: np.random.Generator) -> np.ndarray:
    return np.asarray(_WALLS[rng.integers(len(_WALLS))] + rng.normal(0, 8, 3))


def _rand_rgb(rng: np.random.Generator) -> np.ndarray:
    hue = rng.uniform(0, 1)
    sat, val = rng.uniform(0.3, 0.85), rng.uniform(0.3, 0.9)
    k = (np.array([5.0, 3.0, 1.0]) + hue * 6) % 6
    return np.asarray(255 * val * (1 - sat * np.clip(np.minimum(k, 4 - k), 0, 1)))


def _shade(color: np.ndarray, factor: float) -> np.ndarray:
    return np.asarray(np.clip(np.asarray(color, float) * factor, 0, 255))


def _color(values: np.ndarray | tuple[int, int, int]) -> Color:
    r, g, b = (int(v) for v in np.clip(np.rint(np.asarray(values, float)), 0, 255))
    return (r, g, b)
