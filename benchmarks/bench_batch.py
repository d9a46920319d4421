"""One clip at a time vs cross-clip batching on the same manifest: frames/s.

    .venv/bin/python benchmarks/bench_batch.py [--checkpoint checkpoints/rpfm-128]
        [--clips 8] [--frames 40] [--batch-sizes 1,4,8] [--threads 2] [--dtype bf16]

The manifest: ``--clips`` clips, the real recordings of tests/data/poses cut to ``--frames``
frames, alternating two signers (the test photo and the shipped synthetic reference), each
with its own seed. Without ``--checkpoint`` a random-weight TINY model (32x32) is used.
Two figures per batch size, both after a warm-up pass of the same shapes:
- end to end: `LocalEngine.run` (inputs, frames, mp4 mux, reports) = what `signgen batch` does;
- frame loop only: the prepared clips through `render_many` (no video), the network's share.
Speed-up is against batch size 1 (one clip at a time) in the same run.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from time import perf_counter

import torch

from signgen.batch import RendererSettings, load_manifest
from signgen.batch.engine_local import LocalEngine
from signgen.batch.manifest import ClipJob
from signgen.checkpoint import save_checkpoint
from signgen.model import RPFM, TINY
from signgen.render.multi import render_many

REPO = Path(__file__).resolve().parents[1]
POSES = sorted((REPO / "tests" / "data" / "poses").glob("*.pose"))
REFERENCES = [REPO / "tests" / "data" / "fake_human_256.png", REPO / "examples" / "reference.png"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path, default=None)
    parser.add_argument("--clips", type=int, default=8)
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--batch-sizes", default="1,4,8")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--dtype", default="bf16", choices=("bf16", "fp32"))
    args = parser.parse_args()
    sizes = [int(s) for s in args.batch_sizes.split(",")]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        checkpoint = args.checkpoint or _tiny(folder)
        manifest = _manifest(folder, args.clips, args.frames)
        print(
            f"{'TINY (random weights)' if args.checkpoint is None else args.checkpoint}, "
            f"{args.dtype}, {args.threads} threads, {args.clips} clips x {args.frames} frames"
        )
        print(f"{'batch size':>10} {'end-to-end fps':>15} {'x':>5} {'frame loop fps':>15} {'x':>5}")
        base: tuple[float, float] | None = None
        for size in sizes:
            settings = RendererSettings(checkpoint, "cpu", args.dtype, args.threads, size)
            engine = LocalEngine(settings)
            jobs = load_manifest(manifest, folder / f"out{size}").jobs
            _end_to_end(engine, jobs)  # warm-up: oneDNN builds kernels per batch shape
            end_to_end = _end_to_end(engine, jobs)
            loop = max(_frame_loop(engine, jobs) for _ in range(2))
            base = base or (end_to_end, loop)
            print(
                f"{size:>10} {end_to_end:>15.1f} {end_to_end / base[0]:>5.2f} "
                f"{loop:>15.1f} {loop / base[1]:>5.2f}"
            )


def _end_to_end(engine: LocalEngine, jobs: tuple[ClipJob, ...]) -> float:
    for job in jobs:  # render every clip again (a finished clip would be skipped by run_batch)
        job.report.unlink(missing_ok=True)
    start = perf_counter()
    outcomes = engine.run(jobs)
    seconds = perf_counter() - start
    assert all(o.status == "rendered" for o in outcomes), [o.error for o in outcomes]
    return sum(o.frames for o in outcomes) / seconds


def _frame_loop(engine: LocalEngine, jobs: tuple[ClipJob, ...]) -> float:
    clips = [(job.id, engine.inputs.prepare(job)) for job in jobs]
    frames = sum(stream.num_frames for _, stream in clips)
    start = perf_counter()
    for _ in render_many(engine.renderer, clips, engine.settings.batch_size):
        pass
    return frames / (perf_counter() - start)


def _tiny(folder: Path) -> Path:
    torch.manual_seed(0)
    return save_checkpoint(folder / "tiny", RPFM(TINY))


def _manifest(folder: Path, clips: int, frames: int) -> Path:
    from signgen.io import read_poses, write_poses

    rows = []
    for i in range(clips):
        source = POSES[i % len(POSES)]
        poses = read_poses(source)
        cut = folder / f"clip{i}.pose"
        write_poses(poses.frames(0, min(frames, poses.num_frames)), cut)
        reference = str(REFERENCES[i % len(REFERENCES)])
        rows.append({"id": f"clip{i}", "reference": reference, "poses": cut.name, "seed": i})
    path = folder / "bench.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


if __name__ == "__main__":
    main()
