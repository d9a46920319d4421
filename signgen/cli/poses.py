"""`signgen poses info|convert`: inspect and convert pose files of every supported format."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer
from rich.console import Console
from rich.table import Table

from signgen.cli.app import command_group, fail
from signgen.cli.outputs import refuse_overlap
from signgen.errors import ConfigError, SigngenError

if TYPE_CHECKING:
    from signgen.pose.filters import SmoothMethod
    from signgen.pose.summary import PoseSummary

poses_app = command_group(
    "poses",
    "Inspect and convert pose files.",
    "signgen poses info signer.pose",
    "signgen poses convert openpose_json/ signer.json --input-fps 24 --canonical",
)
out = Console(markup=False)

FORMATS_HELP = (
    "Reads .pose (pose-format: MediaPipe Holistic, reduced 178, OpenPose 137), signgen .json, "
    "OpenPose JSON folders and COCO-WholeBody JSON (mmpose/RTMW/DWPose)."
)
InputFps = Annotated[
    float | None,
    typer.Option("--input-fps", help="Frame rate of inputs that store none (OpenPose, mmpose)."),
]
InputSize = Annotated[
    str | None,
    typer.Option("--input-size", help="WxH frame size of inputs that store none."),
]


def parse_size(text: str | None, option: str) -> tuple[int, int] | None:
    """``"256x256"`` -> (256, 256); a `ConfigError` naming ``option`` otherwise."""
    if text is None:
        return None
    match = re.fullmatch(r"\s*(\d{1,5})\s*[xX]\s*(\d{1,5})\s*", text)
    if not match or 0 in (int(match.group(1)), int(match.group(2))):
        raise ConfigError(f"{option} must look like 256x256, got {text!r}")
    return int(match.group(1)), int(match.group(2))


def _positive(value: float | None, option: str) -> float | None:
    if value is not None and not (0 < value <= 10_000):
        raise ConfigError(f"{option} must be a positive frame rate, got {value}")
    return value


def summary_table(path: Path, summary: PoseSummary) -> Table:
    table = Table(title=f"{path.name}", title_justify="left", show_header=True)
    table.add_column("component")
    table.add_column("points", justify="right")
    table.add_column("missing", justify="right")
    table.add_column("frames seen", justify="right")
    for c in summary.components:
        table.add_row(c.name, str(c.points), f"{100 * c.missing:.1f}%", str(c.frames_present))
    return table


@poses_app.command("info")
def info_command(
    file: Annotated[Path, typer.Argument(help="Pose file or OpenPose JSON folder.")],
    input_fps: InputFps = None,
    input_size: InputSize = None,
) -> None:
    """Show frames, fps, size, layout, missing points per component and what the layout lacks.

    Example: signgen poses info tests/data/poses/sgg_essen.pose
    """
    from signgen.io import read_poses
    from signgen.pose.summary import summarize

    try:
        seq = read_poses(
            file,
            fps=_positive(input_fps, "--input-fps"),
            size=parse_size(input_size, "--input-size"),
        )
    except SigngenError as error:
        fail(error)
        return
    summary = summarize(seq)
    out.print(summary_table(file, summary))
    out.print(f"frames: {summary.frames}  fps: {summary.fps:g}  duration: {summary.duration:.2f} s")
    out.print(f"size: {summary.width}x{summary.height}  layout: {summary.layout}")
    lacking = "; ".join(summary.lacks) if summary.lacks else "nothing (full holistic layout)"
    out.print(f"lacks: {lacking}", highlight=False)
    never = [c.name for c in summary.components if c.frames_present == 0]
    if never:
        out.print(f"never present in this file: {', '.join(never)}", highlight=False)
    if summary.glosses:
        out.print(f"glosses: {' '.join(summary.glosses)}", highlight=False)


@poses_app.command("convert")
def convert_command(
    source: Annotated[Path, typer.Argument(help="Input pose file or OpenPose JSON folder.")],
    target: Annotated[Path, typer.Argument(help="Output: .json (signgen) or .pose.")],
    fps: Annotated[float | None, typer.Option(help="Resample to this frame rate.")] = None,
    size: Annotated[
        str | None, typer.Option(help="Fit into a WxH frame by the shoulders, e.g. 256x256.")
    ] = None,
    smooth: Annotated[
        bool, typer.Option("--smooth", help="Fill dropouts <= 5 frames, smooth body and hands.")
    ] = False,
    smooth_method: Annotated[
        str, typer.Option(help="savgol (Savitzky-Golay) or one_euro.")
    ] = "savgol",
    canonical: Annotated[
        bool, typer.Option("--canonical", help="Convert to MediaPipe Holistic 543 points.")
    ] = False,
    input_fps: InputFps = None,
    input_size: InputSize = None,
) -> None:
    """Convert a pose file to signgen JSON or .pose, optionally canonical/smoothed/resampled.

    Example: signgen poses convert openpose_json/ signer.json --input-fps 24 --canonical --smooth
    """
    from signgen.io.transcode import ConvertOptions, convert_poses

    try:
        refuse_overlap({"output": target}, [source])
        if smooth_method not in ("savgol", "one_euro"):
            raise ConfigError(f"--smooth-method must be savgol or one_euro, got {smooth_method!r}")
        options = ConvertOptions(
            canonical=canonical,
            smooth=cast("SmoothMethod", smooth_method) if smooth else None,
            fps=_positive(fps, "--fps"),
            size=parse_size(size, "--size"),
            input_fps=_positive(input_fps, "--input-fps"),
            input_size=parse_size(input_size, "--input-size"),
        )
        seq = convert_poses(source, target, options)
    except SigngenError as error:
        fail(error)
        return
    out.print(
        f"wrote {target}: {seq.num_frames} frames, {seq.fps:g} fps, {seq.width}x{seq.height}, "
        f"layout {seq.layout.name}",
        highlight=False,
        soft_wrap=True,
    )
