"""`signgen train autoencoder|flow|export|average`: train and ship RPFM (synthetic world)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from signgen.cli.app import command_group, console, fail
from signgen.cli.outputs import same_path, stop_cleanly_on_sigterm
from signgen.cli.paths import check_output_folder
from signgen.errors import ConfigError, SigngenError

# torch and the model load only when a command runs: `signgen --help` stays fast.
if TYPE_CHECKING:
    from signgen.train import TrainResult

train_app = command_group(
    "train",
    "Train the model: the autoencoder first, then the flow on top of it.",
    "signgen train autoencoder -o runs/ae --max-minutes 25",
    "signgen train flow -a runs/ae -o runs/flow --max-minutes 60",
    "signgen train export runs/flow -o checkpoints/mine",
)

Out = Annotated[Path, typer.Option("--out", "-o", help="Checkpoint folder (written as it goes).")]
ConfigFile = Annotated[
    Path | None, typer.Option("--config", "-c", help="JSON file of training options.")
]
Steps = Annotated[int | None, typer.Option(help="Stop after this many steps.")]
Minutes = Annotated[float | None, typer.Option("--max-minutes", help="Stop after this long.")]
BatchSize = Annotated[int | None, typer.Option("--batch-size", help="Pairs per step.")]
Lr = Annotated[float | None, typer.Option("--lr", help="Peak AdamW learning rate.")]
Seed = Annotated[int | None, typer.Option(help="Seed of weights and data (reproducible).")]
Threads = Annotated[int | None, typer.Option(help="torch threads per process.")]
Workers = Annotated[int | None, typer.Option(help="Loader processes rendering pairs (0 = here).")]
Bf16 = Annotated[bool | None, typer.Option("--bf16/--fp32", help="bf16 autocast.")]
EvalEvery = Annotated[int | None, typer.Option("--eval-every", help="Held-out eval period.")]
EvalPairs = Annotated[int | None, typer.Option("--eval-pairs", help="Held-out pairs.")]
SaveEvery = Annotated[float | None, typer.Option("--save-every", help="Seconds between saves.")]
Fresh = Annotated[int | None, typer.Option("--fresh-per-step", help="New pairs rendered per step.")]
Resume = Annotated[bool, typer.Option("--resume", help="Continue the run saved in --out.")]


def _check_checkpoint_out(out: Path, *sources: Path | None) -> None:
    """Before any work: the output folder (replaced as a whole on saving) is new, empty or a
    checkpoint, and not one of the inputs."""
    from signgen.checkpoint import check_checkpoint_target

    for source in sources:
        if source is not None and same_path(out, source):
            raise ConfigError("the output would replace an input checkpoint", path=out)
    check_checkpoint_target(out)


def _report(result: TrainResult) -> None:
    metrics = "  ".join(f"{k} {v:.4f}" for k, v in result.metrics.items())
    console.print(f"{result.steps} steps in {result.wall_s / 60:.1f} min -> {result.checkpoint}")
    if metrics:
        console.print(metrics, highlight=False)


@train_app.command("autoencoder")
def autoencoder_command(
    out: Out,
    config: ConfigFile = None,
    steps: Steps = None,
    max_minutes: Minutes = None,
    batch_size: BatchSize = None,
    lr: Lr = None,
    seed: Seed = None,
    threads: Threads = None,
    workers: Workers = None,
    bf16: Bf16 = None,
    eval_every: EvalEvery = None,
    eval_pairs: EvalPairs = None,
    save_every: SaveEvery = None,
    fresh_per_step: Fresh = None,
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
    options = dict(out=out, steps=steps, max_minutes=max_minutes, batch_size=batch_size, lr=lr,
                   seed=seed, threads=threads, workers=workers, bf16=bf16, eval_every=eval_every,
                   eval_pairs=eval_pairs, save_every_s=save_every, resume=resume or None,
                   tiny=tiny or None, fresh_per_step=fresh_per_step, init=init,
                   decoder_only=decoder_only or None)  # fmt: skip
    try:
        check_output_folder(out, "--out")
        from signgen.train import AutoencoderTrainConfig, build_config, train_autoencoder

        settings = build_config(AutoencoderTrainConfig, config, options)
        _check_checkpoint_out(out, init)
        with stop_cleanly_on_sigterm():
            _report(train_autoencoder(settings))
    except SigngenError as error:
        fail(error)


@train_app.command("flow")
def flow_command(
    out: Out,
    autoencoder: Annotated[
        Path, typer.Option("--autoencoder", "-a", help="Checkpoint from `train autoencoder`.")
    ],
    config: ConfigFile = None,
    steps: Steps = None,
    max_minutes: Minutes = None,
    batch_size: BatchSize = None,
    lr: Lr = None,
    seed: Seed = None,
    threads: Threads = None,
    workers: Workers = None,
    bf16: Bf16 = None,
    eval_every: EvalEvery = None,
    eval_pairs: EvalPairs = None,
    save_every: SaveEvery = None,
    fresh_per_step: Fresh = None,
    resume: Resume = False,
    channels: Annotated[
        str | None, typer.Option("--channels", help="UNet widths, e.g. 48,96,192.")
    ] = None,
    rollout_after: Annotated[
        int | None, typer.Option("--rollout-after", help="Steps before self-rollout starts.")
    ] = None,
    rollout_motion: Annotated[
        float | None,
        typer.Option("--rollout-motion", help="Share of self-rollouts that take a motion step."),
    ] = None,
    rollout_depth: Annotated[
        int | None,
        typer.Option("--rollout-depth", help="Longest chain of own predictions in a rollout."),
    ] = None,
    rollout_chain: Annotated[
        int | None,
        typer.Option(
            "--rollout-chain",
            help="Rollouts through up to this many recorded frames before the previous one.",
        ),
    ] = None,
    lost_hands: Annotated[
        float | None,
        typer.Option(
            "--lost-hands", help="Share of training items whose both hands the detector lost."
        ),
    ] = None,
    init: Annotated[
        Path | None,
        typer.Option("--init", help="Start from this checkpoint's flow (fine-tune it)."),
    ] = None,
) -> None:
    """Train the flow (pose/reference encoders, velocity UNet) on a frozen autoencoder.

    Example: signgen train flow -a runs/ae -o runs/flow --max-minutes 60 --seed 0

    Fine-tune the shipped model: signgen train flow -a checkpoints/rpfm-128
    --init checkpoints/rpfm-128 -o runs/tune --max-minutes 60
    """
    options = dict(out=out, autoencoder=autoencoder, steps=steps, max_minutes=max_minutes,
                   batch_size=batch_size, lr=lr, seed=seed, threads=threads, workers=workers,
                   bf16=bf16, eval_every=eval_every, eval_pairs=eval_pairs,
                   save_every_s=save_every, resume=resume or None,
                   rollout_after=rollout_after, rollout_motion=rollout_motion,
                   rollout_depth=rollout_depth, rollout_chain=rollout_chain,
                   fresh_per_step=fresh_per_step, lost_hands=lost_hands,
                   block_channels=channels, init=init)  # fmt: skip
    try:
        check_output_folder(out, "--out")
        from signgen.train import FlowTrainConfig, build_config, train_flow

        settings = build_config(FlowTrainConfig, config, options)
        _check_checkpoint_out(out, autoencoder, init)
        with stop_cleanly_on_sigterm():
            _report(train_flow(settings))
    except SigngenError as error:
        fail(error)


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
