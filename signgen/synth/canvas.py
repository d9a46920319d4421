"""`Canvas`: an RGB image and its part mask, drawn together with anti-aliased OpenCV calls.

Every primitive paints the image (LINE_AA, sub-pixel coordinates via OpenCV's ``shift``) and
writes its part label into the mask (hard edges), so painter's-order occlusion holds for both.
"""

from __future__ import annotations

import cv2
import numpy as np

SHIFT = 4  # OpenCV fixed-point bits: coordinates and radii in 1/16 px
_ONE = float(1 << SHIFT)

Color = tuple[int, int, int]


class Canvas:
    """image: uint8 [H, W, 3] RGB; mask: uint8 [H, W] part labels (see `signgen.synth.render`)."""

    def __init__(self, image: np.ndarray, mask: np.ndarray) -> None:
        self.image = image
        self.mask = mask

    def polygon(self, points: np.ndarray, color: Color, label: int) -> None:
        """A filled polygon [N, 2] px (any shape, even self-overlapping)."""
        pts = [fixed(points)]
        cv2.fillPoly(self.image, pts, color, cv2.LINE_AA, SHIFT)
        if label >= 0:
            cv2.fillPoly(self.mask, pts, (label,), cv2.LINE_8, SHIFT)

    def convex(self, points: np.ndarray, color: Color, label: int) -> None:
        """A filled convex polygon [N, 2] px (faster than `polygon`)."""
        pts = fixed(points)
        cv2.fillConvexPoly(self.image, pts, color, cv2.LINE_AA, SHIFT)
        if label >= 0:
            cv2.fillConvexPoly(self.mask, pts, (label,), cv2.LINE_8, SHIFT)

    def circle(self, center: np.ndarray, radius: float, color: Color, label: int) -> None:
        c = (int(center[0] * _ONE), int(center[1] * _ONE))
        r = max(int(radius * _ONE), 1)
        cv2.circle(self.image, c, r, color, -1, cv2.LINE_AA, SHIFT)
        if label >= 0:
            cv2.circle(self.mask, c, r, (label,), -1, cv2.LINE_8, SHIFT)

    def ellipse(
        self,
        center: np.ndarray,
        axes: tuple[float, float],
        angle: float,
        color: Color,
        label: int,
    ) -> None:
        """A filled ellipse; ``angle`` in degrees."""
        c = (int(center[0] * _ONE), int(center[1] * _ONE))
        ax = (max(int(axes[0] * _ONE), 1), max(int(axes[1] * _ONE), 1))
        cv2.ellipse(self.image, c, ax, angle, 0, 360, color, -1, cv2.LINE_AA, SHIFT)
        if label >= 0:
            cv2.ellipse(self.mask, c, ax, angle, 0, 360, (label,), -1, cv2.LINE_8, SHIFT)

    def capsule(
        self, a: np.ndarray, b: np.ndarray, ra: float, rb: float, color: Color, label: int
    ) -> None:
        """A tapered limb from ``a`` (radius ``ra``) to ``b`` (radius ``rb``), round ends."""
        self.convex(capsule_outline(a, b, ra, rb), color, label)

    def fixed_convex(self, polygons: np.ndarray, color: Color, label: int) -> None:
        """Convex polygons [N, M, 2] already in fixed point (see `fixed`), drawn in order."""
        for pts in polygons:
            cv2.fillConvexPoly(self.image, pts, color, cv2.LINE_AA, SHIFT)
            if label >= 0:
                cv2.fillConvexPoly(self.mask, pts, (label,), cv2.LINE_8, SHIFT)

    def capsules(
        self,
        a: np.ndarray,
        b: np.ndarray,
        ra: np.ndarray,
        rb: np.ndarray,
        color: Color,
        label: int,
    ) -> None:
        """Many capsules in one colour, drawn in order: a, b [N, 2]; ra, rb [N]."""
        self.fixed_convex(fixed(capsule_outlines(a, b, ra, rb)), color, label)

    def polyline(
        self, points: np.ndarray, color: Color, thickness: int, closed: bool = False
    ) -> None:
        """An anti-aliased line through points [N, 2] (image only: details, not parts)."""
        cv2.polylines(self.image, [fixed(points)], closed, color, thickness, cv2.LINE_AA, SHIFT)


# Unit half-circle fan used to build capsule outlines (5 points per end keeps them round
# at 128-256 px while staying one convex polygon: one OpenCV call per limb).
_ARC = np.linspace(-np.pi / 2, np.pi / 2, 5)
_ARC_TURNS = np.exp(1j * _ARC)[None, :]


def capsule_outline(a: np.ndarray, b: np.ndarray, ra: float, rb: float) -> np.ndarray:
    """[10, 2] convex outline of a tapered capsule from a to b."""
    d = np.asarray(b, np.float64) - a
    length = float(np.hypot(d[0], d[1]))
    u = d / length if length > 1e-6 else np.array([0.0, 1.0])
    n = np.array([-u[1], u[0]])
    cos, sin = np.cos(_ARC)[:, None], np.sin(_ARC)[:, None]
    end_b = b + rb * (cos * u + sin * n)  # arc around b, bulging forward
    end_a = a + ra * (-cos * u - sin * n)  # arc around a, bulging backward
    return np.concatenate([end_b, end_a])


def capsule_outlines(a: np.ndarray, b: np.ndarray, ra: np.ndarray, rb: np.ndarray) -> np.ndarray:
    """[N, 10, 2] outlines of N capsules (vectorised `capsule_outline`).

    Complex arithmetic keeps this to a handful of numpy calls: the arc directions are the
    limb's unit direction rotated by each arc angle.
    """
    ac = a[:, 0] + 1j * a[:, 1]
    bc = b[:, 0] + 1j * b[:, 1]
    d = bc - ac
    length = np.abs(d)
    u = np.where(length > 1e-6, d / np.maximum(length, 1e-6), 1j)
    dirs = u[:, None] * _ARC_TURNS
    outline = np.concatenate(
        [bc[:, None] + rb[:, None] * dirs, ac[:, None] - ra[:, None] * dirs], 1
    )
    return np.stack([outline.real, outline.imag], axis=-1)


def fixed(points: np.ndarray) -> np.ndarray:
    """Points in OpenCV fixed point (int32, 1/16 px) for the ``shift`` drawing calls; wild
    coordinates (an unfitted pose) are clamped far outside the frame instead of overflowing."""
    return np.rint(np.clip(np.asarray(points) * _ONE, -(2.0**24), 2.0**24)).astype(np.int32)
