"""DeepFashion pose annotations (the 18-keypoint COCO convention of pose-guided generation).

The annotation files of PG2/PATN-style DeepFashion splits (``fasion-annotation-*.csv``) are
``:``-separated, one image per row, y and x lists in COCO-18 order with -1 for a missing point:

```
name:keypoints_y:keypoints_x
img_0001.jpg: [27, 43, 41, -1, ...]: [87, 87, 64, -1, ...]
```
Each row becomes one frame (layout ``coco_18``, confidence 1 where present). The files store
no frame rate or size: ``fps`` defaults to 25 and the size to the extent of the points.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from signgen.errors import PoseFileError
from signgen.io.openpose_json import DEFAULT_FPS
from signgen.io.points import clean_points, extent_size
from signgen.pose.sequence import PoseSequence
from signgen.pose.source_layouts import COCO_18

HEADER = "name:keypoints_y:keypoints_x"


def is_deepfashion_csv(first_line: str) -> bool:
    return first_line.strip().replace(" ", "") == HEADER


def _coordinates(text: str, row: int, path: Path) -> np.ndarray:
    try:
        values = np.asarray(json.loads(text), dtype=np.float64)
    except (ValueError, TypeError, OverflowError, RecursionError):
        raise PoseFileError(
            f"row {row}: keypoints must be a [..] list of numbers", path=path
        ) from None
    if values.shape != (COCO_18.num_points,):
        raise PoseFileError(f"row {row}: {values.size} keypoints, expected 18", path=path)
    return values


def read_deepfashion_csv(
    path: str | Path, *, fps: float | None = None, size: tuple[int, int] | None = None
) -> PoseSequence:
    """Read a DeepFashion ``name:keypoints_y:keypoints_x`` file, one frame per row."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise PoseFileError(f"cannot read: {error}", path=path) from None
    if not lines or not is_deepfashion_csv(lines[0]):
        raise PoseFileError(f"not a DeepFashion pose CSV (first line must be {HEADER})", path=path)
    rows = [line for line in lines[1:] if line.strip()]
    if not rows:
        raise PoseFileError("no annotation rows", path=path)
    xyc = np.zeros((len(rows), COCO_18.num_points, 3))
    for t, line in enumerate(rows, start=1):
        parts = line.rsplit(":", 2)
        if len(parts) != 3:
            raise PoseFileError(f"row {t}: expected name:keypoints_y:keypoints_x", path=path)
        y, x = _coordinates(parts[1], t, path), _coordinates(parts[2], t, path)
        present = (x >= 0) & (y >= 0)  # -1 marks a missing point
        xyc[t - 1] = np.stack([x, y, present.astype(np.float64)], axis=-1)
    xy, conf = clean_points(xyc[..., :2], xyc[..., 2])
    width, height = size if size is not None else extent_size(xy, conf)
    return PoseSequence(
        xy=xy, conf=conf, fps=fps or DEFAULT_FPS, width=width, height=height, layout=COCO_18
    )
