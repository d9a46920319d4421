"""The shipped checkpoint renders the same frames as the stored golden ones (within 1/255):
the network path (trained warm start, and sdedit with keyframes), the real-pixel path, the
benchmark's floor loop, and the evaluation's scores on held-out pairs and a clip.

Regenerate (only when a change of output is intended):
    python tests/test_golden_frames.py [real]   (real: only the real-photo frames)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "checkpoints" / "rpfm-128"
DATA = Path(__file__).parent / "data"
GOLDEN = DATA / "golden_frames.npz"
POSES = DATA / "poses" / "fingerspelling_ase_A.pose"
FRAMES = 8


def _renderer() -> Any:
    from signgen.render import Renderer

    return Renderer.from_checkpoint(SHIPPED, device="cpu", dtype="fp32", threads=2)


def _poses() -> Any:
    from signgen.io import read_poses

    return read_poses(POSES).frames(0, FRAMES)


def _network_frames(warm_start: str) -> np.ndarray:
    from signgen.io import read_canonical
    from signgen.io.image import read_image
    from signgen.render import RenderOptions
    from signgen.render.poses import frame_reference_pose

    renderer = _renderer()
    reference = read_image(REPO / "examples" / "reference.png", size=renderer.size)
    pose = frame_reference_pose(
        read_canonical(REPO / "examples" / "reference_pose.json"), renderer.size
    )
    options = (
        RenderOptions()
        if warm_start == "trained"
        else RenderOptions(warm_start="sdedit", keyframe_interval=4)  # type: ignore[arg-type]
    )
    stream = renderer.render_clip(reference, _poses(), options, reference_pose=pose)
    return np.stack([frame.image for frame in stream])


def _real_inputs() -> dict[str, np.ndarray]:
    """The photo's MediaPipe pose and person mask: estimated once and stored with the golden
    frames, so the test follows the render code, not the estimator's run-to-run state."""
    from signgen.io.image import read_image
    from signgen.person.segment import person_mask
    from signgen.render.poses import estimate_reference_pose

    reference = read_image(DATA / "real" / "maayan_00.png", size=128)
    pose = estimate_reference_pose(reference)
    return {"real_xy": pose.xy, "real_conf": pose.conf, "real_person": person_mask(reference)}


def _real_frames(inputs: dict[str, np.ndarray]) -> np.ndarray:
    from signgen.io.image import read_image
    from signgen.pose.layouts import HOLISTIC
    from signgen.pose.sequence import PoseSequence
    from signgen.render import RenderOptions
    from signgen.render.real import PersonRenderer

    renderer = PersonRenderer(_renderer(), 128)
    reference = read_image(DATA / "real" / "maayan_00.png", size=128)
    pose = PoseSequence(inputs["real_xy"], inputs["real_conf"], 25.0, 128, 128, HOLISTIC)
    options = RenderOptions(smoothing="none")
    stream = renderer.render_clip(
        reference, _poses(), options, reference_pose=pose, person=inputs["real_person"]
    )
    return np.stack([frame.image for frame in stream])


def _floor_frames() -> np.ndarray:
    from benchmarks.samplers.floor import measure_floor
    from signgen.synth.dataset import heldout_clip

    renderer = _renderer()
    images, _ = measure_floor(renderer, heldout_clip(0, 6, renderer.size), 6, seed=0)
    return images


def _eval_scores() -> np.ndarray:
    from signgen.eval import EvalConfig, evaluate

    config = EvalConfig(SHIPPED, pairs=4, clip_frames=6, clips=1, batch_size=4, threads=2)
    report = evaluate(config)
    rows = [row.scores.as_dict() for row in (*report.pairs, *report.clips)]
    return np.array([[row[k] for k in sorted(row)] for row in rows], dtype=np.float64)


def _compute() -> dict[str, np.ndarray]:
    inputs = _real_inputs()
    return {
        **inputs,
        "network": _network_frames("trained"),
        "sdedit": _network_frames("sdedit"),
        "real": _real_frames(inputs),
        "floor": _floor_frames(),
        "eval": _eval_scores(),
    }


@pytest.fixture(scope="module")
def golden() -> dict[str, np.ndarray]:
    with np.load(GOLDEN) as stored:
        return {key: stored[key] for key in stored.files}


@pytest.mark.parametrize("name", ["network", "sdedit", "real", "floor"])
def test_the_shipped_weights_render_the_golden_frames(
    name: str, golden: dict[str, np.ndarray]
) -> None:
    compute = {
        "network": lambda: _network_frames("trained"),
        "sdedit": lambda: _network_frames("sdedit"),
        "real": lambda: _real_frames(golden),
        "floor": _floor_frames,
    }[name]
    frames = compute()
    expected = golden[name]
    assert frames.shape == expected.shape and frames.dtype == np.uint8
    difference = np.abs(frames.astype(np.int16) - expected.astype(np.int16))
    assert int(difference.max()) <= 1, f"{name}: {int((difference > 1).sum())} pixels differ"
    # The clip moves: the golden frames are not all one picture.
    assert np.abs(np.diff(expected.astype(np.int16), axis=0)).max() > 10


def test_the_evaluation_scores_the_golden_numbers(golden: dict[str, np.ndarray]) -> None:
    scores = _eval_scores()
    assert scores.shape == golden["eval"].shape
    np.testing.assert_allclose(scores, golden["eval"], rtol=1e-3, atol=1e-3)


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(REPO))  # this checkout's signgen, not an installed one
    if sys.argv[1:] == ["real"]:  # only the real-photo frames, from the stored pose and mask
        with np.load(GOLDEN) as stored:
            kept = {key: stored[key] for key in stored.files}
        np.savez_compressed(GOLDEN, **{**kept, "real": _real_frames(kept)})
    else:
        np.savez_compressed(GOLDEN, **_compute())
    print(f"wrote {GOLDEN}")
