"""signgen.bench on the tiny random-weight checkpoint: rows, NFE, scores, K search, plot."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from benchmarks.samplers import (
    BenchConfig,
    BenchReport,
    choose_k,
    evaluate_checks,
    plot_bench,
    read_json,
    run_bench,
    write_json,
)
from benchmarks.samplers.config import ADAPTIVE, FIFTY_STEP, FLOOR, SDEDIT, TRAINED, cold_name
from benchmarks.samplers.floor import measure_floor
from benchmarks.samplers.memory import measure_memory
from benchmarks.samplers.runner import render_row
from signgen.bench.latency import looped_poses
from signgen.errors import ConfigError
from signgen.render import Renderer, RenderOptions
from signgen.render.renderer import fast_dtype
from signgen.synth.dataset import heldout_clip

FRAMES, FRAMES_50 = 6, 3


@pytest.fixture(scope="module")
def report(tiny_checkpoint: Path) -> BenchReport:
    config = BenchConfig(tiny_checkpoint, frames=FRAMES, frames_50=FRAMES_50, threads=1,
                         k_candidates=(1, 2, 4), warmup=1)  # fmt: skip
    return run_bench(config)


def test_every_row_runs_in_order_on_the_clip(report: BenchReport) -> None:
    k = report.k_search.k
    names = [row.name for row in report.rows]
    assert names == [FIFTY_STEP, cold_name(k), SDEDIT, TRAINED, ADAPTIVE, "deadline 40 ms", FLOOR]
    frames = {row.name: row.frames for row in report.rows}
    assert frames.pop(FIFTY_STEP) == FRAMES_50
    assert set(frames.values()) == {FRAMES}
    assert report.clip["frames_50"] == FRAMES_50 and report.clip["size"] == 32


def test_latency_comes_from_the_interleaved_timing_rounds(report: BenchReport) -> None:
    rounds = 3  # BenchConfig's default; frame 0 of every run is left out
    assert report.timing == {"rounds": rounds, "frames": FRAMES, "frames_50": FRAMES_50}
    for row in report.rows:
        expected = rounds * ((FRAMES_50 if row.name == FIFTY_STEP else FRAMES) - 1)
        assert row.timed_frames == expected, row.name


def test_network_evaluations_per_row(report: BenchReport) -> None:
    fifty, cold = report.row(FIFTY_STEP), report.row(cold_name(report.k_search.k))
    assert (fifty.nfe, fifty.nfe_first) == (50, 50)
    assert (cold.nfe, cold.nfe_first) == (report.k_search.k, report.k_search.k)
    # Frame 0 of a warm-started row is the default 2-step cold start, then 1 NFE per frame.
    for name in (TRAINED, SDEDIT):
        assert (report.row(name).nfe, report.row(name).nfe_first) == (1.0, 2)
    assert (report.row(FLOOR).nfe, report.row(FLOOR).nfe_first) == (1.0, 1)
    assert 1.0 <= report.row("deadline 40 ms").nfe <= 3.0  # 1 warm step + at most 2 extra
    assert 1.0 <= report.row(ADAPTIVE).nfe <= 3.0


def test_figures_are_sane(report: BenchReport) -> None:
    for row in report.rows:
        assert 0 < row.p50_ms <= row.p95_ms, row.name
        assert row.fps > 0
        assert -1 <= row.ssim <= 1 and -1 <= row.hand_ssim <= 1 and -1 <= row.ssim_50 <= 1
        assert 0 < row.limb_psnr < 100 and row.flicker > 0 and row.flicker_ratio > 0
        assert row.drift is None  # under 100 frames
        assert row.speedup == pytest.approx(report.rows[0].p50_ms / row.p50_ms)
    fifty = report.row(FIFTY_STEP)
    assert fifty.speedup == 1.0 and fifty.ssim_50 == pytest.approx(fifty.ssim)
    # 50 evaluations cost far more than one (even on a 32x32 network).
    assert report.row(FLOOR).p50_ms * 10 < fifty.p50_ms


def test_the_k_search_compares_on_the_fifty_step_frames(report: BenchReport) -> None:
    search = report.k_search
    assert search.reference_ssim == pytest.approx(report.row(FIFTY_STEP).ssim)
    assert [t.k for t in search.trials] == [1, 2, 4][: len(search.trials)]
    assert all(not t.within for t in search.trials[:-1])  # it stops at the first match
    if search.found:
        assert search.trials[-1].within and search.trials[-1].k == search.k
    cold = report.row(cold_name(search.k))
    assert cold.ssim_50 == pytest.approx(next(t.ssim for t in search.trials if t.k == search.k))


def test_json_report_has_every_field(report: BenchReport, tmp_path: Path) -> None:
    checks = evaluate_checks(report)
    path = write_json(report, tmp_path / "b.json", {"checks": [vars(c) for c in checks]})
    document = json.loads(path.read_text())
    assert document["format"] == "signgen.bench/1"
    chosen = str(fast_dtype(torch.device("cpu"))).removeprefix("torch.")  # dtype "auto"
    assert document["machine"]["dtype"] == chosen and document["machine"]["threads"] == 1
    row = document["rows"][0]
    keys = ("name frames p50_ms p95_ms fps nfe ssim hand_ssim limb_psnr flicker flicker_ratio "
            "drift ssim_50 speedup timed_frames").split()  # fmt: skip
    assert set(keys) <= set(row)
    assert document["k_search"]["k"] == report.k_search.k
    assert len(document["checks"]) == 8
    assert all(isinstance(c["passed"], bool) for c in document["checks"])
    assert [c["value"] for c in document["checks"]] == [c.value for c in checks]
    assert read_json(path) == report  # NaN-free figures survive the round trip exactly


def test_plot_is_a_png(report: BenchReport, tmp_path: Path) -> None:
    path = plot_bench(report, tmp_path / "plot.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(path) as image:
        assert image.format == "PNG" and image.width > 600
    assert [p.name for p in tmp_path.iterdir()] == ["plot.png"]


def test_floor_renders_what_the_one_step_warm_start_renders(tiny_checkpoint: Path) -> None:
    renderer = Renderer.from_checkpoint(tiny_checkpoint, device="cpu", dtype="bf16", threads=1)
    clip = heldout_clip(0, 4, renderer.size)
    images, timings = measure_floor(renderer, clip, 4, seed=0)
    options = RenderOptions(steps=1, fit_poses=False, smoothing="none")
    row = render_row(renderer, clip, options, 4)
    np.testing.assert_array_equal(images, row.images)
    assert [t.kind for t in timings] == ["cold", "warm", "warm", "warm"]
    assert all(t.nfe == 1 and t.sample_ms > 0 and t.decode_ms > 0 for t in timings)


@pytest.mark.parametrize(
    ("scores", "k", "found", "tried"),
    [
        ([(1, 0.80), (2, 0.846), (4, 0.851)], 2, True, 2),  # gap 0.004 <= 0.005
        ([(1, 0.851), (2, 0.86)], 1, True, 1),  # the smallest K within, not the best
        ([(1, 0.80), (2, 0.83), (4, 0.82)], 2, False, 3),  # none within: the best one
        ([(1, 0.80), (2, 0.83), (4, 0.83)], 2, False, 3),  # a tie goes to the cheaper K
    ],
)
def test_choose_k(scores: list[tuple[int, float]], k: int, found: bool, tried: int) -> None:
    search = choose_k(scores, reference_ssim=0.85, tolerance=0.005)
    assert (search.k, search.found, len(search.trials)) == (k, found, tried)
    assert search.trials[0].gap == pytest.approx(0.85 - scores[0][1])


def test_bad_settings_are_config_errors(tiny_checkpoint: Path) -> None:
    with pytest.raises(ConfigError, match="frames-50"):
        BenchConfig(tiny_checkpoint, frames=10, frames_50=20)
    with pytest.raises(ConfigError, match="increasing"):
        BenchConfig(tiny_checkpoint, k_candidates=(4, 2))
    with pytest.raises(ConfigError, match="dtype"):
        BenchConfig(tiny_checkpoint, dtype="fp16")  # type: ignore[arg-type]
    assert math.isclose(BenchConfig(tiny_checkpoint).budget_ms, 40.0)


def test_looped_poses_play_back_and_forth(tiny_checkpoint: Path) -> None:
    poses = heldout_clip(0, 4, 32).poses
    looped = looped_poses(poses, 11)
    order = [0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2]
    np.testing.assert_array_equal(looped.xy, poses.xy[order])
    assert looped.num_frames == 11 and looped.fps == poses.fps


def test_memory_points_for_each_length(tiny_checkpoint: Path) -> None:
    renderer = Renderer.from_checkpoint(tiny_checkpoint, device="cpu", dtype="bf16", threads=1)
    result = measure_memory(renderer, (5, 20))
    assert [p.frames for p in result.points] == [5, 20]
    for point in result.points:
        assert 0 < point.rss_before_mib <= point.rss_peak_mib
        assert point.rss_after_mib <= point.rss_peak_mib and point.seconds > 0
    # 15 more 32x32 frames cannot need tens of MiB unless frames are kept.
    assert result.growth_mib < 32


def test_markdown_table_has_a_line_per_row(report: BenchReport) -> None:
    from benchmarks.samplers.table import markdown_table

    text = markdown_table(report)
    lines = text.splitlines()
    assert lines[0].startswith("| row | p50 ms |") and lines[1].count("---") == 11
    assert [line.split(" | ")[0].lstrip("| ") for line in lines[2:9]] == [
        row.name for row in report.rows
    ]
    assert f"first {FRAMES_50} frames" in text and "threads" in text
