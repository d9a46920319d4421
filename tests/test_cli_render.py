"""`signgen render` and `signgen demo` through the CLI: real files in, real files read back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner, Result

from signgen.cli import app
from signgen.io import read_poses, write_poses
from signgen.io.video import probe_video, read_video
from signgen.report import read_report

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[1]
POSE_FILES = sorted((DATA / "poses").glob("*.pose"))
SHORT = DATA / "poses" / "fingerspelling_ase_A.pose"
REFERENCE = DATA / "fake_human_256.png"
# Longer recordings are cut (--max-frames) to keep the suite fast; count and fps are checked
# against the cut input all the same.
MAX_FRAMES = 40
runner = CliRunner()


def _render(checkpoint: Path, *args: str) -> Result:
    fixed = ["--checkpoint", str(checkpoint), "--threads", "1", "--device", "cpu"]
    return runner.invoke(app, ["render", *fixed, *args])  # a later option wins


def _one_line_error(result: Result, *needles: str) -> None:
    assert result.exit_code != 0, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error:")
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.parametrize("pose_file", POSE_FILES, ids=lambda p: p.stem)
def test_each_real_recording_renders_with_its_frame_count_fps_and_report(
    tiny_checkpoint: Path, pose_file: Path, tmp_path: Path
) -> None:
    out, report = tmp_path / "out.mp4", tmp_path / "lat.json"
    result = _render(tiny_checkpoint, str(REFERENCE), str(pose_file), "-o", str(out),
                     "--report", str(report), "--max-frames", str(MAX_FRAMES))  # fmt: skip
    assert result.exit_code == 0, result.output
    poses = read_poses(pose_file)
    poses = poses.frames(0, min(poses.num_frames, MAX_FRAMES))
    info = probe_video(out)
    assert info.num_frames == poses.num_frames
    assert info.fps == pytest.approx(poses.fps, rel=1e-6)
    document = json.loads(report.read_text())
    assert len(document["frames"]) == poses.num_frames
    assert document["summary"]["num_frames"] == poses.num_frames
    assert {"p50_ms", "p95_ms", "p99_ms", "fps", "real_time_factor"} <= set(document["summary"])
    assert f"wrote {out}" in " ".join(result.output.split())


def test_render_writes_plot_subtitles_and_side_by_side(
    tiny_checkpoint: Path, tmp_path: Path
) -> None:
    out = tmp_path / "sbs.mp4"
    result = _render(
        tiny_checkpoint, str(REFERENCE), str(SHORT), "-o", str(out), "--side-by-side",
        "--report", str(tmp_path / "lat.json"), "--plot", str(tmp_path / "lat.png"),
        "--subtitles", str(tmp_path / "subs.vtt"), "--budget-ms", "1000", "--keyframe-interval",
        "8", "--steps", "3", "--size", "64",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    info = probe_video(out)
    assert (info.width, info.height) == (128, 64)
    report = read_report(tmp_path / "lat.json")
    assert [f.nfe for f in report.frames][:9:8] == [3, 3]  # frames 0 and 8 are keyframes
    assert report.budget_ms == 1000.0 and report.meta["options"]["keyframe_interval"] == 8
    with Image.open(tmp_path / "lat.png") as plot:
        assert plot.format == "PNG"
    assert (tmp_path / "subs.vtt").read_text().startswith("WEBVTT")
    for word in ("decode", "total", "NFE/frame"):
        assert word in result.output


def test_warm_start_report_shows_fewer_evaluations_than_cold(
    tiny_checkpoint: Path, tmp_path: Path
) -> None:
    nfe = {}
    for mode in ("trained", "none"):
        report = tmp_path / f"{mode}.json"
        result = _render(tiny_checkpoint, str(REFERENCE), str(SHORT), "-o",
                         str(tmp_path / f"{mode}.mp4"), "--warm-start", mode, "--report",
                         str(report))  # fmt: skip
        assert result.exit_code == 0, result.output
        nfe[mode] = [frame["nfe"] for frame in json.loads(report.read_text())["frames"]]
    assert sum(nfe["trained"]) < sum(nfe["none"])
    assert nfe["trained"][1:] == [1] * (len(nfe["trained"]) - 1)


@pytest.mark.parametrize("switch", ["--no-warp", "--no-soften"])
def test_warm_start_switches_reach_the_renderer(
    tiny_checkpoint: Path, tmp_path: Path, switch: str
) -> None:
    """Turning the warp or the softened start off renders other warm frames (read back, the
    whole frame drawn by the network); the same options render the same frames."""
    frames = {}
    for name, extra in (("default", []), ("again", []), ("off", [switch])):
        out = tmp_path / f"{name}.mp4"
        result = _render(tiny_checkpoint, str(REFERENCE), str(SHORT), "-o", str(out),
                         "--full-generation", *extra)  # fmt: skip
        assert result.exit_code == 0, result.output
        frames[name] = read_video(out).frames.astype(np.int16)
    assert frames["default"].shape == frames["off"].shape
    assert np.array_equal(frames["default"], frames["again"])
    assert np.abs(frames["default"][1:] - frames["off"][1:]).mean() > 0.1


def test_reference_pose_auto_is_estimated(tiny_checkpoint: Path, tmp_path: Path) -> None:
    out = tmp_path / "auto.mp4"
    result = _render(tiny_checkpoint, str(REFERENCE), str(SHORT), "-o", str(out),
                     "--reference-pose", "auto", "--max-frames", "3")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert probe_video(out).num_frames == 3


def test_gloss_text_renders_with_subtitles(tiny_checkpoint: Path, tmp_path: Path) -> None:
    out, subs = tmp_path / "ab.mp4", tmp_path / "ab.vtt"
    result = _render(tiny_checkpoint, str(REFERENCE), "--gloss", "A B", "-o", str(out),
                     "--subtitles", str(subs))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert probe_video(out).fps == 25.0
    cues = subs.read_text().splitlines()
    assert "A" in cues and "B" in cues and "-->" in cues[3]


def _bad_inputs(tmp_path: Path, checkpoint: Path) -> dict[str, tuple[list[str], str]]:
    """name -> (render arguments, text the error line must contain)."""
    text = tmp_path / "notes.png"
    text.write_text("not a picture")
    truncated = tmp_path / "truncated.png"
    truncated.write_bytes(REFERENCE.read_bytes()[:200])
    seq = read_poses(SHORT)
    write_poses(seq.replace(xy=np.full_like(seq.xy, np.nan)), tmp_path / "nan.pose")
    write_poses(seq.frames(0, 0), tmp_path / "empty.pose")
    write_poses(seq, tmp_path / "ok.json")
    document = json.loads((tmp_path / "ok.json").read_text())
    document["layout"] = "no_such_layout"
    (tmp_path / "layout.json").write_text(json.dumps(document))
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    no_weights = tmp_path / "no_weights"
    shutil.copytree(checkpoint, no_weights)
    (no_weights / "model.safetensors").unlink()
    corrupt = tmp_path / "corrupt"
    shutil.copytree(checkpoint, corrupt)
    (corrupt / "model.safetensors").write_bytes(b"\x00garbage" * 10)
    ok_ref, ok_poses = str(REFERENCE), str(SHORT)
    return {
        "missing reference": ([str(tmp_path / "nope.png"), ok_poses], "no such image"),
        "unreadable reference": ([str(truncated), ok_poses], "unreadable image"),
        "not an image": ([str(text), ok_poses], "not an image"),
        "empty poses": ([ok_ref, str(tmp_path / "empty.pose")], "empty.pose"),
        "NaN poses": ([ok_ref, str(tmp_path / "nan.pose")], "has a visible"),
        "unknown layout": ([ok_ref, str(tmp_path / "layout.json")], "no_such_layout"),
        "output not writable": ([ok_ref, ok_poses, "-o", str(blocker / "out.mp4")], "blocker"),
        "missing weights": ([ok_ref, ok_poses, "--checkpoint", str(no_weights)], "missing"),
        "corrupt weights": ([ok_ref, ok_poses, "--checkpoint", str(corrupt)], "corrupt"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing reference",
        "unreadable reference",
        "not an image",
        "empty poses",
        "NaN poses",
        "unknown layout",
        "output not writable",
        "missing weights",
        "corrupt weights",
    ],
)
def test_bad_inputs_give_one_line_and_no_video(
    tiny_checkpoint: Path, tmp_path: Path, case: str
) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    args, needle = _bad_inputs(inputs, tiny_checkpoint)[case]
    out = tmp_path / "out.mp4"
    if "-o" not in args:
        args = [*args, "-o", str(out)]
    result = _render(tiny_checkpoint, *args)
    _one_line_error(result, needle)
    assert not out.exists() and not list(tmp_path.glob("*.mp4"))
    assert not list(tmp_path.glob(".*partial*"))


def test_bad_options_are_one_line_errors(tiny_checkpoint: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "o.mp4")
    for args, needle in [
        (["--steps", "0"], "steps"),
        (["--solver", "rk4"], "solver"),
        (["--warm-start", "magic"], "warm start"),
        (["--dtype", "fp8"], "dtype"),
        (["--device", "tpu"], "device"),
        (["--static-gain", "2"], "static gain"),
    ]:
        result = _render(tiny_checkpoint, str(REFERENCE), str(SHORT), "-o", out, *args)
        _one_line_error(result, needle)
    both = _render(tiny_checkpoint, str(REFERENCE), str(SHORT), "--gloss", "A", "-o", out)
    _one_line_error(both, "exactly one")
    assert not list(tmp_path.iterdir())


def test_demo_renders_the_examples(tiny_checkpoint: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["demo", "--checkpoint", str(tiny_checkpoint), "--out-dir", str(tmp_path),
              "--threads", "1"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    from signgen.gloss import Lexicon, glosses_to_poses
    from signgen.io.image import read_image
    from signgen.metrics import region_psnr

    sentence = glosses_to_poses("KLEINE KINDER ESSEN PIZZA", language="sgg",
                                lexicon=Lexicon.default(), fps=25.0)  # fmt: skip
    video = read_video(tmp_path / "demo.mp4")
    assert len(video.frames) == sentence.num_frames and video.fps == pytest.approx(25.0)
    assert video.frames.shape[1:] == (256, 512, 3)  # the skeleton, then the interpreter
    # The real interpreter, not a drawing of someone: frame 0 is her photo.
    photo = read_image(REPO / "examples" / "signer.png", size=256)
    assert region_psnr(video.frames[0][:, 256:], photo) > 30
    assert len(read_report(tmp_path / "demo_latency.json").frames) == sentence.num_frames
    assert (tmp_path / "demo_latency.png").is_file()
    assert str(tmp_path / "demo.mp4") in "".join(result.output.split())


def test_demo_without_a_checkpoint_says_what_is_missing(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["demo", "--checkpoint", str(tmp_path / "none"), "--out-dir", str(tmp_path / "o")]
    )
    _one_line_error(result, "no trained checkpoint", "config.json", "model.safetensors")
    assert result.exit_code == 1 and not (tmp_path / "o").exists()
