"""The synthetic signer renderer: determinism, variety, part masks that follow the pose."""

from __future__ import annotations

import numpy as np
import pytest

from signgen.pose.layouts import FACE, LEFT_HAND, RIGHT_HAND
from signgen.synth import MASK_LABELS, Appearance, neutral_pose, render_frame
from signgen.synth.motion import generated_motion

SIZE = 128


def _render(seed: int, size: int = SIZE) -> tuple[np.ndarray, np.ndarray]:
    look = Appearance.from_seed(seed)
    pose = neutral_pose(look, size)
    frame = render_frame(look, pose.xy[0], pose.conf[0], size)
    return frame.image, frame.mask


def test_same_seed_gives_identical_bytes() -> None:
    image_a, mask_a = _render(7)
    image_b, mask_b = _render(7)
    assert Appearance.from_seed(7) == Appearance.from_seed(7)
    assert image_a.tobytes() == image_b.tobytes()
    assert mask_a.tobytes() == mask_b.tobytes()


def test_output_types_and_labels() -> None:
    image, mask = _render(3)
    assert image.shape == (SIZE, SIZE, 3) and image.dtype == np.uint8
    assert mask.shape == (SIZE, SIZE) and mask.dtype == np.uint8
    # The neutral pose shows every part: background, torso, head, both arms, both hands.
    assert set(np.unique(mask).tolist()) == set(range(len(MASK_LABELS)))


def test_different_seeds_differ() -> None:
    images = [_render(seed)[0].astype(np.int16) for seed in range(6)]
    for a in range(6):
        for b in range(a + 1, 6):
            assert np.abs(images[a] - images[b]).mean() > 8, (a, b)


def test_appearance_seed_splits() -> None:
    assert not Appearance.from_seed(999_999).heldout
    assert Appearance.from_seed(1_000_000).heldout


@pytest.mark.parametrize("seed", [1, 2])
def test_hand_masks_follow_the_hand_points(seed: int) -> None:
    look = Appearance.from_seed(seed)
    motion = generated_motion(look, SIZE, 30, seed=seed)
    palm = look.hand * look.shoulder_width * SIZE
    checked = 0
    for t in range(0, 30, 2):
        left, right = motion.xy[t, LEFT_HAND], motion.xy[t, RIGHT_HAND]
        gap = np.maximum(left.min(0) - right.max(0), right.min(0) - left.max(0)).max()
        if gap < 0.3 * palm:  # the hands overlap: one hides part of the other
            continue
        frame = render_frame(look, motion.xy[t], motion.conf[t], SIZE)
        for points, label in ((left, 5), (right, 6)):
            if not ((points > 2).all() and (points < SIZE - 2).all()):
                continue
            ys, xs = np.nonzero(frame.mask == label)
            centroid = np.array([xs.mean(), ys.mean()])
            # The drawn hand sits on its 21 points: centroids within a few px (5.7 px here).
            assert np.hypot(*(centroid - points.mean(axis=0))) < 0.45 * palm, (t, label)
            checked += 1
    assert checked >= 6


def test_missing_points_still_draw_a_whole_signer() -> None:
    look = Appearance.from_seed(4)
    pose = neutral_pose(look, SIZE)
    conf = pose.conf[0].copy()
    conf[FACE] = 0
    conf[LEFT_HAND] = 0
    xy = pose.xy[0].copy()
    xy[FACE] = 0  # garbage where missing must not matter
    frame = render_frame(look, xy, conf, SIZE)
    labels = set(np.unique(frame.mask).tolist())
    assert {1, 2, 5, 6} <= labels  # head from the template, a fist for the lost hand
