"""Start-up time of the CLI: `python -m signgen --help`, run as a new process each time.

    .venv/bin/python benchmarks/cli_help.py [--runs 10] [--command "--help"]

Like hyperfine: one warm-up run (file caches), then ``--runs`` timed runs; prints the
minimum, median, mean and maximum wall time. Every command imports only typer and rich at
start-up (torch, numpy, scipy and the readers load when a command runs), so this is close to
the cost of starting Python itself, which is printed beside it for reference.
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def wall_times(argv: list[str], runs: int) -> list[float]:
    """Seconds of wall time of ``runs`` runs of ``argv`` (after one untimed warm-up run)."""
    subprocess.run(argv, cwd=ROOT, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def line(label: str, times: list[float]) -> str:
    return (
        f"{label:<28} min {min(times):.3f} s  median {statistics.median(times):.3f} s  "
        f"mean {statistics.mean(times):.3f} s  max {max(times):.3f} s  ({len(times)} runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--command", default="--help", help="signgen arguments to time")
    args = parser.parse_args()
    cli = [sys.executable, "-m", "signgen", *shlex.split(args.command)]
    print(line(f"signgen {args.command}", wall_times(cli, args.runs)))
    print(line("python -c pass", wall_times([sys.executable, "-c", "pass"], args.runs)))


if __name__ == "__main__":
    main()
