"""Bad inputs a new user might give: each is refused with one line naming the problem."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pose_format.pose_header import PoseHeader
from pose_format.utils.reader import BufferReader
from typer.testing import CliRunner, Result

from signgen.cli import app
from signgen.errors import PoseFileError
from signgen.io import read_poses, write_poses

POSES = Path(__file__).parent / "data" / "poses"
runner = CliRunner()


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


# --- lexicon add ------------------------------------------------------------------------------


def _add(tmp_path: Path, recording: Path, *args: str) -> Result:
    lexicon = tmp_path / "lexicon"
    return runner.invoke(
        app, ["lexicon", "add", "HELLO", str(recording), "--lexicon", str(lexicon), *args]
    )


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--start-ms", "-500"], "must be 0 or more"),
        (["--end-ms", "-1"], "must be 0 or more"),
        (["--start-ms", "800", "--end-ms", "300"], "must come after"),
    ],
)
def test_lexicon_add_refuses_impossible_time_ranges(
    tmp_path: Path, args: list[str], needle: str
) -> None:
    result = _add(tmp_path, POSES / "fingerspelling_ase_A.pose", *args)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert needle in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "lexicon" / "index.csv").exists()


def test_lexicon_add_refuses_a_recording_where_no_point_is_visible(tmp_path: Path) -> None:
    seq = read_poses(POSES / "fingerspelling_ase_A.pose").frames(0, 20)
    blank = tmp_path / "blank.json"
    write_poses(seq.replace(conf=np.zeros_like(seq.conf)), blank)
    for trim in ("--trim", "--no-trim"):
        result = _add(tmp_path, blank, trim)
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
        assert "no point is visible" in result.output and "blank.json" in result.output
    assert not (tmp_path / "lexicon" / "index.csv").exists()


# --- memory: limits with a clear error --------------------------------------------------------


def test_oversized_pose_json_is_refused_before_it_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signgen.io

    path = tmp_path / "long.json"
    write_poses(read_poses(POSES / "sgg_essen.pose"), path)
    monkeypatch.setattr(signgen.io, "MAX_JSON_BYTES", path.stat().st_size - 1)
    with pytest.raises(PoseFileError, match="too large for a JSON pose file") as error:
        read_poses(path)
    assert "long.json" in str(error.value)
    monkeypatch.setattr(signgen.io, "MAX_JSON_BYTES", path.stat().st_size)
    assert read_poses(path).num_frames == 73


def test_json_limit_admits_ten_thousand_holistic_frames() -> None:
    from signgen.io import MAX_JSON_BYTES

    # signgen writes 4 decimals: about 9 bytes a number, 543 x 3 numbers a frame
    assert 8_000 * 543 * 3 * 9 < MAX_JSON_BYTES < 2**30


@pytest.mark.parametrize("fps", ["1e9", "0", "-5", "nan"])
def test_gloss_refuses_impossible_frame_rates(tmp_path: Path, fps: str) -> None:
    result = runner.invoke(app, ["gloss", "HELLO", "-o", str(tmp_path / "x.json"), "--fps", fps])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "fps must be positive and at most 240" in result.output
    assert not (tmp_path / "x.json").exists()


def test_gloss_refuses_a_sentence_too_long_to_compose(tmp_path: Path) -> None:
    text = " ".join(["HELLO"] * 200)
    result = runner.invoke(app, ["gloss", text, "-o", str(tmp_path / "x.json")])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "200 glosses" in result.output


def test_gloss_refuses_more_frames_than_it_composes(monkeypatch: pytest.MonkeyPatch) -> None:
    import signgen.gloss.compose as compose
    from signgen.errors import GlossError
    from signgen.gloss import Lexicon, glosses_to_poses

    lexicon = Lexicon.default()
    made = glosses_to_poses("HELLO", language="ase", lexicon=lexicon)
    monkeypatch.setattr(compose, "MAX_FRAMES", made.num_frames // 2)
    with pytest.raises(GlossError, match="frames at 25 fps"):
        glosses_to_poses("HELLO", language="ase", lexicon=lexicon)


# --- reading only what is needed ---------------------------------------------------------------


def test_max_frames_reads_only_the_first_frames_of_a_long_pose_file(tmp_path: Path) -> None:
    """A .pose file declaring 2 million frames (3.3 GB, sparse on disk): its first frames are
    read without loading the rest (peak memory far below the file size)."""
    import subprocess
    import sys

    short = tmp_path / "short.pose"
    write_poses(read_poses(POSES / "pose_tests_openpose.pose").frames(0, 5), short)
    data = bytearray(short.read_bytes())
    reader = BufferReader(bytes(data))
    header = PoseHeader.read(reader)
    # v0.2 body: fps f32, frames u32, people u16, then every frame's x, y (f32), then every
    # frame's confidence (f32)
    body = reader.read_offset
    points = sum(len(c.points) for c in header.components)
    frames = 2_000_000
    data[body + 4 : body + 8] = frames.to_bytes(4, "little")
    points_end = body + 10 + 5 * points * 2 * 4  # the header and the 5 frames' x, y
    long = tmp_path / "long.pose"
    with long.open("wb") as file:
        file.write(data[:points_end])
        file.seek(body + 10 + frames * points * 2 * 4)  # where the confidences start
        file.write(data[points_end:])  # the 5 frames' confidences
        file.truncate(body + 10 + frames * points * 3 * 4)  # sparse: no disk space used
    code = (  # allocations traced (numpy's included): a mapped, untouched file costs none
        "import tracemalloc\n"
        "from signgen.io import read_poses\n"
        "tracemalloc.start()\n"
        f"seq = read_poses({str(long)!r}, max_frames=5)\n"
        "print(seq.num_frames, tracemalloc.get_traced_memory()[1] // 2**20)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-500:]
    count, peak_mib = map(int, done.stdout.split())
    assert count == 5
    assert peak_mib < 100, f"peak {peak_mib} MiB allocated for a 3.3 GB file"
    full = read_poses(short)
    first = read_poses(long, max_frames=3)
    np.testing.assert_array_equal(first.xy, full.xy[:3])
