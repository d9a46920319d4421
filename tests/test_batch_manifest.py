"""Batch manifests: JSONL and CSV rows, relative paths, outputs confined to --out, all bad
rows reported at once with their line numbers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from signgen.batch import load_manifest
from signgen.batch.paths import confine_output
from signgen.errors import ManifestError


def _jsonl(folder: Path, rows: list[dict[str, Any]], name: str = "clips.jsonl") -> Path:
    path = folder / name
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def _messages(manifest_path: Path, out: Path) -> dict[int, str]:
    return {p.line: str(p) for p in load_manifest(manifest_path, out).problems}


def test_jsonl_rows_become_jobs_with_paths_and_options(batch_inputs: Path, tmp_path: Path) -> None:
    rows = [
        {"id": "news-1", "reference": "ref.png", "poses": "short_a.pose"},
        {"id": "news-2", "reference": str(batch_inputs / "synth.png"), "gloss": "A B",
         "language": "ase", "output": "day/two.mp4", "fps": 30, "seed": 7, "steps": 4, "t0": 0.5},
    ]  # fmt: skip
    manifest = load_manifest(_jsonl(batch_inputs, rows), tmp_path / "out")
    assert manifest.problems == ()
    first, second = manifest.jobs
    assert first.reference == batch_inputs / "ref.png"  # relative to the manifest's folder
    assert first.poses == batch_inputs / "short_a.pose" and first.gloss is None
    assert first.output == (tmp_path / "out" / "news-1.mp4").absolute()
    assert first.report.name == "news-1.latency.json"
    assert (first.options.seed, first.options.steps, first.fps) == (0, 2, None)
    assert second.output == (tmp_path / "out" / "day" / "two.mp4").absolute()
    assert (second.gloss, second.language, second.fps) == ("A B", "ase", 30.0)
    assert (second.options.seed, second.options.steps, second.options.t0) == (7, 4, 0.5)
    assert (first.line, second.line) == (1, 2)


def test_csv_rows_with_empty_cells_use_defaults(batch_inputs: Path, tmp_path: Path) -> None:
    path = batch_inputs / "clips.csv"
    path.write_text(
        "id,reference,poses,gloss,output,fps,seed\n"
        "a,ref.png,short_a.pose,,,,\n"
        "b,ref.png,,HELLO,b/b.mp4,25,3\n"
        "c,ref.png,short_b.pose,,,fast,\n"
    )
    manifest = load_manifest(path, tmp_path)
    assert [job.id for job in manifest.jobs] == ["a", "b"]
    assert manifest.jobs[1].options.seed == 3 and manifest.jobs[1].fps == 25.0
    (problem,) = manifest.problems
    assert problem.line == 4 and problem.clip_id == "c" and "fps" in problem.message


@pytest.mark.parametrize(
    ("output", "reason"),
    [
        ("../x.mp4", "escapes the output folder"),
        ("a/../../x.mp4", "escapes the output folder"),
        ("/tmp/elsewhere/x.mp4", "is outside the output folder"),
        ("x.avi", "must end in .mp4"),
        (".", "must end in .mp4"),
    ],
)
def test_outputs_outside_the_folder_are_rejected(tmp_path: Path, output: str, reason: str) -> None:
    with pytest.raises(ManifestError, match=reason):
        confine_output(output, tmp_path / "out")


def test_an_absolute_output_inside_the_folder_is_fine(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert confine_output(str(out / "sub" / "x.mp4"), out) == out / "sub" / "x.mp4"


def test_a_symlink_inside_the_folder_cannot_lead_out(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir(), elsewhere.mkdir()
    (out / "link").symlink_to(elsewhere, target_is_directory=True)
    (out / "video.mp4").symlink_to(elsewhere / "video.mp4")
    for output in ("link/x.mp4", "video.mp4"):
        with pytest.raises(ManifestError, match="through a symbolic link"):
            confine_output(output, out)
    (out / "inside").mkdir()
    (out / "ok").symlink_to(out / "inside", target_is_directory=True)
    assert confine_output("ok/x.mp4", out) == out / "ok" / "x.mp4"


def test_every_bad_row_is_reported_at_once(batch_inputs: Path, tmp_path: Path) -> None:
    good = {"reference": "ref.png", "poses": "short_a.pose"}
    rows: list[dict[str, Any]] = [
        {"id": "ok", **good},
        {"id": "ok", **good, "output": "other.mp4"},  # 2: duplicate id
        {"id": "two", **good, "output": "ok.mp4"},  # 3: duplicate output
        {"id": "up", **good, "output": "../up.mp4"},  # 4
        {"id": "both", "reference": "ref.png", "poses": "short_a.pose", "gloss": "A"},  # 5
        {"id": "none", "reference": "ref.png"},  # 6
        {"id": "gone", "reference": "missing.png", "poses": "short_a.pose"},  # 7
        {"id": "nopose", "reference": "ref.png", "poses": "missing.pose"},  # 8
        {"id": "../evil", **good},  # 9
        {"id": "typo", **good, "sed": 3},  # 10
        {"id": "steps", **good, "steps": 0, "t0": 1.5},  # 11
    ]
    path = _jsonl(batch_inputs, rows, "bad.jsonl")
    path.write_text(path.read_text() + "\n[1, 2]\n{not json\n")  # 12 blank, 13, 14
    manifest = load_manifest(path, tmp_path / "out")
    assert [job.id for job in manifest.jobs] == ["ok"]
    messages = _messages(path, tmp_path / "out")
    assert sorted(messages) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14]
    assert "duplicate id (first used on line 1)" in messages[2]
    assert "duplicate output (first used on line 1)" in messages[3]
    assert "escapes the output folder" in messages[4]
    assert "exactly one" in messages[5] and "exactly one" in messages[6]
    assert "reference 'missing.png': no such file" in messages[7]
    assert "poses 'missing.pose': no such file" in messages[8]
    assert messages[9].startswith("line 9 (../evil): id: must be letters")
    assert "sed: unknown column" in messages[10]
    assert "steps:" in messages[11] and "t0:" in messages[11]
    assert "JSON object" in messages[13] and "not valid JSON" in messages[14]


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("clips.txt", "", "unsupported manifest type"),
        ("empty.jsonl", "\n\n", "no rows"),
        ("empty.csv", "", "no header"),
        ("absent.jsonl", None, "no such manifest"),
    ],
)
def test_whole_file_problems_are_errors(
    tmp_path: Path, name: str, text: str | None, reason: str
) -> None:
    path = tmp_path / name
    if text is not None:
        path.write_text(text)
    with pytest.raises(ManifestError, match=reason):
        load_manifest(path, tmp_path / "out")
