"""The Typer application and the one place that turns signgen errors into a red line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from signgen import __version__
from signgen.errors import SigngenError

app = typer.Typer(
    name="signgen",
    help="Real-time sign-language video generation (RPFM: latent flow matching).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
# Markup is off: file names and gloss text are printed as given (``[bold]x.pose`` stays so);
# the CLI's own styling goes through `styled`.
console = Console(stderr=True, markup=False)


def styled(label: str, style: str, message: object) -> Text:
    """``label`` in ``style``, then ``message`` as plain text (never read as markup)."""
    return Text.assemble((label, style), " ", str(message))


def _version(value: bool) -> None:
    if value:
        print(f"signgen {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """signgen: pose files / gloss text -> RPFM renderer -> mp4 + latency report."""


def command_group(name: str, summary: str, *examples: str) -> typer.Typer:
    """A `signgen NAME ...` group of commands, registered on the app, whose help is
    ``summary`` followed by ``examples`` (one command line each)."""
    group = typer.Typer(
        name=name,
        help="\n\n".join((summary, "Examples:", *examples)),
        no_args_is_help=True,
    )
    app.add_typer(group, name=name)
    return group


def fail(error: SigngenError) -> None:
    """Print one red line for ``error`` and exit with its code."""
    console.print(styled("error:", "bold red", error), highlight=False, soft_wrap=True)
    sys.exit(error.exit_code)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except SigngenError as error:
        fail(error)
    except OSError as error:  # a write the checks up front could not foresee (disk full, ...)
        where = f"{error.filename}: " if error.filename else ""
        fail(SigngenError(f"{where}{error.strerror or error}"))


DEFAULT_CHECKPOINT = Path(__file__).resolve().parents[2] / "checkpoints" / "rpfm-128"
Checkpoint = Annotated[
    Path,
    typer.Option(
        help="Model checkpoint folder (config.json + safetensors).",
        show_default="checkpoints/rpfm-128",
    ),
]

Clamp = Annotated[
    bool,
    typer.Option(
        "--clamp/--no-clamp",
        help="Keep latents in the reference latent's per-channel range (stops warm-start "
        "colour drift).",
    ),
]
"""The latent clamp switch of `render` and `eval` (`signgen.model.clamp_to_reference`)."""

Warp = Annotated[
    bool,
    typer.Option(
        "--warp/--no-warp",
        help="Motion-compensated warm start: move the previous frame's latent along the pose's "
        "motion before the warm step.",
    ),
]
"""The warm-start warp switch of `render` and `eval` (`signgen.cond.warp`)."""

Soften = Annotated[
    bool,
    typer.Option(
        "--soften/--no-soften",
        help="Softened warm start: the warm step reads the previous frame's latent through a "
        "small blur, so it redraws fine detail instead of copying the previous frame's errors. "
        "The shipped weights are trained with it; --no-soften is for comparisons.",
    ),
]
"""The warm-start blur switch of `render` and `eval` (`signgen.cond.soften`)."""

StaticGain = Annotated[
    float | None,
    typer.Option(
        "--static-gain",
        help="Temporal stabilisation: the share of a warm frame's update applied where the pose "
        "stood still (1 = off, 0 = freeze still regions). Default 0.1.",
    ),
]
"""The warm-start stabilisation of `render` and `eval` (`signgen.cond.motion`); None means
`signgen.cond.motion.STATIC_GAIN` (a constant the CLI does not import: torch loads late)."""
