"""signgen.io on the real recordings and the format fixtures: load, round trips, errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from pose_format import Pose

from signgen.errors import LayoutError, PoseFileError
from signgen.io import (
    read_canonical,
    read_poses,
    write_coco_wholebody,
    write_openpose,
    write_poses,
)
from signgen.pose import PoseSequence, get_layout
from signgen.pose.convert import convert_by_name

DATA = Path(__file__).parent / "data"
POSES = DATA / "poses"
FORMATS = DATA / "pose_formats"

# file -> (frames, fps, width, height, layout), from /work/shared/DATA.md and the headers.
EXPECTED = {
    "segmentation_example.pose": (130, 30.0, 320, 240, "holistic"),
    "pose_hand_estimation_84322c38.pose": (47, 25.0, 640, 360, "holistic_iris"),
    "pose_hand_estimation_7bd6dd48.pose": (91, 30.007, 2688, 1512, "holistic"),
    "fingerspelling_ase_A.pose": (21, 25.0, 500, 500, "holistic_iris"),
    "sgg_essen.pose": (73, 24.0, 640, 480, "reduced_178"),
    "pose_tests_mediapipe_long.pose": (278, 24.0, 1250, 1250, "reduced_178"),
    "pose_tests_openpose.pose": (93, 24.0, 1000, 1000, "openpose_137"),
}


def test_every_real_file_is_expected() -> None:
    assert sorted(p.name for p in POSES.glob("*.pose")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_file_loads_with_its_frames_fps_and_layout(name: str) -> None:
    frames, fps, width, height, layout = EXPECTED[name]
    seq = read_poses(POSES / name)
    assert (seq.num_frames, seq.width, seq.height, seq.layout.name) == (
        frames,
        width,
        height,
        layout,
    )
    assert seq.fps == pytest.approx(fps, abs=1e-3)
    assert seq.xy.dtype == np.float32 and seq.conf.dtype == np.float32
    assert np.isfinite(seq.xy).all() and 0 <= seq.conf.min() and seq.conf.max() <= 1
    assert (seq.conf > 0).mean() > 0.5  # real points, not an empty shell


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_file_round_trips_through_json_and_pose(name: str, tmp_path: Path) -> None:
    original = read_poses(POSES / name)
    write_poses(original, tmp_path / "a.json")
    from_json = read_poses(tmp_path / "a.json")
    write_poses(from_json, tmp_path / "b.pose")
    back = read_poses(tmp_path / "b.pose")
    assert back.layout.name == original.layout.name and back.num_frames == original.num_frames
    assert back.fps == pytest.approx(original.fps, rel=1e-6)
    np.testing.assert_array_equal(back.conf > 0, original.conf > 0)
    assert np.abs(back.xy - original.xy).max() < 1e-3
    assert np.abs(back.conf - original.conf).max() < 2e-4


def test_pose_format_itself_reads_what_signgen_writes(tmp_path: Path) -> None:
    seq = read_poses(POSES / "segmentation_example.pose")
    write_poses(seq, tmp_path / "out.pose")
    pose = Pose.read((tmp_path / "out.pose").read_bytes())
    names = [c.name for c in pose.header.components]
    assert names == [
        "POSE_LANDMARKS",
        "FACE_LANDMARKS",
        "LEFT_HAND_LANDMARKS",
        "RIGHT_HAND_LANDMARKS",
    ]
    shoulder = pose.header.get_point_index("POSE_LANDMARKS", "RIGHT_SHOULDER")
    assert shoulder == 12
    np.testing.assert_allclose(pose.body.data.data[:, 0, 12, :2], seq.xy[:, 12], atol=1e-4)
    assert pose.body.fps == 30.0


def test_world_landmarks_and_iris_points() -> None:
    seq = read_poses(POSES / "fingerspelling_ase_A.pose")  # 586 = 553 image + 33 world points
    assert seq.layout.num_points == 553
    raw = Pose.read((POSES / "fingerspelling_ase_A.pose").read_bytes())
    np.testing.assert_allclose(
        seq.xy[:, :33], np.asarray(raw.body.data.data)[:, 0, :33, :2] * (seq.conf[:, :33, None] > 0)
    )
    canonical = read_canonical(POSES / "fingerspelling_ase_A.pose")
    assert canonical.layout.num_points == 543  # the 10 iris points are not in the canonical mesh
    np.testing.assert_array_equal(canonical.xy[:, :501], seq.xy[:, :501])
    np.testing.assert_array_equal(canonical.xy[:, 501:], seq.xy[:, 511:])


def test_glosses_survive_json(tmp_path: Path) -> None:
    from signgen.pose import GlossSpan

    seq = read_poses(POSES / "sgg_essen.pose").replace(glosses=(GlossSpan("ESSEN", 3, 70),))
    write_poses(seq, tmp_path / "essen.json")
    assert read_poses(tmp_path / "essen.json").glosses == (GlossSpan("ESSEN", 3, 70),)


def _openpose_reference(frames: int = 12) -> PoseSequence:
    return read_poses(POSES / "pose_tests_openpose.pose").frames(0, frames)


def test_openpose_folder_fixture_matches_the_recording() -> None:
    seq = read_poses(FORMATS / "openpose_json", fps=24, size=(1000, 1000))
    reference = _openpose_reference()
    assert seq.layout.name == "openpose_137" and seq.num_frames == 12 and seq.fps == 24
    np.testing.assert_array_equal(seq.conf > 0, reference.conf > 0)
    assert np.abs(seq.xy - reference.xy).max() < 1e-3


def test_openpose_folder_round_trip(tmp_path: Path) -> None:
    reference = read_poses(POSES / "pose_tests_openpose.pose")
    write_openpose(reference, tmp_path / "frames")
    assert len(list((tmp_path / "frames").glob("*_keypoints.json"))) == 93
    back = read_poses(tmp_path / "frames", fps=24, size=(1000, 1000))
    assert back.num_frames == 93 and back.fps == 24 and back.width == 1000
    assert np.abs(back.xy - reference.xy).max() < 1e-3


def test_openpose_without_fps_defaults_and_sizes_to_the_points() -> None:
    seq = read_poses(FORMATS / "openpose_json")
    assert seq.fps == 25.0
    present = seq.xy[seq.conf > 0]
    assert seq.width >= present[:, 0].max() and seq.height >= present[:, 1].max()


def test_openpose_keeps_the_most_confident_person(tmp_path: Path) -> None:
    frame = json.loads(
        (FORMATS / "openpose_json" / "signer_000000000000_keypoints.json").read_text()
    )
    ghost = {
        key: [1.0, 2.0, 0.05] * (len(value) // 3)
        for key, value in frame["people"][0].items()
        if key != "person_id"
    }
    frame["people"].insert(0, ghost)
    (tmp_path / "x_000000000000_keypoints.json").write_text(json.dumps(frame))
    seq = read_poses(tmp_path)
    assert seq.xy[0, 0, 0] == pytest.approx(frame["people"][1]["pose_keypoints_2d"][0], abs=1e-3)


@pytest.mark.parametrize("name", ["rtmw_predictions.json", "coco_wholebody_annotations.json"])
def test_coco_wholebody_fixtures_match_the_recording(name: str) -> None:
    seq = read_poses(FORMATS / name, fps=24)
    reference = _openpose_reference()
    assert seq.layout.name == "coco_wholebody_133" and seq.num_frames == 12
    assert (seq.width, seq.height, seq.fps) == (1000, 1000, 24)
    body, ref_body = seq.layout.component("body").points, reference.layout.component("body").points
    for point in ("nose", "left_shoulder", "right_wrist", "left_ear"):
        ours, theirs = body.index(point), ref_body.index(point)
        assert np.abs(seq.xy[:, ours] - reference.xy[:, theirs]).max() < 1e-3
    hand, ref_hand = seq.layout.span("right_hand"), reference.layout.span("right_hand")
    assert np.abs(seq.xy[:, hand] - reference.xy[:, ref_hand]).max() < 1e-3
    face, ref_face = seq.layout.span("face"), reference.layout.span("face")
    assert (
        np.abs(seq.xy[:, face] - reference.xy[:, ref_face.start : ref_face.start + 68]).max() < 1e-3
    )


def test_coco_wholebody_round_trip_keeps_fps_and_size(tmp_path: Path) -> None:
    seq = read_poses(FORMATS / "rtmw_predictions.json")
    assert seq.fps == 24.0  # stored by signgen in meta_info
    write_coco_wholebody(seq.replace(fps=50.0), tmp_path / "again.json")
    back = read_poses(tmp_path / "again.json")
    assert back.fps == 50.0 and (back.width, back.height) == (1000, 1000)
    np.testing.assert_array_equal(back.xy, seq.xy)


def test_coco_visibility_flags_become_confidence(tmp_path: Path) -> None:
    keypoints = [10.0, 20.0, 2] + [30.0, 40.0, 1] + [0.0, 0.0, 0] * 131
    document = {"annotations": [{"image_id": 7, "keypoints": keypoints}]}
    (tmp_path / "gt.json").write_text(json.dumps(document))
    seq = read_poses(tmp_path / "gt.json")
    assert seq.conf[0, :3].tolist() == [1.0, 1.0, 0.0]
    assert seq.xy[0, 1].tolist() == [30.0, 40.0]


def test_write_openpose_refuses_other_layouts(tmp_path: Path) -> None:
    with pytest.raises(LayoutError):
        write_openpose(read_poses(POSES / "sgg_essen.pose"), tmp_path / "x")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.txt", "hello", "unsupported pose file type"),
        ("a.json", "{not json", "not valid JSON"),
        ("a.json", '{"hello": 1}', "unrecognised JSON"),
        ("a.json", '{"format": "signgen.pose/9"}', "unsupported format"),
        ("a.pose", "", "not a .pose file"),
    ],
)
def test_bad_files_raise_pose_file_errors_naming_the_file(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(PoseFileError, match=message) as error:
        read_poses(path)
    assert error.value.path == path


def test_missing_file_and_bad_output_suffix(tmp_path: Path) -> None:
    with pytest.raises(PoseFileError, match="no such file"):
        read_poses(tmp_path / "absent.pose")
    with pytest.raises(PoseFileError, match="use .json or .pose"):
        write_poses(read_poses(POSES / "sgg_essen.pose"), tmp_path / "out.csv")
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_thirty_thousand_frames_load_as_one_block(tmp_path: Path) -> None:
    """A 10-minute 50 fps holistic file: read as whole arrays (the header is checked first)."""
    seq = read_poses(POSES / "segmentation_example.pose")
    reps = -(-30_000 // seq.num_frames)
    long = seq.replace(
        xy=np.tile(seq.xy, (reps, 1, 1))[:30_000],
        conf=np.tile(seq.conf, (reps, 1))[:30_000],
        fps=50.0,
    )
    write_poses(long, tmp_path / "long.pose")
    back = read_poses(tmp_path / "long.pose")
    assert back.num_frames == 30_000 and back.duration == pytest.approx(600.0)
    np.testing.assert_array_equal(back.xy[-1], long.xy[-1])


def test_deepfashion_csv_fixture_matches_the_recording() -> None:
    seq = read_poses(FORMATS / "deepfashion_annotations.csv", fps=24, size=(1000, 1000))
    reference = _openpose_reference()
    assert seq.layout.name == "coco_18" and seq.num_frames == 12 and seq.fps == 24
    body, ref_body = seq.layout.component("body").points, reference.layout.component("body").points
    for k, point in enumerate(body):
        theirs = ref_body.index(point)
        present = reference.conf[:, theirs] > 0
        np.testing.assert_array_equal(seq.conf[:, k] > 0, present)
        error = np.abs(seq.xy[present, k] - reference.xy[present, theirs])
        assert (error <= 0.5).all()  # integer pixels


def test_openpose_coco18_folder_round_trip(tmp_path: Path) -> None:
    coco18 = convert_by_name(_openpose_reference(), get_layout("coco_18"))
    write_openpose(coco18, tmp_path / "coco18")
    document = json.loads(next((tmp_path / "coco18").glob("*.json")).read_text())
    assert len(document["people"][0]["pose_keypoints_2d"]) == 54
    back = read_poses(tmp_path / "coco18", fps=24, size=(1000, 1000))
    assert back.layout.name == "coco_18"
    np.testing.assert_allclose(back.xy, coco18.xy, atol=1e-3)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,x,y\n", "not a DeepFashion pose CSV"),
        ("name:keypoints_y:keypoints_x\n", "no annotation rows"),
        ("name:keypoints_y:keypoints_x\na.jpg: [1, 2]: [3, 4]\n", "expected 18"),
        ("name:keypoints_y:keypoints_x\na.jpg: [1, 2, x]: [3]\n", "list of numbers"),
    ],
)
def test_bad_deepfashion_csv(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "a.csv").write_text(content)
    with pytest.raises(PoseFileError, match=message):
        read_poses(tmp_path / "a.csv")


LEXICON = sorted((Path(__file__).parents[1] / "pose_sequences").glob("*/*.json"))


def test_every_lexicon_entry_round_trips_through_pose(tmp_path: Path) -> None:
    """The shipped lexicon (signgen JSON made from the real lexicon recordings)."""
    assert len(LEXICON) >= 30
    for path in LEXICON:
        seq = read_poses(path)
        write_poses(seq, tmp_path / "entry.pose")
        back = read_poses(tmp_path / "entry.pose")
        assert (back.num_frames, back.layout.name) == (seq.num_frames, seq.layout.name), path
        assert back.fps == pytest.approx(seq.fps) and np.abs(back.xy - seq.xy).max() < 1e-3, path


def test_provenance_meta_survives_json_and_is_validated(tmp_path: Path) -> None:
    seq = read_poses(POSES / "sgg_essen.pose")
    assert seq.meta == {}
    tagged = seq.replace(meta={"backend": "mediapipe", "every": 2, "refine": False})
    write_poses(tagged, tmp_path / "essen.json")
    assert read_poses(tmp_path / "essen.json").meta == {
        "backend": "mediapipe",
        "every": 2,
        "refine": False,
    }
    document = json.loads((tmp_path / "essen.json").read_text())
    document["meta"] = {"backend": [1, 2]}
    (tmp_path / "bad.json").write_text(json.dumps(document))
    with pytest.raises(PoseFileError, match="meta"):
        read_poses(tmp_path / "bad.json")
