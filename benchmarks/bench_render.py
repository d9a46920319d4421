"""Warm start vs cold start on one held-out synthetic clip: ms/frame, NFE/frame, quality, flicker.

    .venv/bin/python benchmarks/bench_render.py [--checkpoint checkpoints/rpfm-128]
        [--frames 60] [--threads 2] [--dtype bf16]

Every row renders the same clip (a held-out signer performing the held-out real recording,
poses already in the frame, so the ground truth lines up) with the same network; the
reference is encoded once per row. Figures: p50/p95 ms per frame (without the mux), NFE per
frame, SSIM and hand-crop SSIM against the ground truth, flicker (mean |frame_k - frame_k-1|)
against the ground truth's own flicker. Prints a plain table.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import numpy as np

from signgen.metrics import flicker, hand_crop_ssim, ssim
from signgen.render import Renderer, RenderOptions
from signgen.synth.dataset import heldout_clip

ROWS: dict[str, RenderOptions] = {
    "cold, 2 steps every frame": RenderOptions(warm_start="none", steps=2),
    "cold, 1 step every frame": RenderOptions(warm_start="none", steps=1),
    "sdedit warm start (t0 0.7)": RenderOptions(warm_start="sdedit", t0=0.7),
    "trained warm start (1 NFE)": RenderOptions(),
    "trained warm, keyframe/25": RenderOptions(keyframe_interval=25),
    "trained warm, adaptive": RenderOptions(adaptive=True),
    "deadline 40 ms": RenderOptions(budget_ms=40.0, max_extra_steps=2),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path, default=Path("checkpoints/rpfm-128"))
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--dtype", default="bf16", choices=("bf16", "fp32"))
    args = parser.parse_args()
    renderer = Renderer.from_checkpoint(
        args.checkpoint, device="cpu", dtype=args.dtype, threads=args.threads
    )
    clip = heldout_clip(0, args.frames, renderer.size)
    truth_flicker = flicker(clip.frames)
    print(
        f"{args.checkpoint}, {renderer.size}x{renderer.size}, {args.dtype}, {args.threads} "
        f"threads, {args.frames} frames; ground-truth flicker {truth_flicker:.4f}"
    )
    print(
        f"{'row':30} {'p50 ms':>7} {'p95 ms':>7} {'NFE':>5} {'SSIM':>6} {'hand':>6} {'flicker':>8}"
    )
    for name, options in ROWS.items():
        options = replace(options, fit_poses=False, smoothing="none")
        stream = renderer.render_clip(
            clip.reference, clip.poses, options, reference_pose=clip.reference_pose
        )
        frames = list(stream)
        images = np.stack([f.image for f in frames])
        totals = np.array([f.timing.total_ms for f in frames[1:]])  # frame 0 is always cold
        nfe = np.mean([f.timing.nfe for f in frames])
        print(
            f"{name:30} {np.percentile(totals, 50):7.1f} {np.percentile(totals, 95):7.1f} "
            f"{nfe:7.2f} {ssim(images, clip.frames):7.3f} "
            f"{hand_crop_ssim(images, clip.frames, clip.masks):7.3f} {flicker(images):7.4f}"
        )


if __name__ == "__main__":
    main()
