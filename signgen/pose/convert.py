"""Conversion of every source layout to the canonical one (MediaPipe Holistic, 543 points).

Points are matched by what they are, never guessed: body points by anatomical name, MediaPipe
face-mesh points (``face_<i>``) by index, iBUG-68 face points (``ibug_<i>``, OpenPose and
COCO-WholeBody) through `IBUG68_TO_MESH`, hands point for point (MediaPipe, OpenPose and
COCO-WholeBody share the 21-point hand order). A canonical point no source point maps to stays
at confidence 0, and `lacks` says so in words.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from signgen.pose.layouts import BODY_POINTS, HOLISTIC, Layout
from signgen.pose.sequence import PoseSequence

# iBUG-68 point i -> the nearest MediaPipe face-mesh index (468-point mesh). Chosen on the
# canonical face mesh: jaw 0-16 from the signer's right ear over the chin (8 -> 152) to the left
# ear; brows 17-26 (outer right to outer left); nose bridge 27-30 and nostril base 31-35; eyes
# 36-47 starting at each outer/inner corner as iBUG does (36 -> 33 right outer corner, 45 -> 263
# left outer corner); outer lips 48-59 from the right corner (61) and inner lips 60-67 (78...).
IBUG68_TO_MESH = (
    162, 234, 93, 58, 172, 136, 149, 148, 152, 377, 378, 365, 397, 288, 323, 454, 389,  # jaw
    71, 63, 105, 66, 107,  # right brow
    336, 296, 334, 293, 301,  # left brow
    168, 197, 5, 4,  # nose bridge
    75, 97, 2, 326, 305,  # nostrils
    33, 160, 158, 133, 153, 144,  # right eye
    362, 385, 387, 263, 373, 380,  # left eye
    61, 39, 37, 0, 267, 269, 291, 405, 314, 17, 84, 181,  # outer lips
    78, 82, 13, 312, 308, 317, 14, 87,  # inner lips
)  # fmt: skip

# Body point names of other conventions -> MediaPipe Pose names (the rest match literally).
_BODY_ALIASES = {"left_big_toe": "left_foot_index", "right_big_toe": "right_foot_index"}


def _canonical_point(component: str, point: str, index: int) -> int:
    """Canonical index of one source point, -1 when the canonical layout has no such point."""
    offset = HOLISTIC.span(component if component != "feet" else "body").start
    if component in ("body", "feet"):
        name = _BODY_ALIASES.get(point, point)
        return offset + BODY_POINTS.index(name) if name in BODY_POINTS else -1
    if component == "face":
        if point.startswith("face_"):
            mesh = int(point.removeprefix("face_"))
            return offset + mesh if mesh < len(HOLISTIC.component("face")) else -1
        if point.startswith("ibug_"):
            return offset + IBUG68_TO_MESH[int(point.removeprefix("ibug_"))]
        return -1  # pupils: the 468-point mesh has no iris
    if component in ("left_hand", "right_hand"):
        return offset + index
    return -1


@cache
def canonical_index(layout: Layout) -> np.ndarray:
    """[K] int64: for each point of ``layout``, its canonical (holistic) index or -1."""
    return np.array(
        [
            _canonical_point(component.name, point, i)
            for component in layout.components
            for i, point in enumerate(component.points)
        ],
        dtype=np.int64,
    )


def to_canonical(seq: PoseSequence) -> PoseSequence:
    """``seq`` in the canonical holistic layout ([T, 543, 2]); unmapped points have conf 0.

    Vectorised over frames: one gather per array, no per-frame work. A holistic sequence is
    returned unchanged.
    """
    if seq.layout.name == HOLISTIC.name:
        return seq
    index = canonical_index(seq.layout)
    source = np.flatnonzero(index >= 0)
    xy = np.zeros((seq.num_frames, HOLISTIC.num_points, 2), np.float32)
    conf = np.zeros((seq.num_frames, HOLISTIC.num_points), np.float32)
    xy[:, index[source]] = seq.xy[:, source]
    conf[:, index[source]] = seq.conf[:, source]
    return seq.replace(xy=xy, conf=conf, layout=HOLISTIC)


def convert_by_name(seq: PoseSequence, layout: Layout) -> PoseSequence:
    """``seq`` in ``layout``, copying the points both layouts name alike; the rest conf 0.

    Names are matched within the same component (``feet`` points also match ``body``), which
    is exact between OpenPose, COCO-WholeBody and COCO-18 (they share signgen's point names):
    e.g. BODY_25 -> COCO-18 keeps 18 body points and drops face and hands.
    """
    source: dict[tuple[str, str], int] = {}
    for component in seq.layout.components:
        start = seq.layout.span(component.name).start
        for i, point in enumerate(component.points):
            source[component.name, point] = start + i
            if component.name == "feet":
                source["body", point] = start + i
            elif component.name == "body":
                source["feet", point] = start + i
    target, origin = [], []
    for component in layout.components:
        start = layout.span(component.name).start
        for i, point in enumerate(component.points):
            if (component.name, point) in source:
                target.append(start + i)
                origin.append(source[component.name, point])
    xy = np.zeros((seq.num_frames, layout.num_points, 2), np.float32)
    conf = np.zeros((seq.num_frames, layout.num_points), np.float32)
    xy[:, target] = seq.xy[:, origin]
    conf[:, target] = seq.conf[:, origin]
    return seq.replace(xy=xy, conf=conf, layout=layout)


def canonical_coverage(layout: Layout) -> dict[str, int]:
    """Canonical component name -> how many of its points ``layout`` provides."""
    hit = np.zeros(HOLISTIC.num_points, bool)
    index = canonical_index(layout)
    hit[index[index >= 0]] = True
    return {c.name: int(hit[HOLISTIC.span(c.name)].sum()) for c in HOLISTIC.components}


def lacks(layout: Layout) -> tuple[str, ...]:
    """What ``layout`` cannot provide for the canonical layout, in words (empty: nothing).

    e.g. COCO-18 -> ("no face", "no finger points", "body: 15 of 33 points").
    """
    coverage = canonical_coverage(layout)
    total = {c.name: len(c) for c in HOLISTIC.components}
    notes: list[str] = []
    if coverage["face"] == 0:
        notes.append("no face")
    elif coverage["face"] < total["face"]:
        notes.append(f"sparse face: {coverage['face']} of {total['face']} face-mesh points")
    hands = ("left_hand", "right_hand")
    if all(coverage[h] == 0 for h in hands):
        notes.append("no finger points")
    else:
        for hand in hands:
            if coverage[hand] < total[hand]:
                side = hand.replace("_", " ")
                notes.append(f"{side}: {coverage[hand]} of {total[hand]} points")
    if coverage["body"] == 0:
        notes.append("no body")
    elif coverage["body"] < total["body"]:
        notes.append(f"body: {coverage['body']} of {total['body']} points")
    return tuple(notes)
