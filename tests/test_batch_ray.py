"""`signgen batch --engine ray` on a local 2-CPU Ray cluster: the same clips as the local
engine (frame count, fps, the frames themselves), written into the driver's --out."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from signgen.cli import app
from signgen.io.video import probe_video, read_video

ray = pytest.importorskip("ray")
runner = CliRunner()
ROWS = [
    {"id": "a", "reference": "ref.png", "poses": "short_a.pose"},
    {"id": "b", "reference": "synth.png", "poses": "short_b.pose", "seed": 4},
    {"id": "c", "reference": "ref.png", "poses": "short_c.pose", "fps": 12},
    {"id": "broken", "reference": "ref.png", "poses": "broken.pose"},
]


def test_ray_engine_renders_what_the_local_engine_renders(
    tiny_checkpoint: Path, batch_inputs: Path, tmp_path: Path
) -> None:
    manifest = batch_inputs / "ray.jsonl"
    manifest.write_text("".join(json.dumps(row) + "\n" for row in ROWS))
    # fp32: the two engines batch clips differently; in fp32 that changes no pixel level.
    fixed = ["--checkpoint", str(tiny_checkpoint), "--device", "cpu", "--dtype", "fp32",
             "--threads", "1", "--batch-size", "2", "--full-generation"]  # fmt: skip
    local, remote = tmp_path / "local", tmp_path / "ray"
    assert runner.invoke(app, ["batch", str(manifest), "--out", str(local), *fixed]).exit_code == 1
    try:
        result = runner.invoke(
            app,
            ["batch", str(manifest), "--out", str(remote), *fixed,
             "--engine", "ray", "--cpus", "2", "--workers", "2"],
        )  # fmt: skip
    finally:
        if ray.is_initialized():  # the engine shuts its cluster down; make sure of it
            ray.shutdown()
    assert result.exit_code == 1, result.output
    assert not ray.is_initialized()
    document = json.loads((remote / "batch_report.json").read_text())
    assert document["engine"] == "ray"
    statuses = {c["id"]: c["status"] for c in document["clips"]}
    assert statuses == {"a": "rendered", "b": "rendered", "c": "rendered", "broken": "failed"}
    for name in ("a", "b", "c"):
        ours, theirs = probe_video(remote / f"{name}.mp4"), probe_video(local / f"{name}.mp4")
        assert (ours.num_frames, ours.fps, ours.width) == (theirs.num_frames, theirs.fps, 32)
        assert (remote / f"{name}.latency.json").is_file()
        difference = np.abs(
            read_video(remote / f"{name}.mp4").frames.astype(int)
            - read_video(local / f"{name}.mp4").frames.astype(int)
        )
        assert difference.mean() < 1.0, name
    assert probe_video(remote / "c.mp4").num_frames == 5  # 10 frames at 24 fps -> 12 fps
