"""The source layouts signgen reads, described once beside the canonical `HOLISTIC`.

Every layout here names its components ``body``, ``face``, ``left_hand``, ``right_hand`` (plus
``feet`` for COCO-WholeBody) so per-component statistics read the same for every source.
Point names are signgen's own (lower case, signer's sides); the names a file format uses
(pose-format headers, OpenPose keys) live with the readers in `signgen.io`.

- ``holistic_iris`` (553): MediaPipe Holistic with refined face mesh (478 face points: the 468
  mesh points then 10 iris points).
- ``reduced_178``: 8 upper-body points, a 128-point face-mesh contour subset, two hands (the
  layout of the spoken-to-signed-translation lexicon).
- ``openpose_137``: OpenPose BODY_25, face 70 (iBUG-68 + 2 pupils), two hands.
- ``coco_wholebody_133``: COCO-WholeBody (mmpose, RTMW, DWPose): body 17, feet 6, face 68
  (iBUG-68), two hands.
- ``coco_18``: the 18-point COCO body of OpenPose's COCO model and DeepFashion pose data.
"""

from __future__ import annotations

from signgen.pose.layouts import (
    HAND_LIMBS,
    HAND_POINTS,
    HOLISTIC,
    Component,
    Layout,
    register,
)

_HANDS = (
    Component("left_hand", HAND_POINTS, HAND_LIMBS),
    Component("right_hand", HAND_POINTS, HAND_LIMBS),
)

# --- MediaPipe Holistic with refined iris (478 face points) -----------------------------------
HOLISTIC_IRIS = Layout(
    name="holistic_iris",
    description="MediaPipe Holistic with refined face mesh: body 33, face 478, two hands 21",
    components=(
        HOLISTIC.component("body"),
        Component(
            "face",
            tuple(f"face_{i}" for i in range(478)),
            HOLISTIC.component("face").limbs,
        ),
        *_HANDS,
    ),
)

# --- Reduced 178: the face-mesh indices kept, in file order -----------------------------------
REDUCED_FACE_MESH = (
    0, 7, 10, 13, 14, 17, 21, 33, 37, 39, 40, 46, 52, 53, 54, 55, 58, 61, 63, 65, 66, 67, 70, 78,
    80, 81, 82, 84, 87, 88, 91, 93, 95, 103, 105, 107, 109, 127, 132, 133, 136, 144, 145, 146,
    148, 149, 150, 152, 153, 154, 155, 157, 158, 159, 160, 161, 162, 163, 172, 173, 176, 178, 181,
    185, 191, 234, 246, 249, 251, 263, 267, 269, 270, 276, 282, 283, 284, 285, 288, 291, 293, 295,
    296, 297, 300, 308, 310, 311, 312, 314, 317, 318, 321, 323, 324, 332, 334, 336, 338, 356, 361,
    362, 365, 373, 374, 375, 377, 378, 379, 380, 381, 382, 384, 385, 386, 387, 388, 389, 390, 397,
    398, 400, 402, 405, 409, 415, 454, 466,
)  # fmt: skip
REDUCED_BODY = (
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
    "left_hip", "right_hip",
)  # fmt: skip


def _limbs_by_name(
    points: tuple[str, ...], pairs: tuple[tuple[str, str], ...]
) -> tuple[tuple[int, int], ...]:
    index = {name: i for i, name in enumerate(points)}
    return tuple((index[a], index[b]) for a, b in pairs if a in index and b in index)


def _face_subset_limbs(mesh: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    """Canonical face limbs whose two ends are both in the subset, re-indexed into it."""
    position = {m: i for i, m in enumerate(mesh)}
    return tuple(
        (position[a], position[b])
        for a, b in HOLISTIC.component("face").limbs
        if a in position and b in position
    )


_ARM_PAIRS = (
    ("left_shoulder", "right_shoulder"), ("left_shoulder", "left_elbow"),
    ("left_elbow", "left_wrist"), ("right_shoulder", "right_elbow"),
    ("right_elbow", "right_wrist"), ("left_shoulder", "left_hip"),
    ("right_shoulder", "right_hip"), ("left_hip", "right_hip"),
)  # fmt: skip
_LEG_PAIRS = (
    ("left_hip", "left_knee"), ("left_knee", "left_ankle"),
    ("right_hip", "right_knee"), ("right_knee", "right_ankle"),
)  # fmt: skip
_HEAD_PAIRS = (
    ("nose", "left_eye"), ("nose", "right_eye"), ("left_eye", "left_ear"),
    ("right_eye", "right_ear"), ("neck", "nose"), ("neck", "left_shoulder"),
    ("neck", "right_shoulder"), ("neck", "mid_hip"), ("mid_hip", "left_hip"),
    ("mid_hip", "right_hip"),
)  # fmt: skip

REDUCED_178 = Layout(
    name="reduced_178",
    description="reduced holistic: 8 upper-body points, 128 face-mesh points, two hands 21",
    components=(
        Component("body", REDUCED_BODY, _limbs_by_name(REDUCED_BODY, _ARM_PAIRS)),
        Component(
            "face",
            tuple(f"face_{i}" for i in REDUCED_FACE_MESH),
            _face_subset_limbs(REDUCED_FACE_MESH),
        ),
        *_HANDS,
    ),
)

# --- iBUG-68 face (OpenPose adds the two pupils) ------------------------------------------------
# Named ``ibug_<i>`` so that a face point's name says which convention it follows
# (``face_<i>`` is always MediaPipe face-mesh index i).
IBUG_68 = tuple(f"ibug_{i}" for i in range(68))
# Polylines over iBUG-68 indices: jaw, brows, nose bridge, nostrils, eyes, lips.
IBUG_CHAINS = (
    tuple(range(0, 17)), tuple(range(17, 22)), tuple(range(22, 27)), tuple(range(27, 31)),
    tuple(range(31, 36)), (*range(36, 42), 36), (*range(42, 48), 42), (*range(48, 60), 48),
    (*range(60, 68), 60),
)  # fmt: skip
IBUG_LIMBS = tuple((c[i], c[i + 1]) for c in IBUG_CHAINS for i in range(len(c) - 1))

# --- OpenPose BODY_25 ------------------------------------------------------------------------
BODY_25 = (
    "nose", "neck", "right_shoulder", "right_elbow", "right_wrist", "left_shoulder", "left_elbow",
    "left_wrist", "mid_hip", "right_hip", "right_knee", "right_ankle", "left_hip", "left_knee",
    "left_ankle", "right_eye", "left_eye", "right_ear", "left_ear", "left_big_toe",
    "left_small_toe", "left_heel", "right_big_toe", "right_small_toe", "right_heel",
)  # fmt: skip
_FOOT_PAIRS = (
    ("left_ankle", "left_heel"), ("left_ankle", "left_big_toe"),
    ("left_big_toe", "left_small_toe"), ("right_ankle", "right_heel"),
    ("right_ankle", "right_big_toe"), ("right_big_toe", "right_small_toe"),
)  # fmt: skip
_BODY_PAIRS = _ARM_PAIRS + _LEG_PAIRS + _HEAD_PAIRS

OPENPOSE_137 = Layout(
    name="openpose_137",
    description="OpenPose BODY_25, face 70 (iBUG-68 + 2 pupils), two hands 21",
    components=(
        Component("body", BODY_25, _limbs_by_name(BODY_25, _BODY_PAIRS + _FOOT_PAIRS)),
        Component("face", (*IBUG_68, "right_pupil", "left_pupil"), IBUG_LIMBS),
        *_HANDS,
    ),
)

# --- COCO-WholeBody 133 ------------------------------------------------------------------------
COCO_17 = (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee",
    "right_knee", "left_ankle", "right_ankle",
)  # fmt: skip
COCO_FEET = (
    "left_big_toe", "left_small_toe", "left_heel", "right_big_toe", "right_small_toe",
    "right_heel",
)  # fmt: skip

COCO_WHOLEBODY_133 = Layout(
    name="coco_wholebody_133",
    description="COCO-WholeBody (mmpose/RTMW/DWPose): body 17, feet 6, face 68, two hands 21",
    components=(
        Component("body", COCO_17, _limbs_by_name(COCO_17, _BODY_PAIRS)),
        Component("feet", COCO_FEET),
        Component("face", IBUG_68, IBUG_LIMBS),
        *_HANDS,
    ),
)

# --- COCO-18 (OpenPose COCO model, DeepFashion keypoints) ---------------------------------------
COCO_18_POINTS = (
    "nose", "neck", "right_shoulder", "right_elbow", "right_wrist", "left_shoulder", "left_elbow",
    "left_wrist", "right_hip", "right_knee", "right_ankle", "left_hip", "left_knee", "left_ankle",
    "right_eye", "left_eye", "right_ear", "left_ear",
)  # fmt: skip

COCO_18 = Layout(
    name="coco_18",
    description="COCO-18 body keypoints (OpenPose COCO, DeepFashion): body only",
    components=(Component("body", COCO_18_POINTS, _limbs_by_name(COCO_18_POINTS, _BODY_PAIRS)),),
)

SOURCE_LAYOUTS = (HOLISTIC_IRIS, REDUCED_178, OPENPOSE_137, COCO_WHOLEBODY_133, COCO_18)
for _layout in SOURCE_LAYOUTS:
    register(_layout)
