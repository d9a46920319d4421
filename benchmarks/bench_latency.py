"""The README's sampler table: every sampler of the field on one held-out synthetic clip.

    .venv/bin/python benchmarks/bench_latency.py [--checkpoint checkpoints/rpfm-128]
        [--frames 300] [--frames-50 60] [--threads 2] [--dtype bf16] [--device cpu]
        [--compile] [--clip 0] [--budget-ms 40] [--out benchmarks/results]

Runs every row of `samplers` (50-step sampler, honest cold K, SDEdit, trained warm start,
motion-adaptive, deadline, floor) in one run on one held-out clip, then writes
``bench.json``, ``bench.png`` and ``bench.txt`` (what it prints: the rich tables, then the
Markdown table with the machine it ran on and this command) under ``--out``.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from rich.console import Console
from samplers import (
    CHECKS_TITLE,
    BenchConfig,
    bench_table,
    evaluate_checks,
    k_search_table,
    plot_bench,
    run_bench,
    write_json,
)
from samplers.table import markdown_table

from signgen.targets import checks_table


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path, default=Path("checkpoints/rpfm-128"))
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--frames-50", type=int, default=None)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--timing-rounds", type=int, default=3)
    parser.add_argument("--dtype", default="bf16", choices=("auto", "bf16", "fp32"))
    parser.add_argument("--device", default="cpu", help="auto, cpu, cuda or cuda:N")
    parser.add_argument("--compile", action="store_true", help="torch.compile the network")
    parser.add_argument("--clip", type=int, default=0, help="held-out clip (even: real motion)")
    parser.add_argument("--budget-ms", type=float, default=40.0, help="the deadline row's budget")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args(argv)
    config = BenchConfig(args.checkpoint, frames=args.frames, frames_50=args.frames_50,
                         threads=args.threads, dtype=args.dtype, device=args.device,
                         compile=args.compile, clip=args.clip, budget_ms=args.budget_ms,
                         timing_rounds=args.timing_rounds)  # fmt: skip

    def progress(task: str, done: int, total: int) -> None:
        if done == total:
            print(f"  {task}: {total} frames", file=sys.stderr, flush=True)

    report = run_bench(config, progress)
    checks = evaluate_checks(report)
    console = Console(width=150, record=True)
    for table in (bench_table(report), k_search_table(report), checks_table(checks, CHECKS_TITLE)):
        console.print(table)
    console.print()
    console.print(markdown_table(report), markup=False, highlight=False, soft_wrap=True)
    command = shlex.join(
        [".venv/bin/python", sys.argv[0], *(sys.argv[1:] if argv is None else argv)]
    )
    console.print(f"Command: `{command}`", markup=False, highlight=False, soft_wrap=True)
    args.out.mkdir(parents=True, exist_ok=True)
    write_json(report, args.out / "bench.json", {"checks": [vars(c) for c in checks]})
    plot_bench(report, args.out / "bench.png")
    (args.out / "bench.txt").write_text(console.export_text(), encoding="utf-8")
    print(f"\nwrote bench.json, bench.png and bench.txt under {args.out}")


if __name__ == "__main__":
    main()
