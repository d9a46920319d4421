"""Image and video quality against ground truth: SSIM, PSNR, L1, hand crops, limbs, flicker.

All functions take uint8 RGB frames as the product writes them ([H, W, 3] or [N, H, W, 3]),
so what is scored is what a user sees. Synthetic masks (`signgen.synth`, uint8 [H, W]) give
the regions: labels 3/4 arms, 5/6 hands (signer's left/right). Whole-frame SSIM is weak on
its own (copying the reference scored 0.81 in a prototype: background and torso do not
move); hands and limbs are where the signing is.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import cv2
import numpy as np

HAND_LABELS = (5, 6)
LIMB_LABELS = (3, 4, 5, 6)
_C1 = (0.01 * 255) ** 2
_C2 = (0.03 * 255) ** 2
_MAX_PSNR = 100.0  # identical images: a finite cap keeps means and JSON finite


def _frames(images: np.ndarray) -> np.ndarray:
    """[H, W, 3] or [N, H, W, 3] uint8 -> float64 [N, H, W, 3]."""
    array = np.asarray(images)
    if array.ndim == 3:
        array = array[None]
    if array.ndim != 4 or array.shape[-1] != 3:
        raise ValueError(f"expected [N, H, W, 3] frames, got {array.shape}")
    return array.astype(np.float64)


def _ssim_map(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """SSIM map (Wang et al. 2004, Gaussian window 11, sigma 1.5) of float [H, W, 3] images."""

    def blur(x: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(x, (11, 11), 1.5, borderType=cv2.BORDER_REFLECT)

    mu_a, mu_b = blur(a), blur(b)
    var_a = blur(a * a) - mu_a**2
    var_b = blur(b * b) - mu_b**2
    cov = blur(a * b) - mu_a * mu_b
    num = (2 * mu_a * mu_b + _C1) * (2 * cov + _C2)
    den = (mu_a**2 + mu_b**2 + _C1) * (var_a + var_b + _C2)
    return num / den


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean SSIM over frames and channels, in [-1, 1] (1 = identical)."""
    fa, fb = _frames(a), _frames(b)
    return float(np.mean([_ssim_map(x, y).mean() for x, y in zip(fa, fb, strict=True)]))


def _psnr_from_mse(mse: float) -> float:
    return _MAX_PSNR if mse <= 0 else min(_MAX_PSNR, 10 * math.log10(255.0**2 / mse))


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """PSNR in dB over all frames (one MSE), capped at 100."""
    return _psnr_from_mse(float(np.mean((_frames(a) - _frames(b)) ** 2)))


def l1(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute error with intensities in [0, 1]."""
    return float(np.mean(np.abs(_frames(a) - _frames(b))) / 255.0)


def _masks(masks: np.ndarray) -> np.ndarray:
    array = np.asarray(masks)
    return array[None] if array.ndim == 2 else array


def _inside(start: int, stop: int, length: int) -> tuple[int, int]:
    """Shift the interval [start, stop) inside [0, length), then clip it."""
    shift = max(0, -start) - max(0, stop - length)
    return int(max(0, start + shift)), int(min(length, stop + shift))


def hand_boxes(
    mask: np.ndarray, margin: int = 4, min_size: int = 16
) -> list[tuple[int, int, int, int]]:
    """Crop boxes (y0, y1, x0, x1) around each visible hand of a mask [H, W].

    The box is the hand's bounding box grown by ``margin`` and to at least ``min_size``
    pixels a side (SSIM's 11-pixel window needs room), clipped to the frame.
    """
    height, width = mask.shape
    boxes: list[tuple[int, int, int, int]] = []
    for label in HAND_LABELS:
        ys, xs = np.nonzero(mask == label)
        if len(ys) == 0:
            continue
        y0, y1 = ys.min() - margin, ys.max() + 1 + margin
        x0, x1 = xs.min() - margin, xs.max() + 1 + margin
        grow_y, grow_x = max(0, min_size - (y1 - y0)), max(0, min_size - (x1 - x0))
        y0, y1 = y0 - grow_y // 2, y1 + (grow_y - grow_y // 2)
        x0, x1 = x0 - grow_x // 2, x1 + (grow_x - grow_x // 2)
        y0, y1 = _inside(y0, y1, height)
        x0, x1 = _inside(x0, x1, width)
        boxes.append((y0, y1, x0, x1))
    return boxes


def hand_crop_ssim(a: np.ndarray, b: np.ndarray, masks: np.ndarray) -> float:
    """Mean SSIM over hand crops, boxes taken from the ground-truth masks [N, H, W].

    NaN when no hand is visible in any frame.
    """
    fa, fb, fm = _frames(a), _frames(b), _masks(masks)
    scores = [
        _ssim_map(x[y0:y1, x0:x1], y[y0:y1, x0:x1]).mean()
        for x, y, m in zip(fa, fb, fm, strict=True)
        for y0, y1, x0, x1 in hand_boxes(m)
    ]
    return float(np.mean(scores)) if scores else math.nan


def limb_region(mask: np.ndarray, dilate: int = 3) -> np.ndarray:
    """Boolean [H, W]: arms and hands (labels 3-6) dilated by ``dilate`` pixels."""
    region = np.isin(mask, LIMB_LABELS).astype(np.uint8)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * dilate + 1, 2 * dilate + 1))
    return cv2.dilate(region, kernel).astype(bool)


def limb_psnr(a: np.ndarray, b: np.ndarray, masks: np.ndarray, dilate: int = 3) -> float:
    """PSNR (dB) inside the dilated arm+hand region of the ground-truth masks [N, H, W]."""
    fa, fb, fm = _frames(a), _frames(b), _masks(masks)
    errors = [((x - y) ** 2)[limb_region(m, dilate)] for x, y, m in zip(fa, fb, fm, strict=True)]
    pixels = np.concatenate([e.reshape(-1) for e in errors])
    return math.nan if pixels.size == 0 else _psnr_from_mse(float(pixels.mean()))


def region_psnr(a: np.ndarray, b: np.ndarray, region: np.ndarray | None = None) -> float:
    """PSNR (dB) of uint8 frames [N, H, W, 3] over the pixels where ``region`` (bool
    [N, H, W]) holds, all pixels when None: the squared error of each pixel is its mean over
    the channels. Capped at 100 dB; NaN when the region is empty."""
    error = ((_frames(a) - _frames(b)) ** 2).mean(axis=-1)
    if region is not None:
        if not region.any():
            return math.nan
        error = error[np.broadcast_to(region, error.shape)]
    return _psnr_from_mse(float(error.mean()))


def flicker_ratio(render: np.ndarray, truth: np.ndarray) -> float:
    """The render's mean frame-to-frame change over the true clip's (1 = as lively)."""
    truth_flicker = flicker(truth)
    return flicker(render) / truth_flicker if truth_flicker > 0 else math.nan


def flicker(frames: np.ndarray) -> float:
    """Mean absolute frame-to-frame change of a clip [T, H, W, 3], intensities in [0, 1].

    Compare a render's flicker with its ground truth's: real motion changes pixels too.
    """
    clip = _frames(frames)
    if len(clip) < 2:
        return 0.0
    return float(np.mean(np.abs(np.diff(clip, axis=0))) / 255.0)


def per_frame_ssim(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """SSIM of each frame pair: float64 [N]."""
    fa, fb = _frames(a), _frames(b)
    return np.array([_ssim_map(x, y).mean() for x, y in zip(fa, fb, strict=True)])


def drift(frame_ssim: np.ndarray, window: int = 50) -> float:
    """Mean SSIM of the first ``window`` frames minus that of the last (> 0: quality decays)."""
    scores = np.asarray(frame_ssim, dtype=np.float64)
    window = min(window, len(scores))
    return float(scores[:window].mean() - scores[-window:].mean()) if window else 0.0


@dataclass(frozen=True)
class Scores:
    """Quality of rendered frames against ground truth (see the functions above)."""

    ssim: float
    psnr: float
    l1: float
    hand_ssim: float
    limb_psnr: float

    def as_dict(self) -> dict[str, float]:
        return dataclasses.asdict(self)


def score(pred: np.ndarray, truth: np.ndarray, masks: np.ndarray) -> Scores:
    """All image metrics of ``pred`` vs ``truth`` (uint8 [N, H, W, 3]), masks [N, H, W]."""
    return Scores(
        ssim=ssim(pred, truth),
        psnr=psnr(pred, truth),
        l1=l1(pred, truth),
        hand_ssim=hand_crop_ssim(pred, truth, masks),
        limb_psnr=limb_psnr(pred, truth, masks),
    )
