"""Motion-compensated warm start: the pose's flow, and the latent moved along it."""

import numpy as np
import torch

from signgen.cond.warp import flow_points, follow_pose, pose_flow, warp_latent
from signgen.pose.layouts import LEFT_ELBOW, LEFT_HAND, LEFT_SHOULDER, LEFT_WRIST

SIZE, LATENT = 128, 32  # 4 pixels per latent cell


def _arm(shift_x: float = 0.0, hand_seen: bool = True) -> torch.Tensor:
    """[1, 543, 3] a left arm hanging at x = 42 + shift (pixels: through latent cell centres at
    shift 0 and 8), its hand below the wrist."""
    poses = torch.zeros(1, 543, 3)
    for index, y in ((LEFT_SHOULDER, 30.0), (LEFT_ELBOW, 60.0), (LEFT_WRIST, 90.0)):
        poses[0, index] = torch.tensor([42.0 + shift_x, y, 1.0])
    hand = torch.arange(LEFT_HAND.start, LEFT_HAND.stop)
    poses[0, hand, 0] = 42.0 + shift_x + (hand - LEFT_HAND.start).float() % 3
    poses[0, hand, 1] = 92.0 + (hand - LEFT_HAND.start).float()
    poses[0, hand, 2] = 1.0 if hand_seen else 0.0
    return poses


def _identity() -> torch.Tensor:
    return pose_flow(_arm(), _arm(), LATENT, SIZE)


def test_a_still_pose_leaves_the_latent_as_it_was() -> None:
    latent = torch.randn(1, 4, LATENT, LATENT)
    grid = _identity()
    assert grid.shape == (1, LATENT, LATENT, 2) and grid.dtype == torch.float32
    assert torch.allclose(warp_latent(latent, grid), latent, atol=1e-5)


def test_the_latent_follows_a_moved_arm_and_stays_put_away_from_it() -> None:
    """The arm moves 8 px (2 cells) to the right: a feature on it moves 2 cells with it; the
    far side of the frame does not move."""
    latent = torch.zeros(1, 1, LATENT, LATENT)
    latent[0, 0, 15, 10] = 1.0  # on the upper arm (x = 42 px: cell 10; y = 60 px: cell 15)
    moved = warp_latent(latent, pose_flow(_arm(), _arm(8.0), LATENT, SIZE))[0, 0]
    assert moved[15, 12] > 0.9 and moved[15, 10] < 0.1
    flow = pose_flow(_arm(), _arm(8.0), LATENT, SIZE) - _identity()
    step = 2.0 / SIZE  # one pixel in grid units
    # On the bone the whole 8 px, faded a little by the 2 px to the nearest bone point.
    assert -8.0 * step <= float(flow[0, 15, 12, 0]) <= -0.95 * 8.0 * step
    assert flow[0, :, 25:].abs().max() < 1e-3 * step  # the right of the frame, away from it
    assert flow[0, ..., 1].abs().max() < 1e-3 * step  # a sideways move has no vertical part


def test_unseen_points_carry_no_motion_and_no_nan() -> None:
    before, after = _arm(hand_seen=False), _arm(8.0, hand_seen=False)
    hand = slice(LEFT_HAND.start, LEFT_HAND.stop)
    before[0, hand, :2] = float("nan")
    after[0, hand, :2] = float("nan")
    points, valid = flow_points(after)
    assert torch.isfinite(points).all()
    arm_points = int(valid.sum())
    assert 0 < arm_points < valid.shape[1]  # only the two arm bones were seen
    flow = pose_flow(before, after, LATENT, SIZE)
    assert torch.isfinite(flow).all()
    nothing = pose_flow(_arm(hand_seen=False), _arm(hand_seen=False) * 0, LATENT, SIZE)
    assert torch.allclose(nothing, _identity(), atol=1e-6)  # no point seen in both frames


def test_warp_keeps_dtype_and_layout() -> None:
    latent = torch.randn(2, 4, LATENT, LATENT).to(torch.bfloat16)
    latent = latent.contiguous(memory_format=torch.channels_last)
    grid = pose_flow(_arm().expand(2, -1, -1), _arm(4.0).expand(2, -1, -1), LATENT, SIZE)
    out = warp_latent(latent, grid)
    assert out.dtype == torch.bfloat16 and out.is_contiguous(memory_format=torch.channels_last)
    assert not torch.equal(out, latent)
    assert np.isfinite(out.float().numpy()).all()


def test_follow_pose_is_the_warp_at_the_pose_flow() -> None:
    latent = torch.randn(1, 4, LATENT, LATENT)
    expected = warp_latent(latent, pose_flow(_arm(), _arm(6.0), LATENT, SIZE))
    assert torch.equal(follow_pose(latent, _arm(), _arm(6.0), SIZE), expected)
