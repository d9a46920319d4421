"""COCO-WholeBody JSON (133 points): what mmpose, RTMW and DWPose write.

Accepted shapes (the layout is always ``coco_wholebody_133``):

1. mmpose prediction files (``--save-predictions`` / ``pred_out_dir``):
   ``{"meta_info": {...}, "instance_info": [{"frame_id": 1, "instances": [...]}, ...]}``,
   or the bare list ``[{"frame_id": 0, "instances": [...]}, ...]``, or a single image's list
   of instances. An instance is ``{"keypoints": [[x, y] * 133], "keypoint_scores": [133]}``.
   Frames are ordered by ``frame_id``; the instance with the highest mean score is kept.
2. COCO annotation style: ``{"images": [...], "annotations": [{"image_id": 1,
   "keypoints": [x, y, v] * 133}, ...]}``, or the official COCO-WholeBody split
   (``keypoints`` 17 x 3 plus ``foot_kpts``, ``face_kpts``, ``lefthand_kpts``,
   ``righthand_kpts``). One frame per image (ordered by ``images``, else by ``image_id``).
   When every third value is 0, 1 or 2 they are visibility flags (conf = 1 where v > 0);
   otherwise they are scores.

Neither stores a frame rate: ``fps`` (default 25) and ``size`` are taken from the caller, from
``meta_info`` keys ``fps``/``width``/``height`` that signgen writes, or from ``images``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from signgen.errors import LayoutError, PoseFileError
from signgen.io.atomic import write_atomic
from signgen.io.openpose_json import DEFAULT_FPS
from signgen.io.points import clean_points, extent_size
from signgen.pose.sequence import PoseSequence
from signgen.pose.source_layouts import COCO_WHOLEBODY_133

NUM_POINTS = 133
# Official COCO-WholeBody annotation fields, in point order.
_SPLIT_FIELDS = (
    ("keypoints", 17),
    ("foot_kpts", 6),
    ("face_kpts", 68),
    ("lefthand_kpts", 21),
    ("righthand_kpts", 21),
)


def is_coco_wholebody(document: object) -> bool:
    if isinstance(document, dict):
        return "instance_info" in document or "annotations" in document
    return isinstance(document, list) and all(isinstance(item, dict) for item in document)


def _numbers(values: object, shape: tuple[int, ...], what: str, path: Path) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (ValueError, TypeError, OverflowError, RecursionError):
        raise PoseFileError(f"{what} must be numbers", path=path) from None
    if array.shape != shape:
        raise PoseFileError(
            f"{what} has shape {list(array.shape)}, expected {list(shape)}", path=path
        )
    return array


def _instance_points(instance: object, where: str, path: Path) -> np.ndarray:
    """[133, 3] float64 (x, y, score) of one mmpose instance."""
    if not isinstance(instance, dict) or "keypoints" not in instance:
        raise PoseFileError(f"{where}: an instance needs 'keypoints'", path=path)
    xy = _numbers(instance["keypoints"], (NUM_POINTS, 2), f"{where} keypoints", path)
    if "keypoint_scores" in instance:
        scores = _numbers(instance["keypoint_scores"], (NUM_POINTS,), f"{where} scores", path)
    else:
        scores = np.ones(NUM_POINTS)
    return np.concatenate([xy, scores[:, None]], axis=1)


def _best(candidates: list[np.ndarray]) -> np.ndarray:
    if not candidates:
        return np.zeros((NUM_POINTS, 3))
    return candidates[int(np.argmax([np.nan_to_num(c[:, 2]).mean() for c in candidates]))]


def _prediction_frames(document: object, path: Path) -> list[np.ndarray]:
    frames = document["instance_info"] if isinstance(document, dict) else document
    if not isinstance(frames, list) or not frames:
        raise PoseFileError("no frames in the mmpose predictions", path=path)
    if all(isinstance(f, dict) and "keypoints" in f for f in frames):
        frames = [{"frame_id": 0, "instances": frames}]  # a single image's instance list
    if not all(isinstance(f, dict) and isinstance(f.get("instances"), list) for f in frames):
        raise PoseFileError("each frame needs an 'instances' list", path=path)
    ids = [f.get("frame_id") for f in frames]
    if all(isinstance(i, int) for i in ids):
        frames = [f for _, f in sorted(zip(ids, frames, strict=True), key=lambda pair: pair[0])]
    return [
        _best([_instance_points(inst, f"frame {t}", path) for inst in frame["instances"]])
        for t, frame in enumerate(frames)
    ]


def _annotation_points(annotation: object, path: Path) -> np.ndarray:
    if not isinstance(annotation, dict) or "keypoints" not in annotation:
        raise PoseFileError("an annotation needs 'keypoints'", path=path)
    flat = annotation["keypoints"]
    if isinstance(flat, list) and len(flat) == NUM_POINTS * 3:
        return _numbers(flat, (NUM_POINTS * 3,), "keypoints", path).reshape(NUM_POINTS, 3)
    parts = [
        _numbers(annotation.get(field, []), (count * 3,), field, path).reshape(count, 3)
        for field, count in _SPLIT_FIELDS
    ]
    return np.concatenate(parts)


def _annotation_frames(document: dict[str, Any], path: Path) -> list[np.ndarray]:
    annotations = document["annotations"]
    if not isinstance(annotations, list) or not annotations:
        raise PoseFileError("no annotations", path=path)
    by_image: dict[object, list[np.ndarray]] = {}
    for annotation in annotations:
        points = _annotation_points(annotation, path)
        image_id = annotation.get("image_id") if isinstance(annotation, dict) else None
        by_image.setdefault(image_id if isinstance(image_id, (int, str)) else None, []).append(
            points
        )
    images = document.get("images")
    if isinstance(images, list) and all(isinstance(i, dict) and "id" in i for i in images):
        order = [image["id"] for image in images]
    else:
        order = sorted(by_image, key=str)
    frames = [_best(by_image.get(image_id, [])) for image_id in order]
    stacked = np.stack(frames)
    if np.isin(stacked[..., 2], (0.0, 1.0, 2.0)).all():
        stacked[..., 2] = stacked[..., 2] > 0  # visibility flags, not scores
    return list(stacked)


def _stored_size(document: object) -> tuple[int, int] | None:
    if isinstance(document, dict):
        meta = document.get("meta_info")
        if (
            isinstance(meta, dict)
            and isinstance(meta.get("width"), int)
            and isinstance(meta.get("height"), int)
        ):
            return meta["width"], meta["height"]
        images = document.get("images")
        if isinstance(images, list) and images and isinstance(images[0], dict):
            width, height = images[0].get("width"), images[0].get("height")
            if isinstance(width, int) and isinstance(height, int):
                return width, height
    return None


def _stored_fps(document: object) -> float | None:
    meta = document.get("meta_info") if isinstance(document, dict) else None
    fps = meta.get("fps") if isinstance(meta, dict) else None
    return float(fps) if isinstance(fps, (int, float)) and not isinstance(fps, bool) else None


def sequence_from_coco(
    document: object,
    path: Path,
    *,
    fps: float | None = None,
    size: tuple[int, int] | None = None,
) -> PoseSequence:
    """Build a ``coco_wholebody_133`` sequence from a parsed COCO-WholeBody JSON document."""
    if isinstance(document, dict) and "annotations" in document:
        frames = _annotation_frames(document, path)
    else:
        frames = _prediction_frames(document, path)
    xyc = np.stack(frames)
    xy, conf = clean_points(xyc[..., :2], xyc[..., 2])
    width, height = size or _stored_size(document) or extent_size(xy, conf)
    frame_rate = fps or _stored_fps(document) or DEFAULT_FPS
    if not (0 < frame_rate <= 10_000 and 0 < width <= 100_000 and 0 < height <= 100_000):
        raise PoseFileError(f"invalid fps {frame_rate} or size {width}x{height}", path=path)
    return PoseSequence(
        xy=xy, conf=conf, fps=frame_rate, width=width, height=height, layout=COCO_WHOLEBODY_133
    )


def write_coco_wholebody(seq: PoseSequence, path: str | Path) -> None:
    """Write a ``coco_wholebody_133`` sequence as mmpose-style predictions JSON, atomically.

    One instance per frame with any point; ``meta_info`` also records fps, width and height.
    """
    if seq.layout.name != COCO_WHOLEBODY_133.name:
        raise LayoutError(f"COCO-WholeBody JSON holds 133 points, not {seq.layout.name}", path=path)
    xy = np.round(seq.xy.astype(np.float64), 4)
    conf = np.round(seq.conf.astype(np.float64), 4)
    frames = [
        {
            "frame_id": t,
            "instances": [{"keypoints": xy[t].tolist(), "keypoint_scores": conf[t].tolist()}]
            if (seq.conf[t] > 0).any()
            else [],
        }
        for t in range(seq.num_frames)
    ]
    meta = {
        "dataset_name": "coco_wholebody",
        "num_keypoints": NUM_POINTS,
        "fps": float(seq.fps),
        "width": seq.width,
        "height": seq.height,
    }
    text = json.dumps({"meta_info": meta, "instance_info": frames}, separators=(",", ":"))

    def write(file: BinaryIO) -> None:
        file.write(text.encode())

    write_atomic(path, write)
