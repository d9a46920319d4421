"""One live stream: its signer (reference, warm-start chain, pose queue) and its outbox.

The scheduler thread renders a stream's frames (`Signer.window` feeds `Renderer.render_step`
the frame to show and the one before it, so the warm start and the motion-compensated warp
see the real motion). The event loop sends them: the outbox keeps only the NEWEST frame, so a
client that reads slowly skips frames (counted in ``dropped``) instead of growing a queue.
"""

from __future__ import annotations

import asyncio
import base64
import json
from dataclasses import dataclass, replace
from time import perf_counter
from typing import Any, Literal

import cv2
import numpy as np

from signgen.person.compose import Composite, PersonScene
from signgen.pose.sequence import PoseSequence
from signgen.render.real import blend_fill, fill_window, rescale
from signgen.render.renderer import FULL, ClipState, Frame, Window
from signgen.serve.queue import PoseFrame, PoseQueue

FrameFormat = Literal["jpeg", "webp"]
MAX_CONTROL = 64
"""Control messages (ready, queued, warning, error) waiting to be sent; older ones beyond are
dropped, a client that never reads must not grow the server's memory."""


@dataclass(eq=False)
class Signer:
    """What the scheduler renders for a stream: the network's clip state (reference cache,
    fixed noise, previous latent, at the network's size), the poses to show (in the stream's
    frame of ``size`` px) and, for a photo, its parts (``scene``: the real-pixel path, the
    network fills in only what the photo does not show). Replaced whole when the stream
    starts again."""

    state: ClipState
    queue: PoseQueue
    like: PoseSequence  # the signer's rest pose in the stream's frame: layout, size and fps
    network_size: int
    scene: PersonScene | None
    format: FrameFormat
    quality: int
    shoulder_width: float
    shoulder_center: tuple[float, float]
    language: str
    rendered: int = 0
    previous: PoseFrame | None = None
    gloss: str | None = None
    composed: tuple[Composite, float] | None = None  # this tick's composite and its ms

    def __post_init__(self) -> None:
        if self.scene is not None:  # the network decodes only what the photo lacks
            self.state.wanted = self._wanted

    def window(self, advance: int) -> ClipState:
        """Set the clip state up for this tick's frame, ``advance`` frames of the pose clock on.

        The state's poses become [previous, now] with ``index`` 1 (or [now] with ``index`` 0
        for the stream's first frame, a cold start), in the network's frame:
        `Renderer.render_step` reads only these.
        """
        now = self.queue.advance(advance)
        self.gloss = now.gloss
        frames = [now] if self.previous is None else [self.previous, now]
        xy = np.stack([f.xy for f in frames])
        conf = np.stack([f.conf for f in frames])
        shown = self.like.replace(xy=xy, conf=conf, glosses=())
        self.state.poses = rescale(shown, self.network_size)
        self.state.index = len(frames) - 1
        self.previous = now
        self.composed = None
        return self.state

    @property
    def size(self) -> int:
        """The stream's frame size (px a side)."""
        return self.like.width

    def finish(self, drawn: Frame) -> Frame:
        """The frame to show (uint8 [size, size, 3]) from the network's frame ``drawn`` of the
        pose set by the last `window`: the photo composed into that pose with the network's
        pixels only where the photo has none, or (no photo: a stream at the network's size)
        the network's frame itself. Its timing gains the compose time."""
        if self.scene is None or self.previous is None:
            return drawn
        composite, compose_ms = self._composite(self.scene, self.previous)
        start = perf_counter()
        image = blend_fill(composite, drawn.image)
        compose_ms += (perf_counter() - start) * 1000.0
        return Frame(drawn.index, image, replace(drawn.timing, compose_ms=compose_ms))

    def _wanted(self, index: int) -> Window | None:
        """The network's latent cells this tick's frame uses: those under its fill."""
        if self.scene is None or self.previous is None:
            return FULL
        composite, _ = self._composite(self.scene, self.previous)
        return fill_window(composite.fill, self.state.noise.shape[-1])

    def _composite(self, scene: PersonScene, pose: PoseFrame) -> tuple[Composite, float]:
        """The photo composed into ``pose`` (once per tick) and what it took (ms)."""
        if self.composed is None:
            start = perf_counter()
            composite = scene.compose(pose.xy, pose.conf)
            self.composed = (composite, (perf_counter() - start) * 1000.0)
        return self.composed

    def encode(self, image: np.ndarray) -> bytes:
        """uint8 [S, S, 3] RGB -> JPEG or WebP bytes."""
        bgr = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
        if self.format == "webp":
            ok, data = cv2.imencode(".webp", bgr, [cv2.IMWRITE_WEBP_QUALITY, self.quality])
        else:
            ok, data = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, self.quality])
        if not ok:  # pragma: no cover - OpenCV encodes any uint8 RGB image
            raise RuntimeError(f"{self.format} encoding failed")
        return data.tobytes()


def frame_message(
    signer: Signer, frame: Frame, data: bytes, due_ms: float, latency_ms: float, batch: int
) -> dict[str, Any]:
    """The ``frame`` message for a rendered, encoded frame (``dropped`` is set when sent);
    ``render_ms`` counts the network's batched step and this stream's compose."""
    return {
        "type": "frame",
        "index": signer.rendered,
        "format": signer.format,
        "image": base64.b64encode(data).decode("ascii"),
        "due_ms": round(due_ms, 3),
        "latency_ms": round(latency_ms, 3),
        "render_ms": round(frame.timing.total_ms, 3),
        "batch": batch,
        "kind": frame.timing.kind,
        "nfe": frame.timing.nfe,
        "gloss": signer.gloss,
        "queued": len(signer.queue),
    }


class LiveStream:
    """A client's stream: its signer (once started) and what waits to be sent to it."""

    def __init__(self, number: int, loop: asyncio.AbstractEventLoop) -> None:
        self.number = number
        self.signer: Signer | None = None
        self.dropped = 0
        self.sent = 0
        self._loop = loop
        self._latest: dict[str, Any] | None = None
        self._control: list[dict[str, Any]] = []
        self._wake = asyncio.Event()
        self.closed = False

    def offer_frame(self, message: dict[str, Any]) -> None:
        """From any thread: make ``message`` the frame to send next (latest wins)."""
        self._loop.call_soon_threadsafe(self._put_frame, message)

    def _put_frame(self, message: dict[str, Any]) -> None:
        if self._latest is not None:
            self.dropped += 1
        self._latest = message
        self._wake.set()

    def tell(self, kind: str, **fields: Any) -> None:
        """Queue a control message (event loop thread only)."""
        if len(self._control) >= MAX_CONTROL:
            del self._control[0]
        self._control.append({"type": kind, **fields})
        self._wake.set()

    def offer_error(self, message: str) -> None:
        """From any thread: send an error line on this stream."""
        self._loop.call_soon_threadsafe(lambda: self.tell("error", message=message))

    async def next_message(self) -> str:
        """Wait for the next message to send: control messages first, then the newest frame."""
        while True:
            if self._control:
                return json.dumps(self._control.pop(0))
            if self._latest is not None:
                message, self._latest = self._latest, None
                message["dropped"] = self.dropped
                self.sent += 1
                return json.dumps(message)
            self._wake.clear()
            await self._wake.wait()
