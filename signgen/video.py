"""Writing video files: an atomic, streaming H.264 mp4 writer, and WebVTT subtitles.

Writing goes through imageio-ffmpeg's bundled ffmpeg (libx264, yuv420p, so every player opens
it) into a temp file in the destination folder, renamed over the destination only when the
last frame is in: an exception or Ctrl-C mid-render leaves no .mp4 behind. Frames are pushed
one at a time, so memory stays flat for any clip length. The frame rate is passed to ffmpeg
as an exact fraction (29.97 -> 2997/100), so it round-trips.

Reading is `signgen.io.video` (probe_video, read_frames, read_video).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Generator, Iterable
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import Any

import imageio_ffmpeg
import numpy as np

from signgen.errors import VideoError
from signgen.io.atomic import FILE_MODE, replace_via_temp
from signgen.io.video import VideoInfo
from signgen.pose.sequence import GlossSpan

# Visually lossless for synthetic renders and fast enough to stay off the frame budget.
DEFAULT_CRF = 18
PRESET = "veryfast"


class VideoWriter:
    """Stream RGB frames into an H.264 mp4, atomically.

    ``with VideoWriter(path, fps, width, height) as out: out.write(frame)`` for each
    uint8 [height, width, 3] frame; the file appears at ``path`` when the block ends without an
    exception, otherwise nothing is left. ``width`` and ``height`` must be even (yuv420p).
    """

    def __init__(
        self, path: str | Path, fps: float, width: int, height: int, *, crf: int = DEFAULT_CRF
    ) -> None:
        self.path = Path(path)
        if not (np.isfinite(fps) and fps > 0):
            raise VideoError(f"frame rate must be positive, got {fps}", path=self.path)
        if width <= 0 or height <= 0 or width % 2 or height % 2:
            raise VideoError(
                f"H.264 yuv420p needs an even, positive frame size, got {width}x{height}",
                path=self.path,
            )
        self.fps, self.width, self.height = float(fps), width, height
        self.num_frames = 0
        self._temp = _reserve_temp(self.path)
        self._encoder: Generator[None, Any, None] | None = imageio_ffmpeg.write_frames(
            str(self._temp),
            (width, height),
            fps=Fraction(fps).limit_denominator(100_000),
            codec="libx264",
            quality=None,
            macro_block_size=2,
            ffmpeg_log_level="error",
            output_params=["-crf", str(crf), "-preset", PRESET, "-f", "mp4"],
        )
        try:
            self._encoder.send(None)  # starts ffmpeg
        except (OSError, RuntimeError) as error:
            self.abort()
            raise VideoError(f"cannot start ffmpeg: {error}", path=self.path) from error

    def write(self, frame: np.ndarray) -> None:
        """Append one uint8 [height, width, 3] RGB frame."""
        if self._encoder is None:
            raise VideoError("the writer is closed", path=self.path)
        expected = (self.height, self.width, 3)
        if frame.shape != expected or frame.dtype != np.uint8:
            raise VideoError(
                f"frame {self.num_frames} is {frame.dtype} {frame.shape}, expected uint8 "
                f"{expected}",
                path=self.path,
            )
        try:
            self._encoder.send(np.ascontiguousarray(frame).tobytes())
        except OSError as error:
            self.abort()
            raise VideoError(f"ffmpeg stopped while writing: {error}", path=self.path) from error
        self.num_frames += 1

    def close(self) -> VideoInfo:
        """Finish the file and move it into place; returns what was written."""
        if self._encoder is None:
            raise VideoError("the writer is closed", path=self.path)
        if self.num_frames == 0:
            self.abort()
            raise VideoError("no frames were written", path=self.path)
        encoder, self._encoder = self._encoder, None
        try:
            encoder.close()
            os.chmod(self._temp, FILE_MODE)  # mkstemp made it private (0600)
            os.replace(self._temp, self.path)
        except OSError as error:
            self._temp.unlink(missing_ok=True)
            raise VideoError(f"could not finish the video: {error}", path=self.path) from error
        return VideoInfo(self.path, self.num_frames, self.fps, self.width, self.height)

    def abort(self) -> None:
        """Stop ffmpeg and delete the partial file (safe to call twice)."""
        encoder, self._encoder = self._encoder, None
        try:
            if encoder is not None:
                encoder.close()
        except OSError:
            pass  # ffmpeg already gone; the temp file is removed below either way
        finally:
            self._temp.unlink(missing_ok=True)

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()


def write_video(
    path: str | Path, frames: Iterable[np.ndarray], fps: float, *, crf: int = DEFAULT_CRF
) -> VideoInfo:
    """Write uint8 [H, W, 3] frames (all one size) to an mp4 atomically (``crf`` 0: lossless
    in YUV 4:2:0)."""
    writer: VideoWriter | None = None
    try:
        for frame in frames:
            if writer is None:
                writer = VideoWriter(path, fps, frame.shape[1], frame.shape[0], crf=crf)
            writer.write(frame)
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    if writer is None:
        raise VideoError("no frames to write", path=path)
    return writer.close()


def _reserve_temp(path: Path) -> Path:
    """Create an empty temp file beside ``path`` (fails early when the folder is unusable).

    Its name ends in ``.partial``, not ``.mp4``: even a killed process leaves no .mp4 behind.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    except OSError as error:
        raise VideoError(f"cannot write into {path.parent}: {error.strerror}", path=path) from error
    os.close(handle)
    return Path(name)


def write_webvtt(spans: Iterable[GlossSpan], fps: float, path: str | Path) -> Path:
    """WebVTT subtitles with one cue per gloss span (frame indices -> seconds at ``fps``)."""
    path = Path(path)
    lines = ["WEBVTT", ""]
    for index, span in enumerate(sorted(spans, key=lambda s: s.start), start=1):
        start, end = _vtt_time(span.start / fps), _vtt_time(span.end / fps)
        lines += [str(index), f"{start} --> {end}", span.gloss, ""]
    text = "\n".join(lines)
    return replace_via_temp(
        path, lambda temp: temp.write_text(text, encoding="utf-8"), "subtitles", VideoError
    )


def _vtt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"
