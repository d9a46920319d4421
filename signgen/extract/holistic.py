"""MediaPipe Holistic as a pose backend: one RGB frame -> 543 canonical points.

mediapipe==0.10.21 (the ``extract`` extra) is the last release whose wheel bundles the Holistic
graph and its models, so it runs offline. Only ``model_complexity=1`` has its pose model
(pose_landmark_full.tflite) in the wheel; 0 and 2 would be downloaded on first use, which these
machines cannot do, so they are not offered.

Handedness: Holistic's ``left_hand_landmarks`` is the person's own left hand in the image as
filmed (not mirrored), the same side as pose point 15 (left wrist); signgen's canonical
``left_hand`` is the signer's left too, so hands map straight across (checked on the real test
video: the detected hand's wrist lies on the body's wrist of the same name).
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from signgen.errors import ExtractError
from signgen.io.quiet import native_stderr_silenced
from signgen.pose.layouts import BODY, FACE, HOLISTIC, LEFT_HAND, RIGHT_HAND


@dataclass(frozen=True)
class HolisticSettings:
    """Holistic options; recorded in the extracted file.

    refine_face_landmarks is off: it adds 10 iris points the canonical 468-point face drops,
    and costs a third of the speed (10.1 vs 15.6 frames/s measured on the test video).
    static_image_mode is off: video mode tracks landmarks from frame to frame (steadier).
    """

    model_complexity: int = 1
    static_image_mode: bool = False
    refine_face_landmarks: bool = False
    smooth_landmarks: bool = True
    min_detection_confidence: float = 0.5
    min_tracking_confidence: float = 0.5


@dataclass(frozen=True)
class FramePose:
    """One frame in the canonical holistic layout.

    xy:   [543, 2] float32 pixels of the frame (points may lie outside it).
    conf: [543] float32 in [0, 1]; body = Holistic visibility, face and hands 1 where found, 0
          where not found.
    """

    xy: np.ndarray
    conf: np.ndarray


class HolisticBackend:
    """A Holistic graph for one video (it tracks across consecutive frames); close() when done."""

    name = "mediapipe"

    def __init__(self, settings: HolisticSettings = HolisticSettings()) -> None:
        try:
            import mediapipe
            from mediapipe.python.solutions.holistic import Holistic
        except ImportError:
            raise ExtractError(
                "the mediapipe backend needs mediapipe==0.10.21: pip install 'signgen[extract]'"
            ) from None
        self.settings = settings
        self.version = str(mediapipe.__version__)
        # The graph starts its calculators on its own threads; they log until the first frame
        # is through, so stderr stays silenced from here to the end of that frame.
        self._silence = ExitStack()
        self._silence.enter_context(native_stderr_silenced())
        try:
            self._graph = Holistic(**asdict(settings))
        except BaseException:
            self._silence.close()
            raise

    def metadata(self) -> dict[str, str | int | float | bool]:
        return {"backend": self.name, "mediapipe": self.version, **asdict(self.settings)}

    def __call__(self, frame: np.ndarray) -> FramePose:
        """frame: uint8 [H, W, 3] RGB -> the frame's points in its pixels."""
        height, width = frame.shape[:2]
        try:
            result = self._graph.process(np.ascontiguousarray(frame))
        finally:
            self._silence.close()  # no-op after the first frame
        xy = np.zeros((HOLISTIC.num_points, 2), np.float32)
        conf = np.zeros(HOLISTIC.num_points, np.float32)
        parts = (
            (BODY, result.pose_landmarks, True),
            (FACE, result.face_landmarks, False),
            (LEFT_HAND, result.left_hand_landmarks, False),
            (RIGHT_HAND, result.right_hand_landmarks, False),
        )
        for span, landmarks, has_visibility in parts:
            if landmarks is not None:
                _fill(xy[span], conf[span], landmarks, width, height, has_visibility)
        return FramePose(xy, conf)

    def close(self) -> None:
        self._silence.close()
        self._graph.close()

    def __enter__(self) -> HolisticBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _fill(
    xy: np.ndarray, conf: np.ndarray, landmarks: Any, width: int, height: int, visibility: bool
) -> None:
    """Write a landmark list (normalised x, y) into pixel ``xy`` and ``conf`` views in place."""
    # Refined faces carry 478 points; the canonical face keeps the first 468 (no irises).
    points = list(landmarks.landmark)[: len(xy)]
    xy[:, 0] = [p.x * width for p in points]
    xy[:, 1] = [p.y * height for p in points]
    conf[:] = [min(max(p.visibility, 0.0), 1.0) for p in points] if visibility else 1.0
