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
from signgen.pose import COCO_WHOLEBODY_133, Layout, PoseSequence

HERE = Path(__file__).parent
FRAMES = 12


def points_by_name(seq: PoseSequence, layout: Layout) -> PoseSequence:
    """Same-named points copied into ``layout`` (OpenPose and COCO share signgen's names)."""
    source = {
        (c.name, p): seq.layout.span(c.name).start + i
        for c in seq.layout.components
        for i, p in enumerate(c.points)
    }
    source.update({("feet", p): i for (c, p), i in list(source.items()) if c == "body"})
    xy = np.zeros((seq.num_frames, layout.num_points, 2), np.float32)
    conf = np.zeros((seq.num_frames, layout.num_points), np.float32)
    for c in layout.components:
        for i, p in enumerate(c.points):
            if (c.name, p) in source:
                xy[:, layout.span(c.name).start + i] = seq.xy[:, source[c.name, p]]
                conf[:, layout.span(c.name).start + i] = seq.conf[:, source[c.name, p]]
    return seq.replace(xy=xy, conf=conf, layout=layout)


def main() -> None:
    openpose = read_poses("tests/data/poses/pose_tests_openpose.pose").frames(0, FRAMES)
    write_openpose(openpose, HERE / "openpose_json", name="signer")
    coco = points_by_name(openpose, COCO_WHOLEBODY_133)
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


if __name__ == "__main__":
    main()
