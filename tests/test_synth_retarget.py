"""Retargeting real recordings onto synthetic signers: frames kept, proportions adopted,
the signer inside the frame."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from signgen.errors import PoseFileError
from signgen.io import read_canonical
from signgen.pose.layouts import FACE, LEFT_HAND, LEFT_SHOULDER, RIGHT_HAND, RIGHT_SHOULDER
from signgen.synth import Appearance
from signgen.synth.retarget import retarget

POSES = sorted((Path(__file__).parent / "data" / "poses").glob("*.pose"))
SIZE = 128


@pytest.mark.parametrize("path", POSES, ids=lambda p: p.stem)
def test_real_recordings_stay_whole_and_inside_the_frame(path: Path) -> None:
    seq = read_canonical(path)
    look = Appearance.from_seed(5)
    out = retarget(seq, look, SIZE)
    assert out.num_frames == seq.num_frames and out.fps == seq.fps
    assert (out.width, out.height) == (SIZE, SIZE)
    assert np.isfinite(out.xy).all()
    # Head, shoulders and elbows fully inside; hands inside left-right and below the top
    # (resting hands may leave through the bottom edge, as in broadcast framing).
    for part in (out.xy[:, FACE], out.xy[:, [11, 12, 13, 14]]):
        assert part.min() >= 0 and part.max() <= SIZE
    for span in (LEFT_HAND, RIGHT_HAND):
        shown = out.xy[:, span][out.conf[:, span] > 0]
        assert (shown[:, 0] >= 0).all() and (shown[:, 0] <= SIZE).all() and (shown[:, 1] >= 0).all()
    # The appearance's shoulder width, whatever the source's size and camera distance.
    width = np.hypot(*(out.xy[:, LEFT_SHOULDER] - out.xy[:, RIGHT_SHOULDER]).T)
    assert abs(np.median(width) / (look.shoulder_width * SIZE) - 1) < 0.05


def test_proportions_follow_the_appearance() -> None:
    seq = read_canonical(POSES[0])
    small, large = Appearance.from_seed(1), Appearance.from_seed(2)
    a, b = retarget(seq, small, SIZE), retarget(seq, large, SIZE)

    def eye_distance(pose: np.ndarray, look: Appearance) -> float:
        return float(
            np.median(np.hypot(*(pose[:, 2] - pose[:, 5]).T)) / (look.shoulder_width * SIZE)
        )

    assert eye_distance(a.xy, small) == pytest.approx(small.head, rel=0.1)
    assert eye_distance(b.xy, large) == pytest.approx(large.head, rel=0.1)


def test_lost_hands_keep_conf_zero() -> None:
    seq = read_canonical(next(p for p in POSES if p.stem == "fingerspelling_ase_A"))
    out = retarget(seq, Appearance.from_seed(0), SIZE)
    lost = ~(seq.conf[:, LEFT_HAND] > 0).all(axis=1)
    assert lost.any()
    assert (out.conf[lost][:, LEFT_HAND] == 0).all()
    assert (out.conf[:, FACE] == 1).all()  # faces are always completed


def test_a_sequence_without_shoulders_is_a_pose_file_error() -> None:
    seq = read_canonical(POSES[0])
    conf = seq.conf.copy()
    conf[:, [LEFT_SHOULDER, RIGHT_SHOULDER]] = 0
    with pytest.raises(PoseFileError, match="shoulders"):
        retarget(seq.replace(conf=conf), Appearance.from_seed(0), SIZE)
