"""`PoseSequence`: the one in-memory pose representation of signgen (plain numpy arrays)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from signgen.errors import PoseFileError
from signgen.pose.layouts import Layout


@dataclass(frozen=True)
class GlossSpan:
    """Frames ``start`` (inclusive) to ``end`` (exclusive) sign ``gloss``."""

    gloss: str
    start: int
    end: int


@dataclass(frozen=True, eq=False)
class PoseSequence:
    """A pose sequence in pixel coordinates of a ``width`` x ``height`` frame.

    xy:   [T, K, 2] float32, pixels (x right, y down).
    conf: [T, K] float32 in [0, 1]; 0 marks a missing point (its xy is meaningless).
    fps:  frames per second (> 0).
    layout: the skeleton; K == layout.num_points.
    glosses: optional gloss spans over the frame axis.
    meta: flat provenance record (e.g. the extraction backend and its settings); kept by
        signgen JSON, dropped by .pose.
    """

    xy: np.ndarray
    conf: np.ndarray
    fps: float
    width: int
    height: int
    layout: Layout
    glosses: tuple[GlossSpan, ...] = ()
    meta: Mapping[str, str | int | float | bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        xy, conf = self.xy, self.conf
        k = self.layout.num_points
        if xy.ndim != 3 or xy.shape[1:] != (k, 2):
            raise PoseFileError(
                f"xy has shape {xy.shape}, expected [T, {k}, 2] for {self.layout.name}"
            )
        if conf.shape != xy.shape[:2]:
            raise PoseFileError(f"conf has shape {conf.shape}, expected {xy.shape[:2]}")
        if xy.dtype != np.float32 or conf.dtype != np.float32:
            raise PoseFileError("xy and conf must be float32")
        if not (np.isfinite(self.fps) and self.fps > 0):
            raise PoseFileError(f"fps must be a positive number, got {self.fps}")
        if self.width <= 0 or self.height <= 0:
            raise PoseFileError(f"frame size must be positive, got {self.width}x{self.height}")

    @property
    def num_frames(self) -> int:
        return int(self.xy.shape[0])

    @property
    def duration(self) -> float:
        """Seconds."""
        return self.num_frames / self.fps

    def replace(self, **changes: object) -> PoseSequence:
        return replace(self, **changes)  # type: ignore[arg-type]

    def frames(self, start: int, stop: int) -> PoseSequence:
        """Frames [start, stop) as a view (no copy); gloss spans clipped to the range."""
        spans = tuple(
            GlossSpan(g.gloss, max(g.start, start) - start, min(g.end, stop) - start)
            for g in self.glosses
            if g.end > start and g.start < stop
        )
        return replace(self, xy=self.xy[start:stop], conf=self.conf[start:stop], glosses=spans)

    def visible(self, component: str) -> np.ndarray:
        """[T] bool: frames where any point of ``component`` is present."""
        return (self.conf[:, self.layout.span(component)] > 0).any(axis=1)
