"""Bad inputs a new user might give: each is refused with one line naming the problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from pose_format.pose_header import PoseHeader
from pose_format.utils.reader import BufferReader

from signgen.errors import PoseFileError
from signgen.io import read_poses

POSES = Path(__file__).parent / "data" / "poses"


@pytest.mark.parametrize("keep", [0.5, 0.999])
def test_truncated_v0_1_pose_file_is_refused(tmp_path: Path, keep: float) -> None:
    data = (POSES / "sgg_essen.pose").read_bytes()  # a real version 0.1 recording
    cut = tmp_path / "cut.pose"
    cut.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(PoseFileError, match="truncated body") as error:
        read_poses(cut)
    assert "cut.pose" in str(error.value)


def test_v0_1_pose_cut_on_a_frame_boundary_is_refused(tmp_path: Path) -> None:
    data = (POSES / "sgg_essen.pose").read_bytes()
    reader = BufferReader(data)
    header = PoseHeader.read(reader)
    # A version 0.1 body is fps, frames, people (3 x u16), then every frame's XYC floats and
    # then every frame's confidences: 16 bytes a point a frame. Cutting whole frames' worth
    # leaves a size that divides evenly but disagrees with the declared frame count.
    frame_bytes = 16 * sum(len(c.points) for c in header.components)
    assert (len(data) - reader.read_offset - 6) % frame_bytes == 0
    cut = tmp_path / "short.pose"
    cut.write_bytes(data[: len(data) - 5 * frame_bytes])
    with pytest.raises(PoseFileError, match="73 frames declared"):
        read_poses(cut)
