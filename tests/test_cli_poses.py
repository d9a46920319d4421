"""`signgen poses info|convert` through the CLI on the real recordings and format fixtures."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from signgen.cli import app
from signgen.io import read_poses

DATA = Path(__file__).parent / "data"
POSES = DATA / "poses"
FORMATS = DATA / "pose_formats"
runner = CliRunner()

# file -> (frames, fps as printed, layout)
INFO = {
    "segmentation_example.pose": (130, "30", "holistic"),
    "pose_hand_estimation_84322c38.pose": (47, "25", "holistic_iris"),
    "pose_hand_estimation_7bd6dd48.pose": (91, "30.0071", "holistic"),
    "fingerspelling_ase_A.pose": (21, "25", "holistic_iris"),
    "sgg_essen.pose": (73, "24", "reduced_178"),
    "pose_tests_mediapipe_long.pose": (278, "24", "reduced_178"),
    "pose_tests_openpose.pose": (93, "24", "openpose_137"),
}


def _one_line_error(output: str, *needles: str) -> None:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), output
    for needle in needles:
        assert needle in lines[0]


@pytest.mark.parametrize("name", sorted(INFO))
def test_info_reports_frames_fps_and_layout(name: str) -> None:
    frames, fps, layout = INFO[name]
    result = runner.invoke(app, ["poses", "info", str(POSES / name)])
    assert result.exit_code == 0, result.output
    assert re.search(rf"frames: {frames}\s+fps: {fps}\s", result.output), result.output
    assert f"layout: {layout}" in result.output
    for component in ("body", "left_hand", "right_hand"):
        assert component in result.output


def test_info_shows_missing_percentages_and_lacks() -> None:
    result = runner.invoke(
        app, ["poses", "info", str(POSES / "pose_hand_estimation_7bd6dd48.pose")]
    )
    assert result.exit_code == 0
    right_hand = next(line for line in result.output.splitlines() if "right_hand" in line)
    assert "100.0%" in right_hand  # this recording never sees the right hand
    assert "never present in this file: right_hand" in result.output
    openpose = runner.invoke(app, ["poses", "info", str(POSES / "pose_tests_openpose.pose")])
    assert "lacks: sparse face: 68 of 468 face-mesh points" in openpose.output
    assert "duration: 3.88 s" in openpose.output


def test_info_on_an_openpose_folder_with_its_fps() -> None:
    result = runner.invoke(
        app,
        [
            "poses",
            "info",
            str(FORMATS / "openpose_json"),
            "--input-fps",
            "24",
            "--input-size",
            "1000x1000",
        ],
    )
    assert result.exit_code == 0, result.output
    assert re.search(r"frames: 12\s+fps: 24\s", result.output)
    assert "size: 1000x1000" in result.output


@pytest.mark.parametrize("name", sorted(INFO))
def test_convert_to_json_and_back_to_pose(name: str, tmp_path: Path) -> None:
    json_path, pose_path = tmp_path / "a.json", tmp_path / "b.pose"
    assert (
        runner.invoke(app, ["poses", "convert", str(POSES / name), str(json_path)]).exit_code == 0
    )
    result = runner.invoke(app, ["poses", "convert", str(json_path), str(pose_path)])
    assert result.exit_code == 0, result.output
    original, back = read_poses(POSES / name), read_poses(pose_path)
    assert back.num_frames == INFO[name][0] and back.layout.name == INFO[name][2]
    assert np.abs(back.xy - original.xy).max() < 1e-3


def test_convert_canonical_smooth_resample_fit(tmp_path: Path) -> None:
    out = tmp_path / "essen.json"
    result = runner.invoke(
        app,
        [
            "poses",
            "convert",
            str(POSES / "sgg_essen.pose"),
            str(out),
            "--canonical",
            "--smooth",
            "--fps",
            "30",
            "--size",
            "256x256",
        ],
    )
    assert result.exit_code == 0, result.output
    seq = read_poses(out)
    assert (
        seq.layout.name == "holistic" and seq.fps == 30.0 and (seq.width, seq.height) == (256, 256)
    )
    assert seq.num_frames == round(73 * 30 / 24)
    assert "wrote" in result.output and "layout holistic" in result.output


def test_convert_coco_wholebody_with_one_euro(tmp_path: Path) -> None:
    out = tmp_path / "rtmw.pose"
    result = runner.invoke(
        app,
        [
            "poses",
            "convert",
            str(FORMATS / "rtmw_predictions.json"),
            str(out),
            "--smooth",
            "--smooth-method",
            "one_euro",
        ],
    )
    assert result.exit_code == 0, result.output
    seq = read_poses(out)
    assert seq.layout.name == "coco_wholebody_133" and seq.num_frames == 12 and seq.fps == 24.0


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["info", "missing.pose"], ("missing.pose", "no such file")),
        (["convert", str(POSES / "sgg_essen.pose"), "out.mp4"], ("out.mp4", ".json")),
        (["convert", str(POSES / "sgg_essen.pose"), "o.json", "--size", "big"], ("--size",)),
        (["convert", str(POSES / "sgg_essen.pose"), "o.json", "--fps", "-3"], ("--fps",)),
        (
            ["convert", str(POSES / "sgg_essen.pose"), "o.json", "--smooth-method", "median"],
            ("median",),
        ),
    ],
)
def test_bad_input_is_one_red_line(
    args: list[str], needles: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["poses", *args])
    assert result.exit_code == 1
    _one_line_error(result.output, *needles)
    assert not list(tmp_path.iterdir())


def test_corrupt_pose_file_is_one_red_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pose"
    bad.write_bytes((POSES / "sgg_essen.pose").read_bytes()[:5000])
    result = runner.invoke(app, ["poses", "info", str(bad)])
    assert result.exit_code == 1
    _one_line_error(result.output, "bad.pose")


def test_info_says_what_coco18_lacks() -> None:
    result = runner.invoke(app, ["poses", "info", str(FORMATS / "deepfashion_annotations.csv")])
    assert result.exit_code == 0, result.output
    assert "layout: coco_18" in result.output
    assert "no finger points" in result.output and "no face" in result.output
