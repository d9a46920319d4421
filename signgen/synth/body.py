"""Drawing the torso, neck and arms, with simple directional shading so they read as 3-D."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from signgen.synth.appearance import Appearance, Color
from signgen.synth.canvas import Canvas

LABEL_TORSO, LABEL_HEAD, LABEL_LEFT_ARM, LABEL_RIGHT_ARM = 1, 2, 3, 4
LABEL_LEFT_HAND, LABEL_RIGHT_HAND = 5, 6
# Drawing-time labels for bare skin on body parts (kept apart from cloth, which gets the
# top's pattern); `MASK_LUT` folds them into the public labels above.
LABEL_NECK, LABEL_LEFT_SKIN, LABEL_RIGHT_SKIN = 7, 8, 9
MASK_LUT = np.array([0, 1, 2, 3, 4, 5, 6, 1, 3, 4] + [0] * 246, np.uint8)
CLOTH_LABELS = (LABEL_TORSO, LABEL_LEFT_ARM, LABEL_RIGHT_ARM)


@dataclass(frozen=True)
class Style:
    """Per-appearance drawing constants for one frame size (colours RGB, lengths px)."""

    appearance: Appearance
    shoulder_width: float
    light: np.ndarray  # [2] unit vector towards the light
    skin: Color
    skin_shadow: Color
    skin_dark: Color
    top: Color
    top_shadow: Color

    @classmethod
    def of(cls, appearance: Appearance, size: int) -> Style:
        return cls(
            appearance=appearance,
            shoulder_width=appearance.shoulder_width * size,
            light=np.array(appearance.light),
            skin=appearance.skin,
            skin_shadow=shade(appearance.skin, 0.8),
            skin_dark=shade(appearance.skin, 0.6),
            top=appearance.top,
            top_shadow=shade(appearance.top, 0.68),
        )


def shade(color: Color, factor: float) -> Color:
    r, g, b = (min(255, max(0, int(c * factor + 0.5))) for c in color)
    return (r, g, b)


def shaded_limbs(
    canvas: Canvas,
    a: np.ndarray,
    b: np.ndarray,
    ra: np.ndarray,
    rb: np.ndarray,
    colors: tuple[Color, Color],
    light: np.ndarray,
    label: int,
) -> None:
    """Limb segments a, b [N, 2], radii ra, rb [N]: all in the shadow colour, then their lit
    sides as narrower capsules shifted towards the light (colors = (base, shadow))."""
    canvas.capsules(a, b, ra, rb, colors[1], label)
    d = b - a
    n = np.stack([-d[:, 1], d[:, 0]], axis=1) / (np.hypot(d[:, 0], d[:, 1])[:, None] + 1e-6)
    toward = n * (n @ light)[:, None]  # the light's component across each limb
    shift_a, shift_b = toward * (ra * 0.3)[:, None], toward * (rb * 0.3)[:, None]
    canvas.capsules(a + shift_a, b + shift_b, ra * 0.72, rb * 0.72, colors[0], -1)


def draw_neck(canvas: Canvas, style: Style, shoulder_mid: np.ndarray, chin: np.ndarray) -> None:
    r = style.shoulder_width * 0.16
    canvas.capsule(shoulder_mid, chin, r, r * 0.92, style.skin_shadow, LABEL_NECK)
    canvas.capsule(shoulder_mid, chin + (0, r * 0.6), r * 0.78, r * 0.7, style.skin, -1)
    # The jaw's soft shadow on the neck.
    canvas.ellipse(chin + (0, r * 0.1), (r * 0.85, r * 0.45), 0.0, style.skin_shadow, -1)


def torso_outline(
    left_shoulder: np.ndarray,
    right_shoulder: np.ndarray,
    hips: tuple[np.ndarray, np.ndarray],
    sw: float,
    size: int,
) -> np.ndarray:
    """[N, 2] polygon of the upper body (signer's left shoulder on the image right)."""
    across = left_shoulder - right_shoulder
    across = across / (float(np.hypot(*across)) + 1e-6)
    down = np.array([-across[1], across[0]])
    mid = (left_shoulder + right_shoulder) / 2
    left_hip, right_hip = hips
    # Continue the body past the hips so the frame's bottom edge never shows its end.
    extend = down * size * 0.5
    # The shoulder corners stay inside the upper arm's round top, which shapes the shoulder.
    return np.array([
        right_hip + extend - across * sw * 0.08,
        right_hip - across * sw * 0.05,
        right_shoulder + down * sw * 0.28 + across * sw * 0.02,
        right_shoulder + down * sw * 0.04 - across * sw * 0.1,
        right_shoulder - down * sw * 0.12 + across * sw * 0.06,
        mid - down * sw * 0.2 - across * sw * 0.16,
        mid - down * sw * 0.1,
        mid - down * sw * 0.2 + across * sw * 0.16,
        left_shoulder - down * sw * 0.12 - across * sw * 0.06,
        left_shoulder + down * sw * 0.04 + across * sw * 0.1,
        left_shoulder + down * sw * 0.28 - across * sw * 0.02,
        left_hip + across * sw * 0.05,
        left_hip + extend + across * sw * 0.08,
    ])  # fmt: skip


def draw_torso(canvas: Canvas, style: Style, outline: np.ndarray) -> None:
    """The top: shadow colour, then the lit part (the pattern comes later, see `cloth`)."""
    canvas.polygon(outline, style.top_shadow, LABEL_TORSO)
    center = outline.mean(axis=0)
    lit = center + (outline - center) * 0.9 + style.light * style.shoulder_width * 0.06
    canvas.polygon(lit, style.top, -1)


def draw_arm(
    canvas: Canvas,
    style: Style,
    shoulder: np.ndarray,
    elbow: np.ndarray,
    wrist: np.ndarray,
    label: int,
) -> None:
    """Upper arm and forearm: sleeves in the top's colour, bare forearm for short sleeves."""
    sw = style.shoulder_width
    sleeve, skin, light = (
        (style.top, style.top_shadow),
        (style.skin, style.skin_shadow),
        style.light,
    )
    joints = np.stack([shoulder, elbow, wrist])
    if style.appearance.sleeves == "short":
        radii = np.array([0.13, 0.11, 0.075]) * sw
        bare = LABEL_LEFT_SKIN if label == LABEL_LEFT_ARM else LABEL_RIGHT_SKIN
        shaded_limbs(canvas, joints[:2], joints[1:], radii[:2], radii[1:], skin, light, bare)
        cuff = shoulder + (elbow - shoulder) * 0.55
        radii = np.array([0.15, 0.14]) * sw
        shaded_limbs(canvas, joints[:1], cuff[None], radii[:1], radii[1:], sleeve, light, label)
    else:
        radii = np.array([0.15, 0.12, 0.09]) * sw
        shaded_limbs(canvas, joints[:2], joints[1:], radii[:2], radii[1:], sleeve, light, label)
