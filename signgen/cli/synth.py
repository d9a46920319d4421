"""`signgen synth reference|render|sheet`: the synthetic signer world from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from signgen.cli.app import command_group, console, fail
from signgen.cli.outputs import refuse_overlap, stop_cleanly_on_sigterm
from signgen.cli.paths import check_output_file
from signgen.errors import ConfigError, SigngenError

synth_app = command_group(
    "synth",
    "The synthetic signer world: reference images, ground-truth videos, contact sheets.",
    "signgen synth reference -a 7 -o ref.png",
    "signgen synth render poses.pose -a 7 -o gt.mp4",
    "signgen synth sheet -o sheet.png",
)

Seed = Annotated[int, typer.Option("--appearance", "-a", help="Appearance seed (>= 0).")]
Size = Annotated[int, typer.Option("--size", "-s", help="Frame size in px (square, even).")]


@synth_app.command("reference")
def reference_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output PNG.")],
    appearance: Seed = 0,
    size: Size = 256,
) -> None:
    """A synthetic signer in the neutral pose, facing the camera, and its pose beside it
    (NAME.pose.json: `signgen render` uses it as the reference's own pose).

    Example: signgen synth reference --appearance 7 --size 256 -o ref.png
    """
    from signgen.io import pose_sidecar, write_poses
    from signgen.io.image import write_png
    from signgen.synth import Appearance, neutral_pose
    from signgen.synth.groundtruth import SynthOptions, reference_image

    try:
        write_png(reference_image(SynthOptions(appearance, size)), out)
        sidecar = pose_sidecar(out)
        write_poses(neutral_pose(Appearance.from_seed(appearance), size), sidecar)
    except SigngenError as error:
        fail(error)
        return
    console.print(f"wrote {out} and {sidecar}", highlight=False)


@synth_app.command("render")
def render_command(
    poses: Annotated[Path, typer.Argument(help="Pose file (.pose, signgen .json, OpenPose, ...).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output video (.mp4, H.264).")],
    appearance: Seed = 0,
    size: Size = 256,
) -> None:
    """Ground-truth video: a synthetic signer performing POSES (same frame count and fps).

    Example: signgen synth render poses.pose --appearance 7 -o gt.mp4
    """
    from signgen.io import read_canonical
    from signgen.synth.groundtruth import SynthOptions, render_sequence
    from signgen.video import VideoWriter

    try:
        if out.suffix.lower() != ".mp4":
            raise ConfigError("the output video must be an .mp4 file (H.264)", path=out)
        check_output_file(out, "--out")
        refuse_overlap({"output video": out}, [poses])
        seq, frames = render_sequence(read_canonical(poses), SynthOptions(appearance, size))
        columns = (TextColumn("rendering"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with (
            stop_cleanly_on_sigterm(),
            Progress(*columns, console=console, transient=True) as progress,
        ):
            task = progress.add_task("frames", total=seq.num_frames)
            with VideoWriter(out, seq.fps, size, size) as writer:
                for frame in frames:
                    writer.write(frame.image)
                    progress.advance(task)
    except SigngenError as error:
        fail(error)
    console.print(f"wrote {out}: {seq.num_frames} frames at {seq.fps:g} fps")


@synth_app.command("sheet")
def sheet_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output PNG.")],
    first_seed: Annotated[int, typer.Option(help="Seed of the first appearance.")] = 0,
    size: Annotated[int, typer.Option(help="Tile size in px.")] = 256,
) -> None:
    """A contact sheet: 16 appearances x 4 poses (neutral + three real recorded frames).

    Example: signgen synth sheet -o sheet.png
    """
    from signgen.io.image import write_png
    from signgen.synth.groundtruth import SynthOptions
    from signgen.synth.sheet import SheetConfig, contact_sheet

    try:
        SynthOptions(first_seed, size)  # validates both
        write_png(contact_sheet(SheetConfig(first_seed=first_seed, size=size)), out)
    except SigngenError as error:
        fail(error)
    console.print(f"wrote {out}")
