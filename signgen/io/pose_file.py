"""pose-format ``.pose`` files, read and written through the pose-format package.

pose-format stays at this edge: its masked arrays are turned into signgen's plain float32
``xy``/``conf`` here (conf 0 where masked) and never leave `signgen.io`. The header is parsed
first and its sizes checked against the bytes present before any body array is allocated, so
a corrupt or hostile file fails with a `PoseFileError`, not a `struct.error` or `MemoryError`.

Layouts are recognised by their component names and sizes (`FILE_COMPONENTS`);
``POSE_WORLD_LANDMARKS`` (metric 3D, not image points) is dropped. The z coordinate of XYZC
files is dropped (signgen works in image pixels); files are written as XYC, version 0.2.
Gloss spans have no place in a .pose file and are not written.
"""

from __future__ import annotations

import math
import mmap
import os
import struct
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.ma as ma
from pose_format import Pose
from pose_format.numpy.pose_body import NumPyPoseBody
from pose_format.pose_header import PoseHeader, PoseHeaderComponent, PoseHeaderDimensions
from pose_format.utils.reader import BufferReader

from signgen.errors import PoseFileError
from signgen.io.atomic import write_atomic
from signgen.io.points import clean_points, extent_size
from signgen.io.pose_names import DROPPED_COMPONENTS, FILE_COMPONENTS
from signgen.pose.layouts import Layout, get_layout
from signgen.pose.sequence import PoseSequence

# Everything a hostile byte string could make the pose-format parser raise.
_PARSE_ERRORS = (
    struct.error,
    ValueError,
    TypeError,
    IndexError,
    KeyError,
    OverflowError,
    ZeroDivisionError,
    MemoryError,
    UnicodeDecodeError,
    NotImplementedError,
    AttributeError,
)
_MAX_POINTS = 10_000  # all real layouts have < 600
_MAX_PEOPLE = 64


def _read_header(data: bytes | mmap.mmap, path: Path) -> tuple[PoseHeader, BufferReader]:
    reader = BufferReader(data)
    try:
        header = PoseHeader.read(reader)
    except struct.error:
        raise PoseFileError("not a .pose file (header truncated or corrupt)", path=path) from None
    except _PARSE_ERRORS as error:
        detail = str(error)[:80]
        raise PoseFileError(f"not a .pose file (unreadable header: {detail})", path=path) from None
    version = round(float(header.version), 3)
    if version not in (0.0, 0.1, 0.2):
        raise PoseFileError(
            f"unsupported .pose version {header.version:.3g} (signgen reads 0.0 to 0.2)",
            path=path,
        )
    formats = {c.format for c in header.components}
    if not header.components or not formats <= {"XYC", "XYZC"} or len(formats) != 1:
        raise PoseFileError(
            f"unsupported point formats {sorted(formats)} (expected XYC or XYZC)", path=path
        )
    points = sum(len(c.points) for c in header.components)
    if not 0 < points <= _MAX_POINTS:
        raise PoseFileError(f"header declares {points} points per frame", path=path)
    return header, reader


def _check_body_size(data: bytes | mmap.mmap, header: PoseHeader, offset: int, path: Path) -> None:
    """Refuse a body whose declared frames/people do not fit in the bytes that follow."""
    points = sum(len(c.points) for c in header.components)
    values_per_person = points * len(header.components[0].format)
    version = round(float(header.version), 3)
    if version == 0.0:
        # Version 0 stores people per frame: pose-format reads it frame by frame, bounded by
        # the bytes present; only the frame rate and count can be checked up front.
        if len(data) < offset + 4:
            raise PoseFileError("truncated body (no frame count)", path=path)
        fps, frames = struct.unpack_from("<HH", data, offset)
        people, body, values_per_person = 1, offset + 4, 0
    elif version == 0.2:
        if len(data) < offset + 10:
            raise PoseFileError("truncated body (no frame count)", path=path)
        fps, frames, people = struct.unpack_from("<fIH", data, offset)
        body = offset + 10
    else:
        if len(data) < offset + 6:
            raise PoseFileError("truncated body (no frame count)", path=path)
        fps, declared, people = struct.unpack_from("<HHH", data, offset)
        body = offset + 6
        # Version 0.1 sizes its body by the bytes left (its frame count is 16 bits, too small
        # for long files): a body cut short must still be a whole number of frames, and that
        # number must agree with the declared count (modulo 2^16).
        frame_bytes = 4 * values_per_person * max(people, 1)
        frames, extra = divmod(len(data) - body, frame_bytes)
        if extra or (frames and frames % 65536 != declared):
            raise PoseFileError(
                f"truncated body: {declared} frames declared, {len(data) - body} bytes present "
                f"({(len(data) - body) / frame_bytes:.2f} frames)",
                path=path,
            )
    if not (math.isfinite(fps) and 0 < fps <= 10_000):
        raise PoseFileError(f"invalid frame rate {fps!r}", path=path)
    if not 1 <= people <= _MAX_PEOPLE:
        raise PoseFileError(f"invalid number of people {people}", path=path)
    if frames == 0:
        raise PoseFileError("no complete frame in the file (empty or truncated)", path=path)
    needed = 4 * frames * people * values_per_person
    if len(data) - body < needed:
        raise PoseFileError(
            f"truncated body: {frames} frames need {needed} bytes, {len(data) - body} present",
            path=path,
        )


def _contiguous(index: np.ndarray) -> np.ndarray | slice:
    """A slice when ``index`` is a run (the usual case): slicing avoids a slow gather."""
    if np.array_equal(index, np.arange(index[0], index[0] + len(index))):
        return slice(int(index[0]), int(index[0]) + len(index))
    return index


def _match_layout(header: PoseHeader, path: Path) -> tuple[Layout, np.ndarray | slice]:
    """The layout the header describes and, for it, the file point index of each layout point."""
    offsets: dict[str, tuple[int, list[str]]] = {}
    start = 0
    for component in header.components:
        offsets[component.name] = (start, list(component.points))
        start += len(component.points)
    names = set(offsets) - DROPPED_COMPONENTS
    for layout_name, spec in FILE_COMPONENTS.items():
        if names != {name for name, _ in spec}:
            continue
        if any(len(offsets[name][1]) != len(points) for name, points in spec):
            continue
        if layout_name == "reduced_178" and any(
            offsets[name][1] != list(points) for name, points in spec
        ):
            continue  # a different face subset: its points are not the ones we know
        index = np.concatenate(
            [np.arange(offsets[name][0], offsets[name][0] + len(points)) for name, points in spec]
        )
        return get_layout(layout_name), _contiguous(index)
    found = ", ".join(f"{c.name} ({len(c.points)})" for c in header.components)
    raise PoseFileError(f"unrecognised skeleton: components {found}", path=path)


def read_pose_file(path: str | Path, max_frames: int | None = None) -> PoseSequence:
    """Read a pose-format ``.pose`` file (first person only) in its own layout.

    Vectorised: pose-format reads the body as one block; signgen gathers the layout's points
    from it with one fancy index. Peak memory is about 2x the size of what is read. The file
    is memory-mapped, so with ``max_frames`` only the first frames' bytes are read (versions
    0.1 and 0.2; version 0 files store frame by frame and are read whole).
    """
    path = Path(path)
    try:
        with path.open("rb") as file:
            if os.fstat(file.fileno()).st_size == 0:
                raise PoseFileError("not a .pose file (empty)", path=path)
            data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    except OSError as error:
        raise PoseFileError(f"cannot read: {error.strerror}", path=path) from None
    try:
        return _read_mapped(data, path, max_frames)
    finally:
        data.close()


def _read_mapped(data: mmap.mmap, path: Path, max_frames: int | None) -> PoseSequence:
    header, reader = _read_header(data, path)
    layout, index = _match_layout(header, path)
    _check_body_size(data, header, reader.read_offset, path)
    dims = header.dimensions
    try:
        # Damaged bodies can hold NaN/inf, which pose-format's casts warn about; they are
        # caught below (`clean_points`), so the only report is the one-line signgen error.
        with np.errstate(invalid="ignore", over="ignore"):
            body = NumPyPoseBody.read(header, reader, end_frame=max_frames)
        points = np.asarray(body.data.data)[:, 0, index, :2]
        conf = np.asarray(body.confidence)[:, 0, index]
        fps = float(body.fps)
    except _PARSE_ERRORS as error:
        raise PoseFileError(f"corrupt pose body ({str(error)[:80]})", path=path) from None
    if not (math.isfinite(fps) and fps > 0):
        raise PoseFileError(f"invalid frame rate {fps!r}", path=path)
    xy, clean_conf = clean_points(points, conf)
    # Some writers leave the frame size 0: fall back to the extent of the points.
    width, height = (
        (dims.width, dims.height)
        if dims.width > 0 and dims.height > 0
        else extent_size(xy, clean_conf)
    )
    return PoseSequence(xy=xy, conf=clean_conf, fps=fps, width=width, height=height, layout=layout)


def _header_for(seq: PoseSequence) -> PoseHeader:
    spec = FILE_COMPONENTS.get(seq.layout.name)
    if spec is None:
        raise PoseFileError(f"layout {seq.layout.name!r} has no .pose naming")
    global_limbs = seq.layout.limbs()
    components = []
    start = 0
    for name, points in spec:
        stop = start + len(points)
        limbs = [
            (a - start, b - start)
            for a, b in global_limbs
            if start <= a < stop and start <= b < stop
        ]
        components.append(PoseHeaderComponent(name, list(points), limbs, [(255, 255, 255)], "XYC"))
        start = stop
    return PoseHeader(0.2, PoseHeaderDimensions(seq.width, seq.height, 0), components)


def pose_from_sequence(seq: PoseSequence) -> Pose:
    """A pose-format `Pose` (one person, XYC) holding ``seq``; masked where conf == 0."""
    xy = np.where(seq.conf[..., None] > 0, seq.xy, 0.0).astype(np.float32)[:, None]
    mask = np.broadcast_to((seq.conf == 0)[:, None, :, None], xy.shape)
    body = NumPyPoseBody(
        fps=float(seq.fps), data=ma.masked_array(xy, mask=mask), confidence=seq.conf[:, None]
    )
    return Pose(_header_for(seq), body)


def write_pose_file(seq: PoseSequence, path: str | Path) -> None:
    """Write ``seq`` as a pose-format .pose file (version 0.2, XYC), atomically."""
    if not (seq.width <= 65535 and seq.height <= 65535):
        raise PoseFileError(f"frame size {seq.width}x{seq.height} exceeds .pose's 65535", path=path)
    pose = pose_from_sequence(seq)

    def write(file: BinaryIO) -> None:
        pose.write(file)

    write_atomic(path, write)
