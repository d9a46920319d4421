"""Regenerate the small format fixtures in this folder from the real OpenPose recording.

Run from the repository root: .venv/bin/python tests/data/pose_formats/make_fixtures.py
Source: tests/data/poses/pose_tests_openpose.pose (sign-language-processing/pose, MIT; see
tests/data/ATTRIBUTION.md). Frames 0-11, 1000x1000, 24 fps.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from signgen.io import read_poses, write_coco_wholebody, write_openpose
from signgen.pose import COCO_18, COCO_WHOLEBODY_133
from signgen.pose.convert import convert_by_name

HERE = Path(__file__).parent
FRAMES = 12


def main() -> None:
    openpose = read_poses("tests/data/poses/pose_tests_openpose.pose").frames(0, FRAMES)
    write_openpose(openpose, HERE / "openpose_json", name="signer")
    coco = convert_by_name(openpose, COCO_WHOLEBODY_133)
    write_coco_wholebody(coco, HERE / "rtmw_predictions.json")
    # COCO annotation style: flat [x, y, score] * 133 per image, one image per frame.
    xyc = np.concatenate([coco.xy, coco.conf[..., None]], axis=-1).round(4)
    document = {
        "images": [
            {"id": t + 1, "file_name": f"{t:06d}.jpg", "width": 1000, "height": 1000}
            for t in range(FRAMES)
        ],
        "annotations": [
            {"image_id": t + 1, "category_id": 1, "keypoints": xyc[t].ravel().tolist(), "score": 1}
            for t in range(FRAMES)
        ],
    }
    (HERE / "coco_wholebody_annotations.json").write_text(json.dumps(document))
    # DeepFashion CSV (COCO-18, y list then x list, -1 = missing), one row per frame.
    coco18 = convert_by_name(openpose, COCO_18)
    rows = ["name:keypoints_y:keypoints_x"]
    for t in range(FRAMES):
        present = coco18.conf[t] > 0
        y = np.where(present, coco18.xy[t, :, 1].round(), -1).astype(int).tolist()
        x = np.where(present, coco18.xy[t, :, 0].round(), -1).astype(int).tolist()
        rows.append(f"frame{t:03d}.jpg: {y}: {x}")
    (HERE / "deepfashion_annotations.csv").write_text("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
