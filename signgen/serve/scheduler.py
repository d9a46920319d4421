"""`Scheduler`: one thread that steps every open stream together, on the frame clock.

Each tick renders the next frame of all started streams in ONE `Renderer.render_step` call
(cross-clip batching, as batch rendering does; each stream keeps its own warm-start chain,
fixed noise and reference). The clock holds the frame rate: a tick that overruns its period
does not queue up late frames, the pose clock of every stream jumps ahead by the periods it
missed, so the signing keeps real time and the delivered frame rate drops instead of the
latency growing. Each stream's deadline (`signgen.render.deadline`) sizes its cold starts to
the period.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from signgen.render.renderer import Renderer
from signgen.serve.live import LiveStream, Signer, frame_message

log = logging.getLogger("signgen.serve")


@dataclass
class TickStats:
    """What the scheduler has done so far (for /health)."""

    ticks: int = 0
    frames: int = 0
    late_ticks: int = 0
    last_step_ms: float = 0.0


class Scheduler:
    """Renders the frames of every registered stream at ``fps``."""

    def __init__(self, renderer: Renderer, fps: float, model_lock: threading.Lock) -> None:
        self.renderer = renderer
        self.fps = fps
        self.period = 1.0 / fps
        self.model_lock = model_lock
        self.stats = TickStats()
        self._streams: dict[int, LiveStream] = {}
        self._guard = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="signgen-scheduler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def add(self, stream: LiveStream) -> None:
        with self._guard:
            self._streams[stream.number] = stream

    def remove(self, stream: LiveStream) -> None:
        with self._guard:
            self._streams.pop(stream.number, None)

    def __len__(self) -> int:
        with self._guard:
            return len(self._streams)

    def _run(self) -> None:
        epoch = time.time() - time.monotonic()  # monotonic -> wall clock, for clients
        due = time.monotonic()
        while not self._stop.is_set():
            wait = due - time.monotonic()
            if wait > 0 and self._stop.wait(wait):
                return
            # Periods that passed while the last tick ran: skip them, show the newest pose.
            missed = max(0, int((time.monotonic() - due) / self.period))
            due += missed * self.period
            self.stats.late_ticks += missed > 0
            try:
                self._tick(1 + missed, due, epoch)
            except Exception:  # noqa: BLE001  # the clock must outlive any one bad frame
                log.exception("a scheduler tick failed")
            due += self.period

    def _tick(self, advance: int, due: float, epoch: float) -> None:
        """Render and hand out one frame per started stream (``due``: its monotonic time)."""
        with self._guard:
            ready = [(s, s.signer) for s in self._streams.values() if s.signer is not None]
        if not ready:
            return
        signers: list[Signer] = [signer for _, signer in ready if signer is not None]
        states = [signer.window(advance) for signer in signers]
        started = time.monotonic()
        try:
            with self.model_lock:
                frames = self.renderer.render_step(states, [None] * len(states))
        except Exception as error:
            for stream, _ in ready:
                stream.offer_error(f"rendering failed: {type(error).__name__}: {error}")
            raise
        self.stats.last_step_ms = (time.monotonic() - started) * 1000.0
        self.stats.ticks += 1
        for (stream, _), signer, drawn in zip(ready, signers, frames, strict=True):
            frame = signer.finish(drawn)  # outside the model lock: offline renders go on
            data = signer.encode(frame.image)
            latency = (time.monotonic() - due) * 1000.0
            stream.offer_frame(
                frame_message(signer, frame, data, (due + epoch) * 1000.0, latency, len(ready))
            )
            signer.rendered += 1
            self.stats.frames += 1
