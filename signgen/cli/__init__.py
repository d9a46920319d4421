"""Command-line interface: thin Typer commands, each building a config and calling one function.

Every command module registers itself on `app` when imported below.
"""

from signgen.cli.app import app, main

# Command modules (import order = help order).

__all__ = ["app", "main"]
