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
from signgen.eval import EvalConfig, evaluate, to_uint8
from signgen.metrics import ssim
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


def test_cli_writes_json(checkpoint: Path, tmp_path: Path) -> None:
    out = tmp_path / "eval.json"
    args = ["eval", "-c", str(checkpoint), "--pairs", "2", "--clips", "0", "--json", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert [row["name"] for row in data["pairs"]][0] == "copy reference (baseline)"
    assert data["clips"] == [] and "copy reference" in result.output


def test_cli_bad_checkpoint(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "-c", str(tmp_path / "missing")])
    assert result.exit_code == 1 and "no config.json" in result.output
