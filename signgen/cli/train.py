"""`signgen train autoencoder|flow|export|average`: train and ship RPFM (synthetic world)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from signgen.cli.app import command_group, console, fail
from signgen.cli.outputs import same_path, stop_cleanly_on_sigterm
from signgen.cli.paths import check_output_folder
from signgen.errors import ConfigError, SigngenError

# The training configs are plain dataclasses (torch and the model load only when a command
# runs, so `signgen --help` stays fast).
from signgen.train.config import (
    AutoencoderTrainConfig,
    FlowTrainConfig,
    TrainConfig,
    build_config,
    config_dict,
)

Stage = Literal["autoencoder", "flow"]

train_app = command_group(
    "train",
    "Train the model: the autoencoder first, then the flow on top of it.",
    "signgen train autoencoder -o runs/ae --max-minutes 25",
    "signgen train flow -a runs/ae -o runs/flow --max-minutes 60",
    "signgen train recipe flow > flow.json",
    "signgen train export runs/flow -o checkpoints/mine",
)

Out = Annotated[Path, typer.Option("--out", "-o", help="Checkpoint folder (written as it goes).")]
RecipeFile = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="Training recipe (JSON): any training options, the defaults otherwise. "
        "`signgen train recipe flow` prints them all.",
    ),
]
Steps = Annotated[int, typer.Option(help="Stop after this many steps.")]
Minutes = Annotated[float, typer.Option("--max-minutes", help="Stop after this long.")]
Seed = Annotated[int, typer.Option(help="Seed of weights and data (reproducible).")]
Resume = Annotated[bool, typer.Option("--resume", help="Continue the run saved in --out.")]
AUTOENCODER, FLOW = AutoencoderTrainConfig(), FlowTrainConfig()
# Fields a recipe file leaves out: they name a run's own folders and are given as options.
RUN_FIELDS = ("out", "resume", "autoencoder", "init")


def _given(ctx: typer.Context) -> dict[str, Any]:
    """The options set on the command line (they win over the recipe file's values)."""
    # By the source's name: newer Typers carry their own copy of click and of its enum.
    given = {name: ctx.get_parameter_source(name) for name in ctx.params}
    return {
        name: value
        for name, value in ctx.params.items()
        if name != "config" and getattr(given[name], "name", None) == "COMMANDLINE"
    }


def _train(ctx: typer.Context, kind: type[TrainConfig], *sources: Path | None) -> None:
    """Build ``kind`` from its defaults, the recipe file (--config) and the options given, then
    train it; ``sources``: input checkpoints --out must not replace."""
    options = _given(ctx)
    out = ctx.params["out"]
    try:
        check_output_folder(out, "--out")
        settings = build_config(kind, ctx.params["config"], {**options, "out": out})
        _check_checkpoint_out(out, *sources)
        with stop_cleanly_on_sigterm():
            if isinstance(settings, FlowTrainConfig):
                from signgen.train.flow import train_flow

                result = train_flow(settings)
            else:
                from signgen.train.autoencoder import train_autoencoder

                assert isinstance(settings, AutoencoderTrainConfig)

                result = train_autoencoder(settings)
    except SigngenError as error:
        fail(error)
        return
    metrics = "  ".join(f"{k} {v:.4f}" for k, v in result.metrics.items())
    console.print(f"{result.steps} steps in {result.wall_s / 60:.1f} min -> {result.checkpoint}")
    if metrics:
        console.print(metrics, highlight=False)


def _check_checkpoint_out(out: Path, *sources: Path | None) -> None:
    """Before any work: the output folder (replaced as a whole on saving) is new, empty or a
    checkpoint, and not one of the inputs."""
    from signgen.checkpoint import check_checkpoint_target

    for source in sources:
        if source is not None and same_path(out, source):
            raise ConfigError("the output would replace an input checkpoint", path=out)
    check_checkpoint_target(out)


@train_app.command("autoencoder")
def autoencoder_command(
    ctx: typer.Context,
    out: Out,
    config: RecipeFile = None,
    steps: Steps = AUTOENCODER.steps,
    max_minutes: Minutes = AUTOENCODER.max_minutes,
    seed: Seed = AUTOENCODER.seed,
    resume: Resume = False,
    tiny: Annotated[bool, typer.Option("--tiny", help="The tiny 32x32 test model.")] = False,
    init: Annotated[
        Path | None, typer.Option("--init", help="Start from this checkpoint's autoencoder.")
    ] = None,
    decoder_only: Annotated[
        bool,
        typer.Option(
            "--decoder-only",
            help="Fine-tune only the decoder of --init (encoder and latents frozen, so a flow "
            "trained on it stays valid; ship it with `train export --decoder`).",
        ),
    ] = False,
) -> None:
    """Train the image <-> latent autoencoder (stage 1).

    Example: signgen train autoencoder -o runs/ae --max-minutes 25 --seed 0
    """
    _train(ctx, AutoencoderTrainConfig, init)


@train_app.command("flow")
def flow_command(
    ctx: typer.Context,
    out: Out,
    autoencoder: Annotated[
        Path, typer.Option("--autoencoder", "-a", help="Checkpoint from `train autoencoder`.")
    ],
    init: Annotated[
        Path | None,
        typer.Option("--init", help="Start from this checkpoint's flow (fine-tune it)."),
    ] = None,
    config: RecipeFile = None,
    steps: Steps = FLOW.steps,
    max_minutes: Minutes = FLOW.max_minutes,
    seed: Seed = FLOW.seed,
    resume: Resume = False,
) -> None:
    """Train the flow (pose/reference encoders, velocity UNet) on a frozen autoencoder.

    Example: signgen train flow -a runs/ae -o runs/flow --max-minutes 60 --seed 0

    With a recipe: signgen train recipe flow > flow.json, edit it, then
    signgen train flow -a runs/ae -o runs/flow -c flow.json

    Fine-tune the shipped model: signgen train flow -a checkpoints/rpfm-128
    --init checkpoints/rpfm-128 -o runs/tune --max-minutes 60
    """
    _train(ctx, FlowTrainConfig, autoencoder, init)


@train_app.command("recipe")
def recipe_command(
    stage: Annotated[Stage, typer.Argument(help="autoencoder or flow.")],
) -> None:
    """Print the default training recipe of a stage as JSON: save it, edit it, pass it with
    --config.

    Example: signgen train recipe flow > flow.json
    """
    defaults = config_dict(AUTOENCODER if stage == "autoencoder" else FLOW)
    recipe = {name: value for name, value in defaults.items() if name not in RUN_FIELDS}
    print(json.dumps(recipe, indent=2))


@train_app.command("export")
def export_command(
    run: Annotated[Path, typer.Argument(help="Training run folder (from `train flow`).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Shippable checkpoint folder.")],
    eval_json: Annotated[
        Path | None, typer.Option("--eval-json", help="`signgen eval --json` report to record.")
    ] = None,
    decoder: Annotated[
        Path | None,
        typer.Option("--decoder", help="Run of `train autoencoder --decoder-only` to ship with."),
    ] = None,
) -> None:
    """Copy a run's EMA weights as bf16 (no optimizer state) into a shippable checkpoint.

    Example: signgen train export runs/flow -o checkpoints/rpfm-128 --eval-json eval.json
    """
    try:
        check_output_folder(out, "--out")
        _check_checkpoint_out(out, run, decoder)
        extra = None
        if eval_json is not None:
            try:
                extra = {"eval": json.loads(eval_json.read_text())}
            except (OSError, ValueError, RecursionError) as error:
                raise ConfigError(f"unreadable eval report: {error}", path=eval_json) from error
        from signgen.checkpoint import export_checkpoint

        with stop_cleanly_on_sigterm():
            folder = export_checkpoint(run, out, extra_info=extra, decoder=decoder)
    except SigngenError as error:
        fail(error)
    size = sum(f.stat().st_size for f in folder.iterdir()) / 1e6
    console.print(f"wrote {folder} ({size:.1f} MB)")


@train_app.command("average")
def average_command(
    checkpoints: Annotated[
        list[Path], typer.Argument(help="Checkpoints or runs to average (fine-tunes of one model).")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Checkpoint folder to write.")],
    weights: Annotated[
        str | None,
        typer.Option("--weights", help="One weight per checkpoint, e.g. 3,1 (default: equal)."),
    ] = None,
) -> None:
    """Average the weights of fine-tunes of one model into one checkpoint (a "model soup").

    Example: signgen train average runs/shipped runs/tune-a runs/tune-b -o runs/soup
    """
    try:
        check_output_folder(out, "--out")
        _check_checkpoint_out(out, *checkpoints)
        shares = None
        if weights is not None:
            try:
                shares = [float(part) for part in weights.split(",")]
            except ValueError as error:
                raise ConfigError(f"--weights: not a list of numbers: {weights!r}") from error
        from signgen.checkpoint import average_checkpoints

        with stop_cleanly_on_sigterm():
            folder = average_checkpoints(checkpoints, out, weights=shares)
    except SigngenError as error:
        fail(error)
    console.print(f"wrote {folder}, the average of {len(checkpoints)} checkpoints")
