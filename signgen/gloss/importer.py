"""`add_sign`: import a recording into a lexicon folder (the engine of `signgen lexicon add`).

The recording (any pose file `signgen.io` reads, or a video through `signgen.extract`) is cut to
an optional time range, trimmed of its rest frames (found on its canonical form), rounded to
what the data can resolve (0.1 px, confidence 0.01) and written as signgen JSON to
``<lexicon>/<language>/<gloss>.json``; ``index.csv`` gains (or updates) the row.

The file keeps the recording's own layout (the points its source has: 178 for the reduced
MediaPipe layout, 543 for Holistic), so no space is spent on points a source never had; the
lexicon converts it to the canonical layout when it reads it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import re
from pathlib import Path

import numpy as np

from signgen.errors import LexiconError
from signgen.gloss.index import (
    INDEX_NAME,
    LexiconEntry,
    read_index,
    validate_gloss,
    validate_language,
    write_index,
)
from signgen.gloss.rest import active_range
from signgen.io import read_poses, write_poses
from signgen.pose.convert import to_canonical
from signgen.pose.sequence import PoseSequence

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v"})
_SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def read_recording(path: Path) -> PoseSequence:
    """A pose file (in its own layout) or a video (poses extracted, canonical layout)."""
    if path.suffix.lower() not in VIDEO_SUFFIXES:
        return read_poses(path)
    try:
        # Lazy: pose extraction pulls in MediaPipe, needed only for videos.
        from signgen.extract import extract_poses
    except ImportError:
        raise LexiconError(
            "importing a video needs pose extraction (signgen.extract), which is not available; "
            "extract the poses first and import the pose file",
            path=path,
        ) from None
    return extract_poses(path)


def cut(seq: PoseSequence, start_ms: int, end_ms: int) -> PoseSequence:
    """Frames of ``seq`` between ``start_ms`` and ``end_ms`` (0 = the end)."""
    if start_ms == 0 and end_ms == 0:
        return seq
    start = math.floor(start_ms / 1000 * seq.fps)
    stop = (
        seq.num_frames if end_ms == 0 else min(seq.num_frames, math.ceil(end_ms / 1000 * seq.fps))
    )
    return seq.frames(start, stop)


def compact(seq: PoseSequence) -> PoseSequence:
    """``seq`` rounded for storage: xy to 0.1 px, conf to 0.01, missing points at (0, 0)."""
    present = seq.conf > 0
    xy = np.where(present[..., None], np.round(seq.xy, 1), 0.0).astype(np.float32)
    # A tracked point keeps conf > 0 after rounding, so it never turns into a missing one.
    conf = np.where(present, np.maximum(np.round(seq.conf, 2), 0.01), 0.0).astype(np.float32)
    return seq.replace(xy=xy, conf=conf, glosses=())


def file_name(gloss: str) -> str:
    """A portable file stem for ``gloss``: its lower-case form, or a hash when not plain ASCII."""
    stem = gloss.casefold()
    if _SAFE_NAME.match(stem):
        return stem
    return "gloss-" + hashlib.sha1(gloss.casefold().encode()).hexdigest()[:12]


def _check_range(start: int, end: int) -> None:
    """Refuse a time range that cannot be: negative, or ending before it starts."""
    if start < 0 or end < 0:
        raise LexiconError(f"--start-ms and --end-ms must be 0 or more, got {start} and {end}")
    if end and end <= start:
        raise LexiconError(f"--end-ms ({end}) must come after --start-ms ({start})")


def add_sign(lexicon_dir: Path, recording: LexiconEntry, trim: bool = True) -> LexiconEntry:
    """Import ``recording`` into the lexicon at ``lexicon_dir`` (created if needed).

    recording: the sign as its index row will read, but ``file`` is the recording to import
    (any path) and ``start_ms``/``end_ms`` the part of it to use (0, 0 = all of it).
    trim: drop rest frames (hands below the elbows) at both ends.
    An existing entry with the same gloss and language is replaced. Returns the new entry,
    whose ``file`` is the copy in the lexicon (the whole of it).
    """
    gloss = validate_gloss(recording.gloss)
    language = validate_language(recording.signed_language)
    _check_range(recording.start_ms, recording.end_ms)
    source = Path(recording.file)
    seq = cut(read_recording(source), recording.start_ms, recording.end_ms)
    if seq.num_frames and not (seq.conf > 0).any():
        raise LexiconError("no point is visible in the recording (nothing to import)", source)
    if seq.num_frames and trim:
        seq = seq.frames(*active_range(to_canonical(seq)))
    if seq.num_frames == 0:
        raise LexiconError("no frames left to import (check --start-ms/--end-ms)", path=source)
    relative = f"{language}/{file_name(gloss)}.json"
    index_path = lexicon_dir / INDEX_NAME
    entries = read_index(index_path) if index_path.exists() else []
    entry = dataclasses.replace(
        recording, gloss=gloss, signed_language=language, file=relative, start_ms=0, end_ms=0
    )
    kept = [e for e in entries if not (e.key == entry.key and e.signed_language == language)]
    (lexicon_dir / language).mkdir(parents=True, exist_ok=True)
    write_poses(compact(seq), lexicon_dir / relative)
    write_index(index_path, [*kept, entry])
    return entry
