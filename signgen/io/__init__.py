"""File formats: pose files in, pose files out (images and video live beside, in their modules).

`read_poses` reads any supported pose format in its own layout, `read_canonical` also
converts it to the canonical holistic layout, `write_poses` writes signgen JSON (``.json``)
or pose-format (``.pose``). Supported inputs:

- ``*.pose``: pose-format (MediaPipe Holistic 543/553/576/586, reduced 178, OpenPose 137,
  COCO-WholeBody 133, COCO-18)
- ``*.json`` with ``"format": "signgen.pose/1"``: signgen's own JSON
- a folder of OpenPose ``*_keypoints.json`` files (or one such file)
- ``*.json`` from mmpose/RTMW/DWPose (COCO-WholeBody 133, predictions or annotations)
- ``*.csv`` DeepFashion ``name:keypoints_y:keypoints_x`` annotations (COCO-18)

Every malformed input raises `signgen.errors.PoseFileError` naming the file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import BinaryIO

from signgen.errors import PoseFileError
from signgen.io.atomic import write_atomic
from signgen.io.coco_json import is_coco_wholebody, sequence_from_coco, write_coco_wholebody
from signgen.io.deepfashion_csv import read_deepfashion_csv
from signgen.io.openpose_json import read_openpose, sequence_from_people, write_openpose
from signgen.io.pose_file import read_pose_file, write_pose_file
from signgen.io.signgen_json import dumps, is_signgen_json, sequence_from_document
from signgen.pose.convert import to_canonical
from signgen.pose.sequence import PoseSequence

__all__ = [
    "read_canonical",
    "read_poses",
    "write_coco_wholebody",
    "write_openpose",
    "write_poses",
]


# Parsing JSON takes ~11x the file's size in memory (measured: a 37 MB holistic file peaks at
# 0.4 GB), so larger files are refused before they are read: 128 MB is ~10,000 frames of the
# 543-point holistic layout. Long recordings belong in .pose files (read as one block).
MAX_JSON_BYTES = 128 * 2**20


def _read_json(path: Path, fps: float | None, size: tuple[int, int] | None) -> PoseSequence:
    try:
        if path.stat().st_size > MAX_JSON_BYTES:
            raise PoseFileError(
                f"too large for a JSON pose file ({path.stat().st_size / 2**20:.0f} MB, at most "
                f"{MAX_JSON_BYTES // 2**20} MB): store long recordings as .pose",
                path=path,
            )
        document = json.loads(path.read_bytes())
    except OSError as error:
        raise PoseFileError(f"cannot read: {error.strerror}", path=path) from None
    except (ValueError, RecursionError):
        raise PoseFileError("not valid JSON", path=path) from None
    if is_signgen_json(document):
        return sequence_from_document(document, path)
    if isinstance(document, dict) and isinstance(document.get("people"), list):
        return sequence_from_people([document["people"]], path, fps=fps, size=size)
    if is_coco_wholebody(document):
        return sequence_from_coco(document, path, fps=fps, size=size)
    raise PoseFileError(
        "unrecognised JSON: expected signgen.pose/1, OpenPose keypoints or COCO-WholeBody",
        path=path,
    )


def read_poses(
    path: str | Path,
    *,
    fps: float | None = None,
    size: tuple[int, int] | None = None,
    max_frames: int | None = None,
) -> PoseSequence:
    """Read a pose file (any supported format) in its source layout.

    ``fps`` and ``size`` (width, height) are used only for formats that store none (OpenPose
    JSON, mmpose predictions, DeepFashion CSV); by default 25 fps and the extent of the points.
    ``max_frames``: keep the first frames only; a .pose file is then read no further.
    """
    if max_frames is not None and max_frames < 1:
        raise PoseFileError(f"max_frames must be at least 1, got {max_frames}", path=path)
    seq = _read_any(Path(path), fps, size, max_frames)
    if max_frames is not None and seq.num_frames > max_frames:
        seq = seq.frames(0, max_frames)
    return seq


def _read_any(
    path: Path, fps: float | None, size: tuple[int, int] | None, max_frames: int | None
) -> PoseSequence:
    if path.is_dir():
        return read_openpose(path, fps=fps, size=size)
    if not path.exists():
        raise PoseFileError("no such file", path=path)
    suffix = path.suffix.lower()
    if suffix == ".pose":
        return read_pose_file(path, max_frames)
    if suffix == ".json":
        return _read_json(path, fps, size)
    if suffix == ".csv":
        return read_deepfashion_csv(path, fps=fps, size=size)
    raise PoseFileError(
        f"unsupported pose file type {suffix or '(none)'!r}: expected .pose, .json, .csv "
        "(DeepFashion) or a folder of OpenPose JSON",
        path=path,
    )


def read_canonical(
    path: str | Path, *, fps: float | None = None, size: tuple[int, int] | None = None
) -> PoseSequence:
    """`read_poses` then `signgen.pose.convert.to_canonical` (holistic, 543 points)."""
    return to_canonical(read_poses(path, fps=fps, size=size))


def pose_sidecar(image: Path) -> Path:
    """Where an image's own pose is kept beside it: NAME.pose.json (signgen JSON)."""
    return image.with_name(image.stem + ".pose.json")


def write_poses(seq: PoseSequence, path: str | Path) -> None:
    """Write ``seq`` atomically: ``.json`` as signgen JSON, ``.pose`` through pose-format."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".pose":
        write_pose_file(seq, path)
    elif suffix == ".json":
        data = dumps(seq)

        def write(file: BinaryIO) -> None:
            file.write(data)

        write_atomic(path, write)
    else:
        raise PoseFileError(
            f"cannot write {suffix or 'files without extension'!r}: use .json or .pose", path=path
        )
