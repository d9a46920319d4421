"""A real `signgen batch` process killed midway (SIGKILL) and rerun: the rerun finishes the
rest, never redoes a finished clip, and leaves no partial files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from signgen.io.video import probe_video
from signgen.report import read_report

SIGNGEN = Path(sys.executable).parent / "signgen"
# Two short clips first, then longer ones: the kill lands while a long clip is in flight.
ROWS = [
    {"id": "a", "reference": "ref.png", "poses": "short_a.pose"},
    {"id": "b", "reference": "synth.png", "poses": "short_b.pose"},
    {"id": "bad-image", "reference": "bad.png", "poses": "short_a.pose"},
    {"id": "c", "reference": "ref.png", "poses": "long.pose"},
    {"id": "d", "reference": "synth.png", "poses": "long.pose", "seed": 1},
    {"id": "broken-pose", "reference": "ref.png", "poses": "broken.pose"},
    {"id": "e", "reference": "ref.png", "poses": "long.pose", "seed": 2},
    {"id": "f", "reference": "synth.png", "poses": "short_c.pose"},
]
GOOD = {"a": 10, "b": 10, "c": 60, "d": 60, "e": 60, "f": 10}


def _command(manifest: Path, out: Path, checkpoint: Path) -> list[str]:
    return [
        str(SIGNGEN), "batch", str(manifest), "--out", str(out), "--checkpoint", str(checkpoint),
        "--device", "cpu", "--threads", "1", "--batch-size", "1",
    ]  # fmt: skip


def _done(out: Path) -> list[str]:
    return sorted(p.name.removesuffix(".latency.json") for p in out.glob("*.latency.json"))


def test_a_killed_batch_resumes_without_redoing_finished_clips(
    tiny_checkpoint: Path, batch_inputs: Path, tmp_path: Path
) -> None:
    manifest = batch_inputs / "kill.jsonl"
    manifest.write_text("".join(json.dumps(row) + "\n" for row in ROWS))
    out = tmp_path / "out"
    command = _command(manifest, out, tiny_checkpoint)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # Generous: the loop leaves as soon as two clips are done; a loaded CI machine is slow.
        deadline = time.monotonic() + 300
        while len(_done(out)) < 2 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL
    finished = _done(out)
    assert 2 <= len(finished) < len(GOOD), finished  # killed midway
    stamps = {
        name: [(p.stat().st_ino, p.stat().st_mtime_ns) for p in (out / f"{name}.mp4",
               out / f"{name}.latency.json")]
        for name in finished
    }  # fmt: skip

    rerun = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 1, rerun.stderr  # the two broken clips
    assert "2 of 8 clips not rendered" in rerun.stderr
    clips = {c["id"]: c for c in json.loads((out / "batch_report.json").read_text())["clips"]}
    for name, frames in GOOD.items():
        status = "skipped" if name in finished else "rendered"
        assert clips[name]["status"] == status, name
        assert probe_video(out / f"{name}.mp4").num_frames == frames == clips[name]["frames"]
        assert read_report(out / f"{name}.latency.json").meta["batch"]["renders"] == 1
    for name, before in stamps.items():  # finished clips untouched: same files, same times
        after = [(p.stat().st_ino, p.stat().st_mtime_ns) for p in (out / f"{name}.mp4",
                 out / f"{name}.latency.json")]  # fmt: skip
        assert after == before, name
    assert clips["bad-image"]["status"] == clips["broken-pose"]["status"] == "failed"
    assert not list(out.glob(".*.partial"))
