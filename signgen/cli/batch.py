"""`signgen batch`: render every clip of a manifest, resumably, locally or on a Ray cluster.

The heavy modules (torch through signgen.batch, Ray) are imported inside the command, so that
registering the command costs nothing.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from signgen.cli.app import app, console, fail, styled
from signgen.cli.outputs import stop_cleanly_on_sigterm
from signgen.cli.paths import check_output_folder
from signgen.errors import SigngenError

if TYPE_CHECKING:
    from signgen.batch import BatchReport, ClipJob, ClipOutcome

DEFAULT_CHECKPOINT = Path(__file__).resolve().parents[2] / "checkpoints" / "rpfm-128"
# The frame rate on the progress bar is measured over the last few seconds.
FPS_WINDOW_S = 5.0
out_console = Console(markup=False)


@app.command("batch")
def batch_command(
    manifest: Annotated[Path, typer.Argument(help="Clips to render: .jsonl or .csv, one per row.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (videos, reports).")],
    engine: Annotated[str, typer.Option(help="local, or ray (a Ray cluster).")] = "local",
    address: Annotated[
        str | None,
        typer.Option(help="Ray cluster to join ('auto': the running one); default: start one."),
    ] = None,
    batch_size: Annotated[
        int, typer.Option(help="Clips in flight per model: frame k of each in one batch.")
    ] = 4,
    strict: Annotated[bool, typer.Option(help="Render nothing if any row is bad.")] = False,
    checkpoint: Annotated[
        Path, typer.Option(help="Model checkpoint folder.", show_default="checkpoints/rpfm-128")
    ] = DEFAULT_CHECKPOINT,
    device: Annotated[str, typer.Option(help="auto, cpu or cuda.")] = "auto",
    dtype: Annotated[
        str, typer.Option(help="auto (bf16 where the hardware runs it natively), bf16 or fp32.")
    ] = "auto",
    threads: Annotated[int | None, typer.Option(help="Torch CPU threads per model.")] = None,
    cpus: Annotated[
        int | None, typer.Option(help="Ray: CPUs of the local cluster started (no --address).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Ray: actors, each holding one model (default: per CPU).")
    ] = None,
    size: Annotated[int, typer.Option(help="Output frame size in px (square).")] = 256,
    full_generation: Annotated[
        bool,
        typer.Option(
            help="Draw the whole frame with the model instead of moving each reference's own "
            "pixels (the synthetic look, at the model's size).",
        ),
    ] = False,
    sampler: Annotated[
        Path | None,
        typer.Option(help="Sampling recipe (JSON) instead of the checkpoint's own sampler.json."),
    ] = None,
) -> None:
    """Render many clips from a manifest; a rerun skips the clips already done.

    Each row: id, reference (image), poses (file) or gloss (text), and optionally output,
    fps, seed, steps, t0, language. Paths are relative to the manifest's folder.

    Each reference's own pixels are moved into the poses at --size (its pose is read from a
    sidecar NAME.pose.json beside it, or found by MediaPipe, once per reference); the model
    draws only what the photo does not show. How frames are sampled comes from the
    checkpoint's sampler.json, or from --sampler FILE.json.

    Example: signgen batch news.jsonl --out renders/ --batch-size 8
    """
    from signgen.batch import BatchConfig, RendererSettings, load_manifest, run_batch
    from signgen.render.recipe import load_recipe

    try:
        check_output_folder(out, "--out")
        settings = RendererSettings(
            checkpoint, device, dtype, threads, batch_size, size, full_generation
        )
        # The real-pixel path moves with the poses as they are (as `signgen render` does).
        smoothing = "savgol" if full_generation else "none"
        defaults = load_recipe(checkpoint, sampler).options(smoothing=smoothing)
        config = BatchConfig(
            manifest=manifest,
            out=out,
            renderer=settings,
            engine=engine,  # type: ignore[arg-type]  # validated by BatchConfig
            strict=strict,
            address=address,
            cpus=cpus,
            workers=workers,
        )
        loaded = load_manifest(config.manifest, config.out, defaults)
        if not strict:
            for problem in loaded.problems:
                console.print(
                    styled("bad row:", "yellow", problem), highlight=False, soft_wrap=True
                )
        with stop_cleanly_on_sigterm(), _BatchProgress(len(loaded.jobs)) as events:
            report = run_batch(config, loaded, events)
    except SigngenError as error:
        fail(error)
        return
    _print_summary(report)


def _print_summary(report: BatchReport) -> None:
    from signgen.batch import summary_table
    from signgen.batch.report import REPORT_NAME

    out_console.print(summary_table(report))
    out_console.print(f"wrote {report.out / REPORT_NAME}", highlight=False)
    if not report.ok:
        bad = report.count("failed") + report.count("invalid")
        fail(SigngenError(f"{bad} of {len(report.clips)} clips not rendered (see {REPORT_NAME})"))


class _BatchProgress:
    """Two rich bars (clips, frames) with the recent frame rate; the engines' `BatchEvents`."""

    def __init__(self, clips: int) -> None:
        self.bar = Progress(
            TextColumn("{task.description:>6}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.clips = self.bar.add_task("clips", total=clips, rate="")
        self.frames = self.bar.add_task("frames", total=0, rate="")
        self._recent: deque[tuple[float, int]] = deque()

    def __enter__(self) -> _BatchProgress:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(None, None, None)

    def started(self, job: ClipJob, frames: int) -> None:
        total = self.bar.tasks[self.frames].total or 0
        self.bar.update(self.frames, total=total + frames)

    def rendered(self, job: ClipJob, frames: int) -> None:
        now = perf_counter()
        self._recent.append((now, frames))
        while self._recent and now - self._recent[0][0] > FPS_WINDOW_S:
            self._recent.popleft()
        span = now - self._recent[0][0]
        count = sum(n for _, n in self._recent)
        rate = f"{count / span:.1f} fps" if span > 0 else ""
        self.bar.update(self.frames, advance=frames, rate=rate)

    def ended(self, outcome: ClipOutcome) -> None:
        self.bar.update(self.clips, advance=1, rate=f"last: {outcome.id} {outcome.status}")
