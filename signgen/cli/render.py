"""`signgen render` (reference image + poses or gloss text -> mp4 + latency report) and
`signgen demo` (the shipped example through the shipped checkpoint)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from signgen.cli.app import DEFAULT_CHECKPOINT, Checkpoint, app, console, fail, styled
from signgen.cli.outputs import check_writable, refuse_overlap, stop_cleanly_on_sigterm
from signgen.errors import CheckpointError, ConfigError, ImageError, SigngenError

# torch, diffusers, numpy and the readers load only when a command runs: `signgen --help`
# stays fast.
if TYPE_CHECKING:
    import numpy as np

    from signgen.pose.sequence import PoseSequence
    from signgen.render import Frame, RenderOptions, RenderResult
    from signgen.sampler import Method

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
DEMO_REFERENCE = EXAMPLES / "signer.png"
DEMO_GLOSS = "KLEINE KINDER ESSEN PIZZA"
DEMO_LANGUAGE = "sgg"
out_console = Console(markup=False)


@dataclass(frozen=True)
class RenderJob:
    """Everything `signgen render` needs besides the render options."""

    reference: Path
    poses: Path | None
    gloss: str | None
    language: str
    out: Path
    checkpoint: Path
    device: str
    dtype: str
    threads: int | None
    max_frames: int | None = None
    reference_pose: str = "auto"
    report: Path | None = None
    plot: Path | None = None
    subtitles: Path | None = None
    side_by_side: bool = False
    size: int = 256
    full_generation: bool = False


@app.command("render")
def render_command(
    reference: Annotated[Path, typer.Argument(help="The signer's reference image (PNG/JPEG).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output video (.mp4).")],
    poses: Annotated[
        Path | None,
        typer.Argument(help="Pose file (.pose, signgen .json, OpenPose folder, ...)."),
    ] = None,
    gloss: Annotated[
        str | None, typer.Option(help="Gloss text to sign instead of a pose file.")
    ] = None,
    language: Annotated[
        str, typer.Option("--language", "-l", help="Sign language of --gloss (ISO 639-3).")
    ] = "ase",
    checkpoint: Checkpoint = DEFAULT_CHECKPOINT,
    steps: Annotated[int, typer.Option(hidden=True, help="Solver steps of a cold start.")] = 2,
    solver: Annotated[str, typer.Option(hidden=True, help="euler, heun or midpoint.")] = "euler",
    warm_start: Annotated[
        str, typer.Option(hidden=True, help="trained, sdedit or none.")
    ] = "trained",
    warm_steps: Annotated[int, typer.Option(hidden=True, help="Solver steps of a warm start.")] = 1,
    t0: Annotated[
        float, typer.Option(hidden=True, help="Start time of an sdedit warm start.")
    ] = 0.7,
    keyframe_interval: Annotated[
        int, typer.Option(hidden=True, help="Cold restart every N frames (0 = never).")
    ] = 0,
    adaptive: Annotated[
        bool, typer.Option(hidden=True, help="More correction when the hands moved more.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the clip's fixed noise.")] = 0,
    clamp: Annotated[bool, typer.Option("--clamp/--no-clamp", hidden=True)] = True,
    static_gain: Annotated[float | None, typer.Option(hidden=True)] = None,
    warp: Annotated[bool, typer.Option("--warp/--no-warp", hidden=True)] = True,
    soften: Annotated[bool, typer.Option("--soften/--no-soften", hidden=True)] = True,
    device: Annotated[str, typer.Option(help="auto, cpu or cuda.")] = "auto",
    dtype: Annotated[
        str, typer.Option(help="auto (bf16 where the hardware runs it natively), bf16 or fp32.")
    ] = "auto",
    threads: Annotated[int | None, typer.Option(hidden=True, help="Torch CPU threads.")] = None,
    budget_ms: Annotated[
        float | None, typer.Option(hidden=True, help="Deadline mode: per-frame budget in ms.")
    ] = None,
    smoothing: Annotated[
        str,
        typer.Option(
            hidden=True,
            help="savgol, one_euro, none, or auto (none for the real-pixel path, which moves "
            "with the poses as they are; savgol with --full-generation).",
        ),
    ] = "auto",
    reference_pose: Annotated[
        str,
        typer.Option(
            help="The reference image's own pose: 'auto' (its sidecar NAME.pose.json when "
            "there is one, else MediaPipe), a pose file, or 'rest' (a synthetic rest pose)."
        ),
    ] = "auto",
    size: Annotated[int, typer.Option(help="Output frame size in px (square).")] = 256,
    full_generation: Annotated[
        bool,
        typer.Option(
            help="Draw the whole frame with the model instead of moving the reference's own "
            "pixels (the synthetic look)."
        ),
    ] = False,
    report: Annotated[Path | None, typer.Option(help="Write the latency report (JSON).")] = None,
    plot: Annotated[
        Path | None, typer.Option(hidden=True, help="Write the latency plot (PNG).")
    ] = None,
    side_by_side: Annotated[
        bool, typer.Option(help="Show the driving skeleton left of the render.")
    ] = False,
    subtitles: Annotated[
        Path | None, typer.Option(hidden=True, help="Write WebVTT subtitles from the gloss spans.")
    ] = None,
    max_frames: Annotated[
        int | None, typer.Option(help="Render only the first N frames (a quick preview).")
    ] = None,
    sampler: Annotated[
        Path | None,
        typer.Option(
            help="Sampling recipe (JSON) instead of the checkpoint's own sampler.json.",
        ),
    ] = None,
) -> None:
    """Render a signer (reference image) performing a pose sequence, frame by frame.

    Example: signgen render signer.png hello.pose -o hello.mp4 --report lat.json --plot lat.png

    Or from gloss text: signgen render signer.png --gloss "A B C" -o abc.mp4

    How frames are sampled (steps, warm start, warp, blur, stabilisation, clamp) comes from
    the checkpoint's sampler.json, or from --sampler FILE.json.
    """
    from signgen.cond import STATIC_GAIN
    from signgen.render import RenderOptions
    from signgen.render.recipe import load_recipe, with_recipe

    try:
        options = RenderOptions(
            steps=steps,
            solver=_method(solver),
            warm_start=warm_start,  # type: ignore[arg-type]  # validated by RenderOptions
            warm_steps=warm_steps,
            t0=t0,
            keyframe_interval=keyframe_interval,
            adaptive=adaptive,
            seed=seed,
            budget_ms=budget_ms,
            smoothing=_smoothing(smoothing, full_generation),  # type: ignore[arg-type]
            clamp=clamp,
            static_gain=STATIC_GAIN if static_gain is None else static_gain,
            warp=warp,
            soften=soften,
        )
        options = with_recipe(options, load_recipe(checkpoint, sampler))
        job = RenderJob(
            reference, poses, gloss, language, out, checkpoint, device, dtype, threads,
            max_frames, reference_pose, report, plot, subtitles, side_by_side, size,
            full_generation,
        )  # fmt: skip
        with stop_cleanly_on_sigterm():
            result = run_render(job, options)
    except SigngenError as error:
        fail(error)
        return
    _print_summary(job, result)


def run_render(job: RenderJob, options: RenderOptions) -> RenderResult:
    """Read the inputs, check them, render to ``job.out`` and write the sidecars."""
    from signgen.io.image import read_image
    from signgen.render import Renderer, render_to_video
    from signgen.render.poses import check_poses
    from signgen.render.real import PersonRenderer
    from signgen.report import plot_report, write_report
    from signgen.video import write_webvtt

    _check_outputs(job)  # before anything is read or rendered
    _check_reference(read_image(job.reference), job.reference)  # before the model loads
    sequence = _load_sequence(job)
    check_poses(sequence, job.poses)
    network = Renderer.from_checkpoint(
        job.checkpoint,
        device=job.device,
        dtype=job.dtype,  # type: ignore[arg-type]  # checked by from_checkpoint
        threads=job.threads,
    )
    renderer: Renderer | PersonRenderer = network
    if not job.full_generation:
        renderer = PersonRenderer(network, job.size)
    image = read_image(job.reference, size=renderer.size)
    ref_pose = _reference_pose(job.reference_pose, job.reference, image)
    with _progress(sequence.num_frames) as advance:
        result = render_to_video(
            renderer, image, sequence, options, job.out, reference_pose=ref_pose,
            show_skeleton=job.side_by_side, progress=advance, size=job.size,
        )  # fmt: skip
    written: list[Path] = [job.out]
    try:
        if job.report is not None:
            written.append(write_report(result.report, job.report))
        if job.plot is not None:
            written.append(plot_report(result.report, job.plot))
        if job.subtitles is not None:
            written.append(write_webvtt(sequence.glosses, sequence.fps, job.subtitles))
    except BaseException:
        for path in written:  # all of the outputs or none of them
            path.unlink(missing_ok=True)
        raise
    return result


MIN_REFERENCE = 32  # px a side: below this there is no person to find


def _check_reference(image: np.ndarray, path: Path) -> None:
    height, width = image.shape[:2]
    if min(height, width) < MIN_REFERENCE:
        raise ImageError(
            f"the image is {width}x{height} px: a reference photo needs at least "
            f"{MIN_REFERENCE} px a side",
            path=path,
        )


def read_reference(
    path: Path, size: int, pose_source: str = "auto"
) -> tuple[np.ndarray, PoseSequence | None]:
    """The reference photo framed to ``size`` px (uint8 [size, size, 3]) and its own pose
    (``pose_source`` as ``--reference-pose`` takes it)."""
    from signgen.io.image import read_image

    _check_reference(read_image(path), path)
    image = read_image(path, size=size)
    return image, _reference_pose(pose_source, path, image)


def _reference_pose(source: str, reference: Path, image: np.ndarray) -> PoseSequence | None:
    """The reference's own pose in ``image``'s frame (see ``--reference-pose``)."""
    from signgen.io import read_canonical
    from signgen.render.poses import frame_reference_pose
    from signgen.render.real import photo_pose

    if source == "rest":
        return None  # the renderer assumes a synthetic signer's rest pose
    if source != "auto":
        return frame_reference_pose(read_canonical(Path(source)), image.shape[0])
    return photo_pose(image, reference)  # its sidecar, else MediaPipe


def _load_sequence(job: RenderJob) -> PoseSequence:
    if (job.poses is None) == (job.gloss is None):
        raise ConfigError("give either a POSES file or --gloss TEXT (exactly one)")
    if job.max_frames is not None and job.max_frames < 1:
        raise ConfigError(f"--max-frames must be at least 1, got {job.max_frames}")
    sequence = _read_sequence(job)
    if job.max_frames is not None:
        sequence = sequence.frames(0, min(job.max_frames, sequence.num_frames))
    return sequence


def _read_sequence(job: RenderJob) -> PoseSequence:
    from signgen.io import read_poses

    if job.poses is not None:
        return read_poses(job.poses, max_frames=job.max_frames)
    from signgen.gloss import FingerspellingWarning, Lexicon, glosses_to_poses

    assert job.gloss is not None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FingerspellingWarning)
        sequence = glosses_to_poses(
            job.gloss, language=job.language, lexicon=Lexicon.default(), fps=25.0
        )
    for warning in caught:
        console.print(styled("warning:", "yellow", warning.message), highlight=False)
    return sequence


def _check_outputs(job: RenderJob) -> None:
    """Every output can be written and overwrites no input (nothing is read or rendered yet)."""
    from signgen.io import pose_sidecar

    if job.out.suffix.lower() != ".mp4":
        raise ConfigError("the output video must be an .mp4 file", path=job.out)
    if job.out.is_dir():
        raise ConfigError("the output is a folder; give a file name ending in .mp4", path=job.out)
    outputs = {"output video": job.out, "report": job.report, "plot": job.plot,
               "subtitles": job.subtitles}  # fmt: skip
    for label, path in outputs.items():
        if path is not None:
            check_writable(path, label)
    sidecar = pose_sidecar(job.reference)
    own_pose = None if job.reference_pose in ("auto", "rest") else Path(job.reference_pose)
    inputs = [job.reference, job.poses, own_pose, sidecar if sidecar.exists() else None]
    if job.checkpoint.is_dir():
        inputs += [path for path in job.checkpoint.iterdir() if path.is_file()]
    refuse_overlap(outputs, inputs)


@contextmanager
def _progress(total: int) -> Iterator[Callable[[Frame], None]]:
    """A rich progress bar over frames showing the render rate; yields the per-frame callback."""
    bar = Progress(
        TextColumn("rendering"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[fps]:.1f} fps"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task = bar.add_task("render", total=total, fps=0.0)
    elapsed_ms = [0.0]

    def advance(frame: Frame) -> None:
        elapsed_ms[0] += frame.timing.total_ms
        bar.update(task, advance=1, fps=(frame.index + 1) * 1000.0 / max(elapsed_ms[0], 1e-6))

    with bar:
        yield advance


def _smoothing(name: str, full_generation: bool) -> str:
    if name != "auto":
        return name
    from signgen.render.real import SMOOTHING

    return "savgol" if full_generation else SMOOTHING


def _method(name: str) -> Method:
    if name not in ("euler", "heun", "midpoint"):
        raise ConfigError(f"solver must be euler, heun or midpoint, got {name!r}")
    return name  # type: ignore[return-value]


def _print_summary(job: RenderJob, result: RenderResult) -> None:
    from signgen.report import latency_table

    out_console.print(latency_table(result.report))
    video = result.video
    out_console.print(
        f"wrote {video.path}: {video.num_frames} frames, {video.width}x{video.height}, "
        f"{video.fps:g} fps",
        highlight=False,
    )
    for label, path in (("report", job.report), ("plot", job.plot), ("subtitles", job.subtitles)):
        if path is not None:
            out_console.print(f"wrote {label} {path}", highlight=False)


@app.command("demo")
def demo_command(
    checkpoint: Annotated[Path, typer.Option(help="Model checkpoint folder.")] = DEFAULT_CHECKPOINT,
    out_dir: Annotated[Path, typer.Option("--out-dir", help="Where the results go.")] = Path("out"),
    threads: Annotated[int | None, typer.Option(help="Torch CPU threads.")] = None,
) -> None:
    """Render the shipped example: a real interpreter's photo signing a gloss sentence.

    Example: signgen demo   (writes out/demo.mp4, out/demo_latency.json, out/demo_latency.png)
    """
    job = RenderJob(
        reference=DEMO_REFERENCE,
        poses=None,
        gloss=DEMO_GLOSS,
        language=DEMO_LANGUAGE,
        out=out_dir / "demo.mp4",
        checkpoint=checkpoint,
        device="auto",
        dtype="auto",
        threads=threads,
        report=out_dir / "demo_latency.json",
        plot=out_dir / "demo_latency.png",
        side_by_side=True,
    )
    try:
        _check_demo(job)

        from signgen.render.recipe import load_recipe

        with stop_cleanly_on_sigterm():
            result = run_render(job, load_recipe(checkpoint).options(smoothing="none"))
    except SigngenError as error:
        fail(error)
        return
    _print_summary(job, result)


def _check_demo(job: RenderJob) -> None:
    """Say exactly what is missing before anything runs."""
    from signgen.checkpoint import CONFIG_FILE, WEIGHTS_FILE

    for path in (job.reference,):
        if not path.is_file():
            raise SigngenError("the demo input is missing (is this a full checkout?)", path=path)
    missing = [
        name for name in (CONFIG_FILE, WEIGHTS_FILE) if not (job.checkpoint / name).is_file()
    ]
    if missing:
        raise CheckpointError(
            f"no trained checkpoint here (missing {', '.join(missing)}); train one with "
            "`signgen train` or pass --checkpoint DIR",
            path=job.checkpoint,
        )
