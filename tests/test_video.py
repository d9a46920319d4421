"""Real H.264 files written, read back with decord, and the atomic-write guarantees."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from signgen.errors import VideoError
from signgen.io.atomic import FILE_MODE
from signgen.io.video import probe_video, read_video
from signgen.pose.sequence import GlossSpan
from signgen.video import VideoWriter, write_video, write_webvtt

DATA = Path(__file__).parent / "data"


def _frames(count: int, height: int = 48, width: int = 64) -> list[np.ndarray]:
    """Smooth gradients that move frame to frame (H.264 keeps them within a few levels)."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    return [
        np.stack([xx * 3 + 4 * i, yy * 4, np.full_like(xx, 128 + i)], axis=-1)
        .clip(0, 255)
        .astype(np.uint8)
        for i in range(count)
    ]


@pytest.mark.parametrize("fps", [29.97, 30.007, 24.0, 30000 / 1001])
def test_round_trip_keeps_count_fps_size_and_pixels(tmp_path: Path, fps: float) -> None:
    frames = _frames(23)
    info = write_video(tmp_path / "clip.mp4", frames, fps)
    assert (info.num_frames, info.width, info.height) == (23, 64, 48)
    probed = probe_video(tmp_path / "clip.mp4")
    assert (probed.num_frames, probed.width, probed.height) == (23, 64, 48)
    assert probed.fps == pytest.approx(fps, rel=1e-6)
    video = read_video(tmp_path / "clip.mp4")
    assert video.frames.shape == (23, 48, 64, 3) and video.frames.dtype == np.uint8
    error = np.abs(video.frames.astype(np.float32) - np.stack(frames)).mean()
    assert error < 3.0
    assert [p.name for p in tmp_path.iterdir()] == ["clip.mp4"]  # no temp file left


def test_ffmpeg_fallback_reader_agrees_with_decord(tmp_path: Path) -> None:
    write_video(tmp_path / "clip.mp4", _frames(9), 25.0)
    assert probe_video(tmp_path / "clip.mp4", reader="ffmpeg").num_frames == 9
    video = read_video(tmp_path / "clip.mp4", reader="ffmpeg")
    assert video.frames.shape == (9, 48, 64, 3) and video.fps == 25.0
    np.testing.assert_array_equal(video.frames, read_video(tmp_path / "clip.mp4").frames)


def test_read_video_opens_the_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The decoder that probed the file decodes it too (the real one, counted)."""
    import signgen.io.video as video_module

    write_video(tmp_path / "clip.mp4", _frames(5), 25.0)
    opened: list[Path] = []
    real_open = video_module._open_decord

    def counting_open(path: Path) -> object:
        opened.append(path)
        return real_open(path)

    monkeypatch.setattr(video_module, "_open_decord", counting_open)
    assert read_video(tmp_path / "clip.mp4").frames.shape == (5, 48, 64, 3)
    assert opened == [tmp_path / "clip.mp4"]


def test_real_signing_video_is_read() -> None:
    info = probe_video(DATA / "pose_tests_test_video.mp4")
    assert (info.num_frames, info.width, info.height) == (58, 540, 720)
    assert info.fps == pytest.approx(29.92, abs=0.01)


def test_file_appears_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "out.mp4"
    with VideoWriter(target, 25.0, 64, 48) as writer:
        for frame in _frames(5):
            writer.write(frame)
        assert not target.exists()
        assert len(list(tmp_path.glob(".out.mp4.*.partial"))) == 1
    assert target.exists() and probe_video(target).num_frames == 5
    # The finished video gets the usual permissions, not the temp file's private 0600.
    assert target.stat().st_mode & 0o777 == FILE_MODE


@pytest.mark.parametrize("interruption", [RuntimeError, KeyboardInterrupt])
def test_an_interruption_leaves_no_file(tmp_path: Path, interruption: type[BaseException]) -> None:
    def frames() -> Iterator[np.ndarray]:
        yield from _frames(4)
        raise interruption()

    with pytest.raises(interruption):
        write_video(tmp_path / "out.mp4", frames(), 25.0)
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_replaced_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.mp4"
    write_video(target, _frames(3), 25.0)
    with pytest.raises(ValueError), VideoWriter(target, 25.0, 64, 48) as writer:
        writer.write(_frames(1)[0])
        raise ValueError("stop")
    assert probe_video(target).num_frames == 3


def test_bad_frames_and_sizes_are_video_errors(tmp_path: Path) -> None:
    with pytest.raises(VideoError, match="even"):
        VideoWriter(tmp_path / "odd.mp4", 25.0, 63, 48)
    with pytest.raises(VideoError, match="positive"):
        VideoWriter(tmp_path / "rate.mp4", 0.0, 64, 48)
    with (
        pytest.raises(VideoError, match="expected uint8"),
        VideoWriter(tmp_path / "shape.mp4", 25.0, 64, 48) as writer,
    ):
        writer.write(np.zeros((48, 32, 3), np.uint8))
    with pytest.raises(VideoError, match="no frames"):
        write_video(tmp_path / "empty.mp4", [], 25.0)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_destination_fails_before_any_frame(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(VideoError, match="cannot write into") as caught:
        VideoWriter(blocker / "out.mp4", 25.0, 64, 48)
    assert "out.mp4" in str(caught.value)


def test_unreadable_videos_are_video_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.touch()
    text = tmp_path / "text.mp4"
    text.write_text("this is not a video\n" * 10)
    for path, message in [
        (tmp_path / "missing.mp4", "no such file"),
        (empty, "0 bytes"),
        (text, "not a video ffmpeg can read"),
    ]:
        with pytest.raises(VideoError, match=message):
            probe_video(path)
        with pytest.raises(VideoError, match=message):
            read_video(path)
    with pytest.raises(VideoError, match="not a video ffmpeg can read"):
        read_video(text, reader="ffmpeg")


def test_webvtt_cues_follow_the_gloss_spans(tmp_path: Path) -> None:
    spans = [GlossSpan("WORLD", 50, 125), GlossSpan("HELLO", 0, 50)]
    path = write_webvtt(spans, 25.0, tmp_path / "subs.vtt")
    assert path.read_text().splitlines() == [
        "WEBVTT",
        "",
        "1",
        "00:00:00.000 --> 00:00:02.000",
        "HELLO",
        "",
        "2",
        "00:00:02.000 --> 00:00:05.000",
        "WORLD",
    ]
