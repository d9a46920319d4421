"""`signgen extract` through the real CLI: files written and read back, one-line errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from signgen.cli import app
from signgen.io import read_poses
from signgen.io.video import read_video
from signgen.video import write_video

DATA = Path(__file__).parent / "data"
runner = CliRunner()


@pytest.fixture(scope="module")
def short_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 8 frames of the real signer video."""
    path = tmp_path_factory.mktemp("clips") / "signer.mp4"
    write_video(path, read_video(DATA / "pose_tests_test_video.mp4").frames[:8], fps=29.92)
    return path


@pytest.fixture(scope="module")
def empty_room(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clips") / "empty_room.mp4"
    write_video(path, np.full((4, 64, 96, 3), 90, np.uint8), fps=25.0)
    return path


def _one_error_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert lines[0].startswith("error: ")
    return lines[0]


def test_extract_writes_signgen_json(short_clip: Path, tmp_path: Path) -> None:
    out = tmp_path / "poses.json"
    result = runner.invoke(app, ["extract", str(short_clip), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "8 frames" in result.output and "body 100%" in result.output
    poses = read_poses(out)
    assert poses.layout.name == "holistic" and poses.num_frames == 8
    assert poses.fps == pytest.approx(29.92, abs=0.01)
    assert (poses.width, poses.height) == (540, 720)
    assert poses.visible("body").all() and poses.visible("face").all()


def test_extract_every_n_to_a_pose_file(short_clip: Path, tmp_path: Path) -> None:
    out = tmp_path / "poses.pose"
    result = runner.invoke(app, ["extract", str(short_clip), "-o", str(out), "--every", "2"])
    assert result.exit_code == 0, result.output
    poses = read_poses(out)
    assert poses.num_frames == 4
    assert poses.fps == pytest.approx(29.92 / 2, abs=0.01)
    assert poses.visible("body").all()


def test_no_person_fails_unless_allow_empty(empty_room: Path, tmp_path: Path) -> None:
    out = tmp_path / "room.json"
    result = runner.invoke(app, ["extract", str(empty_room), "-o", str(out)])
    assert result.exit_code == 1
    assert "no person found in any of its 4 frames" in _one_error_line(result.output)
    assert not out.exists()
    result = runner.invoke(app, ["extract", str(empty_room), "-o", str(out), "--allow-empty"])
    assert result.exit_code == 0, result.output
    poses = read_poses(out)
    assert poses.num_frames == 4 and not poses.conf.any()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b""), "is empty (0 bytes), not a video"),
        (lambda p: p.write_bytes((DATA / "fake_human_256.png").read_bytes()), "is a PNG image"),
        (lambda p: p.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(500)), "not a video ffmpeg"),
        (lambda p: None, "no such file"),
    ],
    ids=["zero-bytes", "image", "broken-header", "missing"],
)
def test_bad_videos_are_one_red_line(tmp_path: Path, make: object, message: str) -> None:
    video = tmp_path / "clip.mp4"
    assert callable(make)
    make(video)
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["extract", str(video), "-o", str(out)])
    assert result.exit_code == 1
    line = _one_error_line(result.output)
    assert message in line and str(video) in line
    assert not out.exists()


def test_bad_output_and_options_fail_before_extracting(short_clip: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["extract", str(short_clip), "-o", str(tmp_path / "poses.csv")])
    assert result.exit_code == 1
    assert "use .json or .pose" in _one_error_line(result.output)
    missing_folder = tmp_path / "nowhere" / "poses.json"
    result = runner.invoke(app, ["extract", str(short_clip), "-o", str(missing_folder)])
    assert "output folder does not exist" in _one_error_line(result.output)
    result = runner.invoke(
        app, ["extract", str(short_clip), "-o", str(tmp_path / "p.json"), "--every", "0"]
    )
    assert result.exit_code == 1
    assert "--every must be 1 or more" in _one_error_line(result.output)
    bad_backend = ["--backend", "openpose"]
    result = runner.invoke(
        app, ["extract", str(short_clip), "-o", str(tmp_path / "p.json"), *bad_backend]
    )
    assert "unknown pose backend 'openpose'" in _one_error_line(result.output)
