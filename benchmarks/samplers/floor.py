"""The floor row: one velocity-network evaluation and one decode per frame, timed directly.

No frame loop around it: the pose raster and pose features of each frame are prepared
outside the timed block (with the motion mask of the stabilisation and the pose flow of the
warp), then the warp of the previous latent (`RenderOptions.warp`), its blur
(`RenderOptions.soften`), one Euler step of the trained frame-to-frame path (frame 0: of the
noise path from the clip's fixed noise), the damping of still cells
(`RenderOptions.static_gain`, at its default), the latent clamp and the decode with its host
copy are timed.
What the renderer adds on top of this (raster, pose features, planning, Python) is the
difference between the trained warm-start row and this one.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from signgen.cond.motion import MotionHistory
from signgen.cond.raster import pose_raster
from signgen.cond.warp import keypoints, pose_flow, warp_latent
from signgen.eval import to_uint8
from signgen.model import WarmStep, latent_range
from signgen.render import Renderer
from signgen.report import FrameTiming
from signgen.synth.dataset import SynthClip

FrameDone = Callable[[int], None]


def clip_noise(renderer: Renderer, seed: int) -> torch.Tensor:
    """The clip's fixed noise [1, C, h, w], drawn as `Renderer.render_clip` draws it."""
    latent = renderer.config.autoencoder.latent_channels
    shape = (1, latent, renderer.config.latent_size, renderer.config.latent_size)
    noise = torch.randn(shape, generator=torch.Generator(device="cpu").manual_seed(seed))
    return noise.to(renderer.device, renderer.dtype)


def measure_floor(
    renderer: Renderer, clip: SynthClip, frames: int, seed: int, done: FrameDone | None = None
) -> tuple[np.ndarray, tuple[FrameTiming, ...]]:
    """Render ``frames`` frames at 1 NFE each: images uint8 [T, S, S, 3] and their timings
    (``sample_ms`` = the network evaluation, ``decode_ms`` = decode + host copy)."""
    model, clock = renderer.model, renderer.clock
    device, dtype = renderer.device, renderer.dtype
    reference = renderer.encode_reference(clip.reference, clip.reference_pose)
    latent = clip_noise(renderer, seed)
    bounds = latent_range(reference.latent)
    time = torch.zeros(1, device=device, dtype=dtype)
    images, timings = [], []
    history = MotionHistory(renderer.config.latent_size)  # the last frames' rasters
    points = keypoints(clip.poses.xy, clip.poses.conf).to(device)
    sizes = renderer.config.latent_size, renderer.size
    # The warp runs on the pose flow prepared outside the timed block, so not in the step.
    warm, cold = WarmStep(warp=False), WarmStep(warp=False, soften=False)
    for index in range(frames):
        mode = torch.full((1,), min(index, 1), device=device, dtype=dtype)
        with torch.inference_mode():
            raster = pose_raster(clip.poses.xy[index], clip.poses.conf[index], renderer.size)
            tensor = torch.from_numpy(raster)[None].to(device, dtype)
            features = model.encode_pose(tensor.contiguous(memory_format=torch.channels_last))
            moved = history.moved(tensor)
            # Frame 0 is cold: nothing to warp.
            pair = (points[index - 1 : index], points[index : index + 1]) if index else None
            flow = None if pair is None else pose_flow(*pair, *sizes)
            start = clock.now_ms()
            if flow is not None:
                latent = warp_latent(latent, flow)
            step = warm if index else cold  # frame 0 is cold: noise, unblurred
            x_init, kept = step.start(latent)
            predicted = x_init + model.velocity(x_init, time, reference, features, mode)
            # Warm frames stabilised and every frame clamped, as the renderer keeps them.
            latent = step.finish(kept, predicted, moved, bounds)
            sampled = clock.now_ms()
            images.append(to_uint8(model.autoencoder.decode(latent))[0])
            decoded = clock.now_ms()
        history.push(tensor)
        kind = "cold" if index == 0 else "warm"
        timings.append(
            FrameTiming(index, kind, 1, sample_ms=sampled - start, decode_ms=decoded - sampled)
        )
        if done is not None:
            done(index + 1)
    return np.stack(images), tuple(timings)
