"""`signgen bench`: ms per frame of the user's own setup (photo, size, device, recipe).

torch and the renderer are imported inside the command, so `import signgen.cli` stays light.
The research comparisons of samplers live in ``benchmarks/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from signgen.cli.app import DEFAULT_CHECKPOINT, Checkpoint, app, console, fail
from signgen.cli.paths import check_output_file
from signgen.errors import ConfigError, SigngenError

EXAMPLES = DEFAULT_CHECKPOINT.parents[1] / "examples"
out_console = Console(markup=False)


@app.command("bench")
def bench_command(
    reference: Annotated[
        Path, typer.Option(help="Your reference photo.", show_default="examples/signer.png")
    ] = EXAMPLES / "signer.png",
    poses: Annotated[
        Path,
        typer.Option(
            help="Pose file driving it.", show_default="examples/segmentation_example.pose"
        ),
    ] = EXAMPLES / "segmentation_example.pose",
    size: Annotated[int, typer.Option(help="Output size in px (square).")] = 256,
    device: Annotated[str, typer.Option(help="auto, cpu, cuda or cuda:N.")] = "auto",
    dtype: Annotated[
        str, typer.Option(help="auto (bf16 where the hardware runs it natively), bf16 or fp32.")
    ] = "auto",
    threads: Annotated[int, typer.Option(help="Torch CPU threads.")] = 2,
    frames: Annotated[
        int, typer.Option(help="Timed frames of the recipe per round (the 50-step row: 6).")
    ] = 40,
    checkpoint: Checkpoint = DEFAULT_CHECKPOINT,
    sampler: Annotated[
        Path | None,
        typer.Option(help="Sampling recipe (JSON) instead of the checkpoint's own sampler.json."),
    ] = None,
    report: Annotated[Path | None, typer.Option(help="Write the results as JSON here.")] = None,
) -> None:
    """Time the real-pixel path on your photo at your size and device: ms per frame (p50,
    p95), where the time goes (network, compose), and the 50-step sampler in the same run.

    Example: signgen bench --reference me.jpg --size 512 --report bench.json
    """
    from signgen.bench.latency import (
        BenchRun,
        latency_table,
        load_person_renderer,
        run_latency_bench,
        write_bench,
    )
    from signgen.cli.render import read_reference
    from signgen.io import read_poses
    from signgen.render.poses import check_poses
    from signgen.render.real import SMOOTHING
    from signgen.render.recipe import load_recipe

    try:
        if report is not None:
            check_output_file(report, "--report")
        if frames < 2:
            raise ConfigError(f"--frames must be at least 2, got {frames}")
        run = BenchRun(frames=frames)
        options = load_recipe(checkpoint, sampler).options(smoothing=SMOOTHING)
        sequence = check_poses(read_poses(poses), poses)
        image, reference_pose = read_reference(reference, size)
        with console.status(f"timing {reference.name} at {size} px"):
            renderer = load_person_renderer(checkpoint, size, device, dtype, threads)
            bench = run_latency_bench(renderer, image, reference_pose, sequence, options, run)
    except SigngenError as error:
        fail(error)
        return
    out_console.print(latency_table(bench))
    if report is not None:  # checked before the run; a failed write is one line (main)
        out_console.print(f"wrote {write_bench(bench, report)}", highlight=False)
