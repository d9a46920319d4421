"""Synthetic signer throughput on one core (CPU time of this process, so other load on the
machine does not count): frames/s of `render_frame` and items/s of
`PairDataset` (3 renders + motion per item), at 128 and 256 px.

Run: .venv/bin/python benchmarks/bench_synth.py
"""

from __future__ import annotations

import time

import cv2
import torch

from signgen.synth import Appearance, render_frame
from signgen.synth.dataset import PairDataset
from signgen.synth.motion import generated_motion


def frames_per_second(size: int, frames: int = 400) -> float:
    looks = [Appearance.from_seed(seed) for seed in range(8)]
    motions = [generated_motion(look, size, frames // 8, seed=i) for i, look in enumerate(looks)]
    for look, motion in zip(looks, motions, strict=True):  # warm the per-appearance caches
        render_frame(look, motion.xy[0], motion.conf[0], size)
    start = time.process_time()
    for look, motion in zip(looks, motions, strict=True):
        for t in range(motion.num_frames):
            render_frame(look, motion.xy[t], motion.conf[t], size)
    return frames / (time.process_time() - start)


def items_per_second(size: int, items: int = 200) -> float:
    dataset = PairDataset(size=size, seed=0)
    dataset.item(0)
    start = time.process_time()
    for index in range(1, items + 1):
        dataset.item(index)
    return items / (time.process_time() - start)


def main() -> None:
    cv2.setNumThreads(1)
    torch.set_num_threads(1)
    for size in (128, 256):
        print(f"render_frame {size}x{size}: {frames_per_second(size):7.0f} frames/s (1 core)")
    for size in (128, 256):
        print(f"PairDataset  {size}x{size}: {items_per_second(size):7.0f} items/s (1 core)")


if __name__ == "__main__":
    main()
