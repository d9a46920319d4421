"""Pose extraction speed on this CPU: decoding alone, Holistic start-up, and end to end.

    .venv/bin/python benchmarks/bench_extract.py [VIDEO] [--repeats N]

Defaults to the real signer clip in tests/data (540x720, 58 frames). Prints frames/s.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from signgen.extract import extract_poses, probe_video
from signgen.extract.holistic import HolisticBackend
from signgen.io.video import read_frames

VIDEO = Path(__file__).resolve().parents[1] / "tests" / "data" / "pose_tests_test_video.mp4"


def _best_of(repeats: int, run: object) -> float:
    assert callable(run)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", nargs="?", type=Path, default=VIDEO)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    info = probe_video(args.video)
    print(
        f"video: {args.video.name}, {info.width}x{info.height}, {info.num_frames} frames, "
        f"{info.fps:.2f} fps; CPU cores: {os.cpu_count()}"
    )

    for reader in ("decord", "ffmpeg"):
        probed = probe_video(args.video, reader=reader)
        seconds = _best_of(args.repeats, lambda p=probed: sum(1 for _ in read_frames(p)))
        print(f"decode only ({reader:6}): {info.num_frames / seconds:8.1f} frames/s")

    first = next(read_frames(info))

    def start_and_first_frame() -> None:
        with HolisticBackend() as backend:  # its native logs are silenced until frame 1 is done
            backend(first)

    startup = _best_of(args.repeats, start_and_first_frame)
    print(f"Holistic start-up + first frame: {startup * 1000:.0f} ms")

    for every in (1, 2):
        kept = len(range(0, info.num_frames, every))
        seconds = _best_of(args.repeats, lambda e=every: extract_poses(args.video, every=e))
        print(
            f"extract_poses every={every}: {kept / seconds:6.1f} pose frames/s "
            f"({kept} frames in {seconds:.2f} s, start-up included; "
            f"{info.num_frames / seconds:.1f} video frames/s)"
        )

    poses = extract_poses(args.video)
    found = {
        c: float(np.mean(poses.visible(c))) for c in ("body", "face", "left_hand", "right_hand")
    }
    print("found in frames: " + ", ".join(f"{c} {v:.0%}" for c, v in found.items()))


if __name__ == "__main__":
    main()
