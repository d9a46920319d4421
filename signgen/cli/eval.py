"""`signgen eval`: quality of a checkpoint on held-out synthetic pairs and clips."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from signgen.cli.app import Clamp, Soften, StaticGain, Warp, app, console, fail
from signgen.errors import SigngenError

# torch and the model load only when the command runs: `signgen --help` stays fast.
if TYPE_CHECKING:
    from signgen.eval import EvalReport


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


def _write_json(report: EvalReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(handle, "w") as out:
        json.dump(report.to_dict(), out, indent=2)
    os.replace(temp, path)


@app.command("eval")
def eval_command(
    checkpoint: Annotated[Path, typer.Option("--checkpoint", "-c", help="Checkpoint folder.")],
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
) -> None:
    """Score a checkpoint on held-out synthetic signers beside the copy-the-reference baseline.

    Example: signgen eval -c checkpoints/rpfm-128 --pairs 200 --steps 2 --json eval.json
    """
    from signgen.cond import STATIC_GAIN
    from signgen.eval import EvalConfig, evaluate

    gain = STATIC_GAIN if static_gain is None else static_gain
    config = EvalConfig(checkpoint, pairs=pairs, steps=steps, clip_frames=clip_frames,
                        clips=clips, seed=seed, bf16=bf16, threads=threads,
                        clamp=clamp, static_gain=gain, warp=warp,
                        soften=soften)  # fmt: skip
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
            _write_json(report, json_out)
    except SigngenError as error:
        fail(error)
    for table in _tables(report):
        console.print(table)
    if json_out is not None:
        console.print(f"wrote {json_out}")
