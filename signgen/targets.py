"""Targets checked against measured figures: `Check` rows and a table.

`signgen eval` checks the model targets and `benchmarks/bench_latency.py` the performance
targets; both print them with `checks_table` and write them into their JSON reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text

# The flicker target: within 15% of the ground truth's (issues 4 and 9).
FLICKER_TOLERANCE = 0.15


@dataclass(frozen=True)
class Check:
    """``name``: what is compared; ``value``: the measured figure; ``target``: the bound."""

    name: str
    value: float
    target: str
    passed: bool


def flicker_ok(ratio: float) -> bool:
    """A render's flicker within `FLICKER_TOLERANCE` of its ground truth's (ratio to it)."""
    return abs(ratio - 1.0) <= FLICKER_TOLERANCE


def checks_table(checks: list[Check], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column in ("check", "measured", "target", ""):
        table.add_column(column, justify="left" if column == "check" else "right")
    for check in checks:
        mark = Text("pass", style="green") if check.passed else Text("miss", style="red")
        table.add_row(check.name, f"{check.value:.3f}", check.target, mark)
    return table
