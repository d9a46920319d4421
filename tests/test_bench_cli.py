"""`signgen bench` through the CLI on the tiny checkpoint: tables, JSON report, PNG plot."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image
from typer.testing import CliRunner

from signgen.cli import app

runner = CliRunner()


def test_bench_writes_report_and_plot(tiny_checkpoint: Path, tmp_path: Path) -> None:
    report, plot = tmp_path / "bench.json", tmp_path / "bench.png"
    result = runner.invoke(app, [
        "bench", "--checkpoint", str(tiny_checkpoint), "--frames", "5", "--frames-50", "3",
        "--threads", "1", "--report", str(report), "--plot", str(plot),
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    for text in ("50-step sampler", "trained warm start", "K search", "first 3 frames only",
                 "floor (1 eval + decode)", "latency checks"):  # fmt: skip
        assert text in result.output
    document = json.loads(report.read_text())
    assert [row["frames"] for row in document["rows"]] == [3, 5, 5, 5, 5, 5, 5]
    assert document["rows"][0]["nfe"] == 50 and document["clip"]["frames_50"] == 3
    assert document["checkpoint"] == str(tiny_checkpoint)
    with Image.open(plot) as image:
        assert image.format == "PNG"


def test_bench_memory_mode(tiny_checkpoint: Path, tmp_path: Path) -> None:
    report = tmp_path / "memory.json"
    result = runner.invoke(app, [
        "bench", "--checkpoint", str(tiny_checkpoint), "--memory", "--frames", "4",
        "--threads", "1", "--report", str(report),
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(report.read_text())
    assert [p["frames"] for p in document["points"]] == [4, 16]
    assert "peak growth from 4 to 16 frames" in result.output


def test_bench_bad_inputs_are_one_line_errors(tiny_checkpoint: Path, tmp_path: Path) -> None:
    report = tmp_path / "bench.json"
    missing = runner.invoke(app, ["bench", "--checkpoint", str(tmp_path / "nope"), "--frames",
                                  "4", "--report", str(report)])  # fmt: skip
    bad_frames = runner.invoke(app, ["bench", "--checkpoint", str(tiny_checkpoint), "--frames",
                                     "4", "--frames-50", "9"])  # fmt: skip
    for result in (missing, bad_frames):
        assert result.exit_code != 0
        assert "Traceback" not in result.output
        assert result.output.strip().count("\n") == 0, result.output
    assert "nope" in missing.output and "--frames-50" in bad_frames.output
    assert not report.exists()
