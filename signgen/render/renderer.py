"""`Renderer`: the frame loop that turns a reference image and poses into frames.

Per clip (once): prepare the poses, encode the reference (latent, pose features, tokens) and
draw ONE fixed noise from the seed. Per frame: raster the pose, encode it, integrate the
latent (cold start from the fixed noise, or warm start from the previous latent, see
`signgen.render.plan`), decode, hand the image to the sink (the video writer). Frames stream
out one by one; only the previous latent is kept, so memory is flat for any clip length.
The per-frame step (`Renderer.render_step`) takes several clips at once: the single-clip
stream and the multi-clip loop of `signgen.render.multi` run the same code.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import torch
from torch import Tensor

from signgen.checkpoint import load_checkpoint
from signgen.cond.motion import MotionHistory
from signgen.cond.raster import pose_raster
from signgen.cond.warp import keypoints
from signgen.errors import ConfigError, ImageError
from signgen.model import RPFM, ReferenceCache, RPFMConfig, WarmStep, latent_range
from signgen.path import SIGMA_MIN, interpolate
from signgen.pose.sequence import PoseSequence
from signgen.render.deadline import Deadline
from signgen.render.options import RenderOptions
from signgen.render.plan import FramePlan, hand_motion, plan_frame
from signgen.render.poses import default_reference_pose, prepare_poses
from signgen.report import FrameTiming
from signgen.sampler import Method, Velocity, solve
from signgen.timing import Clock, timed

DType = Literal["auto", "bf16", "fp32"]
DTYPES: dict[str, torch.dtype] = {"bf16": torch.bfloat16, "fp32": torch.float32}
DTYPE_NAMES = ("auto", *DTYPES)
Sink = Callable[[int, np.ndarray], None]
"""``sink(index, image uint8 [S, S, 3])``: where each frame goes (timed as the mux stage)."""
Window = tuple[int, int, int, int]
"""A rectangle of latent cells (x0, y0, x1, y1), end exclusive."""
Wanted = Callable[[int], "Window | None"]
"""``wanted(index)``: the latent cells of frame ``index`` whose pixels will be used (None:
none of them); see `ClipState.wanted`."""
DECODE_MARGIN = 6
"""Latent cells decoded around a wanted window and then dropped: the decoder's reach, so the
window's pixels come out as the whole frame's decode gives them (within one level of 255)."""


@dataclass(frozen=True, eq=False)
class Frame:
    """One rendered frame: uint8 [S, S, 3] RGB and what it cost."""

    index: int
    image: np.ndarray
    timing: FrameTiming


class Renderer:
    """A loaded model on a device, ready to render clips (one at a time, or several batched
    frame by frame through `render_step`)."""

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
        dtype: DType = "auto",
        threads: int | None = None,
    ) -> Renderer:
        """Load ``directory`` (config.json + safetensors) onto ``device`` ("auto", "cpu",
        "cuda", "cuda:N") in ``dtype`` ("auto": `fast_dtype`); ``threads`` sets torch's
        intra-op threads."""
        if dtype not in DTYPE_NAMES:
            raise ConfigError(f"dtype must be one of {', '.join(DTYPE_NAMES)}, got {dtype!r}")
        if threads is not None:
            if threads < 1:
                raise ConfigError(f"threads must be at least 1, got {threads}")
            torch.set_num_threads(threads)
        target = resolve_device(device)
        chosen = fast_dtype(target) if dtype == "auto" else DTYPES[dtype]
        model, config = load_checkpoint(directory, device=target, dtype=chosen)
        renderer = cls(model, config, target, chosen)
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
        reference_cache: ReferenceCache | None = None,
    ) -> ClipStream:
        """Prepare a clip (errors in the inputs surface here) and return its frame stream.

        reference: uint8 [S, S, 3] RGB, S = `size` (see `signgen.io.image.read_image`).
        poses: any supported layout; fitted to the reference's shoulders.
        reference_pose: the reference's own pose in its S x S frame (canonical); a synthetic
            signer's rest pose when not given.
        reference_cache: `encode_reference(reference, reference_pose)` computed earlier (a batch
            of clips with one signer encodes the reference once).
        """
        size = self.size
        if reference.shape != (size, size, 3) or reference.dtype != np.uint8:
            raise ImageError(f"the reference must be uint8 [{size}, {size}, 3]")
        if reference_pose is None:
            reference_pose = default_reference_pose(size)
        start = self.clock.now_ms()
        prepared = prepare_poses(poses, size, reference_pose, options)
        if reference_cache is None:
            reference_cache = self.encode_reference(reference, reference_pose)
        generator = torch.Generator(device="cpu").manual_seed(options.seed)
        shape = (
            1,
            reference_cache.latent.shape[1],
            self.config.latent_size,
            self.config.latent_size,
        )
        noise = torch.randn(shape, generator=generator).to(self.device, self.dtype)
        deadline = None if options.budget_ms is None else Deadline(options.budget_ms)
        state = ClipState(
            prepared,
            options,
            reference_cache,
            noise,
            deadline,
            latent_range(reference_cache.latent),
            MotionHistory(self.config.latent_size),
        )
        return ClipStream(self, state, self.clock.now_ms() - start)

    def encode_reference(
        self, reference: np.ndarray, reference_pose: PoseSequence | None = None
    ) -> ReferenceCache:
        """The reference's latent, pose features and tokens (batch 1), computed once per signer.

        reference: uint8 [S, S, 3] RGB; reference_pose: as in `render_clip`.
        """
        if reference_pose is None:
            reference_pose = default_reference_pose(self.size)
        with torch.inference_mode():
            return self.model.encode_reference(
                self._image_tensor(reference), self._raster(reference_pose, 0)
            )

    def render_step(
        self, clips: Sequence[ClipState], sinks: Sequence[Sink | None], rows: int | None = None
    ) -> list[Frame]:
        """Render the next frame of every clip in ``clips`` as one batch through the network.

        Each clip keeps its own warm-start chain, fixed noise and reference; clips whose frames
        share a time grid and solver are integrated together. The stage times of a frame are
        those of the whole batched stage (the latency the frame saw); ``sinks[i]`` receives
        clip i's image and is timed per clip. Advances every clip by one frame. A clip with a
        ``wanted`` hook (a real-pixel clip) is asked, before the decode, which latent cells it
        will use: only those are decoded.

        rows: run the network on batches of exactly this many rows (the last one padded with
        copies): a clip's frames then do not depend on how many clips it is batched with, as
        batched kernels round differently at different batch sizes. None: one batch of all.
        """
        plans = [
            plan_frame(c.index, c.options, _motion(c.poses, c.index), c.deadline) for c in clips
        ]
        # inference_mode per step, never across a yield (it is thread-local state).
        with torch.inference_mode():
            with timed(self.clock) as pose_lap:
                rasters = _stack([self._raster(c.poses, c.index) for c in clips])
            with timed(self.clock) as cond_lap:
                features = _in_rows(self.model.encode_pose, rows, rasters)
            with timed(self.clock) as sample_lap:
                latents, nfes = self._integrate(plans, clips, features, rasters, rows)
            windows = [c.wanted(c.index) if c.wanted is not None else FULL for c in clips]
            with timed(self.clock) as decode_lap:
                images = self._decode(latents, windows, rows)
        frames = []
        for row, (clip, sink, plan, latent, nfe, image) in enumerate(
            zip(clips, sinks, plans, latents, nfes, images, strict=True)
        ):
            with timed(self.clock) as mux_lap:
                if sink is not None:
                    sink(clip.index, image)
            timing = FrameTiming(
                clip.index, plan.kind, nfe, pose_lap.ms, cond_lap.ms, sample_lap.ms,
                decode_lap.ms, mux_lap.ms,
            )  # fmt: skip
            if clip.deadline is not None:
                clip.deadline.observe(timing)
            frames.append(Frame(clip.index, image, timing))
            clip.latent = latent
            clip.motion.push(rasters[row : row + 1])
            clip.index += 1
        return frames

    def _integrate(
        self,
        plans: Sequence[FramePlan],
        clips: Sequence[ClipState],
        features: Tensor,
        rasters: Tensor,
        rows: int | None = None,
    ) -> tuple[list[Tensor], list[int]]:
        """Each clip's new latent [1, C, h, w] and the network evaluations it took.

        features: [B, F, h, w] pose features and rasters: [B, C, S, S] pose rasters of the
        clips' frames, in ``clips`` order.
        """
        latents: list[Tensor] = [features] * len(clips)  # placeholders, all replaced below
        nfes = [0] * len(clips)
        groups: dict[tuple[tuple[float, ...], Method], list[int]] = {}
        for i, (plan, clip) in enumerate(zip(plans, clips, strict=True)):
            groups.setdefault((plan.t_grid, clip.options.solver), []).append(i)
        for (t_grid, solver), members in groups.items():
            starts, previous, modes = zip(
                *(_start(plans[i], clips[i], self.size) for i in members), strict=True
            )
            velocity = self._velocity(
                _concat_references([clips[i].reference for i in members]),
                features if len(members) == len(clips) else features[members],
                torch.tensor(modes, device=self.device, dtype=self.dtype),
                rows,
            )
            solution = solve(velocity, _stack(list(starts)), t_grid, solver)
            for row, i in enumerate(members):
                clip = clips[i]
                moved = self._moved(clip, rasters[i : i + 1]) if plans[i].kind == "warm" else None
                bounds = clip.latent_bounds if clip.options.clamp else None
                # A warm frame's still cells keep the previous latent as warped, not as blurred.
                step = _warm_step(clip.options)
                latent = step.finish(previous[row], solution.x[row : row + 1], moved, bounds)
                latents[i], nfes[i] = latent, solution.nfe
        return latents, nfes

    def _decode(
        self, latents: list[Tensor], windows: list[Window | None], rows: int | None
    ) -> list[np.ndarray]:
        """Each latent [1, C, h, w] decoded to uint8 [S, S, 3]: whole (window `FULL`) in one
        batch, or only its wanted window (the rest black; None: all black)."""
        whole = [i for i, window in enumerate(windows) if window is FULL]
        images: list[np.ndarray] = [np.empty(0)] * len(latents)
        if whole:
            batch = _stack([latents[i] for i in whole])
            decoded = self._to_host(_in_rows(self.model.autoencoder.decode, rows, batch))
            for i, image in zip(whole, decoded, strict=True):
                images[i] = image
        for i, window in enumerate(windows):
            if window is not FULL:
                images[i] = self._decode_window(latents[i], window)
        return images

    def _decode_window(self, latent: Tensor, window: Window | None) -> np.ndarray:
        """uint8 [S, S, 3]: the pixels of ``window`` (latent cells) decoded, black elsewhere."""
        size = self.size
        image = np.zeros((size, size, 3), np.uint8)
        cells = latent.shape[-1]
        if window is None:
            return image
        x0, y0, x1, y1 = (min(cells, max(0, v)) for v in window)
        if x1 <= x0 or y1 <= y0:
            return image
        # Decode the window with a margin, keep the window: its pixels are then the whole
        # frame's, and the decode costs its share of the frame.
        mx0, my0 = max(0, x0 - DECODE_MARGIN), max(0, y0 - DECODE_MARGIN)
        mx1, my1 = min(cells, x1 + DECODE_MARGIN), min(cells, y1 + DECODE_MARGIN)
        crop = latent[..., my0:my1, mx0:mx1].contiguous(memory_format=torch.channels_last)
        (decoded,) = self._to_host(self.model.autoencoder.decode(crop))
        f = size // cells
        inner = decoded[(y0 - my0) * f : (y1 - my0) * f, (x0 - mx0) * f : (x1 - mx0) * f]
        image[y0 * f : y1 * f, x0 * f : x1 * f] = inner
        return image

    def _moved(self, clip: ClipState, raster: Tensor) -> Tensor | None:
        """Where a warm frame's pose moved (`signgen.cond.MotionHistory`); None when
        stabilisation is off (``static_gain`` 1), so nothing is damped."""
        return None if clip.options.static_gain >= 1.0 else clip.motion.moved(raster)

    def _velocity(
        self, reference: ReferenceCache, features: Tensor, mode: Tensor, rows: int | None = None
    ) -> Velocity:
        """The network as the solver's ``velocity(x [B, C, h, w], t [B]) -> v`` (evaluated in
        batches of ``rows`` rows when given, see `render_step`)."""

        def network(
            x: Tensor, t: Tensor, latent: Tensor, pose: Tensor, tokens: Tensor, f: Tensor,
            m: Tensor,
        ) -> Tensor:  # fmt: skip
            return self.model.velocity(x, t, ReferenceCache(latent, pose, tokens), f, m)

        def velocity(x: Tensor, t: Tensor) -> Tensor:
            if rows is None:
                return self.model.velocity(x, t, reference, features, mode)
            ref = reference
            return _in_rows(
                network, rows, x, t, ref.latent, ref.pose_features, ref.tokens, features, mode
            )

        return velocity

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
    def _to_host(images: Tensor) -> list[np.ndarray]:
        """[B, 3, S, S] about [-1, 1] -> B x uint8 [S, S, 3]: the step's one device-to-host copy."""
        pixels = ((images.float() + 1.0) * 127.5).round().clamp(0, 255).to(torch.uint8)
        return list(pixels.permute(0, 2, 3, 1).contiguous().cpu().numpy())


@dataclass(eq=False)
class ClipState:
    """One clip inside the frame loop: what `render_step` reads and advances.

    poses:     canonical, in the render frame (prepared); one frame per output frame.
    reference: the reference signer's cache (batch 1).
    noise:     [1, C, h, w] the clip's ONE fixed noise (seeded by ``options.seed``).
    latent_bounds: per-channel (min, max) of the reference latent (`latent_range`), which
               every frame's latent is clamped to when ``options.clamp``.
    latent:    [1, C, h, w] the previous frame's latent (the warm-start chain); None before
               frame 0.
    wanted:    which latent cells of a frame the clip's owner will use (`Wanted`): only
               those are decoded, the rest of the image is black; None: all of them.
    motion:    the last frames' pose rasters (where did the pose move?).
    index:     the next frame to render.
    """

    poses: PoseSequence
    options: RenderOptions
    reference: ReferenceCache
    noise: Tensor
    deadline: Deadline | None
    latent_bounds: tuple[Tensor, Tensor]
    motion: MotionHistory
    latent: Tensor | None = None
    index: int = 0
    wanted: Wanted | None = None

    @property
    def finished(self) -> bool:
        return self.index >= self.poses.num_frames


class Clip(ABC):
    """A prepared clip, drawn by the network or through the real-pixel path: ``poses``
    (canonical, in the output frame), ``setup_ms``, and its frames: iterate it, or
    `frames(sink)` to have each image passed to ``sink`` inside the timed loop (so deadline
    mode counts the mux)."""

    setup_ms: float

    @property
    @abstractmethod
    def poses(self) -> PoseSequence: ...

    @abstractmethod
    def frames(self, sink: Sink | None = None) -> Iterator[Frame]:
        """Render the frames one by one (call once per clip)."""

    @property
    def num_frames(self) -> int:
        return self.poses.num_frames

    @property
    def fps(self) -> float:
        return self.poses.fps

    def __iter__(self) -> Iterator[Frame]:
        return self.frames()


class ClipStream(Clip):
    """A clip the network draws whole; ``setup_ms``: pose preparation + reference encoding.
    ``state`` is what a multi-clip loop (`signgen.render.multi`) batches with other clips."""

    def __init__(self, renderer: Renderer, state: ClipState, setup_ms: float) -> None:
        self.state = state
        self.setup_ms = setup_ms
        self._renderer = renderer

    def frames(self, sink: Sink | None = None) -> Iterator[Frame]:
        """Render the frames one by one (call once per clip)."""
        while not self.state.finished:
            yield from self._renderer.render_step([self.state], [sink])

    @property
    def poses(self) -> PoseSequence:
        return self.state.poses


FULL: Window = (0, 0, 1 << 30, 1 << 30)
"""The window of every latent cell (what a clip without `ClipState.wanted` is decoded to)."""


def _start(plan: FramePlan, clip: ClipState, image_size: int) -> tuple[Tensor, Tensor, int]:
    """Where the clip's frame starts on which path: (x_init [1, C, h, w], the previous latent
    its still cells keep [1, C, h, w], mode)."""
    if plan.kind == "cold" or clip.latent is None:
        return clip.noise, clip.noise, 0
    if plan.kind == "warm":  # the trained frame-to-frame path starts at z_prev
        span = slice(clip.index - 1, clip.index + 1)
        poses = keypoints(clip.poses.xy[span], clip.poses.conf[span]).to(clip.latent.device)
        x_init, kept = _warm_step(clip.options).start(clip.latent, poses[:1], poses[1:], image_size)
        return x_init, kept, 1
    # sdedit: back onto the noise path at t0, with the clip's fixed noise
    start = interpolate(clip.noise, clip.latent, plan.t_grid[0], SIGMA_MIN)
    return start, start, 0


def _warm_step(options: RenderOptions) -> WarmStep:
    return WarmStep(options.warp, options.soften, options.static_gain)


def _in_rows(function: Callable[..., Tensor], rows: int | None, *batches: Tensor) -> Tensor:
    """``function(*batches)`` computed on batches of exactly ``rows`` rows (the last padded by
    repeating its first row; padding rows are dropped): each row's result is then the same
    whatever the other rows are (measured: bit-identical at a fixed batch size, ~1e-6 apart
    between batch sizes). ``rows`` None: one call on the whole batch."""
    if rows is None:
        return function(*batches)
    total = batches[0].shape[0]
    outputs = []
    for start in range(0, total, rows):
        chunk = [b[start : start + rows] for b in batches]
        missing = rows - chunk[0].shape[0]
        if missing:
            chunk = [torch.cat([c, c[:1].expand(missing, *c.shape[1:])]) for c in chunk]
        outputs.append(function(*chunk)[: rows - missing])
    return outputs[0] if len(outputs) == 1 else torch.cat(outputs)


def _stack(tensors: list[Tensor]) -> Tensor:
    """[1, ...] tensors -> [B, ...] (a single one is passed through, not copied)."""
    return tensors[0] if len(tensors) == 1 else torch.cat(tensors)


def _concat_references(caches: list[ReferenceCache]) -> ReferenceCache:
    """Batch-1 caches of several clips -> one cache with a row per clip."""
    if len(caches) == 1:
        return caches[0]
    return ReferenceCache(
        latent=torch.cat([c.latent for c in caches]),
        pose_features=torch.cat([c.pose_features for c in caches]),
        tokens=torch.cat([c.tokens for c in caches]),
    )


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


def fast_dtype(device: torch.device) -> torch.dtype:
    """bf16 where it runs natively (CUDA; a CPU with AVX-512 BF16 or AMX), else fp32: on a
    CPU without them bf16 is emulated and several times slower than fp32."""
    if device.type == "cuda":
        return torch.bfloat16
    if device.type != "cpu":
        return torch.float32
    try:
        flags = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return torch.float32
    return torch.bfloat16 if ("avx512_bf16" in flags or "amx_bf16" in flags) else torch.float32
