"""Command-line interface: thin Typer commands, each building a config and calling one function.

Every command module registers itself on `app` when imported below.
"""

# Command modules (import order = help order).
from signgen.cli import (
    batch,  # noqa: F401, E402
    bench,  # noqa: F401, E402
    eval,  # noqa: F401, E402
    extract,  # noqa: F401, E402
    gloss,  # noqa: F401, E402
    poses,  # noqa: F401, E402
    render,  # noqa: F401, E402
    serve,  # noqa: F401, E402
    synth,  # noqa: F401, E402
    train,  # noqa: F401, E402
)
from signgen.cli.app import app, main

__all__ = ["app", "main"]
