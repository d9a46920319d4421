"""How each signgen layout is named inside pose-format ``.pose`` headers.

One entry per layout: its file components in signgen's point order, each with the point names
the producing tool writes (MediaPipe upper-case names, OpenPose's ``pose_keypoints_2d`` keys,
pose-format's COCO-WholeBody header). Reading matches a header against these by component
names and sizes; writing uses them so other pose-format tools read signgen's files natively.
"""

from __future__ import annotations

from pose_format.utils import cocowholebody133_header as coco
from pose_format.utils import openpose

from signgen.pose.layouts import BODY_POINTS
from signgen.pose.source_layouts import COCO_18_POINTS, REDUCED_BODY, REDUCED_FACE_MESH

Spec = tuple[tuple[str, tuple[str, ...]], ...]

# Components that are not image points: dropped on read.
DROPPED_COMPONENTS = frozenset({"POSE_WORLD_LANDMARKS"})

_MEDIAPIPE_HAND = (
    "WRIST", "THUMB_CMC", "THUMB_MCP", "THUMB_IP", "THUMB_TIP",
    *(f"{finger}_FINGER_{joint}" for finger in ("INDEX", "MIDDLE", "RING")
      for joint in ("MCP", "PIP", "DIP", "TIP")),
    "PINKY_MCP", "PINKY_PIP", "PINKY_DIP", "PINKY_TIP",
)  # fmt: skip


def _mediapipe(body: tuple[str, ...], face: tuple[int, ...]) -> Spec:
    return (
        ("POSE_LANDMARKS", tuple(name.upper() for name in body)),
        ("FACE_LANDMARKS", tuple(str(i) for i in face)),
        ("LEFT_HAND_LANDMARKS", _MEDIAPIPE_HAND),
        ("RIGHT_HAND_LANDMARKS", _MEDIAPIPE_HAND),
    )


FILE_COMPONENTS: dict[str, Spec] = {
    "holistic": _mediapipe(BODY_POINTS, tuple(range(468))),
    "holistic_iris": _mediapipe(BODY_POINTS, tuple(range(478))),
    "reduced_178": _mediapipe(REDUCED_BODY, REDUCED_FACE_MESH),
    "openpose_137": (
        ("pose_keypoints_2d", tuple(openpose.BODY_POINTS)),
        ("face_keypoints_2d", tuple(openpose.FACE_POINTS)),
        ("hand_left_keypoints_2d", tuple(openpose.HAND_POINTS)),
        ("hand_right_keypoints_2d", tuple(openpose.HAND_POINTS)),
    ),
    # pose-format's COCO-WholeBody header: body and feet together in one BODY component.
    "coco_wholebody_133": (
        ("BODY", tuple(coco.BODY_POINTS)),
        ("FACE", tuple(coco.FACE_POINTS)),
        ("LEFT_HAND", tuple(coco.HAND_POINTS)),
        ("RIGHT_HAND", tuple(coco.HAND_POINTS)),
    ),
    "coco_18": (("COCO_18", COCO_18_POINTS),),
}
