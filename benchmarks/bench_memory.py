"""Peak memory of a long render: N and 4N frames of one signer straight into an mp4.

    .venv/bin/python benchmarks/bench_memory.py [--checkpoint checkpoints/rpfm-128]
        [--frames 300] [--threads 2] [--out benchmarks/results]

Flat memory shows as the same peak for both lengths (`samplers.memory`); writes
``memory.json`` and ``memory.txt`` (the table it prints) under ``--out``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from samplers.memory import measure_memory, memory_table, write_memory

from signgen.render import Renderer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path, default=Path("checkpoints/rpfm-128"))
    parser.add_argument("--frames", type=int, default=300, help="N: the short clip's length")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--clip", type=int, default=0, help="held-out clip (even: real motion)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args(argv)
    renderer = Renderer.from_checkpoint(args.checkpoint, device="cpu", threads=args.threads)

    def progress(task: str, done: int, total: int) -> None:
        if done == total:
            print(f"  {task}: {total} frames", file=sys.stderr, flush=True)

    lengths = (args.frames, 4 * args.frames)
    result = measure_memory(renderer, lengths, clip_index=args.clip, progress=progress)
    console = Console(width=100, record=True)
    console.print(memory_table(result))
    args.out.mkdir(parents=True, exist_ok=True)
    write_memory(result, args.out / "memory.json")
    (args.out / "memory.txt").write_text(console.export_text(), encoding="utf-8")
    print(f"wrote memory.json and memory.txt under {args.out}")


if __name__ == "__main__":
    main()
