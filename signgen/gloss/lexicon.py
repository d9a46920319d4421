"""`Lexicon`: a folder of recorded signs (one pose file each) and its ``index.csv``."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from signgen.errors import LexiconError, SigngenError
from signgen.gloss.index import INDEX_NAME, LexiconEntry, read_index
from signgen.io import read_canonical
from signgen.pose.sequence import PoseSequence

# The lexicon shipped with the repository; SIGNGEN_LEXICON overrides it.
REPO_LEXICON = Path(__file__).resolve().parents[2] / "pose_sequences"


def default_lexicon_dir() -> Path:
    """``$SIGNGEN_LEXICON`` if set, else the repository's ``pose_sequences/``."""
    return Path(os.environ.get("SIGNGEN_LEXICON") or REPO_LEXICON)


@dataclass(frozen=True)
class Lexicon:
    """The signs of one lexicon folder, indexed by (language, case-folded gloss)."""

    root: Path
    entries: tuple[LexiconEntry, ...]
    _by_gloss: dict[tuple[str, str], LexiconEntry] = field(init=False, repr=False)
    _by_word: dict[tuple[str, str], LexiconEntry] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_gloss: dict[tuple[str, str], LexiconEntry] = {}
        by_word: dict[tuple[str, str], LexiconEntry] = {}
        for entry in self.entries:
            _keep_best(by_gloss, (entry.signed_language, entry.key), entry)
            for word in entry.words:
                _keep_best(by_word, (entry.signed_language, word.casefold()), entry)
        object.__setattr__(self, "_by_gloss", by_gloss)
        object.__setattr__(self, "_by_word", by_word)

    @classmethod
    def load(cls, root: str | Path) -> Lexicon:
        """Read ``root/index.csv``; a `LexiconError` naming the folder if it is not a lexicon."""
        folder = Path(root)
        index = folder / INDEX_NAME
        if not index.is_file():
            raise LexiconError(f"not a lexicon folder: no {INDEX_NAME} inside", path=folder)
        return cls(folder, tuple(read_index(index)))

    @classmethod
    def default(cls) -> Lexicon:
        return cls.load(default_lexicon_dir())

    @property
    def index_path(self) -> Path:
        return self.root / INDEX_NAME

    def languages(self) -> list[str]:
        """Sign-language codes with at least one sign, sorted."""
        return sorted({entry.signed_language for entry in self.entries})

    def signs(self, language: str) -> list[LexiconEntry]:
        """The winning entry of every gloss of ``language``, sorted by gloss."""
        code = language.lower()
        return sorted(
            (e for (lang, _), e in self._by_gloss.items() if lang == code), key=lambda e: e.key
        )

    def lookup(self, gloss: str, language: str) -> LexiconEntry | None:
        """The entry for ``gloss`` (case-insensitive), else one listing it among its words."""
        key = (language.lower(), gloss.casefold())
        return self._by_gloss.get(key) or self._by_word.get(key)

    def lookup_gloss(self, gloss: str, language: str) -> LexiconEntry | None:
        """The entry whose gloss is ``gloss`` (case-insensitive); words are not searched."""
        return self._by_gloss.get((language.lower(), gloss.casefold()))

    def read(self, entry: LexiconEntry) -> PoseSequence:
        """The sign's poses in the canonical layout, cut to the entry's time range.

        A missing, corrupt or empty file raises a `LexiconError` naming the file and gloss.
        """
        path = self.root / entry.file
        try:
            seq = read_canonical(path)
        except SigngenError as error:
            raise LexiconError(
                f"lexicon entry {entry.gloss!r} ({entry.signed_language}) is broken: "
                f"{error.message}",
                path=path,
            ) from None
        if not entry.whole_file:
            start = math.floor(entry.start_ms / 1000 * seq.fps)
            stop = seq.num_frames if entry.end_ms == 0 else math.ceil(entry.end_ms / 1000 * seq.fps)
            seq = seq.frames(start, min(stop, seq.num_frames))
        if seq.num_frames == 0:
            raise LexiconError(f"lexicon entry {entry.gloss!r} has no frames", path=path)
        return seq.replace(glosses=())


def _keep_best(
    table: dict[tuple[str, str], LexiconEntry], key: tuple[str, str], entry: LexiconEntry
) -> None:
    # Highest priority wins; on a tie the earlier row stays.
    current = table.get(key)
    if current is None or entry.priority > current.priority:
        table[key] = entry
