"""Latency report: summary figures from known timings, JSON round-trip, table and PNG plot."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from rich.console import Console

from signgen.errors import SigngenError
from signgen.report import (
    FORMAT,
    FrameTiming,
    LatencyReport,
    latency_table,
    plot_report,
    read_report,
    write_report,
)


def _report(budget: float | None = 30.0) -> LatencyReport:
    # Frame i costs 10 + i ms in total: 2 pose, 3 cond, (i + 1) sample, 4 decode, 0 mux.
    frames = tuple(
        FrameTiming(
            index=i,
            kind="cold" if i % 10 == 0 else "warm",
            nfe=2 if i % 10 == 0 else 1,
            pose_ms=2.0,
            cond_ms=3.0,
            sample_ms=i + 1.0,
            decode_ms=4.0,
        )
        for i in range(40)
    )
    return LatencyReport(frames, clip_fps=25.0, setup_ms=100.0, budget_ms=budget, meta={"a": 1})


def test_summary_figures_match_the_timings() -> None:
    summary = _report().summary()
    totals = np.arange(40) + 10.0
    assert summary.num_frames == 40
    assert summary.p50_ms == pytest.approx(np.percentile(totals, 50))
    assert summary.p95_ms == pytest.approx(np.percentile(totals, 95))
    assert summary.p99_ms == pytest.approx(np.percentile(totals, 99))
    assert summary.mean_ms == pytest.approx(29.5) and summary.max_ms == 49.0
    assert summary.fps == pytest.approx(40 / (totals.sum() / 1000))
    # (100 ms setup + 1180 ms of frames) / (40 frames / 25 fps = 1.6 s)
    assert summary.real_time_factor == pytest.approx(1.28 / 1.6)
    assert summary.over_budget == 19  # totals 31..49
    assert summary.mean_nfe == pytest.approx(1.1)
    assert summary.stage_mean_ms["sample"] == pytest.approx(20.5)
    assert summary.stage_mean_ms["mux"] == 0.0
    assert _report(budget=None).summary().over_budget == 0


def test_every_stage_adds_to_the_total() -> None:
    frame = dataclasses.replace(_report().frames[3], compose_ms=2.0, mux_ms=5.0)
    assert frame.total_ms == pytest.approx(20.0) and frame.stage_ms("mux") == 5.0


def test_json_has_one_entry_per_frame_and_round_trips(tmp_path: Path) -> None:
    path = write_report(_report(), tmp_path / "lat.json")
    document = json.loads(path.read_text())
    assert document["format"] == FORMAT
    assert len(document["frames"]) == 40
    assert document["frames"][5]["total_ms"] == pytest.approx(15.0)
    assert document["summary"]["over_budget"] == 19
    again = read_report(path)
    assert again.frames == _report().frames and again.meta == {"a": 1}
    assert again.summary() == _report().summary()
    assert [p.name for p in tmp_path.iterdir()] == ["lat.json"]


def test_unreadable_report_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"format": "other"}')
    with pytest.raises(SigngenError, match="not a readable latency report"):
        read_report(tmp_path / "bad.json")
    with pytest.raises(SigngenError, match="at least one frame"):
        LatencyReport((), clip_fps=25.0).summary()


def test_table_lists_every_stage_and_the_summary() -> None:
    console = Console(width=120, record=True)
    console.print(latency_table(_report()))
    text = " ".join(console.export_text().split())  # the caption wraps at the table width
    for word in ("pose", "cond", "sample", "decode", "mux", "total", "40 frames"):
        assert word in text
    assert "19 frames over" in text and "NFE/frame 1.10" in text


def test_plot_is_a_png_of_the_requested_size(tmp_path: Path) -> None:
    path = plot_report(_report(), tmp_path / "lat.png")
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (990, 550)
        pixels = np.asarray(image.convert("RGB"))
    assert pixels.std() > 10  # something was drawn
