"""Gap filling, smoothing, resampling and frame fitting on real sequences."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from signgen.errors import ConfigError, PoseFileError
from signgen.io import read_canonical, read_poses
from signgen.pose import GlossSpan, PoseSequence
from signgen.pose.filters import drop_stray_hands, fill_gaps, resample, smooth
from signgen.pose.layouts import (
    BODY,
    FACE,
    LEFT_HAND,
    LEFT_SHOULDER,
    LEFT_WRIST,
    RIGHT_HAND,
    RIGHT_SHOULDER,
    RIGHT_WRIST,
)
from signgen.pose.normalize import fit_to_frame, fit_to_size

POSES = Path(__file__).parent / "data" / "poses"


@pytest.fixture(scope="module")
def signing() -> PoseSequence:
    """Continuous real signing, 130 frames at 30 fps, 320x240 (canonical holistic)."""
    return read_canonical(POSES / "segmentation_example.pose")


def _jitter(seq: PoseSequence, points: np.ndarray) -> float:
    """RMS second difference (px/frame^2) over points present in three consecutive frames."""
    conf = seq.conf[:, points] > 0
    ok = conf[2:] & conf[1:-1] & conf[:-2]
    xy = seq.xy[:, points]
    accel = xy[2:] - 2 * xy[1:-1] + xy[:-2]
    return float(np.sqrt((accel**2).sum(-1)[ok].mean()))


def _with_jitter(seq: PoseSequence, sigma: float, seed: int = 0) -> PoseSequence:
    noise = np.random.default_rng(seed).normal(0, sigma, seq.xy.shape).astype(np.float32)
    return seq.replace(xy=np.where(seq.conf[..., None] > 0, seq.xy + noise, seq.xy))


BODY_AND_HANDS = np.r_[np.arange(BODY.start, BODY.stop), np.arange(501, 543)]


@pytest.mark.parametrize(("method", "max_ratio"), [("savgol", 0.5), ("one_euro", 0.6)])
def test_smoothing_reduces_added_jitter(
    signing: PoseSequence, method: str, max_ratio: float
) -> None:
    noisy = _with_jitter(signing, sigma=1.6)  # 0.5% of the frame
    smoothed = smooth(noisy, method)  # type: ignore[arg-type]
    ratio = _jitter(smoothed, BODY_AND_HANDS) / _jitter(noisy, BODY_AND_HANDS)
    assert ratio < max_ratio
    assert smoothed.num_frames == noisy.num_frames and smoothed.fps == noisy.fps
    # Smoothing does not drift: still within the added noise of the original on average.
    present = signing.conf[:, BODY_AND_HANDS] > 0
    error = np.linalg.norm(smoothed.xy[:, BODY_AND_HANDS] - signing.xy[:, BODY_AND_HANDS], axis=-1)
    assert error[present].mean() < 1.6 * 1.6


def test_smoothing_leaves_face_and_missing_points_alone(signing: PoseSequence) -> None:
    noisy = _with_jitter(signing, sigma=2.0)
    for method in ("savgol", "one_euro"):
        smoothed = smooth(noisy, method)  # type: ignore[arg-type]
        np.testing.assert_array_equal(smoothed.xy[:, FACE], noisy.xy[:, FACE])
        np.testing.assert_array_equal(smoothed.conf, noisy.conf)
        missing = noisy.conf == 0
        np.testing.assert_array_equal(smoothed.xy[missing], noisy.xy[missing])


def test_unknown_smoothing_method_is_a_config_error(signing: PoseSequence) -> None:
    with pytest.raises(ConfigError):
        smooth(signing, "median")  # type: ignore[arg-type]


def test_a_hand_far_from_its_wrist_is_dropped_and_real_hands_stay(
    signing: PoseSequence,
) -> None:
    seen = (signing.conf[:, LEFT_HAND.start] > 0) & (signing.conf[:, LEFT_WRIST] > 0)
    assert seen.sum() > 10
    assert drop_stray_hands(signing) is signing  # recorded hands sit on their wrists
    xy = signing.xy.copy()
    frame = int(np.flatnonzero(seen)[0])
    width = float(np.linalg.norm(xy[frame, LEFT_SHOULDER] - xy[frame, RIGHT_SHOULDER]))
    xy[frame, LEFT_HAND] += np.float32(0.8 * width)  # the detector fired on the shirt
    cleaned = drop_stray_hands(signing.replace(xy=xy))
    assert (cleaned.conf[frame, LEFT_HAND] == 0).all()
    np.testing.assert_array_equal(cleaned.conf[frame, RIGHT_HAND], signing.conf[frame, RIGHT_HAND])
    others = np.arange(signing.num_frames) != frame
    np.testing.assert_array_equal(cleaned.conf[others], signing.conf[others])


def test_fill_gaps_bridges_short_dropouts_only(signing: PoseSequence) -> None:
    wrist = 16
    assert (signing.conf[20:60, wrist] > 0).all()
    conf = signing.conf.copy()
    conf[30:33, wrist] = 0  # 3-frame dropout
    conf[40:50, wrist] = 0  # 10-frame dropout
    holed = signing.replace(conf=conf)
    filled = fill_gaps(holed, max_gap=5)
    assert (filled.conf[30:33, wrist] > 0).all() and (filled.conf[40:50, wrist] == 0).all()
    a, b = signing.xy[29, wrist], signing.xy[33, wrist]
    np.testing.assert_allclose(filled.xy[31, wrist], a + (b - a) * 2 / 4, atol=1e-4)
    assert filled.conf[31, wrist] == min(signing.conf[29, wrist], signing.conf[33, wrist])
    # Tracks that start or end missing are not extended.
    first_seen = int(np.argmax(signing.conf[:, RIGHT_HAND.start] > 0))
    if first_seen > 0:
        assert (fill_gaps(signing, 1000).conf[:first_seen, RIGHT_HAND.start] == 0).all()


def test_a_bridged_hand_rides_on_its_arms_wrist(signing: PoseSequence) -> None:
    hand = np.arange(RIGHT_HAND.start, RIGHT_HAND.stop)
    frames = [t for t in range(5, 120) if (signing.conf[t - 2 : t + 3, hand] > 0).all()]
    assert frames and (signing.conf[frames[0] - 2 : frames[0] + 3, RIGHT_WRIST] > 0).all()
    t = frames[0]
    conf, xy = signing.conf.copy(), signing.xy.copy()
    conf[t - 1 : t + 2, hand] = 0  # the hand lost for 3 frames
    xy[t - 1 : t + 2, RIGHT_WRIST] += np.array([12.0, -7.0], np.float32)  # the arm swung away
    filled = fill_gaps(signing.replace(xy=xy, conf=conf), max_gap=5)
    assert (filled.conf[t - 1 : t + 2, hand] > 0).all()
    straight = (xy[t - 2, hand] + xy[t + 2, hand]) / 2  # the line between the sightings
    wrist_line = (xy[t - 2, RIGHT_WRIST] + xy[t + 2, RIGHT_WRIST]) / 2
    np.testing.assert_allclose(
        filled.xy[t, hand], straight + (xy[t, RIGHT_WRIST] - wrist_line), atol=1e-3
    )


def test_resample_keeps_duration_and_rescales_glosses(signing: PoseSequence) -> None:
    seq = signing.replace(glosses=(GlossSpan("A", 0, 30), GlossSpan("B", 30, 130)))
    faster = resample(seq, 60.0)
    assert faster.num_frames == 260 and faster.fps == 60.0
    assert faster.glosses == (GlossSpan("A", 0, 60), GlossSpan("B", 60, 260))
    np.testing.assert_array_equal(
        faster.xy[::2][:129], seq.xy[:129] * (seq.conf[:129, :, None] > 0)
    )
    both = (seq.conf[10] > 0) & (seq.conf[11] > 0)
    np.testing.assert_allclose(
        faster.xy[21][both], (seq.xy[10][both] + seq.xy[11][both]) / 2, atol=1e-4
    )
    only_one = (seq.conf[10] > 0) != (seq.conf[11] > 0)
    assert (faster.conf[21][only_one] == 0).all()
    slower = resample(seq, 15.0)
    assert slower.num_frames == 65 and slower.glosses[1] == GlossSpan("B", 15, 65)
    np.testing.assert_array_equal(slower.xy[5], seq.xy[10] * (seq.conf[10, :, None] > 0))


def test_resample_real_24_fps_to_25() -> None:
    seq = read_poses(POSES / "sgg_essen.pose")
    out = resample(seq, 25.0)
    assert out.num_frames == round(73 * 25 / 24) and out.duration == pytest.approx(
        seq.duration, abs=0.05
    )
    with pytest.raises(ConfigError):
        resample(seq, 0.0)


def test_fit_to_frame_sets_shoulder_width_and_centre(signing: PoseSequence) -> None:
    fitted = fit_to_frame(signing, 256, 256, shoulder_width=80.0, center=(128.0, 110.0))
    assert (fitted.width, fitted.height) == (256, 256)
    both = (signing.conf[:, LEFT_SHOULDER] > 0) & (signing.conf[:, RIGHT_SHOULDER] > 0)
    left, right = fitted.xy[both, LEFT_SHOULDER], fitted.xy[both, RIGHT_SHOULDER]
    assert np.median(np.linalg.norm(left - right, axis=-1)) == pytest.approx(80.0, rel=1e-4)
    np.testing.assert_allclose(np.median((left + right) / 2, axis=0), (128.0, 110.0), atol=1e-3)
    # One similarity transform: distances between any two present points scale alike.
    scale = 80.0 / np.median(
        np.linalg.norm(signing.xy[both, LEFT_SHOULDER] - signing.xy[both, RIGHT_SHOULDER], axis=-1)
    )
    d_before = np.linalg.norm(signing.xy[5, 15] - signing.xy[5, 16])
    d_after = np.linalg.norm(fitted.xy[5, 15] - fitted.xy[5, 16])
    assert d_after == pytest.approx(d_before * scale, rel=1e-4)


def test_fit_to_size_works_for_every_source_layout() -> None:
    for name in (
        "sgg_essen.pose",
        "pose_tests_openpose.pose",
        "pose_hand_estimation_7bd6dd48.pose",
    ):
        fitted = fit_to_size(read_poses(POSES / name), 256, 256)
        assert (fitted.width, fitted.height) == (256, 256)


def test_fit_without_shoulders_is_an_error(signing: PoseSequence) -> None:
    conf = signing.conf.copy()
    conf[:, LEFT_SHOULDER] = 0
    with pytest.raises(PoseFileError, match="shoulders"):
        fit_to_frame(signing.replace(conf=conf), 64, 64, shoulder_width=20, center=(32, 30))
