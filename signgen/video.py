"""Writing video files: an atomic, streaming H.264 mp4 writer, and WebVTT subtitles.

Writing goes through imageio-ffmpeg's bundled ffmpeg (libx264, yuv420p, so every player opens
it) into a temp file in the destination folder, renamed over the destination only when the
last frame is in and ffmpeg's exit status and the file's mp4 structure check out: an exception,
Ctrl-C or a full disk mid-render leaves no .mp4 behind. Frames are pushed
one at a time, so memory stays flat for any clip length. The frame rate is passed to ffmpeg
as an exact fraction (29.97 -> 2997/100), so it round-trips.

Reading is `signgen.io.video` (probe_video, read_frames, read_video).
"""

from __future__ import annotations

import signal
import subprocess
import tempfile
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import imageio_ffmpeg
import numpy as np

from signgen.errors import VideoError
from signgen.io.atomic import commit_temp, replace_via_temp, reserve_temp
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
        self._temp = reserve_temp(self.path, VideoError, "the video")
        self._log = tempfile.TemporaryFile()  # ffmpeg's messages, for the error line
        command = [
            imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-v", "error",
            "-f", "rawvideo", "-vcodec", "rawvideo", "-s", f"{width}x{height}",
            "-pix_fmt", "rgb24", "-r", str(Fraction(fps).limit_denominator(100_000)), "-i", "-",
            "-an", "-vcodec", "libx264", "-pix_fmt", "yuv420p",
            "-crf", str(crf), "-preset", PRESET, "-f", "mp4", str(self._temp),
        ]  # fmt: skip
        try:
            # Its own process group: a Ctrl-C in the terminal reaches signgen, which stops ffmpeg.
            self._encoder: subprocess.Popen[bytes] | None = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=self._log,
                process_group=0,
            )
        except (OSError, RuntimeError) as error:
            self._encoder = None
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
        assert self._encoder.stdin is not None
        try:
            self._encoder.stdin.write(np.ascontiguousarray(frame).tobytes())
        except OSError:
            reason = self._failure()
            self.abort()
            raise VideoError(f"ffmpeg stopped while writing: {reason}", path=self.path) from None
        self.num_frames += 1

    def close(self) -> VideoInfo:
        """Finish the file and move it into place; returns what was written.

        The encoder's exit status and the finished file are checked first: a video that
        ffmpeg could not finish (a full disk, a killed encoder) is an error, never renamed
        into place.
        """
        if self._encoder is None:
            raise VideoError("the writer is closed", path=self.path)
        if self.num_frames == 0:
            self.abort()
            raise VideoError("no frames were written", path=self.path)
        encoder = self._encoder
        assert encoder.stdin is not None
        try:
            try:
                encoder.stdin.close()
            except OSError:
                pass  # ffmpeg already gone: its exit status says why
            status = encoder.wait()
        except BaseException:  # Ctrl-C or SIGTERM while ffmpeg finishes
            self.abort()
            raise
        if status != 0:
            reason = self._failure()
            self.abort()
            raise VideoError(f"could not finish the video: {reason}", path=self.path)
        self._encoder = None
        try:
            problem = mp4_problem(self._temp)
            if problem is not None:
                raise VideoError(f"could not finish the video: {problem}", path=self.path)
            commit_temp(self._temp, self.path)
        except OSError as error:
            raise VideoError(
                f"could not finish the video: {error.strerror or error}", path=self.path
            ) from None
        finally:
            self._temp.unlink(missing_ok=True)
            self._log.close()
        return VideoInfo(self.path, self.num_frames, self.fps, self.width, self.height)

    def abort(self) -> None:
        """Stop ffmpeg and delete the partial file (safe to call twice)."""
        encoder, self._encoder = self._encoder, None
        try:
            if encoder is not None:
                if encoder.stdin is not None:
                    try:
                        encoder.stdin.close()
                    except OSError:
                        pass
                encoder.kill()
                encoder.wait()
        finally:
            self._temp.unlink(missing_ok=True)
            self._log.close()

    def _failure(self) -> str:
        """Why ffmpeg stopped: its last message, else its exit status."""
        encoder = self._encoder
        status = None
        if encoder is not None:
            try:
                status = encoder.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self._log.seek(0)
        lines = [line.strip() for line in self._log.read().decode(errors="replace").splitlines()]
        lines = [line for line in lines if line]
        if lines:
            return lines[-1]
        if status is not None and status < 0:
            name = _signal_name(-status)
            if name == "SIGXFSZ":
                return "the file size limit was reached"
            return f"the encoder was killed ({name})"
        return f"the encoder exited with status {status}"

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


def mp4_problem(path: Path) -> str | None:
    """What is wrong with the top-level structure of the mp4 at ``path``, or None.

    The boxes must tile the file exactly and hold the media data and the index (``moov``, which
    ffmpeg writes last): a file cut short by a full disk fails this.
    """
    size = path.stat().st_size
    kinds: set[bytes] = set()
    offset = 0
    with path.open("rb") as file:
        while offset < size:
            file.seek(offset)
            head = file.read(16)
            if len(head) < 8:
                return "the file ends inside a box header"
            length, kind = int.from_bytes(head[:4], "big"), head[4:8]
            if length == 1 and len(head) == 16:
                length = int.from_bytes(head[8:16], "big")
            elif length == 0:
                length = size - offset
            if length < 8 or offset + length > size:
                return "the file is cut short"
            kinds.add(kind)
            offset += length
    missing = [name.decode() for name in (b"ftyp", b"mdat", b"moov") if name not in kinds]
    return f"the file lacks its {', '.join(missing)} box" if missing else None


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


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
