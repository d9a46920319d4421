"""`signgen batch` through the CLI and the local engine: real clips in, real mp4s and reports
read back; broken clips reported, reruns resume, strict mode refuses bad manifests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from signgen.batch import RendererSettings, load_manifest
from signgen.batch.engine_local import LocalEngine
from signgen.io import read_poses
from signgen.io.video import probe_video
from signgen.report import read_report

runner = CliRunner()


def _manifest(folder: Path, rows: list[dict[str, Any]], name: str = "clips.jsonl") -> Path:
    path = folder / name
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def _batch(checkpoint: Path, manifest: Path, out: Path, *args: str) -> Result:
    # The whole frame drawn by the tiny model: these tests are about the batch itself.
    fixed = ["--checkpoint", str(checkpoint), "--device", "cpu", "--threads", "1",
             "--full-generation"]  # fmt: skip
    return runner.invoke(app_(), ["batch", str(manifest), "--out", str(out), *fixed, *args])


def app_() -> Any:
    from signgen.cli import app

    return app


def _clips(out: Path) -> dict[str, dict[str, Any]]:
    document = json.loads((out / "batch_report.json").read_text())
    assert document["format"] == "signgen.batch/1"
    return {clip["id"] or f"line {clip['line']}": clip for clip in document["clips"]}


SIX_GOOD_TWO_BROKEN = [
    {"id": "a", "reference": "ref.png", "poses": "short_a.pose"},
    {"id": "b", "reference": "synth.png", "poses": "short_b.pose", "seed": 3},
    {"id": "c", "reference": "ref.png", "poses": "short_c.pose", "output": "day/c.mp4"},
    {"id": "bad-image", "reference": "bad.png", "poses": "short_a.pose"},
    {"id": "d", "reference": "synth.png", "poses": "short_a.pose", "fps": 12.5, "steps": 3},
    {"id": "broken-pose", "reference": "ref.png", "poses": "broken.pose"},
    {"id": "e", "reference": "ref.png", "gloss": "A", "language": "ase", "fps": 10},
    {"id": "f", "reference": "synth.png", "poses": "short_c.pose", "seed": 9},
]


def test_good_clips_render_and_broken_ones_are_reported(
    tiny_checkpoint: Path, batch_inputs: Path, tmp_path: Path
) -> None:
    manifest = _manifest(batch_inputs, SIX_GOOD_TWO_BROKEN, "six_two.jsonl")
    out = tmp_path / "out"
    result = _batch(tiny_checkpoint, manifest, out, "--batch-size", "3")
    assert result.exit_code == 1, result.output
    assert "2 of 8 clips not rendered" in result.output
    clips = _clips(out)
    assert {k: c["status"] for k, c in clips.items()} == {
        "a": "rendered", "b": "rendered", "c": "rendered", "bad-image": "failed",
        "d": "rendered", "broken-pose": "failed", "e": "rendered", "f": "rendered",
    }  # fmt: skip
    assert "bad.png: not an image" in clips["bad-image"]["error"]
    assert "broken.pose" in clips["broken-pose"]["error"]
    expected = {"a": (10, 25.0), "b": (10, 24.0), "c": (10, 24.0), "d": (5, 12.5), "f": (10, 24.0)}
    for clip_id, (frames, fps) in expected.items():
        video = Path(clips[clip_id]["output"])
        info = probe_video(video)
        assert (info.num_frames, info.width) == (frames, 32), clip_id
        assert info.fps == pytest.approx(fps, rel=1e-6), clip_id
        report = read_report(video.with_name(video.stem + ".latency.json"))
        assert len(report.frames) == frames == clips[clip_id]["frames"]
        assert report.meta["batch"]["clip"] == clip_id and report.meta["batch"]["renders"] == 1
        assert clips[clip_id]["p50_ms"] == pytest.approx(report.summary().p50_ms)
        assert clips[clip_id]["p95_ms"] >= clips[clip_id]["p50_ms"] > 0
    assert (out / "day" / "c.mp4").is_file()
    assert [f.nfe for f in read_report(out / "d.latency.json").frames][:2] == [3, 1]
    assert probe_video(out / "e.mp4").fps == pytest.approx(10.0)
    assert not list(out.rglob("*.partial"))

    # The rerun skips every finished clip (same files) and retries only the broken ones.
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.mp4")}
    again = _batch(tiny_checkpoint, manifest, out, "--batch-size", "3")
    assert again.exit_code == 1
    statuses = {k: c["status"] for k, c in _clips(out).items()}
    assert [k for k, s in statuses.items() if s == "skipped"] == ["a", "b", "c", "d", "e", "f"]
    assert statuses["bad-image"] == statuses["broken-pose"] == "failed"
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.mp4")} == before


def test_half_done_clips_are_redone(
    tiny_checkpoint: Path, batch_inputs: Path, tmp_path: Path
) -> None:
    rows = SIX_GOOD_TWO_BROKEN[:3]
    manifest = _manifest(batch_inputs, rows, "three.jsonl")
    out = tmp_path / "out"
    assert _batch(tiny_checkpoint, manifest, out).exit_code == 0
    # What a killed run can leave: a video without its report, a report whose video is
    # gone, and a partial temp file.
    (out / "a.latency.json").unlink()
    (out / "b.mp4").unlink()
    (out / ".a.mp4.x1y2.partial").write_bytes(b"half")
    c_video = out / "day" / "c.mp4"
    kept = (c_video.stat().st_ino, c_video.stat().st_mtime_ns)
    result = _batch(tiny_checkpoint, manifest, out)
    assert result.exit_code == 0, result.output
    statuses = {k: c["status"] for k, c in _clips(out).items()}
    assert statuses == {"a": "rendered", "b": "rendered", "c": "skipped"}
    assert (c_video.stat().st_ino, c_video.stat().st_mtime_ns) == kept
    assert probe_video(out / "b.mp4").num_frames == 10
    assert read_report(out / "a.latency.json").meta["batch"]["video_bytes"] == (
        (out / "a.mp4").stat().st_size
    )
    assert not list(out.glob(".*.partial"))


def test_strict_mode_renders_nothing_when_a_row_is_bad(
    tiny_checkpoint: Path, batch_inputs: Path, tmp_path: Path
) -> None:
    rows = [*SIX_GOOD_TWO_BROKEN[:2], {"id": "up", "reference": "ref.png", "poses": "short_a.pose",
            "output": "../up.mp4"}, {"id": "a", "reference": "ref.png", "gloss": "B"}]  # fmt: skip
    manifest = _manifest(batch_inputs, rows, "strict.jsonl")
    out = tmp_path / "out"
    strict = _batch(tiny_checkpoint, manifest, out, "--strict")
    assert strict.exit_code == 1
    lines = [line for line in strict.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), strict.output
    assert "2 bad row(s)" in lines[0] and "line 3 (up)" in lines[0] and "line 4 (a)" in lines[0]
    assert not out.exists() or not list(out.glob("*.mp4"))
    # Without --strict the good rows render and the bad ones are listed and reported.
    lenient = _batch(tiny_checkpoint, manifest, out)
    assert lenient.exit_code == 1
    assert "bad row: line 3 (up): output '../up.mp4' escapes" in " ".join(lenient.output.split())
    assert sorted(p.name for p in out.glob("*.mp4")) == ["a.mp4", "b.mp4"]
    document = json.loads((out / "batch_report.json").read_text())
    assert [(c["id"], c["status"]) for c in document["clips"]] == [
        ("a", "rendered"), ("b", "rendered"), ("up", "invalid"), ("a", "invalid")
    ]  # fmt: skip
    assert not (tmp_path / "up.mp4").exists()


def test_a_batch_of_one_signer_loads_the_model_and_reference_once(
    tiny_checkpoint: Path, batch_inputs: Path, tmp_path: Path
) -> None:
    rows = [{"id": f"clip{i}", "reference": "ref.png", "poses": "short_a.pose", "seed": i}
            for i in range(4)]  # fmt: skip
    rows.append({"id": "other", "reference": "synth.png", "poses": "short_b.pose"})
    manifest = load_manifest(_manifest(batch_inputs, rows, "one_signer.jsonl"), tmp_path)
    settings = RendererSettings(tiny_checkpoint, "cpu", "bf16", 1, 2, full_generation=True)
    engine = LocalEngine(settings)
    outcomes = engine.run(manifest.jobs)
    assert sorted(o.id or "" for o in outcomes) == [*(f"clip{i}" for i in range(4)), "other"]
    assert all(o.status == "rendered" and o.frames == 10 for o in outcomes)
    assert engine.inputs.references_encoded == 2
    # Same poses, different seeds: different fixed noise, so different videos.
    assert len({(tmp_path / f"clip{i}.mp4").read_bytes() for i in range(4)}) == 4
    assert read_poses(batch_inputs / "short_a.pose").num_frames == 10
