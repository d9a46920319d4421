"""`signgen eval` on a tiny random checkpoint: rows, baseline, clip accounting, JSON."""

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from signgen.checkpoint import save_checkpoint
from signgen.cli.app import app
from signgen.errors import ConfigError
from signgen.eval import (
    ClipRow,
    EvalConfig,
    EvalReport,
    PairRow,
    evaluate,
    evaluate_targets,
    to_uint8,
)
from signgen.metrics import Scores, ssim
from signgen.model import RPFM, TINY
from signgen.synth.dataset import PairDataset


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def checkpoint(tmp_path: Path) -> Path:
    torch.manual_seed(0)
    return save_checkpoint(tmp_path / "tiny", RPFM(TINY))


def test_report_rows_and_baseline(checkpoint: Path) -> None:
    config = EvalConfig(checkpoint, pairs=3, steps=2, clip_frames=5, batch_size=2, threads=1)
    report = evaluate(config)
    assert [row.nfe for row in report.pairs] == [0, 0, 2, 1]
    stream = iter(PairDataset(split="heldout", size=TINY.image_size, seed=0))
    items = [next(stream) for _ in range(3)]
    refs = to_uint8(torch.stack([i["reference"] for i in items]))
    targets = to_uint8(torch.stack([i["target"] for i in items]))
    assert report.pairs[0].scores.ssim == pytest.approx(ssim(refs, targets))
    cold, warm = report.clips
    assert cold.nfe_per_frame == 2 and warm.nfe_per_frame == pytest.approx((2 + 4) / 5)
    assert cold.flicker_truth == warm.flicker_truth > 0
    assert np.isfinite([cold.scores.ssim, warm.scores.ssim, warm.drift]).all()


def test_stabilised_warm_frames_flicker_less_and_cold_ones_are_untouched(
    checkpoint: Path,
) -> None:
    def clips(gain: float) -> tuple[ClipRow, ...]:
        config = EvalConfig(checkpoint, pairs=1, clip_frames=6, threads=1, static_gain=gain)
        return evaluate(config).clips

    (cold_off, warm_off), (cold_on, warm_on) = clips(1.0), clips(0.0)
    assert cold_on == cold_off
    # The random tiny model re-predicts everything each frame; frozen still cells do not.
    assert warm_on.flicker < warm_off.flicker
    with pytest.raises(ConfigError, match="static gain"):
        clips(1.5)


@pytest.mark.parametrize("option", ["warp", "soften"])
def test_a_warm_start_option_changes_the_warm_rows_only(checkpoint: Path, option: str) -> None:
    """The warp and the softened start act on the warm step only: every other row is the same."""

    def run(on: bool) -> tuple[tuple[PairRow, ...], tuple[ClipRow, ...]]:
        config = EvalConfig(checkpoint, pairs=2, clip_frames=6, threads=1, **{option: on})
        report = evaluate(config)
        return report.pairs, report.clips

    (pairs_on, clips_on), (pairs_off, clips_off) = run(True), run(False)
    by_kind = {row.kind: (row, off) for row, off in zip(pairs_on, pairs_off, strict=True)}
    assert all(on == off for kind, (on, off) in by_kind.items() if kind != "warm")
    assert by_kind["warm"][0] != by_kind["warm"][1]
    assert clips_on[0] == clips_off[0] and clips_on[1] != clips_off[1]  # cold, then warm


def test_cli_writes_json(checkpoint: Path, tmp_path: Path) -> None:
    out = tmp_path / "eval.json"
    args = ["eval", "-c", str(checkpoint), "--pairs", "2", "--clips", "0", "--json", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert [row["name"] for row in data["pairs"]][0] == "copy reference (baseline)"
    assert data["clips"] == [] and "copy reference" in result.output
    # A random tiny model meets none of the model targets; the table says so.
    assert [check["passed"] for check in data["checks"]] == [False] * 5
    assert "quality checks" in result.output and "miss" in result.output


def test_cli_samples_with_the_checkpoint_recipe_or_the_sampler_file(
    checkpoint: Path, tmp_path: Path
) -> None:
    (checkpoint / "sampler.json").write_text(json.dumps({"steps": 3, "warp": False}))
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps({"steps": 4, "soften": False}))
    base = ["eval", "-c", str(checkpoint), "--pairs", "1", "--clips", "0", "--json"]
    runs = {"own": [], "file": ["--sampler", str(mine)], "flag": ["--steps", "5"]}
    found = {}
    for name, extra in runs.items():
        out = tmp_path / f"{name}.json"
        result = CliRunner().invoke(app, [*base, str(out), *extra])
        assert result.exit_code == 0, result.output
        config = json.loads(out.read_text())["config"]
        found[name] = (config["steps"], config["warp"], config["soften"])
    assert found == {"own": (3, False, True), "file": (4, True, False), "flag": (5, False, True)}
    bad = CliRunner().invoke(app, ["eval", "-c", str(checkpoint), "--sampler", str(tmp_path)])
    assert bad.exit_code != 0 and bad.output.count("\n") == 1 and str(tmp_path) in bad.output


def test_cli_bad_checkpoint(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "-c", str(tmp_path / "missing")])
    assert result.exit_code == 1 and "no config.json" in result.output


def _clip(name: str, hand: float, limb: float, flicker: float, drift: float) -> ClipRow:
    return ClipRow(name, 1.0, Scores(0.9, 30.0, 0.02, hand, limb), flicker, 0.01, drift)


def test_targets_check_the_pairs_and_every_clip() -> None:
    def pair(kind: str, ssim: float, psnr: float, hand: float, limb: float) -> PairRow:
        return PairRow(kind, 1, Scores(ssim, psnr, 0.02, hand, limb), kind)  # type: ignore[arg-type]

    report = EvalReport(
        EvalConfig(Path("x"), steps=2),
        (pair("copy", 0.78, 18.0, 0.36, 13.4), pair("auto", 0.96, 33.8, 0.91, 29.1),
         pair("cold", 0.905, 27.0, 0.74, 23.5), pair("warm", 0.92, 28.6, 0.77, 23.6)),
        (_clip("clip 0 cold 2-step", 0.80, 26.0, 0.010, 0.0),
         _clip("clip 0 warm", 0.81, 25.9, 0.0112, 0.004),
         _clip("clip 2 cold 2-step", 0.85, 34.0, 0.010, 0.0),
         _clip("clip 2 warm", 0.84, 34.1, 0.0120, -0.02)),
    )  # fmt: skip
    checks = {check.name: check for check in evaluate_targets(report)}
    passed = {name for name, check in checks.items() if check.passed}
    assert passed == {
        "autoencoder PSNR (dB)", "autoencoder hand SSIM", "cold 2-step SSIM",
        "cold 2-step limb PSNR (dB)", "clip 0: warm - cold hand SSIM",
        "clip 0: warm flicker / ground truth", "clip 0: warm drift (first - last 50)",
        "clip 2: warm - cold limb PSNR (dB)",
    }  # fmt: skip
    assert len(checks) == 5 + 2 * 4
    assert checks["clip 0: warm - cold limb PSNR (dB)"].value == pytest.approx(-0.1)
    assert checks["clip 2: warm flicker / ground truth"].value == pytest.approx(1.2)
    assert report.to_dict()["checks"][2]["name"] == "cold 2-step SSIM"
