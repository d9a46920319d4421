"""Skeleton layouts, described once: named components, their points and limbs.

The canonical layout is MediaPipe Holistic image points (``holistic``, 543 points):
body 33 | face 468 | left hand 21 | right hand 21, in that order. Every other layout converts
to it (see `signgen.pose.convert`); points a source lacks stay at confidence 0.
"Left"/"right" are the signer's own sides, as MediaPipe names them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from signgen.errors import LayoutError


@dataclass(frozen=True)
class Component:
    """A named group of points (e.g. ``left_hand``) with limbs as index pairs inside it."""

    name: str
    points: tuple[str, ...]
    limbs: tuple[tuple[int, int], ...] = ()

    def __len__(self) -> int:
        return len(self.points)


@dataclass(frozen=True)
class Layout:
    """A skeleton: ordered components; a frame's points are their concatenation."""

    name: str
    components: tuple[Component, ...]
    description: str = ""
    _offsets: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        offsets: dict[str, int] = {}
        start = 0
        for component in self.components:
            offsets[component.name] = start
            start += len(component)
        object.__setattr__(self, "_offsets", offsets)

    @property
    def num_points(self) -> int:
        return sum(len(c) for c in self.components)

    def component(self, name: str) -> Component:
        for c in self.components:
            if c.name == name:
                return c
        raise LayoutError(f"layout {self.name!r} has no component {name!r}")

    def has(self, name: str) -> bool:
        return name in self._offsets

    def span(self, name: str) -> slice:
        """Slice of the point axis holding component ``name``."""
        self.component(name)
        start = self._offsets[name]
        return slice(start, start + len(self.component(name)))

    def limbs(self) -> list[tuple[int, int]]:
        """All limbs as global point-index pairs."""
        return [
            (self._offsets[c.name] + a, self._offsets[c.name] + b)
            for c in self.components
            for a, b in c.limbs
        ]


# MediaPipe Pose, 33 points.
BODY_POINTS = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
    "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip",
    "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel",
    "right_heel", "left_foot_index", "right_foot_index",
)  # fmt: skip
BODY_LIMBS = (
    (11, 12), (11, 13), (13, 15), (12, 14), (14, 16), (11, 23), (12, 24), (23, 24),
    (23, 25), (25, 27), (24, 26), (26, 28), (0, 2), (0, 5), (2, 7), (5, 8), (9, 10),
)  # fmt: skip

# The 21 hand points shared by MediaPipe, OpenPose and COCO-WholeBody.
HAND_POINTS = (
    "wrist",
    "thumb_cmc", "thumb_mcp", "thumb_ip", "thumb_tip",
    "index_mcp", "index_pip", "index_dip", "index_tip",
    "middle_mcp", "middle_pip", "middle_dip", "middle_tip",
    "ring_mcp", "ring_pip", "ring_dip", "ring_tip",
    "pinky_mcp", "pinky_pip", "pinky_dip", "pinky_tip",
)  # fmt: skip
# Fingers as point chains from the wrist: thumb, index, middle, ring, pinky.
FINGERS = tuple((0, 1 + 4 * f, 2 + 4 * f, 3 + 4 * f, 4 + 4 * f) for f in range(5))
HAND_LIMBS = tuple((chain[i], chain[i + 1]) for chain in FINGERS for i in range(4)) + (
    (5, 9),
    (9, 13),
    (13, 17),
)

# MediaPipe face-mesh contours (indices into the 468 face points), as polylines.
FACE_CONTOURS: dict[str, tuple[int, ...]] = {
    "face_oval": (
        10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400,
        377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67,
        109, 10,
    ),
    "lips_outer": (
        61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91,
        146, 61,
    ),
    "lips_inner": (
        78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88,
        95, 78,
    ),
    "left_eye": (
        263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249, 263,
    ),
    "right_eye": (33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7, 33),
    "left_brow": (276, 283, 282, 295, 285, 336, 296, 334, 293, 300, 276),
    "right_brow": (46, 53, 52, 65, 55, 107, 66, 105, 63, 70, 46),
    "nose": (168, 6, 197, 195, 5, 4, 1, 19, 94, 2),
}  # fmt: skip
FACE_LIMBS = tuple(
    (chain[i], chain[i + 1]) for chain in FACE_CONTOURS.values() for i in range(len(chain) - 1)
)

HOLISTIC = Layout(
    name="holistic",
    description="MediaPipe Holistic image points: body 33, face 468, two hands 21 (canonical)",
    components=(
        Component("body", BODY_POINTS, BODY_LIMBS),
        Component("face", tuple(f"face_{i}" for i in range(468)), FACE_LIMBS),
        Component("left_hand", HAND_POINTS, HAND_LIMBS),
        Component("right_hand", HAND_POINTS, HAND_LIMBS),
    ),
)
CANONICAL = HOLISTIC

# Global indices in the canonical layout, for code that addresses single points.
BODY = HOLISTIC.span("body")
FACE = HOLISTIC.span("face")
LEFT_HAND = HOLISTIC.span("left_hand")
RIGHT_HAND = HOLISTIC.span("right_hand")
NOSE, LEFT_SHOULDER, RIGHT_SHOULDER = 0, 11, 12
LEFT_ELBOW, RIGHT_ELBOW, LEFT_WRIST, RIGHT_WRIST = 13, 14, 15, 16
LEFT_HIP, RIGHT_HIP = 23, 24


@dataclass(frozen=True)
class Side:
    """One side of the signer's body in the canonical layout: its arm joints and hip (point
    indices) and its hand (a slice of the point axis). ``right`` is the signer's own right."""

    right: bool
    shoulder: int
    elbow: int
    wrist: int
    hip: int
    hand: slice

    @property
    def name(self) -> str:
        return "right" if self.right else "left"


LEFT = Side(False, LEFT_SHOULDER, LEFT_ELBOW, LEFT_WRIST, LEFT_HIP, LEFT_HAND)
RIGHT = Side(True, RIGHT_SHOULDER, RIGHT_ELBOW, RIGHT_WRIST, RIGHT_HIP, RIGHT_HAND)
SIDES = (LEFT, RIGHT)

LAYOUTS: dict[str, Layout] = {HOLISTIC.name: HOLISTIC}


def register(layout: Layout) -> Layout:
    LAYOUTS[layout.name] = layout
    return layout


def get_layout(name: str) -> Layout:
    """The layout called ``name``; a `LayoutError` listing the known ones otherwise."""
    try:
        return LAYOUTS[name]
    except KeyError:
        known = ", ".join(sorted(LAYOUTS))
        raise LayoutError(f"unknown layout {name!r} (known: {known})") from None
