"""Reading video files: probe, stream frames, or decode a short clip whole.

decord is the reader (exact fps, fast seeking for ``every``); where it is not installed,
imageio-ffmpeg's bundled ffmpeg decodes instead. Frames come a few at a time, so memory stays
flat for any length (pose extraction streams long videos through `read_frames`). Every failure
a user can cause (missing, empty, image, corrupt file) is a one-line `VideoError` naming the
file. Writing is `signgen.video.VideoWriter`.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import imageio_ffmpeg
import numpy as np

from signgen.errors import ConfigError, VideoError
from signgen.io.quiet import native_stderr_silenced


@dataclass(frozen=True)
class VideoInfo:
    """What a video file holds: frame count, rate and frame size in pixels (as displayed,
    after any rotation tag).

    num_frames: from the container (the ffmpeg reader estimates it from the duration).
    reader: the decoder that probed it, ``"decord"`` or ``"ffmpeg"``; "" for a file just
    written (`read_frames` then picks decord where it is installed).
    """

    path: Path
    num_frames: int
    fps: float
    width: int
    height: int
    reader: str = ""

    @property
    def duration(self) -> float:
        """Seconds."""
        return self.num_frames / self.fps


@dataclass(frozen=True, eq=False)
class Video:
    """Decoded frames: uint8 [T, H, W, 3] RGB, and the frame rate."""

    frames: np.ndarray
    fps: float


READERS = ("decord", "ffmpeg")
# decord decodes this many frames per call: 8 frames of 1080p RGB are ~50 MB, whatever the length.
BATCH_FRAMES = 8

# Leading bytes of still-image formats, so an image passed as a video gets a precise message
# (ffmpeg would happily read a PNG as a one-frame "video").
_IMAGE_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"BM", "a BMP image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
)


def check_video_file(path: Path) -> None:
    """Reject what is plainly not a video (missing, a folder, 0 bytes, an image) by name."""
    if not path.exists():
        raise VideoError("no such file", path=path)
    if path.is_dir():
        raise VideoError("is a folder, not a video file", path=path)
    if path.stat().st_size == 0:
        raise VideoError("is empty (0 bytes), not a video", path=path)
    with path.open("rb") as handle:
        head = handle.read(16)
    for signature, kind in _IMAGE_SIGNATURES:
        if head.startswith(signature):
            raise VideoError(f"is {kind}, not a video", path=path)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        raise VideoError("is a WebP image, not a video", path=path)


def probe_video(path: str | Path, reader: str | None = None) -> VideoInfo:
    """Open ``path`` and read its size, fps and frame count (decodes at most one frame).

    reader: ``"decord"``, ``"ffmpeg"``, or None for decord where it is installed.
    Sizes are as displayed: both readers apply a phone video's rotation tag.
    """
    return _probe(Path(path), reader)[0]


def _probe(path: Path, reader: str | None) -> tuple[VideoInfo, Any]:
    """`probe_video`, and the open decord reader (None for ffmpeg) to decode with."""
    check_video_file(path)
    reader = reader or _default_reader()
    if reader not in READERS:
        raise ConfigError(f"unknown video reader {reader!r}; choose from {list(READERS)}")
    if reader == "ffmpeg":
        return _ffmpeg_info(path, _ffmpeg_meta(path)), None
    decoder = _open_decord(path)
    try:
        height, width = decoder[0].shape[:2]
    except Exception as error:  # decord raises DECORDError / RuntimeError, not one base class
        reason = _reason(error)
        raise VideoError(f"corrupt video: cannot decode its first frame ({reason})", path) from None
    num_frames = len(decoder)
    fps = float(decoder.get_avg_fps())
    if num_frames == 0 or not fps > 0:
        raise VideoError(f"has no readable frames (count {num_frames}, fps {fps})", path=path)
    return VideoInfo(path, num_frames, fps, int(width), int(height), "decord"), decoder


def _default_reader() -> str:
    return "decord" if importlib.util.find_spec("decord") is not None else "ffmpeg"


def read_video(path: str | Path, reader: str | None = None) -> Video:
    """Decode every frame: uint8 [T, H, W, 3] RGB and the frame rate (for short clips: tests,
    read-back; extraction streams with `read_frames`)."""
    info, decoder = _probe(Path(path), reader)
    frames = _read_decord(info, 1, decoder) if decoder is not None else read_frames(info)
    return Video(frames=np.stack(list(frames)), fps=info.fps)


def read_frames(info: VideoInfo, every: int = 1) -> Iterator[np.ndarray]:
    """Yield frames 0, every, 2*every, ... as uint8 [H, W, 3] RGB arrays, in order.

    Raises `VideoError` naming the frame where decoding fails (a corrupt or truncated file).
    """
    if (info.reader or _default_reader()) == "decord":
        yield from _read_decord(info, every)
    else:
        yield from _read_ffmpeg(info, every)


def _open_decord(path: Path) -> Any:
    import decord

    decord.logging.set_level(decord.logging.QUIET)
    try:
        with native_stderr_silenced():
            return decord.VideoReader(str(path), num_threads=1)
    except Exception as error:  # decord raises DECORDError / RuntimeError, not one base class
        reason = _reason(error)
    # Tell a damaged video from a file that is no video at all: can ffmpeg open the container?
    _ffmpeg_meta(path)
    raise VideoError(f"corrupt or truncated video ({reason})", path=path)


def _read_decord(info: VideoInfo, every: int, reader: Any = None) -> Iterator[np.ndarray]:
    """Frames 0, every, ... through ``reader`` (the file opened again when None)."""
    reader = _open_decord(info.path) if reader is None else reader
    indices = list(range(0, info.num_frames, every))
    for start in range(0, len(indices), BATCH_FRAMES):
        batch = indices[start : start + BATCH_FRAMES]
        try:
            frames = reader.get_batch(batch).asnumpy()
        except Exception as error:  # decord raises DECORDError / RuntimeError
            raise VideoError(
                f"corrupt video: decoding failed near frame {batch[0]} of {info.num_frames} "
                f"({_reason(error)})",
                path=info.path,
            ) from None
        yield from frames


def _ffmpeg_meta(path: Path) -> dict[str, Any]:
    frames = imageio_ffmpeg.read_frames(str(path))
    try:
        meta: dict[str, Any] = next(frames)
    except (RuntimeError, OSError, StopIteration) as error:
        raise VideoError(f"not a video ffmpeg can read ({_reason(error)})", path=path) from None
    finally:
        frames.close()
    return meta


def _ffmpeg_info(path: Path, meta: dict[str, Any]) -> VideoInfo:
    """VideoInfo from ffmpeg's metadata; ``size`` is after rotation, as its frames will be."""
    width, height = meta["size"]
    fps, duration = float(meta.get("fps") or 0), float(meta.get("duration") or 0)
    if not fps > 0 or not duration > 0:
        raise VideoError(f"has no readable frames (fps {fps}, duration {duration} s)", path=path)
    return VideoInfo(path, round(fps * duration), fps, int(width), int(height), "ffmpeg")


def _read_ffmpeg(info: VideoInfo, every: int) -> Iterator[np.ndarray]:
    frames = imageio_ffmpeg.read_frames(str(info.path), pix_fmt="rgb24")
    try:
        next(frames)  # the metadata dict
        for index, raw in enumerate(frames):
            if index % every == 0:
                yield np.frombuffer(raw, np.uint8).reshape(info.height, info.width, 3)
    except (RuntimeError, OSError) as error:
        raise VideoError(f"corrupt video ({_reason(error)})", path=info.path) from None
    finally:
        frames.close()


def _reason(error: BaseException) -> str:
    """The last line of a decoder's message, without its C++ source location prefix."""
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    last = lines[-1] if lines else type(error).__name__
    return last.rsplit(": ", 1)[-1] if "video_reader.cc" in last or ".cc:" in last else last
