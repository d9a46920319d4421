"""Live serving under load: N concurrent WebSocket streams vs offline batched rendering.

    .venv/bin/python benchmarks/serve_load.py [--streams 1,2,4,8] [--seconds 8] [--warmup 3]
        [--offline-frames 20] [--reference signer] [--size 128]
        [--checkpoint checkpoints/rpfm-128] [--out benchmarks/results]

A real `signgen serve` runs in a child process (the shipped 128 px checkpoint, dtype auto);
for each N, N clients connect at once, each starts with a shipped signer (``--reference``:
"signer", the real photo, through the real-pixel path at ``--size``; or "synthetic", drawn
whole by the model) and keeps a gloss sentence queued, so every stream is signing. After
``--warmup`` seconds, for
``--seconds`` seconds, per N:
- delivered fps: frames received per stream per second (the server's clock is 25 fps; a
  stream gets fewer when the batched step takes longer than a period: the pose clock skips);
- latency p50/p95: end to end, from when a frame was due on the server's clock to when its
  message was decoded by the client (same machine, same clock);
- offline: the same N clips rendered with cross-clip batching (`render_many`, no server, the
  same renderer settings; a photo's frames composed after each batched network step, as the
  batch engine does) in this run, total frames/s (best of two passes);
- ratio = delivered / offline frames/s.
Results print as a table and are written to OUT/serve_load.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np
import websockets

REPO = Path(__file__).resolve().parents[1]
SENTENCE = ("KLEINE KINDER ESSEN PIZZA", "sgg")
FPS = 25.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", default="1,2,4,8")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--offline-frames", type=int, default=20)
    parser.add_argument("--reference", choices=("signer", "synthetic"), default="signer")
    parser.add_argument("--size", type=int, choices=(128, 256), default=128)
    parser.add_argument("--checkpoint", type=Path, default=REPO / "checkpoints" / "rpfm-128")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    args = parser.parse_args()
    counts = [int(n) for n in args.streams.split(",")]
    offline = {
        n: offline_fps(args.checkpoint, n, args.offline_frames, args.reference, args.size)
        for n in counts
    }
    start = {"reference": args.reference, "size": args.size}
    live = serve_and_measure(args.checkpoint, counts, args.warmup, args.seconds, start)
    rows = []
    for n in counts:
        row = {**live[n], "offline_fps_total": round(offline[n], 2)}
        row["ratio"] = round(row["delivered_fps_total"] / offline[n], 3) if offline[n] else None
        rows.append(row)
    header = (
        f"{'N':>2} {'fps/stream':>10} {'fps total':>9} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'server p95':>10} {'offline fps':>11} {'ratio':>6}"
    )
    print(header)
    for r in rows:
        print(
            f"{r['streams']:>2} {r['delivered_fps_per_stream']:>10.2f} "
            f"{r['delivered_fps_total']:>9.2f} {r['latency_p50_ms']:>7.0f} "
            f"{r['latency_p95_ms']:>7.0f} {r['server_latency_p95_ms']:>10.0f} "
            f"{r['offline_fps_total']:>11.2f} {r['ratio']:>6.2f}"
        )
    args.out.mkdir(parents=True, exist_ok=True)
    meta = {"clock_fps": FPS, "seconds": args.seconds, "cpus": os.cpu_count(), **start}
    (args.out / "serve_load.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    print(f"wrote {args.out / 'serve_load.json'}")


def offline_fps(checkpoint: Path, clips: int, frames: int, reference: str, size: int) -> float:
    """Total frames/s of ``clips`` clips of the sentence rendered batched, no server."""
    from signgen.gloss import Lexicon, glosses_to_poses
    from signgen.io.image import read_image
    from signgen.person.segment import person_mask
    from signgen.render import Renderer
    from signgen.render.multi import render_many
    from signgen.render.real import PersonRenderer, photo_pose
    from signgen.render.recipe import load_recipe
    from signgen.serve.service import REFERENCES

    network = Renderer.from_checkpoint(checkpoint)
    photo = reference != "synthetic"
    person = PersonRenderer(network, size)
    image = read_image(REFERENCES[reference], size if photo else network.size)
    own = photo_pose(image) if photo else None
    text, language = SENTENCE
    poses = glosses_to_poses(text, language=language, lexicon=Lexicon.default(), fps=FPS)
    poses = poses.frames(0, min(frames, poses.num_frames))
    recipe = load_recipe(checkpoint)
    smoothing = "none" if photo else "savgol"
    options = [recipe.options(seed=k, smoothing=smoothing) for k in range(clips)]

    mask = person_mask(image) if photo else None

    def prepare(length: int) -> list[tuple[int, Any]]:
        """The clips (their first ``length`` frames), ready: (key, stream or real clip)."""
        clip_poses = poses.frames(0, length)
        if not photo:
            return [(k, network.render_clip(image, clip_poses, o)) for k, o in enumerate(options)]
        return [
            (k, person.render_clip(image, clip_poses, o, reference_pose=own, person=mask))
            for k, o in enumerate(options)
        ]

    def run(prepared: list[tuple[int, Any]]) -> int:
        """Render the prepared clips batched (a real clip's frames composed); frames rendered."""
        if not photo:
            return sum(1 for _ in render_many(network, prepared, clips))
        real = dict(prepared)
        count = 0
        for item in render_many(network, [(k, c.network) for k, c in prepared], clips):
            real[item.key].finish(item.frame)
            count += 1
        return count

    run(prepare(2))  # warm up
    best = 0.0
    for _ in range(2):  # best of two: the machine may be shared
        prepared = prepare(poses.num_frames)
        start = time.perf_counter()
        count = run(prepared)
        best = max(best, count / (time.perf_counter() - start))
    return best


def serve_and_measure(
    checkpoint: Path, counts: list[int], warmup: float, seconds: float, start: dict[str, Any]
) -> dict[int, dict[str, Any]]:
    port = _free_port()
    command = [
        sys.executable, "-c", "from signgen.cli import main; main()", "serve", "--port", str(port),
        "--checkpoint", str(checkpoint), "--max-streams", str(max(counts)),
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=REPO)
    try:
        _wait_healthy(port, server)
        return {n: asyncio.run(_load(port, n, warmup, seconds, start)) for n in counts}
    finally:
        server.terminate()
        server.wait(timeout=60)


async def _load(
    port: int, streams: int, warmup: float, seconds: float, start: dict[str, Any]
) -> dict[str, Any]:
    begin = time.time() + warmup
    end = begin + seconds
    clients = (_client(port, k, begin, end, start) for k in range(streams))
    results = await asyncio.gather(*clients)
    latencies = np.concatenate([np.asarray(r[0], float) for r in results])
    server = np.concatenate([np.asarray(r[1], float) for r in results])
    frames = sum(len(r[0]) for r in results)
    return {
        "streams": streams,
        "delivered_fps_per_stream": round(frames / streams / seconds, 2),
        "delivered_fps_total": round(frames / seconds, 2),
        "latency_p50_ms": round(float(np.percentile(latencies, 50)), 1),
        "latency_p95_ms": round(float(np.percentile(latencies, 95)), 1),
        "server_latency_p95_ms": round(float(np.percentile(server, 95)), 1),
        "dropped": int(sum(r[2] for r in results)),
    }


async def _client(
    port: int, number: int, begin: float, end: float, start: dict[str, Any]
) -> tuple[list[float], list[float], int]:
    """One stream: start, keep the sentence queued, record frames between ``begin`` and ``end``."""
    text, language = SENTENCE
    latencies: list[float] = []
    server: list[float] = []
    dropped = 0
    async with websockets.connect(f"ws://127.0.0.1:{port}/stream", max_size=2**22) as ws:
        hello = {"type": "start", **start, "language": language, "seed": number}
        await ws.send(json.dumps(hello))
        await ws.send(json.dumps({"type": "gloss", "text": text}))
        pending = True  # a sentence sent, its "queued" answer not back yet
        while time.time() < end:
            message = json.loads(await ws.recv())
            now = time.time()
            if message["type"] == "error":
                raise RuntimeError(message["message"])
            if message["type"] == "queued":
                pending = False
            if message["type"] != "frame":
                continue
            if message["queued"] < FPS and not pending:  # keep signing: queue it again
                await ws.send(json.dumps({"type": "gloss", "text": text}))
                pending = True
            if now >= begin:
                latencies.append(now * 1000.0 - message["due_ms"])
                server.append(message["latency_ms"])
                dropped = message["dropped"]
    return latencies, server, dropped


def _wait_healthy(port: int, server: subprocess.Popen[bytes], timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as reply:
                if json.loads(reply.read())["status"] == "ok":
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("the server did not come up")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


if __name__ == "__main__":
    main()
