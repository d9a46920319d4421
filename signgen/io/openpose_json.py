"""OpenPose ``--write_json`` output: one ``<name>_<frame>_keypoints.json`` per frame.

Each file is ``{"people": [{"pose_keypoints_2d": [x, y, c, ...], "face_keypoints_2d": [...],
"hand_left_keypoints_2d": [...], "hand_right_keypoints_2d": [...]}, ...]}``. BODY_25 bodies
(75 numbers) read as ``openpose_137`` (an empty face/hand array is all missing); COCO-18 bodies
(54 numbers, no face or hands) read as ``coco_18``. Frames are ordered by the number before
``_keypoints.json`` (by file name otherwise). When a frame holds several people, the one with
the highest summed body confidence is kept; a frame with nobody is all missing. OpenPose
stores no frame rate or frame size: pass ``fps`` (default `DEFAULT_FPS`) and ``size``
(default: the extent of the points).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from signgen.errors import LayoutError, PoseFileError
from signgen.io.atomic import write_folder_atomic
from signgen.io.points import clean_points, extent_size
from signgen.pose.layouts import Layout
from signgen.pose.sequence import PoseSequence
from signgen.pose.source_layouts import COCO_18, OPENPOSE_137

DEFAULT_FPS = 25.0
KEYS = (
    "pose_keypoints_2d",
    "face_keypoints_2d",
    "hand_left_keypoints_2d",
    "hand_right_keypoints_2d",
)
_FRAME_NUMBER = re.compile(r"(\d+)_keypoints\.json$")
_LAYOUT_OF_BODY = {25: OPENPOSE_137, 18: COCO_18}


def frame_files(folder: Path) -> list[Path]:
    """The folder's ``*.json`` files in frame order."""
    files = [p for p in folder.iterdir() if p.suffix == ".json" and p.is_file()]
    if not files:
        raise PoseFileError("no OpenPose *_keypoints.json files in this folder", path=folder)
    numbers = [_FRAME_NUMBER.search(p.name) for p in files]
    if all(numbers):
        frame_ids = [int(m.group(1)) for m in numbers if m]
        return [p for _, p in sorted(zip(frame_ids, files, strict=True))]
    return sorted(files)


def _person_points(person: object, layout: Layout, path: Path) -> np.ndarray:
    """[K, 3] float64 for one OpenPose person dict."""
    if not isinstance(person, dict):
        raise PoseFileError("each entry of 'people' must be an object", path=path)
    parts = []
    for key, component in zip(KEYS, layout.components + (None,) * 3, strict=False):
        size = 0 if component is None else len(component)
        values = person.get(key, [])
        try:
            array = np.asarray(values if values is not None else [], dtype=np.float64)
        except (ValueError, TypeError, OverflowError):
            raise PoseFileError(f"{key} must be a flat list of numbers", path=path) from None
        if array.size == 0 and size > 0:
            array = np.zeros(size * 3)
        if array.ndim != 1 or array.size != size * 3:
            raise PoseFileError(
                f"{key} holds {array.size} numbers, expected {size * 3} ({layout.name})", path=path
            )
        parts.append(array.reshape(size, 3))
    return np.concatenate(parts)


def _load(path: Path) -> list[object]:
    try:
        document = json.loads(path.read_bytes())
    except OSError as error:
        raise PoseFileError(f"cannot read: {error.strerror}", path=path) from None
    except (ValueError, RecursionError):
        raise PoseFileError("not valid JSON", path=path) from None
    if not isinstance(document, dict) or not isinstance(document.get("people"), list):
        raise PoseFileError("not an OpenPose keypoints file (no 'people' list)", path=path)
    return document["people"]


def _body_layout(people_per_frame: list[list[object]], path: Path) -> Layout:
    for people in people_per_frame:
        for person in people:
            if isinstance(person, dict) and isinstance(person.get("pose_keypoints_2d"), list):
                count = len(person["pose_keypoints_2d"]) // 3
                if count in _LAYOUT_OF_BODY:
                    return _LAYOUT_OF_BODY[count]
                raise PoseFileError(
                    f"pose_keypoints_2d has {count} points (expected 25: BODY_25, or 18: COCO)",
                    path=path,
                )
    return OPENPOSE_137


def sequence_from_people(
    people_per_frame: list[list[object]],
    path: Path,
    *,
    fps: float | None = None,
    size: tuple[int, int] | None = None,
) -> PoseSequence:
    """Build a sequence from each frame's OpenPose ``people`` list (best person per frame)."""
    layout = _body_layout(people_per_frame, path)
    xyc = np.zeros((len(people_per_frame), layout.num_points, 3))
    body_size = len(layout.components[0])
    for t, people in enumerate(people_per_frame):
        candidates = [_person_points(person, layout, path) for person in people]
        if candidates:
            scores = [np.nan_to_num(c[:body_size, 2]).sum() for c in candidates]
            xyc[t] = candidates[int(np.argmax(scores))]
    xy, conf = clean_points(xyc[..., :2], xyc[..., 2])
    width, height = size if size is not None else extent_size(xy, conf)
    return PoseSequence(
        xy=xy, conf=conf, fps=fps or DEFAULT_FPS, width=width, height=height, layout=layout
    )


def read_openpose(
    path: str | Path, *, fps: float | None = None, size: tuple[int, int] | None = None
) -> PoseSequence:
    """Read an OpenPose JSON folder (or a single frame's file) in its own layout."""
    path = Path(path)
    files = frame_files(path) if path.is_dir() else [path]
    return sequence_from_people([_load(f) for f in files], path, fps=fps, size=size)


def write_openpose(seq: PoseSequence, folder: str | Path, *, name: str = "frame") -> None:
    """Write ``seq`` (layout openpose_137 or coco_18) as an OpenPose JSON folder, atomically.

    Missing points are written as 0, 0, 0 (OpenPose's convention); a frame with no point at
    all has an empty ``people`` list.
    """
    if seq.layout.name not in (OPENPOSE_137.name, COCO_18.name):
        raise LayoutError(
            f"OpenPose JSON holds openpose_137 or coco_18 points, not {seq.layout.name}",
            path=folder,
        )
    xyc = np.concatenate([seq.xy, seq.conf[..., None]], axis=-1).astype(np.float64)
    xyc = np.round(xyc, 4)
    spans = [seq.layout.span(c.name) for c in seq.layout.components]

    def fill(tmp: Path) -> None:
        for t in range(seq.num_frames):
            people = []
            if (seq.conf[t] > 0).any():
                person: dict[str, object] = {"person_id": [-1]}
                for key, span in zip(KEYS, spans, strict=False):
                    person[key] = xyc[t, span].ravel().tolist()
                people.append(person)
            document = {"version": 1.3, "people": people}
            (tmp / f"{name}_{t:012d}_keypoints.json").write_text(json.dumps(document))

    write_folder_atomic(folder, fill, is_ours=_is_openpose_folder, kind="OpenPose JSON")


def _is_openpose_folder(folder: Path) -> bool:
    """Whether ``folder`` holds only OpenPose frame files (safe to replace as a whole)."""
    return all(p.is_file() and p.name.endswith("_keypoints.json") for p in folder.iterdir())
