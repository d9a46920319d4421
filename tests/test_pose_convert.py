"""Layouts and conversion to the canonical holistic layout, on the real recordings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from signgen.io import read_canonical, read_poses
from signgen.pose import LAYOUTS, get_layout
from signgen.pose.convert import (
    IBUG68_TO_MESH,
    canonical_index,
    convert_by_name,
    lacks,
    to_canonical,
)
from signgen.pose.layouts import (
    FACE,
    HOLISTIC,
    LEFT_HAND,
    LEFT_SHOULDER,
    RIGHT_HAND,
    RIGHT_SHOULDER,
)

POSES = Path(__file__).parent / "data" / "poses"


@pytest.mark.parametrize(
    ("name", "points", "components"),
    [
        ("holistic", 543, {"body": 33, "face": 468, "left_hand": 21, "right_hand": 21}),
        ("holistic_iris", 553, {"body": 33, "face": 478, "left_hand": 21, "right_hand": 21}),
        ("reduced_178", 178, {"body": 8, "face": 128, "left_hand": 21, "right_hand": 21}),
        ("openpose_137", 137, {"body": 25, "face": 70, "left_hand": 21, "right_hand": 21}),
        (
            "coco_wholebody_133",
            133,
            {"body": 17, "feet": 6, "face": 68, "left_hand": 21, "right_hand": 21},
        ),
        ("coco_18", 18, {"body": 18}),
    ],
)
def test_layout_sizes(name: str, points: int, components: dict[str, int]) -> None:
    layout = get_layout(name)
    assert layout.num_points == points
    assert {c.name: len(c) for c in layout.components} == components
    for a, b in layout.limbs():
        assert 0 <= a < points and 0 <= b < points and a != b


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_canonical_index_is_injective(layout: str) -> None:
    index = canonical_index(get_layout(layout))
    mapped = index[index >= 0]
    assert len(np.unique(mapped)) == len(mapped) and mapped.max() < HOLISTIC.num_points


def test_ibug_table_points_into_the_mesh_without_repeats() -> None:
    assert len(IBUG68_TO_MESH) == 68 and len(set(IBUG68_TO_MESH)) == 68
    assert max(IBUG68_TO_MESH) < 468
    assert IBUG68_TO_MESH[8] == 152 and IBUG68_TO_MESH[30] == 4  # chin, nose tip


def test_ibug_table_draws_a_face_on_a_real_mesh() -> None:
    """The chosen mesh points keep iBUG's geometry on a real face: jaw left to right with
    the chin lowest, brows above eyes above the nose tip above the mouth."""
    mesh = read_poses(POSES / "segmentation_example.pose").xy[10, FACE][list(IBUG68_TO_MESH)]
    jaw_x = mesh[0:17, 0]
    assert (np.diff(jaw_x) >= -1).all() and mesh[8, 1] == mesh[0:17, 1].max()
    brows, eyes, nose_tip, mouth = mesh[17:27, 1], mesh[36:48, 1], mesh[30, 1], mesh[48:68, 1]
    assert brows.max() < eyes.min() and eyes.max() < nose_tip < mouth.min()


def test_openpose_points_land_on_their_canonical_names() -> None:
    source = read_poses(POSES / "pose_tests_openpose.pose")
    canonical = to_canonical(source)
    assert canonical.layout.name == "holistic" and canonical.xy.shape == (93, 543, 2)
    body = source.layout.component("body").points
    np.testing.assert_array_equal(
        canonical.xy[:, RIGHT_SHOULDER], source.xy[:, body.index("right_shoulder")]
    )
    np.testing.assert_array_equal(
        canonical.xy[:, LEFT_SHOULDER], source.xy[:, body.index("left_shoulder")]
    )
    np.testing.assert_array_equal(
        canonical.xy[:, LEFT_HAND], source.xy[:, source.layout.span("left_hand")]
    )
    chin = FACE.start + 152
    np.testing.assert_array_equal(
        canonical.xy[:, chin], source.xy[:, source.layout.span("face").start + 8]
    )
    # Points OpenPose lacks stay missing: mouth corners of the body, body hand points, iris.
    assert (canonical.conf[:, [9, 10, 17, 18, 19, 20, 21, 22]] == 0).all()
    assert canonical.fps == 24 and (canonical.width, canonical.height) == (1000, 1000)


def test_reduced_face_points_keep_their_mesh_indices() -> None:
    source = read_poses(POSES / "sgg_essen.pose")
    canonical = read_canonical(POSES / "sgg_essen.pose")
    face = source.layout.component("face").points
    for k, name in enumerate(face):
        mesh = int(name.removeprefix("face_"))
        np.testing.assert_array_equal(
            canonical.xy[:, FACE.start + mesh], source.xy[:, source.layout.span("face").start + k]
        )
    assert canonical.conf[:, FACE].astype(bool).any(axis=0).sum() == 128
    np.testing.assert_array_equal(
        canonical.xy[:, RIGHT_HAND], source.xy[:, source.layout.span("right_hand")]
    )


def test_holistic_is_returned_unchanged() -> None:
    seq = read_poses(POSES / "segmentation_example.pose")
    assert to_canonical(seq) is seq


def test_lacks_reports_what_a_layout_cannot_give() -> None:
    assert lacks(get_layout("holistic")) == ()
    assert lacks(get_layout("holistic_iris")) == ()
    coco18 = lacks(get_layout("coco_18"))
    assert "no finger points" in coco18 and "no face" in coco18
    assert "sparse face: 68 of 468 face-mesh points" in lacks(get_layout("openpose_137"))
    assert "sparse face: 128 of 468 face-mesh points" in lacks(get_layout("reduced_178"))
    assert "body: 8 of 33 points" in lacks(get_layout("reduced_178"))


def test_convert_by_name_between_openpose_and_coco_layouts() -> None:
    source = read_poses(POSES / "pose_tests_openpose.pose")
    coco = convert_by_name(source, get_layout("coco_wholebody_133"))
    body = source.layout.component("body").points
    feet = coco.layout.span("feet").start
    np.testing.assert_array_equal(coco.xy[:, feet], source.xy[:, body.index("left_big_toe")])
    np.testing.assert_array_equal(
        coco.xy[:, coco.layout.span("face")],
        source.xy[:, source.layout.span("face").start + np.arange(68)],
    )
    # Via COCO-WholeBody or directly, the canonical points agree where both have them.
    direct, via = to_canonical(source), to_canonical(coco)
    both = (direct.conf > 0) & (via.conf > 0)
    np.testing.assert_array_equal(direct.xy[both], via.xy[both])
    assert both.sum() > 0.5 * (via.conf > 0).sum()
