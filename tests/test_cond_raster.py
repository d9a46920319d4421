"""The pose raster: channels per part, sides kept apart, missing points not drawn."""

import numpy as np
import torch

from signgen.cond.raster import CHANNELS, NUM_CHANNELS, pose_raster, pose_raster_batch
from signgen.pose.layouts import LEFT_ELBOW, LEFT_HAND, LEFT_SHOULDER, RIGHT_HAND

NAMES = [name for name, _, _ in CHANNELS]


def _pose() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    xy = rng.uniform(20, 108, size=(543, 2)).astype(np.float32)
    conf = np.ones(543, dtype=np.float32)
    return xy, conf


def test_shape_range_and_every_channel_drawn() -> None:
    xy, conf = _pose()
    raster = pose_raster(xy, conf, 128)
    assert raster.shape == (NUM_CHANNELS, 128, 128) and raster.dtype == np.float32
    assert raster.min() >= 0.0 and raster.max() <= 1.0
    assert (raster.reshape(NUM_CHANNELS, -1).max(axis=1) > 0.5).all()


def test_segment_lands_on_its_channel_only() -> None:
    xy = np.zeros((543, 2), np.float32)
    conf = np.zeros(543, np.float32)
    xy[LEFT_SHOULDER], xy[LEFT_ELBOW] = (10.0, 64.0), (100.0, 64.0)
    conf[[LEFT_SHOULDER, LEFT_ELBOW]] = 1.0
    raster = pose_raster(xy, conf, 128)
    channel = NAMES.index("left_upper_arm")
    assert raster[channel, 64, 50] > 0.9 and raster[channel, 20, 50] == 0.0
    others = np.delete(raster, channel, axis=0)
    assert others.max() == 0.0


def test_missing_points_and_hand_sides() -> None:
    xy, conf = _pose()
    conf[RIGHT_HAND] = 0.0
    raster = pose_raster(xy, conf, 64)
    right = [i for i, n in enumerate(NAMES) if n.startswith("right_") and "arm" not in n]
    left = [i for i, n in enumerate(NAMES) if n.startswith("left_") and "arm" not in n]
    assert raster[right].max() == 0.0 and raster[left].max() > 0.5
    conf[LEFT_HAND] = 0.0
    assert pose_raster(xy, conf, 64)[left].max() == 0.0


def test_batch_matches_single() -> None:
    xy, conf = _pose()
    poses = torch.from_numpy(np.concatenate([xy, conf[:, None]], axis=1))[None].repeat(2, 1, 1)
    batch = pose_raster_batch(poses, 32)
    assert batch.shape == (2, NUM_CHANNELS, 32, 32)
    np.testing.assert_array_equal(batch[1].numpy(), pose_raster(xy, conf, 32))
