"""Joining signs: the eased transition, its length rule and the closest-frames search."""

from __future__ import annotations

import math

import numpy as np
import pytest

from signgen.gloss.join import closest_join, transition, transition_length
from signgen.gloss.motion import hand_motion
from signgen.pose.layouts import HOLISTIC, LEFT_HAND, RIGHT_HAND, RIGHT_WRIST
from signgen.pose.sequence import PoseSequence


def _frames(right_hand_x: list[float]) -> PoseSequence:
    """Frames whose right hand (and only it) sits at x = the given values, y = 100."""
    t = len(right_hand_x)
    xy = np.zeros((t, HOLISTIC.num_points, 2), np.float32)
    conf = np.zeros((t, HOLISTIC.num_points), np.float32)
    xy[:, RIGHT_HAND, 0] = np.asarray(right_hand_x, np.float32)[:, None]
    xy[:, RIGHT_HAND, 1] = 100.0
    conf[:, RIGHT_HAND] = 1.0
    return PoseSequence(xy, conf, 25.0, 512, 512, HOLISTIC)


def test_transition_is_eased_and_excludes_its_ends() -> None:
    a, b = _frames([0.0]), _frames([90.0])
    xy, conf = transition(a.xy[0], a.conf[0], b.xy[0], b.conf[0], 5)
    x = xy[:, RIGHT_HAND.start, 0]
    assert xy.shape == (5, HOLISTIC.num_points, 2) and conf.shape == (5, HOLISTIC.num_points)
    assert 0.0 < x[0] and x[-1] < 90.0 and np.all(np.diff(x) > 0)
    assert x[2] == pytest.approx(45.0)  # symmetric ease: the middle frame is half way
    steps = np.diff(np.concatenate([[0.0], x, [90.0]]))
    assert steps[0] < steps[2] and steps[-1] < steps[2]  # slow out, slow in
    assert np.all(conf[:, RIGHT_HAND] == 1.0) and np.all(conf[:, LEFT_HAND] == 0.0)


def test_a_point_on_one_side_only_shows_in_that_half_and_stays_put() -> None:
    a, b = _frames([0.0]), _frames([90.0])
    a_conf = a.conf[0].copy()
    a_conf[RIGHT_WRIST] = 1.0  # body wrist tracked at the start only
    a_xy = a.xy[0].copy()
    a_xy[RIGHT_WRIST] = (7.0, 8.0)
    xy, conf = transition(a_xy, a_conf, b.xy[0], b.conf[0], 4)
    assert conf[:2, RIGHT_WRIST].tolist() == [1.0, 1.0]
    assert conf[2:, RIGHT_WRIST].tolist() == [0.0, 0.0]
    assert np.all(xy[:2, RIGHT_WRIST] == (7.0, 8.0))


def test_transition_length_follows_distance_and_caps_the_step() -> None:
    rule = {"frames_per_px": 0.1, "min_frames": 2, "max_frames": 12, "peak_step": 0.0}
    assert transition_length(0.0, **rule) == 2
    assert transition_length(50.0, **rule) == 5
    assert transition_length(500.0, **rule) == 12
    # A step limit lengthens the transition past max_frames when needed ...
    frames = transition_length(500.0, **{**rule, "peak_step": 10.0})
    assert frames == math.ceil(math.pi / 2 * 500 / 10) - 1
    # ... and the eased transition then never steps further than the limit.
    a, b = _frames([0.0]), _frames([500.0])
    xy, _ = transition(a.xy[0], a.conf[0], b.xy[0], b.conf[0], frames)
    path = np.concatenate([[0.0], xy[:, RIGHT_HAND.start, 0], [500.0]])
    assert np.abs(np.diff(path)).max() <= 10.0


def test_closest_join_finds_the_nearest_frames_inside_the_windows() -> None:
    a = _frames([0, 10, 20, 30, 40, 50])
    b = _frames([100, 60, 21, 90, 80])
    assert closest_join(a, b, 6, 5)[:2] == (2, 2)
    i, j, distance = closest_join(a, b, 2, 5)  # only frames 4, 5 of a are candidates
    assert (i, j) == (5, 1) and distance == pytest.approx(10.0)
    # Ties keep as much as possible: the latest frame of a, the earliest of b.
    flat = _frames([5, 5, 5])
    assert closest_join(flat, flat, 3, 3)[:2] == (2, 0)


def test_hand_motion_uses_the_body_wrist_when_the_hand_is_lost() -> None:
    seq = _frames([0.0, 3.0, 3.0])
    xy, conf = seq.xy.copy(), seq.conf.copy()
    conf[2, RIGHT_HAND] = 0.0
    conf[1:, RIGHT_WRIST] = 1.0
    xy[1, RIGHT_WRIST] = (0.0, 0.0)
    xy[2, RIGHT_WRIST] = (0.0, 4.0)
    motion = hand_motion(seq.replace(xy=xy, conf=conf))
    assert motion.tolist() == pytest.approx([3.0, 4.0])
