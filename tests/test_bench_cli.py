"""`signgen bench` through the CLI: the user's photo at their size, both rows, a JSON report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from signgen.cli import app

REPO = Path(__file__).resolve().parents[1]
PHOTO = REPO / "examples" / "signer.png"
runner = CliRunner()


def test_bench_times_the_recipe_beside_the_fifty_step_sampler(
    tiny_checkpoint: Path, tmp_path: Path
) -> None:
    report = tmp_path / "bench.json"
    checkpoint = Path(shutil.copytree(tiny_checkpoint, tmp_path / "tiny"))  # its own recipe
    (checkpoint / "sampler.json").write_text(json.dumps({"warp": False}))
    result = runner.invoke(app, [
        "bench", "--checkpoint", str(checkpoint), "--reference", str(PHOTO), "--size", "64",
        "--frames", "3", "--threads", "1", "--report", str(report),
    ], terminal_width=200)  # fmt: skip
    assert result.exit_code == 0, result.output
    for text in ("64x64 px", "checkpoint recipe", "50-step sampler", "p95 ms", "compose ms",
                 "faster than the 50-step sampler"):  # fmt: skip
        assert text in result.output
    document = json.loads(report.read_text())
    recipe, slow = document["rows"]
    assert document["format"] == "signgen.bench-latency/1" and document["size"] == 64
    assert document["machine"]["threads"] == 1
    assert recipe["nfe_per_frame"] == 1.0 and slow["nfe_per_frame"] == 50.0
    assert len(recipe["frame_ms"]) == 2 * 3 and len(slow["frame_ms"]) == 2 * 6  # two rounds
    assert recipe["stage_ms"]["compose"] > 0 and recipe["p50_ms"] < slow["p50_ms"]
    assert document["speedup_p50"] == slow["p50_ms"] / recipe["p50_ms"]


def test_bench_bad_inputs_are_one_line_errors(tiny_checkpoint: Path, tmp_path: Path) -> None:
    report = tmp_path / "bench.json"
    base = ["bench", "--checkpoint", str(tiny_checkpoint), "--size", "64", "--report", str(report)]
    bad_recipe = tmp_path / "recipe.json"
    bad_recipe.write_text('{"steps": 0}')
    cases = {
        "nope.png": [*base, "--reference", str(tmp_path / "nope.png")],
        "--frames": [*base, "--frames", "1"],
        "recipe.json": [*base, "--sampler", str(bad_recipe)],
        "missing": ["bench", "--checkpoint", str(tmp_path / "missing"), "--size", "64"],
    }
    for needle, args in cases.items():
        result = runner.invoke(app, args)
        assert result.exit_code != 0
        assert "Traceback" not in result.output
        assert result.output.strip().count("\n") == 0, result.output
        assert needle in result.output
    assert not report.exists()
