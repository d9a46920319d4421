"""Cross-clip batching (`signgen.render.multi`): batched frames equal one-at-a-time frames."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from signgen.errors import ConfigError
from signgen.io import read_poses
from signgen.io.image import read_image
from signgen.pose.sequence import PoseSequence
from signgen.render import Renderer, RenderOptions
from signgen.render.multi import MultiClipLoop, render_many
from signgen.synth import Appearance, neutral_pose, render_frame

DATA = Path(__file__).parent / "data"
POSES = DATA / "poses"


@pytest.fixture(scope="module")
def renderer(tiny_checkpoint: Path) -> Renderer:
    # fp32: batched and single kernels then agree to rounding, so equality is checkable.
    return Renderer.from_checkpoint(tiny_checkpoint, device="cpu", dtype="fp32", threads=1)


def _clips(renderer: Renderer) -> list[tuple[np.ndarray, PoseSequence, RenderOptions]]:
    photo = read_image(DATA / "fake_human_256.png", size=renderer.size)
    signer = Appearance.from_seed(3)
    rest = neutral_pose(signer, renderer.size)
    synthetic = render_frame(signer, rest.xy[0], rest.conf[0], renderer.size).image
    a = read_poses(POSES / "fingerspelling_ase_A.pose").frames(0, 7)
    b = read_poses(POSES / "sgg_essen.pose").frames(0, 4)
    c = read_poses(POSES / "pose_tests_openpose.pose").frames(0, 9)
    return [
        (photo, a, RenderOptions(seed=1)),
        (synthetic, b, RenderOptions(seed=2, steps=3)),
        (photo, c, RenderOptions(seed=3, warm_start="sdedit", solver="heun")),
        (synthetic, a, RenderOptions(seed=4, keyframe_interval=3)),
    ]


@pytest.mark.parametrize("batch_size", [2, 3])
def test_batched_clips_match_one_at_a_time(renderer: Renderer, batch_size: int) -> None:
    clips = _clips(renderer)
    single = [
        [f.image for f in renderer.render_clip(ref, poses, options)]
        for ref, poses, options in clips
    ]
    streams = [
        (i, renderer.render_clip(ref, poses, options))
        for i, (ref, poses, options) in enumerate(clips)
    ]
    batched: dict[int, list[np.ndarray]] = {i: [] for i in range(len(clips))}
    nfe: dict[int, list[int]] = {i: [] for i in range(len(clips))}
    lasts = []
    for item in render_many(renderer, streams, batch_size):
        assert item.frame.index == len(batched[item.key])  # each clip's frames in order
        batched[item.key].append(item.frame.image)
        nfe[item.key].append(item.frame.timing.nfe)
        if item.last:
            lasts.append(item.key)
    assert sorted(lasts) == [0, 1, 2, 3]
    for i, frames in enumerate(single):
        assert len(batched[i]) == len(frames)
        pairs = zip(frames, batched[i], strict=True)
        worst = max(np.abs(x.astype(int) - y.astype(int)).max() for x, y in pairs)
        assert worst <= 1, f"clip {i} differs by {worst} levels"
    assert nfe[1][:2] == [3, 1]  # its own steps, then warm frames
    assert nfe[2][:2] == [4, 2]  # heun: 2 steps x 2 evaluations, then a 1-step sdedit
    assert nfe[3][:4] == [2, 1, 1, 2]  # its own keyframes


def test_loop_refuses_more_clips_than_slots(renderer: Renderer) -> None:
    ref, poses, options = _clips(renderer)[0]
    loop: MultiClipLoop[str] = MultiClipLoop(renderer, 1)
    loop.add("a", renderer.render_clip(ref, poses, options))
    with pytest.raises(ConfigError, match="slots"):
        loop.add("b", renderer.render_clip(ref, poses, options))
    with pytest.raises(ConfigError, match="at least 1"):
        MultiClipLoop(renderer, 0)


def _batched(renderer: Renderer, batch_size: int, order: list[int]) -> dict[int, np.ndarray]:
    clips = _clips(renderer)
    streams = [(i, renderer.render_clip(*clips[i])) for i in order]
    frames: dict[int, list[np.ndarray]] = {i: [] for i in order}
    for item in render_many(renderer, streams, batch_size):
        frames[item.key].append(item.frame.image)
    return {i: np.stack(f) for i, f in frames.items()}


def test_a_clip_renders_the_same_whatever_it_is_batched_with(renderer: Renderer) -> None:
    """Batch size, the clips beside it and the order (a resumed batch starts elsewhere) leave
    every clip's pixels identical."""
    reference = _batched(renderer, 1, [0, 1, 2, 3])
    for batch_size, order in ((2, [0, 1, 2, 3]), (3, [3, 2, 1, 0]), (5, [1, 3, 0, 2]), (1, [2])):
        other = _batched(renderer, batch_size, order)
        for i, frames in other.items():
            worst = np.abs(frames.astype(int) - reference[i].astype(int)).max()
            assert worst == 0, f"clip {i} at batch size {batch_size}: {worst} levels apart"


def test_shipped_model_renders_a_clip_the_same_at_any_batch_size() -> None:
    """With the shipped weights batched kernels round differently at batch sizes 1 and 3
    (a pixel level apart, which H.264 turned into 16 levels); fixed network batches remove it."""
    shipped = Path(__file__).resolve().parents[1] / "checkpoints" / "rpfm-128"
    renderer = Renderer.from_checkpoint(shipped, device="cpu", dtype="fp32", threads=1)
    photo = read_image(DATA / "fake_human_256.png", size=renderer.size)
    names = ("fingerspelling_ase_A", "sgg_essen", "pose_tests_openpose")
    poses = [read_poses(POSES / f"{name}.pose").frames(0, 3) for name in names]

    def render(batch_size: int) -> list[np.ndarray]:
        streams = [
            (i, renderer.render_clip(photo, seq, RenderOptions(seed=i)))
            for i, seq in enumerate(poses)
        ]
        frames: dict[int, list[np.ndarray]] = {i: [] for i in range(len(poses))}
        for item in render_many(renderer, streams, batch_size):
            frames[item.key].append(item.frame.image)
        return [np.stack(frames[i]) for i in range(len(poses))]

    for one, three in zip(render(1), render(3), strict=True):
        assert np.array_equal(one, three), np.abs(one.astype(int) - three.astype(int)).max()
