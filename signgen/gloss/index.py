"""The lexicon index: ``index.csv``, one row per recorded sign, validated on load.

Columns (header row required, in any order)::

    gloss,signed_language,spoken_language,words,file,start_ms,end_ms,priority

- ``gloss``: the sign's gloss, matched case-insensitively (no whitespace inside).
- ``signed_language``: ISO 639-3 code of the sign language (``ase`` ASL, ``sgg`` DSGS, ...).
- ``spoken_language``: ISO 639-1 code of the words (``en``, ``de``); may be empty.
- ``words``: spoken-language words the sign translates, separated by ``|``; may be empty.
- ``file``: the pose file, relative to the lexicon folder (any format `signgen.io` reads).
- ``start_ms``, ``end_ms``: the part of the file that holds the sign, in milliseconds;
  both empty (or ``0,0``) for the whole file.
- ``priority``: integer; when several rows share a gloss and language, the highest wins
  (ties: the first row).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from signgen.errors import LexiconError
from signgen.io.atomic import write_atomic

INDEX_NAME = "index.csv"
COLUMNS = (
    "gloss",
    "signed_language",
    "spoken_language",
    "words",
    "file",
    "start_ms",
    "end_ms",
    "priority",
)
_LANGUAGE = re.compile(r"^[a-z]{2,8}$")


@dataclass(frozen=True)
class LexiconEntry:
    """One row of ``index.csv``: where the recording of one sign lives."""

    gloss: str
    signed_language: str
    file: str
    spoken_language: str = ""
    words: tuple[str, ...] = ()
    start_ms: int = 0
    end_ms: int = 0
    priority: int = 0

    @property
    def key(self) -> str:
        """The lookup key: the gloss, case-folded."""
        return self.gloss.casefold()

    @property
    def whole_file(self) -> bool:
        return self.start_ms == 0 and self.end_ms == 0

    def to_row(self) -> dict[str, str]:
        return {
            "gloss": self.gloss,
            "signed_language": self.signed_language,
            "spoken_language": self.spoken_language,
            "words": "|".join(self.words),
            "file": self.file,
            "start_ms": "" if self.whole_file else str(self.start_ms),
            "end_ms": "" if self.whole_file else str(self.end_ms),
            "priority": str(self.priority),
        }


def validate_gloss(gloss: str) -> str:
    """``gloss`` stripped; a `LexiconError` when empty or containing whitespace."""
    stripped = gloss.strip()
    if not stripped or any(ch.isspace() for ch in stripped):
        raise LexiconError(f"a gloss must be one non-empty token without spaces, got {gloss!r}")
    return stripped


def validate_language(language: str) -> str:
    """A sign-language code, lower-cased (ISO 639-3 like ``ase``)."""
    code = language.strip().lower()
    if not _LANGUAGE.match(code):
        raise LexiconError(f"a language code is 2-8 letters (e.g. ase, sgg), got {language!r}")
    return code


def _int(row: dict[str, str], column: str, where: str, path: Path) -> int:
    text = (row.get(column) or "").strip()
    if not text:
        return 0
    try:
        return int(text)
    except ValueError:
        raise LexiconError(
            f"{where}: {column} must be an integer, got {text!r}", path=path
        ) from None


def _entry(row: dict[str, str], line: int, path: Path) -> LexiconEntry:
    where = f"row {line}"
    try:
        gloss = validate_gloss(row.get("gloss") or "")
        language = validate_language(row.get("signed_language") or "")
    except LexiconError as error:
        raise LexiconError(f"{where}: {error.message}", path=path) from None
    file = (row.get("file") or "").strip()
    if not file or Path(file).is_absolute() or ".." in Path(file).parts:
        raise LexiconError(f"{where}: file must be a relative path inside the lexicon", path=path)
    start, end = _int(row, "start_ms", where, path), _int(row, "end_ms", where, path)
    if start < 0 or end < 0 or (end != 0 and end <= start):
        raise LexiconError(f"{where}: bad time range start_ms={start} end_ms={end}", path=path)
    words = tuple(w.strip() for w in (row.get("words") or "").split("|") if w.strip())
    return LexiconEntry(
        gloss=gloss,
        signed_language=language,
        file=file,
        spoken_language=(row.get("spoken_language") or "").strip(),
        words=words,
        start_ms=start,
        end_ms=end,
        priority=_int(row, "priority", where, path),
    )


def read_index(path: Path) -> list[LexiconEntry]:
    """Rows of ``index.csv`` at ``path``, validated; a `LexiconError` naming the row otherwise."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # spreadsheets often save a BOM
    except (OSError, UnicodeDecodeError) as error:
        raise LexiconError(f"cannot read the lexicon index ({error})", path=path) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = {"gloss", "signed_language", "file"} - set(reader.fieldnames or ())
    if missing:
        raise LexiconError(f"index lacks the columns {sorted(missing)}", path=path)
    # Line numbers as a spreadsheet shows them: the header is line 1.
    return [_entry(row, line, path) for line, row in enumerate(reader, start=2)]


def write_index(path: Path, entries: list[LexiconEntry]) -> None:
    """Write ``entries`` to ``path`` atomically (temp file + rename), sorted by language, gloss."""
    rows = sorted(entries, key=lambda e: (e.signed_language, e.key, -e.priority, e.file))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(entry.to_row() for entry in rows)
    data = buffer.getvalue().encode("utf-8")
    write_atomic(path, lambda file: file.write(data), "the lexicon index", LexiconError)
