"""Training pairs and held-out clips: shapes, value ranges, determinism, disjoint splits."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from signgen.errors import ConfigError
from signgen.io import read_canonical
from signgen.pose.layouts import LEFT_HAND, RIGHT_HAND
from signgen.synth import HELDOUT_SEED_START, MASK_LABELS
from signgen.synth.dataset import PairDataset, heldout_clip
from signgen.synth.motion import HELDOUT_RECORDING, handshape_bank, real_motions, recording_paths
from signgen.train.data import pair_stream


def test_items_have_the_contracted_shapes_and_ranges() -> None:
    item = PairDataset(size=64, seed=1).item(0)
    for key in ("reference", "previous", "target"):
        assert item[key].shape == (3, 64, 64) and item[key].dtype == torch.float32
        assert -1.0 <= float(item[key].min()) and float(item[key].max()) <= 1.0
    for key in ("reference_pose", "previous_pose", "target_pose"):
        assert item[key].shape == (543, 3) and item[key].dtype == torch.float32
    assert item["target_mask"].shape == (64, 64) and item["target_mask"].dtype == torch.uint8
    assert 1 <= int(item["stride"]) <= 5


def test_items_are_deterministic_per_seed_and_differ_across_items() -> None:
    a, b = PairDataset(size=64, seed=3), PairDataset(size=64, seed=3)
    first, again = a.item(5), b.item(5)
    assert all(torch.equal(first[k], again[k]) for k in first)
    assert not torch.equal(first["target"], a.item(6)["target"])
    stream = iter(PairDataset(size=64, seed=3))
    assert torch.equal(next(stream)["target"], a.item(0)["target"])


def test_a_chain_is_the_motion_leading_up_to_the_previous_frame() -> None:
    """chain_poses: the start's pose (repeated for still steps), then consecutive frames that
    end on the previous pose; chain_start is rendered at the start's pose."""
    ds = PairDataset(size=64, seed=0, chain=4)
    real_lengths = set()
    for index in range(12):
        item = ds.item(index)
        chain = item["chain_poses"]
        assert chain.shape == (5, 543, 3) and item["chain_start"].shape == (3, 64, 64)
        assert torch.equal(chain[-1], item["previous_pose"])
        steps = (chain[1:, :, :2] - chain[:-1, :, :2]).abs().amax(dim=(1, 2))
        assert float(steps.max()) < 64, "a chain walks through nearby frames of one motion"
        moving = int((steps > 0).sum())
        assert torch.equal(steps[: 4 - moving], torch.zeros(4 - moving)), "still steps first"
        real_lengths.add(moving)
    assert len(real_lengths) > 1, "chains of several lengths"
    again = PairDataset(size=64, seed=0, chain=4).item(3)
    assert all(torch.equal(again[k], ds.item(3)[k]) for k in again)
    assert "chain_poses" not in PairDataset(size=64, seed=0).item(0)
    with pytest.raises(ConfigError, match="chain"):
        PairDataset(chain=-1)


def test_previous_frame_is_an_earlier_nearby_pose() -> None:
    ds = PairDataset(size=64, seed=0, max_stride=3)
    for index in range(6):
        item = ds.item(index)
        step = (item["target_pose"][:, :2] - item["previous_pose"][:, :2]).abs().max()
        assert float(step) < 64, "previous must be a nearby frame of the same motion"


def test_lost_hands_drops_both_hands_on_every_motion_frame_and_draws_fists() -> None:
    """lost_hands=1: previous, target and chain poses have no hand points (the raster draws
    none), the renderer draws fists instead (hand pixels in the target's mask, unless both are
    hidden; a different image), the reference keeps its hands; lost_hands=0 is the default
    stream, bit for bit."""
    hands = np.r_[LEFT_HAND, RIGHT_HAND]
    lost, kept = (
        PairDataset(size=64, seed=2, chain=3, lost_hands=1.0),
        PairDataset(size=64, seed=2, chain=3),
    )
    changed = 0
    for index in range(6):
        item, base = lost.item(index), kept.item(index)
        for key in ("previous_pose", "target_pose"):
            assert float(item[key][hands, 2].max()) == 0.0
            assert torch.equal(item[key][:, :2], base[key][:, :2])
        assert float(item["chain_poses"][:, hands, 2].max()) == 0.0
        assert torch.equal(item["reference"], base["reference"])
        assert torch.equal(item["reference_pose"], base["reference_pose"])
        labels = set(item["target_mask"].unique().tolist())
        assert {MASK_LABELS.index("left_hand"), MASK_LABELS.index("right_hand")} & labels
        changed += not torch.equal(item["target"], base["target"])
    assert changed >= 3, "items whose source had hands are drawn with fists instead"
    default = PairDataset(size=64, seed=2, chain=3, lost_hands=0.0).item(4)
    assert all(torch.equal(default[k], kept.item(4)[k]) for k in default)
    some = PairDataset(size=64, seed=2, lost_hands=0.5)
    dropped = [float(some.item(i)["target_pose"][hands, 2].max()) == 0.0 for i in range(40)]
    assert 8 <= sum(dropped) <= 32
    with pytest.raises(ConfigError, match="lost hands"):
        PairDataset(lost_hands=1.5)
    streamed = next(pair_stream("train", 64, 2, 5, workers=0, lost_hands=1.0))
    assert float(streamed["target_pose"][hands, 2].max()) == 0.0  # training's stream takes it


def test_the_held_out_recording_never_reaches_training() -> None:
    train = [p.name for p in recording_paths(heldout=False)]
    assert HELDOUT_RECORDING not in train and len(train) == 6
    (heldout_path,) = recording_paths(heldout=True)
    assert heldout_path.name == HELDOUT_RECORDING
    heldout = read_canonical(heldout_path)
    motions = real_motions(heldout=False)
    assert len(motions) >= 6  # the recordings, plus the lexicon's signs where present
    assert not any(
        m.num_frames == heldout.num_frames and np.array_equal(m.xy, heldout.xy) for m in motions
    )
    assert len(handshape_bank(False)) > 100


@pytest.mark.parametrize("index", [0, 1])
def test_heldout_clip(index: int) -> None:
    clip = heldout_clip(index, 30, 64)
    assert clip.appearance.seed == HELDOUT_SEED_START + index
    assert clip.frames.shape == (30, 64, 64, 3) and clip.masks.shape == (30, 64, 64)
    assert clip.poses.num_frames == 30 and clip.poses.width == 64
    assert clip.reference.shape == (64, 64, 3) and clip.reference_pose.num_frames == 1
    assert clip.poses.fps == (24.0 if index == 0 else 25.0)
    # Consecutive frames move, but smoothly.
    diffs = np.abs(np.diff(clip.frames.astype(np.int16), axis=0)).mean(axis=(1, 2, 3))
    assert diffs.max() < 20 and diffs.mean() > 0.05


def test_heldout_clip_reaches_long_lengths_by_playing_back() -> None:
    clip = heldout_clip(0, 320, 32)
    assert clip.poses.num_frames == 320  # the 278-frame recording, forward then backward


def test_bad_options_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="split"):
        PairDataset(split="test")
    with pytest.raises(ConfigError):
        heldout_clip(-1, 10, 64)
