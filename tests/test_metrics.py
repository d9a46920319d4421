"""Metrics on small synthetic images with known answers."""

import math

import numpy as np
import pytest

from signgen.metrics import (
    drift,
    flicker,
    hand_boxes,
    hand_crop_ssim,
    l1,
    limb_psnr,
    limb_region,
    psnr,
    score,
    ssim,
)


@pytest.fixture
def image() -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, size=(48, 48, 3), dtype=np.uint8)


def _mask() -> np.ndarray:
    mask = np.zeros((48, 48), np.uint8)
    mask[10:14, 5:9] = 5  # left hand
    mask[30:40, 30:40] = 4  # right arm
    return mask


def test_identical_images(image: np.ndarray) -> None:
    assert ssim(image, image) == pytest.approx(1.0)
    assert psnr(image, image) == 100.0
    assert l1(image, image) == 0.0


def test_known_psnr_and_l1(image: np.ndarray) -> None:
    other = image.astype(np.int16)
    other = np.where(other < 128, other + 10, other - 10).astype(np.uint8)
    assert psnr(image, other) == pytest.approx(10 * math.log10(255**2 / 100))
    assert l1(image, other) == pytest.approx(10 / 255)
    assert ssim(image, other) < 1.0


def test_ssim_orders_by_damage(image: np.ndarray) -> None:
    rng = np.random.default_rng(1)
    noise = rng.normal(0, 1, image.shape)
    mild = np.clip(image + 5 * noise, 0, 255).astype(np.uint8)
    strong = np.clip(image + 40 * noise, 0, 255).astype(np.uint8)
    assert ssim(image, strong) < ssim(image, mild) < 1.0


def test_hand_boxes_grow_to_min_size_and_clip() -> None:
    boxes = hand_boxes(_mask())
    assert boxes == [(4, 20, 0, 16)]
    assert hand_boxes(np.zeros((8, 8), np.uint8)) == []


def test_hand_ssim_sees_only_the_hand(image: np.ndarray) -> None:
    damaged = image.copy()
    damaged[40:, 40:] = 0  # far from the hand
    assert hand_crop_ssim(damaged, image, _mask()) == pytest.approx(1.0)
    damaged[11, 6] = 255 - damaged[11, 6]
    assert hand_crop_ssim(damaged, image, _mask()) < 1.0
    assert math.isnan(hand_crop_ssim(image, image, np.zeros((48, 48), np.uint8)))


def test_limb_psnr_inside_dilated_region(image: np.ndarray) -> None:
    region = limb_region(_mask(), dilate=2)
    assert region[10:14, 5:9].all() and region[28, 35] and not region[0, 47]
    damaged = image.copy()
    damaged[0, 47] = 255 - damaged[0, 47]
    assert limb_psnr(damaged, image, _mask()) == 100.0
    damaged[35, 35] = (damaged[35, 35].astype(np.int16) + 50).clip(0, 255)
    assert limb_psnr(damaged, image, _mask()) < 100.0


def test_flicker_and_drift(image: np.ndarray) -> None:
    still = np.stack([image] * 4)
    assert flicker(still) == 0.0
    moving = still.copy()
    moving[1::2] = 255 - moving[1::2]
    assert flicker(moving) > 0.3
    assert drift(np.r_[np.ones(60), np.full(60, 0.9)], window=50) == pytest.approx(0.1)


def test_score_record(image: np.ndarray) -> None:
    scores = score(image[None], image[None], _mask()[None])
    assert scores.as_dict() == {"ssim": pytest.approx(1.0), "psnr": 100.0, "l1": 0.0,
                                "hand_ssim": pytest.approx(1.0), "limb_psnr": 100.0}  # fmt: skip
