"""`signgen synth reference|render|sheet` produce real files that read back right."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from signgen.cli import app
from signgen.io import read_canonical
from signgen.io.video import read_video

POSES = sorted((Path(__file__).parent / "data" / "poses").glob("*.pose"))
runner = CliRunner()


def test_reference_writes_the_neutral_signer(tmp_path: Path) -> None:
    out = tmp_path / "ref.png"
    result = runner.invoke(
        app, ["synth", "reference", "--appearance", "7", "--size", "64", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    image = np.asarray(Image.open(out))
    assert image.shape == (64, 64, 3)
    again = tmp_path / "again.png"
    runner.invoke(app, ["synth", "reference", "-a", "7", "-s", "64", "-o", str(again)])
    assert np.array_equal(image, np.asarray(Image.open(again)))


@pytest.mark.parametrize("path", POSES, ids=lambda p: p.stem)
def test_render_keeps_frame_count_and_fps(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "gt.mp4"
    result = runner.invoke(
        app, ["synth", "render", str(path), "-a", "3", "--size", "64", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    seq = read_canonical(path)
    video = read_video(out)
    assert video.frames.shape == (seq.num_frames, 64, 64, 3)
    assert video.fps == pytest.approx(seq.fps, rel=1e-3)
    # The signer is in every frame: the frame's centre column is not background.
    assert (video.frames[:, 20:60, 28:36].std(axis=(1, 2, 3)) > 5).all()


def test_sheet_is_16_appearances_by_4_poses(tmp_path: Path) -> None:
    out = tmp_path / "sheet.png"
    result = runner.invoke(app, ["synth", "sheet", "--size", "32", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert np.asarray(Image.open(out)).shape == (8 * 32, 8 * 32, 3)


def test_bad_input_is_one_error_line(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["synth", "render", str(tmp_path / "missing.pose"), "-o", str(tmp_path / "x.mp4")]
    )
    assert result.exit_code != 0
    assert "missing.pose" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.mp4").exists()
    result = runner.invoke(
        app, ["synth", "reference", "--size", "33", "-o", str(tmp_path / "x.png")]
    )
    assert result.exit_code != 0 and "--size" in result.output
