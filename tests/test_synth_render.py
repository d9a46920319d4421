"""The synthetic signer renderer: determinism, variety, part masks that follow the pose."""

from __future__ import annotations

import numpy as np
import pytest

from signgen.pose.layouts import FACE, LEFT_HAND, RIGHT_HAND
from signgen.synth import MASK_LABELS, Appearance, neutral_pose, render_frame
from signgen.synth.handshapes import place_hand, random_handshape

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


@pytest.mark.parametrize("right", [False, True])
def test_hand_masks_follow_the_hand_points(right: bool) -> None:
    look = Appearance.from_seed(2)
    pose = neutral_pose(look, SIZE)
    sw = look.shoulder_width * SIZE
    palm = look.hand * sw
    rng = np.random.default_rng(0)
    side = -1 if right else 1  # the signer's right hand is on the image left
    span, label = (RIGHT_HAND, 6) if right else (LEFT_HAND, 5)
    elbow_i, wrist_i = (14, 16) if right else (13, 15)
    for _ in range(8):
        xy = pose.xy[0].copy()
        # Raised beside the body: the highest part, drawn last, so nothing hides it.
        wrist = np.array([SIZE / 2 + side * 0.75 * sw, SIZE * 0.49 - 0.1 * sw])
        xy[elbow_i] = wrist + (side * 0.15 * sw, 0.7 * sw)
        xy[wrist_i] = wrist
        angle = -np.pi / 2 + rng.uniform(-0.6, 0.6)
        xy[span] = place_hand(random_handshape(rng), wrist, angle, palm, right)
        mask = render_frame(look, xy, pose.conf[0], SIZE).mask
        ys, xs = np.nonzero(mask == label)
        centroid = np.array([xs.mean(), ys.mean()])
        # The drawn hand sits on its 21 points: centroids within a few px (4.4 px here).
        assert np.hypot(*(centroid - xy[span].mean(axis=0))) < 0.35 * palm
        # And every hand point is on (or within a finger's width of) the hand's mask.
        hits = [(mask[max(y - 1, 0) : y + 2, max(x - 1, 0) : x + 2] == label).any()
                for x, y in np.rint(xy[span]).astype(int)]  # fmt: skip
        assert all(hits)


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
