"""Pose extraction from a real signing video (MediaPipe Holistic, offline, CPU).

The real video is extracted once per session (module fixture, ~4 s); the other cases use short
clips cut from it or written here.
"""

from __future__ import annotations

import socket
from pathlib import Path

import numpy as np
import pytest

from signgen.errors import ConfigError, ExtractError, VideoError
from signgen.extract import extract_poses, probe_video
from signgen.io.video import read_frames, read_video
from signgen.pose.layouts import (
    FACE,
    HOLISTIC,
    LEFT_WRIST,
    NOSE,
    RIGHT_HAND,
    RIGHT_WRIST,
)
from signgen.pose.sequence import PoseSequence
from signgen.video import write_video

DATA = Path(__file__).parent / "data"
VIDEO = DATA / "pose_tests_test_video.mp4"  # 540x720 portrait, 58 frames, 29.92 fps


def _no_network(*args: object, **kwargs: object) -> None:
    raise AssertionError("pose extraction tried to use the network")


@pytest.fixture(scope="module")
def poses() -> PoseSequence:
    # With sockets refused, a model download attempt would fail the run: proves it is offline.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", _no_network)
        return extract_poses(VIDEO)


@pytest.fixture(scope="module")
def frames() -> np.ndarray:
    return read_video(VIDEO).frames


def _inside(xy: np.ndarray, width: int, height: int) -> np.ndarray:
    return (xy[..., 0] >= 0) & (xy[..., 0] < width) & (xy[..., 1] >= 0) & (xy[..., 1] < height)


def test_one_canonical_pose_per_frame_at_the_video_rate(poses: PoseSequence) -> None:
    assert poses.num_frames == 58
    assert poses.fps == pytest.approx(29.92, abs=0.01)
    assert (poses.width, poses.height) == (540, 720)
    assert poses.layout is HOLISTIC
    assert poses.xy.shape == (58, 543, 2) and poses.conf.shape == (58, 543)


def test_body_and_face_in_every_frame_hands_where_in_view(poses: PoseSequence) -> None:
    assert poses.visible("body").all() and poses.visible("face").all()
    # The signer's right hand is the only one in view (her left arm leaves the frame at the
    # right edge); it is found in 20 of 58 frames, and in 20 of the 33 frames where the body's
    # right wrist lies inside the picture (the others are motion-blurred or cut by the edge).
    hand = poses.visible("right_hand")
    assert hand.mean() >= 0.25
    wrist_in_view = _inside(poses.xy[:, RIGHT_WRIST], poses.width, poses.height)
    assert hand[wrist_in_view].mean() >= 0.5
    assert not hand[~wrist_in_view].any()
    assert not poses.visible("left_hand").any()


def test_confidences_follow_detection(poses: PoseSequence) -> None:
    conf = poses.conf
    assert ((conf >= 0) & (conf <= 1)).all()
    assert (conf[:, FACE] == 1).all()  # the face mesh has no per-point score
    hand = conf[:, RIGHT_HAND]
    assert np.isin(hand, [0, 1]).all() and (hand.min(axis=1) == hand.max(axis=1)).all()
    # Body confidence is MediaPipe's visibility: shoulders sure, the off-screen wrist not.
    assert conf[:, 11:13].min() > 0.9
    assert np.median(conf[:, LEFT_WRIST]) < 0.7


def test_hands_map_to_the_signers_own_sides(poses: PoseSequence) -> None:
    found = poses.visible("right_hand")
    hand_wrist = poses.xy[found, RIGHT_HAND.start]
    to_right = np.linalg.norm(hand_wrist - poses.xy[found, RIGHT_WRIST], axis=1)
    to_left = np.linalg.norm(hand_wrist - poses.xy[found, LEFT_WRIST], axis=1)
    assert np.median(to_right) < 25 and to_left.min() > 400
    # Facing the camera, unmirrored: the signer's right is the image's left.
    assert (poses.xy[:, RIGHT_WRIST, 0] < poses.xy[:, NOSE, 0]).all()
    assert np.median(poses.xy[:, LEFT_WRIST, 0]) > poses.width


def test_points_overlay_the_person_and_follow_the_motion(poses: PoseSequence) -> None:
    assert _inside(poses.xy[:, NOSE], poses.width, poses.height).all()
    # The nose sits mid-frame in the upper half; the face mesh surrounds it.
    assert 200 < np.median(poses.xy[:, NOSE, 0]) < 340
    assert 150 < np.median(poses.xy[:, NOSE, 1]) < 360
    face = poses.xy[:, FACE]
    assert (face[..., 0].min(axis=1) < poses.xy[:, NOSE, 0]).all()
    assert (face[..., 0].max(axis=1) > poses.xy[:, NOSE, 0]).all()
    # The head stays put while the signing hand travels (measured: 29 px vs 467 px).
    assert np.ptp(poses.xy[:, NOSE], axis=0).max() < 60
    assert np.ptp(poses.xy[:, RIGHT_WRIST, 1]) > 200
    found = poses.visible("right_hand")
    assert np.ptp(poses.xy[found, RIGHT_HAND.start], axis=0).max() > 150


def test_a_mirrored_video_gives_mirrored_points(
    poses: PoseSequence, frames: np.ndarray, tmp_path: Path
) -> None:
    clip = slice(12, 42)  # the frames where the hand is up
    flipped = tmp_path / "flipped.mp4"
    write_video(flipped, frames[clip, :, ::-1], fps=29.92)
    mirrored = extract_poses(flipped)
    width = poses.width
    assert mirrored.num_frames == 30
    # Measured: nose within 17 px, x mirrored about the frame's centre line.
    assert np.abs(width - mirrored.xy[:, NOSE, 0] - poses.xy[clip, NOSE, 0]).max() < 30
    assert np.abs(mirrored.xy[:, NOSE, 1] - poses.xy[clip, NOSE, 1]).max() < 20
    # In the mirror the raised hand is a left hand, at the mirrored wrist position.
    assert mirrored.visible("left_hand").mean() > 0.5 and not mirrored.visible("right_hand").any()
    wrist_x = width - mirrored.xy[:, LEFT_WRIST, 0]
    assert np.median(np.abs(wrist_x - poses.xy[clip, RIGHT_WRIST, 0])) < 20


def test_the_backend_and_its_settings_are_recorded(poses: PoseSequence, tmp_path: Path) -> None:
    from signgen.io import read_poses, write_poses

    assert poses.meta["backend"] == "mediapipe"
    assert poses.meta["model_complexity"] == 1
    assert poses.meta["source"] == VIDEO.name
    write_poses(poses, tmp_path / "poses.json")
    assert read_poses(tmp_path / "poses.json").meta == poses.meta


def test_every_n_keeps_every_nth_frame_at_fps_over_n(poses: PoseSequence) -> None:
    sparse = extract_poses(VIDEO, every=3)
    assert sparse.num_frames == 20
    assert sparse.fps == pytest.approx(poses.fps / 3)
    # The same frames as the full run (tracking differs a little with gaps: 14 px measured).
    assert np.abs(sparse.xy[:, NOSE] - poses.xy[::3, NOSE]).max() < 30


def test_no_person_is_an_error_unless_empty_frames_are_allowed(tmp_path: Path) -> None:
    grey = np.full((6, 96, 128, 3), 128, np.uint8)
    grey[:, 20:60, 30:90] = 40  # some structure, but nobody there
    video = tmp_path / "empty_room.mp4"
    write_video(video, grey, fps=25.0)
    with pytest.raises(ExtractError, match="no person found in any of its 6 frames"):
        extract_poses(video)
    empty = extract_poses(video, allow_empty=True)
    assert empty.num_frames == 6 and (empty.width, empty.height) == (128, 96)
    assert not empty.conf.any()


def test_progress_reports_every_frame(tmp_path: Path, frames: np.ndarray) -> None:
    video = tmp_path / "short.mp4"
    write_video(video, frames[:5], fps=29.92)
    calls: list[tuple[int, int]] = []
    extract_poses(video, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(i, 5) for i in range(1, 6)]


@pytest.fixture
def truncated(tmp_path: Path) -> Path:
    path = tmp_path / "truncated.mp4"
    path.write_bytes(VIDEO.read_bytes()[:100_000])
    return path


@pytest.fixture
def garbled(tmp_path: Path) -> Path:
    """The container intact, the H.264 data after its first few kB scrambled."""
    data = bytearray(VIDEO.read_bytes())
    start = data.find(b"mdat") + 5000
    scrambled = np.frombuffer(bytes(data[start:]), np.uint8) * np.uint8(31) + np.uint8(7)
    data[start:] = scrambled.tobytes()
    path = tmp_path / "garbled.mp4"
    path.write_bytes(bytes(data))
    return path


def test_corrupt_videos_are_one_line_errors(truncated: Path, garbled: Path) -> None:
    for path in (truncated, garbled):
        with pytest.raises(VideoError, match="corrupt") as error:
            extract_poses(path)
        assert str(path) in str(error.value) and "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.mp4", "is empty \\(0 bytes\\), not a video"),
        (None, "image.mp4", "is a PNG image, not a video"),
        (b"subtitle text, not frames\n", "notes.mp4", "not a video ffmpeg can read"),
    ],
)
def test_files_that_are_not_videos(
    tmp_path: Path, content: bytes | None, name: str, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes((DATA / "fake_human_256.png").read_bytes() if content is None else content)
    with pytest.raises(VideoError, match=message) as error:
        extract_poses(path)
    assert str(path) in str(error.value) and "\n" not in str(error.value)


def test_missing_file_and_bad_options(tmp_path: Path) -> None:
    with pytest.raises(VideoError, match="no such file"):
        probe_video(tmp_path / "absent.mp4")
    with pytest.raises(ConfigError, match="unknown video reader 'opencv'"):
        probe_video(VIDEO, reader="opencv")
    with pytest.raises(ConfigError, match="unknown pose backend 'openpose'"):
        extract_poses(VIDEO, backend="openpose")
    with pytest.raises(ConfigError, match="--every must be 1 or more"):
        extract_poses(VIDEO, every=0)


def test_probe_reads_size_rate_and_length() -> None:
    info = probe_video(VIDEO)
    assert (info.width, info.height, info.num_frames) == (540, 720, 58)
    assert info.fps == pytest.approx(29.92, abs=0.01)
    assert info.reader == "decord"


def test_the_ffmpeg_reader_gives_the_same_frames(frames: np.ndarray) -> None:
    """The fallback where decord has no wheel: same size, rate and pictures."""
    info = probe_video(VIDEO, reader="ffmpeg")
    assert (info.width, info.height, info.num_frames) == (540, 720, 58)
    assert info.fps == pytest.approx(29.92, abs=0.01)
    decoded = np.stack(list(read_frames(info, every=3)))
    assert decoded.shape == (20, 720, 540, 3)
    difference = np.abs(decoded.astype(np.int16) - frames[::3].astype(np.int16))
    assert difference.mean() < 2.0  # identical here (both decode with ffmpeg)
