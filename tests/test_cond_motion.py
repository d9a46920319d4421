"""Stabilisation of warm frames: where the pose moved, and the damped update elsewhere."""

import numpy as np
import pytest
import torch

from signgen.cond.motion import MOTION_RADIUS, MotionHistory, damp_static, motion_mask
from signgen.cond.raster import NUM_CHANNELS, pose_raster
from signgen.errors import ConfigError
from signgen.model import clamp_to_range, settle
from signgen.pose.layouts import LEFT_ELBOW, LEFT_SHOULDER, RIGHT_ELBOW, RIGHT_SHOULDER


def _arms(left_elbow_y: float) -> torch.Tensor:
    """[1, C, 128, 128] raster of two upper arms; the left elbow at height ``left_elbow_y``."""
    xy = np.zeros((543, 2), np.float32)
    conf = np.zeros(543, np.float32)
    xy[RIGHT_SHOULDER], xy[RIGHT_ELBOW] = (20.0, 40.0), (20.0, 100.0)
    xy[LEFT_SHOULDER], xy[LEFT_ELBOW] = (100.0, 40.0), (100.0, left_elbow_y)
    conf[[RIGHT_SHOULDER, RIGHT_ELBOW, LEFT_SHOULDER, LEFT_ELBOW]] = 1.0
    return torch.from_numpy(pose_raster(xy, conf, 128))[None]


def test_a_still_pose_has_no_moving_cell() -> None:
    mask = motion_mask(_arms(100.0), _arms(100.0), 32)
    assert mask.shape == (1, 1, 32, 32) and mask.dtype == torch.float32
    assert mask.max() == 0.0


def test_a_moved_arm_marks_its_cells_and_their_neighbours_only() -> None:
    mask = motion_mask(_arms(100.0), _arms(110.0), 32)[0, 0]
    # The left arm grew from y = 100 to 110 at x = 100 (latent column 25): those cells move,
    # grown by MOTION_RADIUS cells; the still right arm (column 5) and the head do not.
    assert mask[26, 25] == 1.0 and mask[26, 25 + MOTION_RADIUS] == 1.0
    assert mask[26, 25 + MOTION_RADIUS + 1] == 0.0
    assert mask[:, :15].max() == 0.0 and mask[:20].max() == 0.0
    assert 0 < mask.sum() < 0.1 * mask.numel()


def test_changes_below_the_threshold_are_still() -> None:
    base = torch.zeros(1, NUM_CHANNELS, 64, 64)
    faint, strong = base.clone(), base.clone()
    faint[0, 0, 10, 10] = 0.1
    strong[0, 0, 10, 10] = 0.5
    assert motion_mask(base, faint, 16).max() == 0.0
    cells = motion_mask(base, strong, 16)[0, 0]
    assert cells[2, 2] == 1.0 and cells.sum() == (2 * MOTION_RADIUS + 1) ** 2


def test_damping_keeps_still_cells_near_the_previous_latent() -> None:
    previous, predicted = torch.zeros(1, 4, 8, 8), torch.ones(1, 4, 8, 8)
    mask = torch.zeros(1, 1, 8, 8)
    mask[..., :4] = 1.0
    out = damp_static(previous, predicted, mask, 0.25)
    assert out[..., :4].eq(1.0).all()  # moving cells: the full update
    assert out[..., 4:].eq(0.25).all()  # still cells: a quarter of it
    assert torch.equal(damp_static(previous, predicted, mask, 1.0), predicted)  # off
    assert torch.equal(damp_static(previous, predicted, mask * 0, 0.0), previous)  # frozen


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_damping_keeps_the_latent_dtype(dtype: torch.dtype) -> None:
    previous, predicted = torch.zeros(1, 4, 8, 8, dtype=dtype), torch.ones(1, 4, 8, 8, dtype=dtype)
    assert damp_static(previous, predicted, torch.zeros(1, 1, 8, 8), 0.5).dtype == dtype


def test_history_remembers_the_window_and_combines_its_masks() -> None:
    history = MotionHistory(32, window=2)
    assert history.moved(_arms(100.0)) is None  # nothing to compare with yet
    for y in (100.0, 110.0, 110.0):
        history.push(_arms(y))
    # Frames 100 | 110 | 110: with a window of 2 the arm at 100 has dropped out, so a pose
    # equal to the last two frames is still; one back at 100 moved against both.
    still = history.moved(_arms(110.0))
    assert still is not None and still.max() == 0.0
    back = history.moved(_arms(100.0))
    assert back is not None and torch.equal(back, motion_mask(_arms(110.0), _arms(100.0), 32))


def test_a_slow_change_moves_within_the_window_but_not_frame_to_frame() -> None:
    # A pixel fades in by 0.15 per frame: under MOTION_THRESHOLD (0.2) from one frame to the
    # next, over it against the frame two back.
    frames = [torch.zeros(1, NUM_CHANNELS, 64, 64) for _ in range(3)]
    frames[1][0, 0, 10, 10], frames[2][0, 0, 10, 10] = 0.15, 0.3
    assert motion_mask(frames[1], frames[2], 16).max() == 0.0
    short, long = MotionHistory(16, window=1), MotionHistory(16, window=2)
    for history in (short, long):
        history.push(frames[0])
        history.push(frames[1])
    per_frame = short.moved(frames[2])
    assert per_frame is not None and per_frame.max() == 0.0
    cells = long.moved(frames[2])
    assert cells is not None and cells[0, 0, 2, 2] == 1.0
    assert cells.sum() == (2 * MOTION_RADIUS + 1) ** 2


def test_history_needs_a_window_of_one_frame_or_more() -> None:
    with pytest.raises(ConfigError, match="motion window"):
        MotionHistory(32, window=0)


def test_settle_damps_warm_frames_then_clamps_as_the_frame_loops_do() -> None:
    """`settle` is `damp_static` (when a mask and a previous latent are given) and then
    `clamp_to_range` (when bounds are given), in that order."""
    torch.manual_seed(0)
    previous, predicted = torch.randn(1, 4, 8, 8), torch.randn(1, 4, 8, 8)
    moved = (torch.rand(1, 1, 8, 8) > 0.5).float()
    bounds = (torch.full((1, 4, 1, 1), -0.5), torch.full((1, 4, 1, 1), 0.5))
    damped = damp_static(previous, predicted, moved, 0.1)
    assert torch.equal(settle(previous, predicted, moved, 0.1, None), damped)
    assert torch.equal(
        settle(previous, predicted, moved, 0.1, bounds), clamp_to_range(damped, bounds)
    )
    assert torch.equal(settle(None, predicted, moved, 0.1, None), predicted)  # a cold frame
    assert torch.equal(
        settle(previous, predicted, None, 0.1, bounds), clamp_to_range(predicted, bounds)
    )
    assert float(settle(previous, predicted, moved, 0.1, bounds).abs().max()) <= 0.5
