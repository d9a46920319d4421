"""Files are never lost or left half-written: a full disk, a folder in the way, an output that is
an input, planted symlinks, glob characters in clip names, failing sidecars and SIGTERM."""

from __future__ import annotations

import ast
import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch
from typer.testing import CliRunner, Result

from signgen.batch.manifest import ClipJob
from signgen.batch.state import clear_half_done
from signgen.checkpoint import save_checkpoint
from signgen.cli import app
from signgen.errors import CheckpointError, ConfigError
from signgen.gloss.index import LexiconEntry, write_index
from signgen.io import read_poses, write_poses
from signgen.io.atomic import FILE_MODE
from signgen.io.image import write_png
from signgen.io.video import probe_video
from signgen.model import RPFM, TINY
from signgen.pose.sequence import GlossSpan
from signgen.render import RenderOptions
from signgen.render.options import MAX_STEPS
from signgen.report import FrameTiming, LatencyReport, write_report
from signgen.video import VideoWriter, write_webvtt

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[1]
REFERENCE = DATA / "fake_human_256.png"
SHORT = DATA / "poses" / "fingerspelling_ase_A.pose"
LONG = DATA / "poses" / "segmentation_example.pose"
runner = CliRunner()


def _render_args(checkpoint: Path, *args: str) -> list[str]:
    fixed = ["--checkpoint", str(checkpoint), "--threads", "1", "--device", "cpu", "--size", "64"]
    return ["render", *fixed, *args]


def _render(checkpoint: Path, *args: str) -> Result:
    return runner.invoke(app, _render_args(checkpoint, *args))


def _signgen_process(
    args: list[str], **kwargs: object
) -> subprocess.Popen[str]:  # this checkout's signgen, whatever is installed
    command = [sys.executable, "-c", "from signgen.cli import main; main()", *args]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        **kwargs,
    )  # fmt: skip


def _one_line_error(output: str, *needles: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert lines[0].startswith("error:"), output
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def _boxes(path: Path) -> dict[str, tuple[int, int]]:
    """Top-level mp4 boxes: type -> (offset, size)."""
    data, boxes, offset = path.read_bytes(), {}, 0
    while offset < len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        boxes[data[offset + 4 : offset + 8].decode()] = (offset, size)
        offset += size
    return boxes


# --- a full disk while encoding ---------------------------------------------------------------


def test_render_refuses_when_disk_is_full(tiny_checkpoint: Path, tmp_path: Path) -> None:
    """The file size limit (`ulimit -f`) hits while ffmpeg writes the mp4's index, after every
    frame is in: the render fails in one line and leaves no video and no temp file."""
    args = [str(REFERENCE), str(SHORT), "--max-frames", "12"]
    whole = tmp_path / "whole.mp4"
    assert _render(tiny_checkpoint, *args, "-o", str(whole)).exit_code == 0
    index_at, index_size = _boxes(whole)["moov"]  # written last, at the end of the file
    limit = index_at + index_size // 2

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    out_dir = tmp_path / "full"
    out_dir.mkdir()
    out = out_dir / "clip.mp4"
    process = _signgen_process(
        _render_args(tiny_checkpoint, *args, "-o", str(out)), preexec_fn=limit_file_size
    )
    _, stderr = process.communicate(timeout=300)
    assert process.returncode != 0, stderr
    _one_line_error(stderr, str(out), "could not finish the video")
    assert list(out_dir.iterdir()) == []


def test_video_writer_refuses_an_encoder_that_did_not_finish(tmp_path: Path) -> None:
    """ffmpeg killed before it wrote the index: an error, no file at the output path."""
    out = tmp_path / "v.mp4"
    writer = VideoWriter(out, 25.0, 32, 32)
    for _ in range(3):
        writer.write(np.full((32, 32, 3), 128, np.uint8))
    assert writer._encoder is not None
    writer._encoder.kill()
    writer._encoder.wait()
    with pytest.raises(Exception, match="could not finish the video|ffmpeg stopped"):
        writer.close()
    assert list(tmp_path.iterdir()) == []


# --- checkpoint outputs never delete a folder that is not a checkpoint -----------------------


def _precious_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "my-documents"
    folder.mkdir()
    (folder / "thesis.txt").write_text("years of work\n")
    return folder


def _still_there(folder: Path) -> None:
    assert (folder / "thesis.txt").read_text() == "years of work\n"
    assert sorted(p.name for p in folder.iterdir()) == ["thesis.txt"]


@pytest.mark.parametrize("command", ["export", "average", "flow"])
def test_train_commands_refuse_to_replace_a_folder_that_is_not_a_checkpoint(
    tiny_checkpoint: Path, tmp_path: Path, command: str
) -> None:
    folder = _precious_folder(tmp_path)
    args = {
        "export": ["export", str(tiny_checkpoint)],
        "average": ["average", str(tiny_checkpoint), str(tiny_checkpoint)],
        "flow": ["flow", "-a", str(tiny_checkpoint), "--steps", "1"],
    }[command]  # fmt: skip
    result = runner.invoke(app, ["train", *args, "-o", str(folder)])
    assert result.exit_code != 0
    _one_line_error(result.output, str(folder), "not a checkpoint")
    _still_there(folder)
    assert _leftovers(tmp_path) == []


def test_train_export_refuses_a_file_in_the_way(tiny_checkpoint: Path, tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("keep me\n")
    result = runner.invoke(app, ["train", "export", str(tiny_checkpoint), "-o", str(target)])
    assert result.exit_code != 0
    _one_line_error(result.output, str(target))
    assert target.read_text() == "keep me\n"


def test_saving_a_checkpoint_replaces_a_checkpoint_or_an_empty_folder_only(
    tmp_path: Path,
) -> None:
    torch.manual_seed(0)
    model = RPFM(TINY)
    folder = _precious_folder(tmp_path)
    with pytest.raises(CheckpointError, match="not a checkpoint"):
        save_checkpoint(folder, model)
    _still_there(folder)
    empty = tmp_path / "empty"
    empty.mkdir()
    save_checkpoint(empty, model)
    save_checkpoint(empty, model)  # its own checkpoint: replaced
    assert sorted(p.name for p in empty.iterdir()) == ["config.json", "model.safetensors"]
    assert _leftovers(tmp_path) == []


# --- one atomic writer: unique temp names, no symlink following, fsync, modes ----------------


def _report() -> LatencyReport:
    frames = tuple(FrameTiming(i, "cold", 1, 1.0, 2.0, 3.0, 0.5) for i in range(3))
    return LatencyReport(frames=frames, clip_fps=25.0)


def _entries() -> list[LexiconEntry]:
    return [LexiconEntry(gloss="HELLO", signed_language="ase", file="hello.pose")]


def _write_video(path: Path) -> None:
    with VideoWriter(path, 25.0, 16, 16) as writer:
        writer.write(np.zeros((16, 16, 3), np.uint8))


WRITERS: dict[str, tuple[str, Callable[[Path], object]]] = {
    "report": ("lat.json", lambda p: write_report(_report(), p)),
    "png": ("ref.png", lambda p: write_png(np.zeros((8, 8, 3), np.uint8), p)),
    "subtitles": ("subs.vtt", lambda p: write_webvtt([GlossSpan("HI", 0, 5)], 25.0, p)),
    "index": ("index.csv", lambda p: write_index(p, _entries())),
    "poses": ("clip.pose", lambda p: write_poses(read_poses(SHORT).frames(0, 3), p)),
    "video": ("clip.mp4", _write_video),
}


@pytest.mark.parametrize("kind", WRITERS)
def test_a_planted_symlink_at_the_temp_name_is_not_followed(tmp_path: Path, kind: str) -> None:
    name, write = WRITERS[kind]
    victim = tmp_path / "victim.txt"
    victim.write_text("do not touch\n")
    out = tmp_path / "out"
    out.mkdir()
    for planted in (f".{name}.partial", f".{name}.tmp", ".index.csv"):
        (out / planted).symlink_to(victim)
    write(out / name)
    assert victim.read_text() == "do not touch\n"
    assert (out / name).is_file() and not (out / name).is_symlink()
    assert all((out / p).is_symlink() for p in (f".{name}.partial", f".{name}.tmp"))
    assert sorted(p.name for p in out.iterdir() if not p.is_symlink()) == [name]


@pytest.mark.parametrize("kind", WRITERS)
def test_a_replaced_file_keeps_its_mode_and_a_new_file_gets_the_default(
    tmp_path: Path, kind: str
) -> None:
    name, write = WRITERS[kind]
    new = tmp_path / "new" / name
    write(new)
    assert stat.S_IMODE(new.stat().st_mode) == FILE_MODE
    kept = tmp_path / name
    kept.write_text("old")
    kept.chmod(0o640)
    write(kept)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    assert kept.read_bytes() != b"old"


def test_an_atomic_write_is_flushed_to_disk_before_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(handle: int) -> None:
        events.append("fsync")
        real_fsync(handle)

    def replace(source: object, target: object) -> None:
        events.append("replace")
        real_replace(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_report(_report(), tmp_path / "lat.json")
    assert events == ["fsync", "replace", "fsync"]  # the file, the rename, the folder


def test_no_module_renames_files_outside_the_atomic_writer() -> None:
    """Every temp-then-rename goes through `signgen.io.atomic` (one place to get it right)."""
    offenders = []
    for path in sorted((REPO / "signgen").rglob("*.py")):
        if path.relative_to(REPO).as_posix() == "signgen/io/atomic.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("replace", "rename", "mkstemp", "mkdtemp")
                and isinstance(node.value, ast.Name)
                and node.value.id in ("os", "tempfile")
            ):
                offenders.append(f"{path.name}:{node.lineno} {node.value.id}.{node.attr}")
            if isinstance(node, ast.Constant) and node.value == ".partial":
                offenders.append(f"{path.name}:{node.lineno} '.partial'")
    assert offenders == []


# --- an output equal to an input is refused before any work ----------------------------------


@pytest.mark.parametrize("option", ["--report", "--plot", "-o"])
def test_render_refuses_an_output_that_is_an_input(
    tiny_checkpoint: Path, tmp_path: Path, option: str
) -> None:
    poses = tmp_path / "clip.json"
    write_poses(read_poses(SHORT).frames(0, 5), poses)
    reference = tmp_path / "signer.png"
    shutil.copy(REFERENCE, reference)
    video = tmp_path / "out.mp4"
    target = {"--report": poses, "--plot": reference, "-o": tmp_path / "sub" / ".." / "out.mp4"}
    args = [str(reference), str(poses), "-o", str(video)]
    if option == "-o":  # the video written over the report: two outputs, one file
        args += ["--report", str(video)]
    else:
        args += [option, str(target[option])]
    before = {p: p.read_bytes() for p in (poses, reference)}
    result = _render(tiny_checkpoint, *args)
    assert result.exit_code != 0
    _one_line_error(result.output)
    assert {p: p.read_bytes() for p in (poses, reference)} == before
    assert not video.exists()


def test_pose_convert_and_export_refuse_to_overwrite_their_input(
    tiny_checkpoint: Path, tmp_path: Path
) -> None:
    poses = tmp_path / "clip.json"
    write_poses(read_poses(SHORT).frames(0, 5), poses)
    before = poses.read_bytes()
    result = runner.invoke(app, ["poses", "convert", str(poses), str(poses), "--smooth"])
    assert result.exit_code != 0
    _one_line_error(result.output, "input")
    assert poses.read_bytes() == before

    run = tmp_path / "run"
    shutil.copytree(tiny_checkpoint, run)
    (run / "trainer.safetensors").write_bytes(b"optimizer state")
    result = runner.invoke(app, ["train", "export", str(run), "-o", str(run)])
    assert result.exit_code != 0
    _one_line_error(result.output, "input")
    assert (run / "trainer.safetensors").read_bytes() == b"optimizer state"


# --- glob characters in clip names -----------------------------------------------------------


@pytest.mark.parametrize("clip", ["[ab]", "*", "?"])
def test_a_clip_named_with_glob_characters_keeps_other_clips_partial_files(
    tmp_path: Path, clip: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    others = [out / ".a.mp4.k3x9q2zw.partial", out / ".a.latency.json.k3x9q2zw.partial"]
    own = [out / f".{clip}.mp4.p0q1r2s3.partial", out / f".{clip}.latency.json.zz9_ab12.partial"]
    for path in [*others, *own]:
        path.write_bytes(b"half")
    job = ClipJob(
        id=clip, line=1, reference=REFERENCE, poses=SHORT, gloss=None, language="ase",
        fps=None, options=RenderOptions(), output=out / f"{clip}.mp4",
        report=out / f"{clip}.latency.json",
    )  # fmt: skip
    clear_half_done(job)
    assert all(path.exists() for path in others)
    assert not any(path.exists() for path in own)


# --- sidecar outputs checked before rendering, and all-or-nothing ----------------------------


@pytest.mark.parametrize("option", ["--report", "--plot", "--subtitles"])
def test_render_checks_sidecar_paths_before_rendering(
    tiny_checkpoint: Path, tmp_path: Path, option: str
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    (tmp_path / "a-folder.json").mkdir()
    bad = {"--report": blocker / "lat.json", "--plot": tmp_path / "a-folder.json",
           "--subtitles": blocker / "deeper" / "subs.vtt"}[option]  # fmt: skip
    out = tmp_path / "out.mp4"
    result = _render(tiny_checkpoint, str(REFERENCE), str(SHORT), "-o", str(out), option, str(bad))
    assert result.exit_code != 0
    _one_line_error(result.output, str(bad))
    assert not out.exists()
    assert "rendering" not in result.output


def test_render_removes_its_video_when_a_sidecar_fails(
    tiny_checkpoint: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signgen.report

    def broken_plot(report: LatencyReport, path: object) -> Path:
        raise signgen.report.SigngenError("cannot write the plot: No space left on device")

    monkeypatch.setattr(signgen.report, "plot_report", broken_plot)
    out, report = tmp_path / "out.mp4", tmp_path / "lat.json"
    result = _render(tiny_checkpoint, str(REFERENCE), str(SHORT), "-o", str(out), "--max-frames",
                     "3", "--report", str(report), "--plot", str(tmp_path / "lat.png"))  # fmt: skip
    assert result.exit_code != 0
    _one_line_error(result.output, "No space left")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# --- bounded steps, and SIGTERM cleans up ----------------------------------------------------


STEPS_OUT_OF_RANGE = [("--steps", "65"), ("--steps", "1000000"), ("--warm-steps", "500"),
                      ("--steps", "0")]  # fmt: skip


@pytest.mark.parametrize(("option", "value"), STEPS_OUT_OF_RANGE)
def test_render_refuses_steps_out_of_range(
    tiny_checkpoint: Path, tmp_path: Path, option: str, value: str
) -> None:
    out = tmp_path / "out.mp4"
    result = _render(tiny_checkpoint, str(REFERENCE), str(SHORT), "-o", str(out), "--max-frames",
                     "1", option, value)  # fmt: skip
    assert result.exit_code != 0
    _one_line_error(result.output, "steps must be between", value)
    assert not out.exists()
    with pytest.raises(ConfigError, match=f"between 1 and {MAX_STEPS}"):
        RenderOptions(steps=MAX_STEPS + 1)
    assert RenderOptions(steps=MAX_STEPS).steps == MAX_STEPS


def _terminate_when_writing(process: subprocess.Popen[str], folder: Path) -> str:
    """SIGTERM as soon as a temp file shows in ``folder``; returns stderr."""
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if any(p.name.endswith(".partial") for p in folder.rglob(".*")):
                break
            time.sleep(0.02)
        assert process.poll() is None, process.communicate()[1]
        time.sleep(0.3)  # well inside the render: ffmpeg has frames
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return stderr


def test_sigterm_during_render_leaves_no_partial_files(
    tiny_checkpoint: Path, tmp_path: Path
) -> None:
    out_dir = tmp_path / "renders"
    out_dir.mkdir()
    out = out_dir / "slow.mp4"
    # Every frame cold with the most steps: slow enough to be stopped midway.
    args = _render_args(tiny_checkpoint, str(REFERENCE), str(LONG), "-o", str(out),
                        "--warm-start", "none", "--steps", str(MAX_STEPS))  # fmt: skip
    process = _signgen_process(args)
    stderr = _terminate_when_writing(process, out_dir)
    assert list(out_dir.iterdir()) == []
    assert process.returncode == 128 + signal.SIGTERM, stderr


def test_sigterm_during_batch_leaves_no_partial_files(
    tiny_checkpoint: Path, batch_inputs: Path, tmp_path: Path
) -> None:
    rows = [{"id": f"clip{i}", "reference": "ref.png", "poses": "long.pose", "steps": MAX_STEPS,
             "seed": i} for i in range(3)]  # fmt: skip
    manifest = tmp_path / "slow.jsonl"
    manifest.write_text("".join(json.dumps(row) + "\n" for row in rows))
    for name in ("ref.png", "long.pose"):
        shutil.copy(batch_inputs / name, tmp_path / name)
    out = tmp_path / "out"
    args = ["batch", str(manifest), "--out", str(out), "--checkpoint", str(tiny_checkpoint),
            "--device", "cpu", "--threads", "1", "--batch-size", "2"]  # fmt: skip
    process = _signgen_process(args)
    stderr = _terminate_when_writing(process, tmp_path)
    assert [p.name for p in out.rglob("*") if p.name.endswith(".partial")] == []
    assert process.returncode == 128 + signal.SIGTERM, stderr
    for video in out.rglob("*.mp4"):  # a clip finished before the signal is whole
        assert probe_video(video).num_frames == 60
