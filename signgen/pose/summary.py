"""A typed summary of a pose sequence: what `signgen poses info` shows."""

from __future__ import annotations

from dataclasses import dataclass

from signgen.pose.convert import lacks
from signgen.pose.sequence import PoseSequence


@dataclass(frozen=True)
class ComponentSummary:
    name: str
    points: int
    missing: float  # fraction of this component's point-frames with conf 0, in [0, 1]
    frames_present: int  # frames where any of its points is present


@dataclass(frozen=True)
class PoseSummary:
    frames: int
    fps: float
    width: int
    height: int
    layout: str
    duration: float  # seconds
    components: tuple[ComponentSummary, ...]
    lacks: tuple[str, ...]  # what the layout cannot provide for the canonical one
    glosses: tuple[str, ...]


def summarize(seq: PoseSequence) -> PoseSummary:
    """Counts and missing fractions per component (vectorised over the whole sequence)."""
    components = []
    for component in seq.layout.components:
        present = seq.conf[:, seq.layout.span(component.name)] > 0
        missing = 1.0 - float(present.mean()) if present.size else 1.0
        components.append(
            ComponentSummary(
                component.name, len(component), missing, int(present.any(axis=1).sum())
            )
        )
    return PoseSummary(
        frames=seq.num_frames,
        fps=seq.fps,
        width=seq.width,
        height=seq.height,
        layout=seq.layout.name,
        duration=seq.duration,
        components=tuple(components),
        lacks=lacks(seq.layout),
        glosses=tuple(g.gloss for g in seq.glosses),
    )
