"""`Renderer`: the frame loop that turns a reference image and poses into frames.

Per clip (once): prepare the poses, encode the reference (latent, pose features, tokens) and
draw ONE fixed noise from the seed. Per frame: raster the pose, encode it, integrate the
latent (cold start from the fixed noise, or warm start from the previous latent, see
`signgen.render.plan`), decode, hand the image to the sink (the video writer). Frames stream
out one by one; only the previous latent is kept, so memory is flat for any clip length.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import torch
from torch import Tensor

from signgen.checkpoint import load_checkpoint
from signgen.cond.raster import pose_raster
from signgen.errors import ConfigError, ImageError
from signgen.model import RPFM, ReferenceCache, RPFMConfig
from signgen.path import SIGMA_MIN, interpolate
from signgen.pose.sequence import PoseSequence
from signgen.render.deadline import Deadline
from signgen.render.options import RenderOptions
from signgen.render.plan import FramePlan, hand_motion, plan_frame
from signgen.render.poses import default_reference_pose, prepare_poses
from signgen.report import FrameTiming
from signgen.sampler import solve
from signgen.timing import Clock, timed

DType = Literal["bf16", "fp32"]
DTYPES: dict[str, torch.dtype] = {"bf16": torch.bfloat16, "fp32": torch.float32}
Sink = Callable[[int, np.ndarray], None]
"""``sink(index, image uint8 [S, S, 3])``: where each frame goes (timed as the encode stage)."""


@dataclass(frozen=True, eq=False)
class Frame:
    """One rendered frame: uint8 [S, S, 3] RGB and what it cost."""

    index: int
    image: np.ndarray
    timing: FrameTiming


class Renderer:
    """A loaded model on a device, ready to render clips (one clip at a time)."""

    def __init__(self, model: RPFM, config: RPFMConfig, device: torch.device, dtype: torch.dtype):
        self.config = config
        self.device = device
        self.dtype = dtype
        # channels_last: the layout oneDNN's bf16 convolutions want (~40% faster on this CPU).
        self.model = model.to(device=device, dtype=dtype)
        self.model.to(memory_format=torch.channels_last)  # type: ignore[call-overload]
        self.model.eval()
        self.clock = Clock(device)
        self.source: Path | None = None  # the checkpoint folder, when loaded from one

    @classmethod
    def from_checkpoint(
        cls,
        directory: str | Path,
        device: str = "auto",
        dtype: DType = "bf16",
        threads: int | None = None,
    ) -> Renderer:
        """Load ``directory`` (config.json + safetensors) onto ``device`` ("auto", "cpu",
        "cuda", "cuda:N") in ``dtype``; ``threads`` sets torch's intra-op threads."""
        if dtype not in DTYPES:
            raise ConfigError(f"dtype must be one of {', '.join(DTYPES)}, got {dtype!r}")
        if threads is not None:
            if threads < 1:
                raise ConfigError(f"threads must be at least 1, got {threads}")
            torch.set_num_threads(threads)
        target = resolve_device(device)
        model, config = load_checkpoint(directory, device=target, dtype=DTYPES[dtype])
        renderer = cls(model, config, target, DTYPES[dtype])
        renderer.source = Path(directory)
        return renderer

    @property
    def size(self) -> int:
        """Frame height and width in pixels."""
        return self.config.image_size

    def render_clip(
        self,
        reference: np.ndarray,
        poses: PoseSequence,
        options: RenderOptions,
        *,
        reference_pose: PoseSequence | None = None,
    ) -> ClipStream:
        """Prepare a clip (errors in the inputs surface here) and return its frame stream.

        reference: uint8 [S, S, 3] RGB, S = `size` (see `signgen.io.image.read_image`).
        poses: any supported layout; fitted to the reference's shoulders.
        reference_pose: the reference's own pose in its S x S frame (canonical); a synthetic
            signer's rest pose when not given.
        """
        size = self.size
        if reference.shape != (size, size, 3) or reference.dtype != np.uint8:
            raise ImageError(f"the reference must be uint8 [{size}, {size}, 3]")
        if reference_pose is None:
            reference_pose = default_reference_pose(size)
        start = self.clock.now_ms()
        prepared = prepare_poses(poses, size, reference_pose, options)
        with torch.inference_mode():
            cache = self.model.encode_reference(
                self._image_tensor(reference), self._raster(reference_pose, 0)
            )
            generator = torch.Generator(device="cpu").manual_seed(options.seed)
            shape = (1, cache.latent.shape[1], self.config.latent_size, self.config.latent_size)
            noise = torch.randn(shape, generator=generator).to(self.device, self.dtype)
        setup_ms = self.clock.now_ms() - start
        return ClipStream(
            prepared, setup_ms, lambda sink: self._frames(prepared, cache, noise, options, sink)
        )

    def _frames(
        self,
        poses: PoseSequence,
        cache: ReferenceCache,
        noise: Tensor,
        options: RenderOptions,
        sink: Sink | None,
    ) -> Iterator[Frame]:
        deadline = None if options.budget_ms is None else Deadline(options.budget_ms)
        latent: Tensor | None = None
        for index in range(poses.num_frames):
            plan = plan_frame(index, options, _motion(poses, index), deadline)
            # inference_mode per frame, never across a yield (it is thread-local state).
            with torch.inference_mode():
                with timed(self.clock) as pose_lap:
                    raster = self._raster(poses, index)
                with timed(self.clock) as cond_lap:
                    features = self.model.encode_pose(raster)
                with timed(self.clock) as sample_lap:
                    latent, nfe = self._integrate(plan, latent, noise, cache, features, options)
                with timed(self.clock) as decode_lap:
                    image = self._to_host(self.model.autoencoder.decode(latent))
            with timed(self.clock) as encode_lap:
                if sink is not None:
                    sink(index, image)
            timing = FrameTiming(
                index, plan.kind, nfe, pose_lap.ms, cond_lap.ms, sample_lap.ms, decode_lap.ms,
                encode_lap.ms,
            )  # fmt: skip
            if deadline is not None:
                deadline.observe(timing)
            yield Frame(index, image, timing)

    def _integrate(
        self,
        plan: FramePlan,
        previous: Tensor | None,
        noise: Tensor,
        cache: ReferenceCache,
        features: Tensor,
        options: RenderOptions,
    ) -> tuple[Tensor, int]:
        """The frame's latent [1, C, h, w] and the network evaluations it took."""
        if plan.kind == "cold" or previous is None:
            start, mode = noise, 0
        elif plan.kind == "warm":
            start, mode = previous, 1  # the trained frame-to-frame path starts at z_prev
        else:  # sdedit: back onto the noise path at t0, with the clip's fixed noise
            start, mode = interpolate(noise, previous, plan.t_grid[0], SIGMA_MIN), 0
        mode_tensor = torch.full((1,), mode, device=self.device, dtype=self.dtype)

        def velocity(x: Tensor, t: Tensor) -> Tensor:
            return self.model.velocity(x, t, cache, features, mode_tensor)

        solution = solve(velocity, start, plan.t_grid, options.solver)
        return solution.x, solution.nfe

    def _raster(self, poses: PoseSequence, index: int) -> Tensor:
        """[1, C, S, S] pose raster of frame ``index`` on the device."""
        raster = pose_raster(poses.xy[index], poses.conf[index], self.size)
        tensor = torch.from_numpy(raster)[None].to(self.device, self.dtype)
        return tensor.contiguous(memory_format=torch.channels_last)

    def _image_tensor(self, image: np.ndarray) -> Tensor:
        """uint8 [S, S, 3] -> [1, 3, S, S] in [-1, 1] on the device."""
        tensor = torch.from_numpy(image).to(self.device).permute(2, 0, 1)[None]
        scaled = tensor.to(self.dtype) / 127.5 - 1.0
        return scaled.contiguous(memory_format=torch.channels_last)

    @staticmethod
    def _to_host(image: Tensor) -> np.ndarray:
        """[1, 3, S, S] about [-1, 1] -> uint8 [S, S, 3]: the frame's one device-to-host copy."""
        pixels = ((image[0].float() + 1.0) * 127.5).round().clamp(0, 255).to(torch.uint8)
        return pixels.permute(1, 2, 0).contiguous().cpu().numpy()


class ClipStream:
    """A prepared clip: ``poses`` (canonical, in the render frame), ``setup_ms`` (pose
    preparation + reference encoding), and its frames: iterate it, or `frames(sink)` to have
    each image passed to ``sink`` inside the timed loop (so deadline mode counts the mux)."""

    def __init__(
        self,
        poses: PoseSequence,
        setup_ms: float,
        start: Callable[[Sink | None], Iterator[Frame]],
    ) -> None:
        self.poses = poses
        self.setup_ms = setup_ms
        self._start = start

    def frames(self, sink: Sink | None = None) -> Iterator[Frame]:
        """Render the frames one by one (call once per clip)."""
        return self._start(sink)

    @property
    def num_frames(self) -> int:
        return self.poses.num_frames

    @property
    def fps(self) -> float:
        return self.poses.fps

    def __iter__(self) -> Iterator[Frame]:
        return self.frames()


def _motion(poses: PoseSequence, index: int) -> float:
    """Hand motion (px) from frame ``index - 1`` to ``index``; 0 for the first frame."""
    if index == 0:
        return 0.0
    return hand_motion(
        poses.xy[index - 1], poses.conf[index - 1], poses.xy[index], poses.conf[index]
    )


def resolve_device(device: str) -> torch.device:
    """ "auto" -> CUDA when available, else CPU; anything else is checked and returned."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except RuntimeError as error:
        raise ConfigError(f"unknown device {device!r} (use auto, cpu or cuda)") from error
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError(f"device {device!r} requested but CUDA is not available")
    if resolved.type not in ("cpu", "cuda"):
        raise ConfigError(f"unsupported device {device!r} (use auto, cpu or cuda)")
    return resolved
