"""`signgen bench`: the samplers of the field side by side on one held-out clip.

torch and the renderer are imported inside the command, so `import signgen.cli` stays light.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from signgen.cli.app import app, console, fail
from signgen.errors import SigngenError

if TYPE_CHECKING:
    from signgen.bench import BenchConfig

REPO = Path(__file__).resolve().parents[2]
out_console = Console(markup=False)
# The rows table has 12 columns: never squeeze it below this width (it wraps in a narrow
# terminal instead, which still reads; squeezed cells do not).
TABLE_WIDTH = 150


def _show(*renderables: object) -> None:
    wide = Console(width=max(out_console.width, TABLE_WIDTH), markup=False)
    for renderable in renderables:
        wide.print(renderable)


def _bar() -> Progress:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    return Progress(*columns, console=console, transient=True)


def _advance(bar: Progress) -> Callable[[str, int, int], None]:
    """``progress(task, done, total)`` drawing one bar per task."""
    tasks: dict[str, TaskID] = {}

    def progress(name: str, done: int, total: int) -> None:
        if name not in tasks:
            tasks[name] = bar.add_task(name, total=total)
        bar.update(tasks[name], completed=done)

    return progress


@app.command("bench")
def bench_command(
    checkpoint: Annotated[
        Path,
        typer.Option(
            "--checkpoint", "-c", help="Checkpoint folder.", show_default="checkpoints/rpfm-128"
        ),
    ] = REPO / "checkpoints" / "rpfm-128",
    frames: Annotated[int, typer.Option(help="Frames of the held-out clip.")] = 300,
    frames_50: Annotated[
        int | None,
        typer.Option(
            "--frames-50", help="Frames of the (slow) 50-step row.", show_default="--frames"
        ),
    ] = None,
    report: Annotated[Path | None, typer.Option(help="Write the results as JSON here.")] = None,
    plot: Annotated[Path | None, typer.Option(help="Latency-vs-quality PNG.")] = None,
    threads: Annotated[int, typer.Option(help="Torch CPU threads.")] = 2,
    dtype: Annotated[
        str, typer.Option(help="auto (bf16 where the hardware runs it natively), bf16 or fp32.")
    ] = "auto",
    device: Annotated[str, typer.Option(help="auto, cpu, cuda or cuda:N.")] = "cpu",
    compile: Annotated[
        bool, typer.Option("--compile", help="torch.compile the network (time reported apart).")
    ] = False,
    clip: Annotated[int, typer.Option(help="Held-out clip index (even: real recording).")] = 0,
    budget_ms: Annotated[float, typer.Option(help="Budget of the deadline row (ms).")] = 40.0,
    timing_rounds: Annotated[
        int,
        typer.Option(
            "--timing-rounds",
            help="Interleaved timing runs of every row (latency comes from them; 0 = from the "
            "quality runs).",
        ),
    ] = 3,
    memory: Annotated[
        bool,
        typer.Option("--memory", help="Instead of the rows: peak RSS rendering N and 4N frames."),
    ] = False,
    size: Annotated[
        int | None,
        typer.Option(
            help="Instead of the rows: the real-pixel path at SIZE px (a real photo and "
            "recording), the product's 1 NFE warm start beside the 50-step sampler."
        ),
    ] = None,
) -> None:
    """Measure ms/frame and quality of every sampler row on one held-out synthetic clip.

    Example: signgen bench --frames 300 --frames-50 30 --report bench.json --plot bench.png

    Real-pixel path: signgen bench --size 256 --report bench256.json
    """
    from signgen.bench import BenchConfig

    if size is not None:
        _real(checkpoint, size, dtype, threads, report)
        return
    try:
        config = BenchConfig(
            checkpoint, frames=frames, frames_50=frames_50, clip=clip, device=device,
            dtype=dtype, threads=threads, budget_ms=budget_ms, compile=compile,  # type: ignore[arg-type]
            timing_rounds=timing_rounds,
        )  # fmt: skip
        if memory:
            _memory(config, report)
        else:
            _rows(config, report, plot)
    except SigngenError as error:
        fail(error)


def _rows(config: BenchConfig, report_path: Path | None, plot_path: Path | None) -> None:
    from signgen.bench import (
        CHECKS_TITLE,
        bench_table,
        evaluate_checks,
        k_search_table,
        plot_bench,
        run_bench,
        write_json,
    )  # fmt: skip
    from signgen.targets import checks_table

    with _bar() as bar:
        report = run_bench(config, _advance(bar))
    checks = evaluate_checks(report)
    _show(bench_table(report), k_search_table(report), checks_table(checks, CHECKS_TITLE))
    if report_path is not None:
        extra = {"checks": [vars(check) for check in checks]}
        out_console.print(f"wrote {write_json(report, report_path, extra)}")
    if plot_path is not None:
        out_console.print(f"wrote {plot_bench(report, plot_path)}")


def _memory(config: BenchConfig, report_path: Path | None) -> None:
    from signgen.bench.memory import measure_memory, memory_table, write_memory
    from signgen.render import Renderer

    renderer = Renderer.from_checkpoint(
        config.checkpoint, device=config.device, dtype=config.dtype, threads=config.threads
    )
    with _bar() as bar:
        lengths = (config.frames, 4 * config.frames)
        result = measure_memory(renderer, lengths, clip_index=config.clip, progress=_advance(bar))
    _show(memory_table(result))
    if report_path is not None:
        out_console.print(f"wrote {write_memory(result, report_path)}")


def _real(checkpoint: Path, size: int, dtype: str, threads: int, report: Path | None) -> None:
    from rich.table import Table

    from signgen.bench.real import FAST, SLOW, run_real_bench, write_real_bench

    try:
        with console.status(f"timing the real-pixel path at {size} px"):
            bench = run_real_bench(checkpoint, size, dtype=dtype, threads=threads)
        if report is not None:
            write_real_bench(bench, report)
    except SigngenError as error:
        fail(error)
        return
    table = Table(title=f"real-pixel path at {size}x{size} ({bench.machine.get('cpu', '?')}, "
                        f"{bench.machine.get('dtype', '?')})")  # fmt: skip
    for column in ("row", "NFE/frame", "p50 ms", "p95 ms", "fps", "compose ms", "network ms"):
        table.add_column(column, justify="left" if column == "row" else "right")
    for row in bench.rows:
        network = sum(row.stage_ms[s] for s in ("pose", "cond", "sample", "decode"))
        table.add_row(row.name, f"{row.nfe_per_frame:.2f}", f"{row.p50_ms:.1f}",
                      f"{row.p95_ms:.1f}", f"{1000 / row.p50_ms:.1f}",
                      f"{row.stage_ms['compose']:.1f}", f"{network:.1f}")  # fmt: skip
    out_console.print(table)
    out_console.print(
        f"{SLOW} / {FAST} at p50: {bench.speedup:.1f}x (measured in this run)", highlight=False
    )
    if report is not None:
        out_console.print(f"wrote {report}", highlight=False)
