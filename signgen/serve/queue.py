"""`PoseQueue`: the poses a live stream will show, fed while it plays.

New poses (a gloss sentence, a chunk of pose frames) are joined to what is queued by an eased
transition (`signgen.gloss.join.transition`), and every chunk ends with a transition back to
the rest pose, so a stream with nothing left to sign settles at rest. A chunk that arrives
while that return is still queued replaces it (the signer goes straight on). The queue is
bounded: a chunk that would overfill it is refused whole.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

import numpy as np

from signgen.errors import ConfigError
from signgen.gloss.concat import JoinConfig
from signgen.gloss.join import transition, transition_length
from signgen.gloss.motion import pair_distance
from signgen.pose.sequence import PoseSequence


@dataclass(frozen=True, eq=False)
class PoseFrame:
    """One frame to show: xy [543, 2] float32 px in the render frame, conf [543] float32, and
    the gloss it belongs to (None for transitions and rest)."""

    xy: np.ndarray
    conf: np.ndarray
    gloss: str | None = None


class PoseQueue:
    """Frames waiting to be rendered for one stream (thread-safe: fed by the server's event
    loop, drained by the scheduler thread)."""

    def __init__(
        self,
        rest: PoseFrame,
        fps: float,
        shoulder_width: float,
        max_frames: int,
        join: JoinConfig | None = None,
    ) -> None:
        self.rest = rest
        self.fps = fps
        self.max_frames = max_frames
        self.current = rest
        self._join = join or JoinConfig()
        self._frames_per_px = fps / (self._join.speed * shoulder_width)
        self._frames: deque[PoseFrame] = deque()
        self._tail = 0  # frames at the end of the queue that return to rest
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._frames)

    def append(self, poses: PoseSequence) -> int:
        """Queue ``poses`` (canonical, in the render frame) after what is queued; returns the
        number of frames added (transitions included). Raises ConfigError when the queue would
        hold more than ``max_frames``."""
        labels: list[str | None] = [None] * poses.num_frames
        for span in poses.glosses:
            labels[span.start : span.end] = [span.gloss] * (span.end - span.start)
        chunk = [PoseFrame(poses.xy[i], poses.conf[i], labels[i]) for i in range(poses.num_frames)]
        with self._lock:
            kept = len(self._frames) - min(self._tail, len(self._frames))
            start = self._frames[kept - 1] if kept else self.current
            into = self._between(start, chunk[0])
            back = self._to_rest(chunk[-1])
            total = kept + len(into) + len(chunk) + len(back)
            if total > self.max_frames:
                seconds = self.max_frames / self.fps
                raise ConfigError(
                    f"the queue holds at most {self.max_frames} frames ({seconds:g} s): "
                    f"{kept} are waiting, this adds {total - kept}; send it when they have played"
                )
            while len(self._frames) > kept:
                self._frames.pop()
            self._frames.extend([*into, *chunk, *back])
            self._tail = len(back)
            return total - kept

    def advance(self, count: int) -> PoseFrame:
        """Take ``count`` frames (more than one when the stream fell behind the clock) and
        return the newest: the frame to show now. An empty queue keeps showing the last."""
        with self._lock:
            for _ in range(min(count, len(self._frames))):
                self.current = self._frames.popleft()
            self._tail = min(self._tail, len(self._frames))
            return self.current

    def clear(self) -> None:
        """Drop what is queued; the signer eases back to rest from where it is."""
        with self._lock:
            self._frames.clear()
            back = self._to_rest(self.current)
            self._frames.extend(back)
            self._tail = len(back)

    def _to_rest(self, a: PoseFrame) -> list[PoseFrame]:
        """The way from ``a`` back to rest, ending exactly at the rest pose."""
        return [*self._between(a, self.rest), self.rest]

    def _between(self, a: PoseFrame, b: PoseFrame) -> list[PoseFrame]:
        """The eased in-between frames from ``a`` to ``b`` (none when they coincide)."""
        distance = float(pair_distance(a.xy[None], a.conf[None], b.xy[None], b.conf[None])[0])
        min_frames = round(self._join.min_transition_s * self.fps)
        count = transition_length(
            distance,
            frames_per_px=self._frames_per_px,
            min_frames=min_frames if distance > 0 else 0,
            max_frames=max(min_frames, round(self._join.max_transition_s * self.fps)),
            peak_step=0.0,
        )
        xy, conf = transition(a.xy, a.conf, b.xy, b.conf, count)
        return [PoseFrame(xy[i], conf[i]) for i in range(count)]
