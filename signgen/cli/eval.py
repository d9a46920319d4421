"""`signgen eval`: quality of a checkpoint on held-out synthetic pairs and clips."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, BinaryIO

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from signgen.cli.app import Clamp, Soften, StaticGain, Warp, app, console, fail
from signgen.cli.paths import check_output_file
from signgen.errors import ConfigError, SigngenError

# torch and the model load only when the command runs: `signgen --help` stays fast.
if TYPE_CHECKING:
    from signgen.eval import EvalReport
    from signgen.realeval import RealReport
    from signgen.render import RenderOptions

DEFAULT_CHECKPOINT = Path(__file__).resolve().parents[2] / "checkpoints" / "rpfm-128"


def _tables(report: EvalReport) -> list[Table]:
    pairs = Table(title=f"held-out pairs ({report.config.pairs})")
    for column in ("method", "NFE", "SSIM", "PSNR", "L1", "hand SSIM", "limb PSNR"):
        pairs.add_column(column, justify="left" if column == "method" else "right")
    for row in report.pairs:
        s = row.scores
        pairs.add_row(row.name, str(row.nfe), f"{s.ssim:.4f}", f"{s.psnr:.2f}", f"{s.l1:.4f}",
                      f"{s.hand_ssim:.4f}", f"{s.limb_psnr:.2f}")  # fmt: skip
    clips = Table(title=f"held-out clips ({report.config.clip_frames} frames)")
    for column in ("method", "NFE", "SSIM", "hand SSIM", "limb PSNR", "flicker (GT)", "drift"):
        clips.add_column(column, justify="left" if column == "method" else "right")
    for clip in report.clips:
        s = clip.scores
        flick = f"{clip.flicker:.4f} ({clip.flicker_truth:.4f})"
        drift = f"{clip.drift:+.4f}"
        clips.add_row(clip.name, f"{clip.nfe_per_frame:.2f}", f"{s.ssim:.4f}",
                      f"{s.hand_ssim:.4f}", f"{s.limb_psnr:.2f}", flick, drift)  # fmt: skip
    from signgen.eval import CHECKS_TITLE, evaluate_targets
    from signgen.targets import checks_table

    targets = checks_table(evaluate_targets(report), CHECKS_TITLE)
    return [pairs, clips, targets] if report.clips else [pairs, targets]


def write_json(document: dict[str, Any], path: Path) -> None:
    from signgen.io.atomic import write_atomic

    text = json.dumps(document, indent=2).encode()

    def write(out: BinaryIO) -> None:
        out.write(text)

    try:
        write_atomic(path, write)
    except OSError as error:
        raise ConfigError(f"cannot write: {error.strerror}", path=path) from None


@app.command("eval")
def eval_command(
    checkpoint: Annotated[
        Path,
        typer.Option(
            "--checkpoint", "-c", help="Checkpoint folder.", show_default="checkpoints/rpfm-128"
        ),
    ] = DEFAULT_CHECKPOINT,
    pairs: Annotated[int, typer.Option(help="Held-out pairs.")] = 200,
    steps: Annotated[int, typer.Option(help="Cold sampling steps (Euler).")] = 2,
    clip_frames: Annotated[int, typer.Option("--clip-frames", help="Frames per clip.")] = 300,
    clips: Annotated[int, typer.Option(help="Held-out clips (0 = pairs only).")] = 1,
    seed: Annotated[int, typer.Option(help="Seed of the held-out stream and noise.")] = 0,
    bf16: Annotated[bool, typer.Option("--bf16/--fp32", help="Inference precision.")] = False,
    threads: Annotated[int, typer.Option(help="torch threads (1 on a busy 2-core machine).")] = 1,
    clamp: Clamp = True,
    static_gain: StaticGain = None,
    warp: Warp = True,
    soften: Soften = True,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the report here.")] = None,
    real_video: Annotated[
        list[Path] | None,
        typer.Option(help="Real people: self-reenact this clip (video, or a folder of frames)."),
    ] = None,
    real_pairs: Annotated[
        list[Path] | None,
        typer.Option(help="Real people: a folder of photos of one person (first = reference)."),
    ] = None,
    size: Annotated[int, typer.Option(help="Render size of the real protocols.")] = 256,
    max_frames: Annotated[int, typer.Option(help="Frames per --real-video clip.")] = 75,
    sampler: Annotated[
        Path | None,
        typer.Option(help="Sampling recipe (JSON) instead of the checkpoint's own sampler.json."),
    ] = None,
) -> None:
    """Score a checkpoint on held-out synthetic signers beside the copy-the-reference baseline,
    or (--real-video, --real-pairs) on real people beside copying and the true-motion warp.

    Example: signgen eval -c checkpoints/rpfm-128 --pairs 200 --steps 2 --json eval.json

    Real people: signgen eval --real-video clip.mp4 --real-pairs photos/ --json real.json

    Cold steps, warp, blur, stabilisation and clamp left unset come from the checkpoint's
    sampler.json, or from --sampler FILE.json.
    """
    from signgen.cond import STATIC_GAIN
    from signgen.render import RenderOptions
    from signgen.render.recipe import load_recipe, with_recipe

    try:
        if json_out is not None:
            check_output_file(json_out, "--json")
        gain = STATIC_GAIN if static_gain is None else static_gain
        options = RenderOptions(steps=steps, clamp=clamp, static_gain=gain, warp=warp,
                                soften=soften)  # fmt: skip
        options = with_recipe(options, load_recipe(checkpoint, sampler))
    except SigngenError as error:
        fail(error)
        return
    if real_video or real_pairs:
        videos, folders = real_video or [], real_pairs or []
        _eval_real(checkpoint, videos, folders, size, max_frames, options, json_out)
        return
    from signgen.eval import EvalConfig, evaluate

    config = EvalConfig(checkpoint, pairs=pairs, steps=options.steps, clip_frames=clip_frames,
                        clips=clips, seed=seed, bf16=bf16, threads=threads,
                        clamp=options.clamp, static_gain=options.static_gain, warp=options.warp,
                        soften=options.soften)  # fmt: skip
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    try:
        with Progress(*columns, console=console, transient=True) as bar:
            tasks: dict[str, object] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage, total=total)
                bar.update(tasks[stage], completed=done)  # type: ignore[arg-type]

            report = evaluate(config, progress)
        if json_out is not None:
            write_json(report.to_dict(), json_out)
    except SigngenError as error:
        fail(error)
    for table in _tables(report):
        console.print(table)
    if json_out is not None:
        console.print(f"wrote {json_out}")


def _eval_real(
    checkpoint: Path,
    videos: list[Path],
    folders: list[Path],
    size: int,
    max_frames: int,
    options: RenderOptions,
    json_out: Path | None,
) -> None:
    from signgen.realeval import evaluate_real
    from signgen.render import Renderer
    from signgen.render.real import SMOOTHING, PersonRenderer

    options = dataclasses.replace(options, smoothing=SMOOTHING)  # as `signgen render` does
    try:
        if max_frames < 2:
            raise SigngenError(f"--max-frames must be at least 2, got {max_frames}")
        for path in (*videos, *folders):
            if not path.exists():
                raise SigngenError("no such file or folder", path=path)
        renderer = PersonRenderer(Renderer.from_checkpoint(checkpoint), size)
        with console.status("scoring") as status:

            def progress(name: str) -> None:
                status.update(f"scoring {name}")

            report = evaluate_real(renderer, videos, folders, options, max_frames, progress)
        if json_out is not None:
            write_json(report.to_dict(), json_out)
    except SigngenError as error:
        fail(error)
        return
    console.print(real_table(report))
    if json_out is not None:
        console.print(f"wrote {json_out}", highlight=False)


def real_table(report: RealReport) -> Table:
    """One row per source and method: PSNR, SSIM, moving/static-region PSNR, flicker, own."""
    from signgen.realeval import ROW_TITLES, ROWS

    table = Table(
        title="real people: PSNR dB (moving / static region), flicker x the source's, own pose",
        caption="copy: the reference itself; true warp: the reference warped by optical flow "
        "from the true frame",
    )
    for column in ("source", "method", "PSNR", "SSIM", "moving", "static", "flicker", "own"):
        table.add_column(column, justify="left" if column in ("source", "method") else "right")
    for result in report.results:
        for row in ROWS:
            s = result.rows[row]
            first = row == "render"
            name = Text(f"{Path(result.source).name}\n{result.protocol}") if first else ""
            extra = [_num(result.flicker, "{:.2f}x"), _num(result.own_psnr, "{:.1f}")]
            table.add_row(name, ROW_TITLES[row], f"{s.psnr:.2f}", f"{s.ssim:.4f}",
                          f"{s.moving_psnr:.2f}", f"{s.static_psnr:.2f}",
                          *(extra if first else ["", ""]))  # fmt: skip
        table.add_section()
    if len(report.results) > 1:
        for row in ROWS:
            table.add_row("mean" if row == "render" else "", ROW_TITLES[row],
                          f"{report.mean(row, 'psnr'):.2f}", f"{report.mean(row, 'ssim'):.4f}",
                          f"{report.mean(row, 'moving_psnr'):.2f}",
                          f"{report.mean(row, 'static_psnr'):.2f}", "", "")  # fmt: skip
    return table


def _num(value: float | None, form: str) -> str:
    return "-" if value is None else form.format(value)
