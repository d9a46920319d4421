"""Cross-clip batching: frame k of several clips through the network in one batch.

A batch of broadcast clips is rendered faster when the network sees several frames at once
(one large convolution instead of several small ones). `MultiClipLoop` keeps up to
``capacity`` prepared clips in flight and renders the next frame of each with one call of
`Renderer.render_step`, the same per-frame step a single clip uses: every clip keeps its own
warm-start chain, fixed noise and reference cache. The network always sees batches of
`NETWORK_ROWS` rows (the last padded): batched kernels round differently at different batch
sizes (about 1e-6, enough to flip a pixel, and H.264 turns a flipped pixel into a visibly
different block), so a clip renders bit-identically whatever ``--batch-size``, whichever clips
share its batch, and whether it was rendered before or after a resume. When a clip ends, its
slot frees up for the next one (continuous batching).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from signgen.errors import ConfigError
from signgen.render.renderer import ClipStream, Frame, Renderer, Sink

Key = TypeVar("Key", bound=Hashable)

# Rows of every network batch of a multi-clip loop (the default --batch-size): fewer clips in
# flight are padded, more are run in several batches of this size.
NETWORK_ROWS = 4


@dataclass(frozen=True)
class ClipFrame(Generic[Key]):
    """A frame of the clip ``key``; ``last`` is True on the clip's final frame."""

    key: Key
    frame: Frame
    last: bool


@dataclass(frozen=True)
class _Slot:
    stream: ClipStream
    sink: Sink | None


class MultiClipLoop(Generic[Key]):
    """Up to ``capacity`` clips in flight, advanced one frame each per `step`."""

    def __init__(self, renderer: Renderer, capacity: int) -> None:
        if capacity < 1:
            raise ConfigError(f"batch size must be at least 1, got {capacity}")
        self.renderer = renderer
        self.capacity = capacity
        self._slots: dict[Key, _Slot] = {}

    @property
    def free(self) -> int:
        """How many more clips `add` accepts now."""
        return self.capacity - len(self._slots)

    def __len__(self) -> int:
        return len(self._slots)

    def add(self, key: Key, stream: ClipStream, sink: Sink | None = None) -> None:
        """Put a prepared clip (`Renderer.render_clip`) in flight; ``sink`` gets its images."""
        if key in self._slots:
            raise ConfigError(f"clip {key!r} is already in flight")
        if not self.free:
            raise ConfigError(f"all {self.capacity} slots are in use")
        if stream.state.finished:
            raise ConfigError(f"clip {key!r} has no frames left to render")
        self._slots[key] = _Slot(stream, sink)

    def remove(self, key: Key) -> None:
        """Drop a clip before its end (its sink failed, or the caller gave up on it)."""
        self._slots.pop(key, None)

    def step(self) -> list[ClipFrame[Key]]:
        """Render the next frame of every clip in flight (one batch); finished clips leave."""
        keys = list(self._slots)
        slots = [self._slots[key] for key in keys]
        frames = self.renderer.render_step(
            [slot.stream.state for slot in slots], [slot.sink for slot in slots], NETWORK_ROWS
        )
        done = []
        for key, slot, frame in zip(keys, slots, frames, strict=True):
            last = slot.stream.state.finished
            if last:
                del self._slots[key]
            done.append(ClipFrame(key, frame, last))
        return done


def render_many(
    renderer: Renderer, clips: Iterable[tuple[Key, ClipStream]], batch_size: int
) -> Iterator[ClipFrame[Key]]:
    """Render prepared clips ``batch_size`` at a time, refilling slots as clips end.

    Yields every frame of every clip (each clip's frames in order; clips interleaved).
    """
    loop: MultiClipLoop[Key] = MultiClipLoop(renderer, batch_size)
    pending = iter(clips)
    exhausted = False
    while True:
        while loop.free and not exhausted:
            item = next(pending, None)
            if item is None:
                exhausted = True
            else:
                loop.add(*item)
        if not len(loop):
            return
        yield from loop.step()
