"""`PersonRenderer`: a real reference photo rendered with its own pixels, at output size.

Per frame the reference is composed into the target pose (`PersonScene`, at output size) and
the flow network renders the same pose at its own size (warm-started, one evaluation per
frame); the network's frame is used only where the composite has no reference pixel to move
in for a hand (the ``fill`` mask: the fingers of a hand the reference does not show),
colour-matched to the signer there. Everything else is the reference's own pixels (or, for
a piece of a limb the reference does not show, their colours continued), so a still signer
stays exactly still.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import torch

from signgen.errors import ImageError
from signgen.io import pose_sidecar, read_canonical
from signgen.person.compose import Composite, PersonScene
from signgen.person.segment import person_mask
from signgen.pose.layouts import LEFT_HAND, LEFT_WRIST, RIGHT_HAND, RIGHT_WRIST
from signgen.pose.sequence import PoseSequence
from signgen.render.options import RenderOptions, Smoothing
from signgen.render.poses import estimate_reference_pose, frame_reference_pose, prepare_poses
from signgen.render.renderer import Clip, ClipStream, Frame, Renderer, Sink, Window
from signgen.timing import Clock, timed

EASE_SECONDS = 0.5
"""The clip starts in the reference's own pose and eases into the sequence over this time."""
MIN_FILL = 1e-3  # fill weight below which a pixel keeps the composite
NEAR, FAR = 40.0, 90.0  # mean |RGB| departure of a generated pixel from the paint: kept .. dropped
SMOOTHING: Smoothing = "none"
"""The real-pixel path's pose filter: none. Parts stay still until their points move past
the jitter threshold (`PersonScene`), and a smoothed track lags a real signer's own motion."""


class PersonRenderer:
    """A loaded flow model (`Renderer`) used at any output size through the real-pixel path."""

    def __init__(self, renderer: Renderer, size: int) -> None:
        check_output_size(size)
        self.network = renderer
        self.size = size

    @property
    def device(self) -> torch.device:
        return self.network.device

    @property
    def dtype(self) -> torch.dtype:
        return self.network.dtype

    @property
    def source(self) -> Path | None:
        return self.network.source

    def render_clip(
        self,
        reference: np.ndarray,
        poses: PoseSequence,
        options: RenderOptions,
        *,
        reference_pose: PoseSequence | None,
        person: np.ndarray | None = None,
        ease_seconds: float = EASE_SECONDS,
    ) -> PersonClip:
        """Prepare a clip (errors in the inputs surface here) and return its frame stream.

        reference: uint8 [S, S, 3] RGB at the output size S; reference_pose: its own pose
        (canonical, its pixels); person: float32 [S, S] person mask (`person_mask` when None);
        ease_seconds: how long the clip takes to ease from the reference's own pose into the
        sequence (0: the sequence as it is, e.g. a single target pose).
        """
        size = self.size
        if reference.shape != (size, size, 3) or reference.dtype != np.uint8:
            raise ImageError(f"the reference must be uint8 [{size}, {size}, 3]")
        if reference_pose is None:
            raise ImageError("the real-pixel path needs the reference's own pose")
        clock = self.network.clock
        start = clock.now_ms()
        prepared = prepare_poses(poses, size, reference_pose, options, anchor="first")
        if ease_seconds > 0:
            prepared = ease_in(prepared, reference_pose, ease_seconds)
        scene = person_scene(reference, reference_pose, person)
        stream = self._network_clip(reference, prepared, reference_pose, options)
        return PersonClip(scene, prepared, stream, clock, clock.now_ms() - start)

    def _network_clip(
        self,
        reference: np.ndarray,
        prepared: PoseSequence,
        reference_pose: PoseSequence,
        options: RenderOptions,
    ) -> ClipStream:
        """The network's own clip at its size: the prepared poses scaled, nothing re-fitted."""
        small = self.network.size
        image = cv2.resize(reference, (small, small), interpolation=cv2.INTER_AREA)
        as_is = dataclasses.replace(options, fit_poses=False, smoothing="none", max_gap=0)
        return self.network.render_clip(
            image,
            rescale(prepared, small),
            as_is,
            reference_pose=rescale(reference_pose, small),
        )


class PersonClip(Clip):
    """A real-pixel clip: the reference composed into each pose, the network's frames
    (``network``) where the reference has no pixels.

    Each frame is composed before the network's step decodes it (`ClipState.wanted`), so the
    step decodes only the latent cells under the composite's ``fill`` (none at all when the
    frame has no fill)."""

    def __init__(
        self,
        scene: PersonScene,
        poses: PoseSequence,
        network: ClipStream,
        clock: Clock,
        setup_ms: float,
    ) -> None:
        self.scene = scene
        self.clock = clock
        self._poses = poses
        self.network = network
        self.setup_ms = setup_ms
        self._composed: tuple[int, Composite, float] | None = None  # index, composite, ms
        network.state.wanted = self._wanted

    @property
    def poses(self) -> PoseSequence:
        return self._poses

    def frames(self, sink: Sink | None = None) -> Iterator[Frame]:
        """Render the frames one by one (call once per clip)."""
        for drawn in self.network.frames():
            yield self.finish(drawn, sink)

    def finish(self, drawn: Frame, sink: Sink | None = None) -> Frame:
        """The output frame for the network's frame ``drawn`` (from `frames`, or from this
        clip's ``network`` stream stepped in a batch with other clips): the reference composed
        into the frame's pose, the network's pixels where it has none; passed to ``sink``."""
        index = drawn.index
        composite, compose_ms = self._composite(index)
        with timed(self.clock) as blend_lap:
            image = blend_fill(composite, drawn.image)
        with timed(self.clock) as mux_lap:
            if sink is not None:
                sink(index, image)
        compose_ms += blend_lap.ms
        timing = dataclasses.replace(drawn.timing, compose_ms=compose_ms, mux_ms=mux_lap.ms)
        return Frame(index, image, timing)

    def _wanted(self, index: int) -> Window | None:
        """The network's latent cells that frame ``index`` uses: those under its fill."""
        composite, _ = self._composite(index)
        return fill_window(composite.fill, self.network.state.noise.shape[-1])

    def _composite(self, index: int) -> tuple[Composite, float]:
        """Frame ``index`` composed (once: kept from `_wanted` for `finish`), and its ms."""
        if self._composed is None or self._composed[0] != index:
            with timed(self.clock) as lap:
                composite = self.scene.compose(self.poses.xy[index], self.poses.conf[index])
            self._composed = (index, composite, lap.ms)
        return self._composed[1], self._composed[2]


def check_output_size(size: int) -> None:
    """Raise ImageError unless ``size`` is an output size the real-pixel path renders."""
    if not 64 <= size <= 1024 or size % 8:
        raise ImageError(f"the output size must be a multiple of 8 in 64..1024, got {size}")


def person_scene(
    reference: np.ndarray, reference_pose: PoseSequence, person: np.ndarray | None = None
) -> PersonScene:
    """The reference (uint8 [S, S, 3]) split into parts at its own pose (first frame, its
    pixels); ``person``: float32 [S, S] mask (`person_mask` when None)."""
    mask = person_mask(reference) if person is None else person
    return PersonScene(reference, reference_pose.xy[0], reference_pose.conf[0], mask)


def photo_pose(image: np.ndarray, path: Path | None = None) -> PoseSequence:
    """A reference photo's own pose in ``image``'s frame (uint8 [S, S, 3], `read_image`
    framing): from its sidecar NAME.pose.json beside ``path`` when there is one, else found
    by MediaPipe. Raises ImageError naming ``path`` when no person is found."""
    size = image.shape[0]
    if path is not None:
        sidecar = pose_sidecar(path)
        if sidecar.is_file():
            return frame_reference_pose(read_canonical(sidecar), size)
    try:
        return estimate_reference_pose(image)
    except ImageError as error:
        if path is None:
            raise
        raise ImageError(error.message.removesuffix(" in the reference image"), path=path) from None


def fill_window(fill: np.ndarray, cells: int) -> Window | None:
    """The latent cells (of a ``cells`` x ``cells`` latent) under ``fill`` (float32 [S, S])
    where it is at least `MIN_FILL`, one cell wider for `blend_fill`'s resampling; None
    when there is no fill."""
    x, y, width, height = cv2.boundingRect((fill >= MIN_FILL).astype(np.uint8))
    if width == 0:
        return None
    per_cell = fill.shape[0] / cells
    x0, y0 = int(x // per_cell) - 1, int(y // per_cell) - 1
    x1 = int(np.ceil((x + width) / per_cell)) + 1
    y1 = int(np.ceil((y + height) / per_cell)) + 1
    return max(0, x0), max(0, y0), min(cells, x1), min(cells, y1)


def blend_fill(composite: Composite, generated: np.ndarray) -> np.ndarray:
    """The composite with the network's frame (uint8 [s, s, 3], any size) where it has no
    reference pixels (``composite.fill``), shifted to the composite's colours there; a
    generated pixel far from the painted colour under it (what shows through the network's
    own hand) leaves the paint, so a hand stays opaque."""
    fill = composite.fill
    if float(fill.max(initial=0.0)) < MIN_FILL:
        return composite.image
    size = composite.image.shape[0]
    x0, y0, width, height = cv2.boundingRect((fill >= MIN_FILL).astype(np.uint8))
    x1, y1 = x0 + width, y0 + height
    scale = generated.shape[0] / size
    # Resize only the region that is used: the crop of the generated frame that maps onto it.
    matrix = np.array([[scale, 0, scale * (x0 + 0.5) - 0.5], [0, scale, scale * (y0 + 0.5) - 0.5]])
    region = cv2.warpAffine(
        generated.astype(np.float32), matrix, (int(x1 - x0), int(y1 - y0)),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REPLICATE,
    )  # fmt: skip
    weight = fill[y0:y1, x0:x1]
    base = composite.image[y0:y1, x0:x1].astype(np.float32)
    # The network's colours moved onto the signer's: the typical difference where it fills
    # (a median, so a stretch where it shows something else does not tint the rest).
    inside = weight >= 0.5
    if inside.any():
        shift = np.median((base - region)[inside], axis=0)
    else:
        shift = ((base - region) * weight[..., None]).sum(axis=(0, 1)) / float(weight.sum())
    out = composite.image.copy()
    brought = region + shift
    # The generated pixel is trusted where it keeps to the painted colour; where it departs
    # far from it (the network's own backdrop or face showing through a hand) the paint holds.
    departure = np.abs(brought - base).mean(axis=-1)
    weight = weight * np.clip((FAR - departure) / (FAR - NEAR), 0.0, 1.0)
    mixed = base + weight[..., None] * (brought - base)
    out[y0:y1, x0:x1] = np.clip(mixed + 0.5, 0, 255).astype(np.uint8)
    return out


def ease_in(poses: PoseSequence, reference_pose: PoseSequence, seconds: float) -> PoseSequence:
    """``poses`` whose first frame is moved onto the reference's own pose (points seen in
    both; hand points the reference lacks move with their wrist), the offset fading out over
    ``seconds`` (a half cosine): the clip starts exactly as the photo and eases into the
    sequence."""
    span = max(1, int(round(seconds * poses.fps)))
    both = (poses.conf[0] > 0) & (reference_pose.conf[0] > 0)
    offset = np.where(both[:, None], reference_pose.xy[0] - poses.xy[0], 0.0)
    for hand, wrist in ((LEFT_HAND, LEFT_WRIST), (RIGHT_HAND, RIGHT_WRIST)):
        if both[wrist]:  # a hand the reference does not show follows its wrist
            unseen = np.arange(hand.start, hand.stop)[~both[hand]]
            offset[unseen] = offset[wrist]
    count = min(span, poses.num_frames)
    weight = 0.5 + 0.5 * np.cos(np.pi * np.arange(count) / span)
    xy = poses.xy.copy()
    xy[:count] += (weight[:, None, None] * offset[None]).astype(np.float32)
    return poses.replace(xy=xy)


def rescale(poses: PoseSequence, size: int) -> PoseSequence:
    """``poses`` (in a square frame) in a ``size`` x ``size`` frame."""
    factor = np.float32(size / poses.width)
    return poses.replace(xy=poses.xy * factor, width=size, height=size)
