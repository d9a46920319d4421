"""A live stream's pose queue: chunks joined by transitions, a return to rest, bounds; and the
`signgen serve` command's own checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from signgen.cli import app
from signgen.errors import ConfigError
from signgen.io import read_canonical
from signgen.pose.sequence import PoseSequence
from signgen.render.options import RenderOptions
from signgen.render.poses import default_reference_pose, prepare_poses, reference_framing
from signgen.serve.queue import PoseFrame, PoseQueue

DATA = Path(__file__).parent / "data"
SIZE = 128


@pytest.fixture(scope="module")
def rest() -> PoseSequence:
    return default_reference_pose(SIZE)


@pytest.fixture(scope="module")
def chunk(rest: PoseSequence) -> PoseSequence:
    """40 frames of a real recording fitted into the 128 px render frame."""
    seq = read_canonical(DATA / "poses" / "sgg_essen.pose").frames(10, 50)
    return prepare_poses(seq, SIZE, rest, RenderOptions(smoothing="none"), anchor="first")


def _queue(rest: PoseSequence, max_frames: int = 500) -> PoseQueue:
    width, _ = reference_framing(rest)
    return PoseQueue(PoseFrame(rest.xy[0], rest.conf[0]), 25.0, width, max_frames)


def _drain(queue: PoseQueue) -> list[PoseFrame]:
    return [queue.advance(1) for _ in range(len(queue))]


def _hand_step(a: PoseFrame, b: PoseFrame) -> float:
    seen = (a.conf > 0) & (b.conf > 0)
    return float(np.linalg.norm(a.xy[seen] - b.xy[seen], axis=1).max())


def test_a_chunk_is_eased_in_and_returns_to_rest(rest: PoseSequence, chunk: PoseSequence) -> None:
    queue = _queue(rest)
    added = queue.append(chunk)
    assert added == len(queue) > chunk.num_frames  # transitions in and out were added
    frames = _drain(queue)
    np.testing.assert_allclose(frames[-1].xy, rest.xy[0], atol=1e-4)  # back at rest
    into = next(i for i, f in enumerate(frames) if np.array_equal(f.xy, chunk.xy[0]))
    assert into > 0  # eased in, not jumped
    steps = [_hand_step(a, b) for a, b in zip(frames, frames[1:], strict=False)]
    jump = _hand_step(PoseFrame(rest.xy[0], rest.conf[0]), PoseFrame(chunk.xy[0], chunk.conf[0]))
    assert max(steps[:into]) < jump / 2  # the way in is split into small steps
    assert queue.advance(1) is frames[-1]  # empty: keeps showing the last frame


def test_a_new_chunk_replaces_the_unplayed_return_to_rest(
    rest: PoseSequence, chunk: PoseSequence
) -> None:
    queue = _queue(rest)
    first = queue.append(chunk)
    second = queue.append(chunk)
    assert len(queue) < first + second  # the first chunk's return to rest was dropped
    frames = _drain(queue)
    np.testing.assert_allclose(frames[-1].xy, rest.xy[0], atol=1e-4)
    # Between the two chunks the signer never goes all the way back to rest.
    middle = frames[chunk.num_frames : len(frames) - chunk.num_frames]
    assert all(not np.allclose(f.xy, rest.xy[0], atol=1e-3) for f in middle)


def test_labels_follow_gloss_spans(rest: PoseSequence, chunk: PoseSequence) -> None:
    from signgen.pose.sequence import GlossSpan

    queue = _queue(rest)
    queue.append(chunk.replace(glosses=(GlossSpan("ESSEN", 0, chunk.num_frames),)))
    labels = [f.gloss for f in _drain(queue)]
    assert labels.count("ESSEN") == chunk.num_frames
    assert labels[0] is None and labels[-1] is None  # transitions carry no gloss


def test_the_queue_is_bounded_and_refuses_a_chunk_whole(
    rest: PoseSequence, chunk: PoseSequence
) -> None:
    queue = _queue(rest, max_frames=chunk.num_frames + 30)
    queue.append(chunk)
    before = len(queue)
    with pytest.raises(ConfigError, match="at most"):
        queue.append(chunk)
    assert len(queue) == before


def test_falling_behind_skips_poses_and_clear_returns_to_rest(
    rest: PoseSequence, chunk: PoseSequence
) -> None:
    queue = _queue(rest)
    queue.append(chunk)
    total = len(queue)
    queue.advance(5)
    assert len(queue) == total - 5
    queue.clear()
    frames = _drain(queue)
    assert 0 < len(frames) < total - 5
    np.testing.assert_allclose(frames[-1].xy, rest.xy[0], atol=1e-4)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "0"], "port must be"),
        (["--token", "short"], "at least 8"),
        (["--fps", "0"], "fps must be"),
        (["--checkpoint", "/nonexistent-checkpoint"], "no checkpoint"),
    ],
)
def test_serve_refuses_bad_options(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["serve", *args])
    assert result.exit_code != 0
    assert message in " ".join(result.output.split())
