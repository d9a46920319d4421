"""`signgen extract`: a video of a signer -> a pose file (MediaPipe Holistic, offline, CPU)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from signgen.cli.app import app, console, fail
from signgen.cli.outputs import refuse_overlap
from signgen.errors import ConfigError, SigngenError

if TYPE_CHECKING:
    from signgen.pose.sequence import PoseSequence

OUTPUT_SUFFIXES = (".json", ".pose")


class FramesPerSecondColumn(ProgressColumn):
    """The task's recent speed as ``12.3 frames/s``."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:5.1f} frames/s", style="progress.data.speed")


@app.command("extract")
def extract_command(
    video: Annotated[Path, typer.Argument(help="Video of a signer: mp4, mov, webm, mkv, ...")],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="Pose file to write: .json (signgen) or .pose (pose-format)."
        ),
    ],
    backend: Annotated[str, typer.Option(help="Pose estimator: mediapipe.")] = "mediapipe",
    every: Annotated[
        int, typer.Option(help="Keep every N-th frame; the output runs at fps / N.")
    ] = 1,
    allow_empty: Annotated[
        bool,
        typer.Option(
            "--allow-empty", help="Keep going when no person is found (frames with conf 0)."
        ),
    ] = False,
) -> None:
    """Extract the signer's poses from a video: body 33, face 468, two hands 21 per frame.

    Example: signgen extract signer.mp4 -o signer.json

    Output: pixels of the video's size, at its frame rate (fps / N with --every N).

    Points not found (a hand out of view) have confidence 0. Runs offline on the CPU.
    """
    from signgen.io import write_poses

    try:
        refuse_overlap({"output": output}, [video])
        _check_output(output)
        started = time.perf_counter()
        seq = _extract_with_progress(video, backend, every, allow_empty)
        seconds = time.perf_counter() - started
        write_poses(seq, output)
    except SigngenError as error:
        fail(error)
        return
    console.print(_summary(seq, output, seconds), highlight=False, soft_wrap=True)


def _check_output(output: Path) -> None:
    """Fail before minutes of extraction, not after."""
    if output.suffix.lower() not in OUTPUT_SUFFIXES:
        raise ConfigError(
            f"cannot write {output.suffix or 'a file without extension'!r}: use "
            f"{' or '.join(OUTPUT_SUFFIXES)}",
            path=output,
        )
    if not output.parent.is_dir():
        raise ConfigError("the output folder does not exist", path=output)


def _extract_with_progress(
    video: Path, backend: str, every: int, allow_empty: bool
) -> PoseSequence:
    from signgen.extract import extract_poses

    columns = (
        TextColumn("{task.description}", style="progress.description", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        FramesPerSecondColumn(),
        TimeRemainingColumn(),
    )
    # Started on the first frame, so a file rejected up front leaves just the error line.
    progress = Progress(*columns, console=console, transient=True)
    task = progress.add_task(f"extracting {video.name}", total=None)

    def advance(done: int, total: int) -> None:
        if done == 1:
            progress.start()
        progress.update(task, completed=done, total=total)

    try:
        return extract_poses(
            video, backend=backend, every=every, allow_empty=allow_empty, progress=advance
        )
    finally:
        if progress.live.is_started:  # stop() prints a newline when the output is not a terminal
            progress.stop()


def _summary(seq: PoseSequence, output: Path, seconds: float) -> str:
    found = ", ".join(
        f"{name.replace('_', ' ')} {seq.visible(name).mean():.0%}"
        for name in ("body", "face", "left_hand", "right_hand")
    )
    return (
        f"wrote {output}: {seq.num_frames} frames, {seq.width}x{seq.height}, {seq.fps:.2f} fps; "
        f"found in frames: {found}; {seq.num_frames / seconds:.1f} frames/s"
    )
