"""Gloss text -> the lexicon entries to sign, word by word.

Syntax: glosses separated by whitespace, matched case-insensitively against the lexicon's
glosses (then its spoken-language words). ``A-N-N-A`` (single letters joined by hyphens) is
fingerspelled; any other gloss the lexicon lacks is fingerspelled letter by letter too, with a
warning (`FingerspellingWarning`). Letters the lexicon has no sign for are an error naming them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from signgen.errors import GlossError
from signgen.gloss.index import LexiconEntry
from signgen.gloss.lexicon import Lexicon

_SPELLED = re.compile(r"^[^\W\d_](-[^\W\d_])+$")


class FingerspellingWarning(UserWarning):
    """A gloss missing from the lexicon is fingerspelled instead."""


@dataclass(frozen=True)
class PlannedWord:
    """One gloss of the text: its span label and the lexicon entries that sign it.

    text: the gloss as typed.
    label: the lexicon's gloss, or the letters joined by hyphens when fingerspelled.
    guessed: True when the gloss was not in the lexicon and is fingerspelled as a fallback.
    """

    text: str
    label: str
    entries: tuple[LexiconEntry, ...]
    fingerspelled: bool = False
    guessed: bool = False


def check_language(lexicon: Lexicon, language: str) -> str:
    """``language`` lower-cased; a `GlossError` listing the lexicon's languages if it has none."""
    code = language.strip().lower()
    if code not in lexicon.languages():
        known = ", ".join(lexicon.languages()) or "none"
        raise GlossError(
            f"the lexicon has no signs for language {language!r} (languages: {known})",
            path=lexicon.root,
        )
    return code


def split_glosses(text: str) -> list[str]:
    """Whitespace-separated glosses; a `GlossError` when there are none."""
    glosses = text.split()
    if not glosses:
        raise GlossError("the gloss text is empty")
    return glosses


def plan_glosses(text: str, *, language: str, lexicon: Lexicon) -> list[PlannedWord]:
    """The entries that sign ``text`` in ``language``, one `PlannedWord` per gloss.

    Raises `GlossError` for empty text, a language the lexicon lacks, or letters (of
    fingerspelled glosses) with no sign in the lexicon, all named in one message.
    """
    glosses = split_glosses(text)
    code = check_language(lexicon, language)
    words: list[PlannedWord] = []
    problems: list[str] = []
    for gloss in glosses:
        entry = lexicon.lookup(gloss, code)
        if entry is not None:
            words.append(PlannedWord(gloss, entry.gloss, (entry,)))
            continue
        letters = [ch for ch in gloss if ch != "-"]
        found = [lexicon.lookup_gloss(ch, code) for ch in letters]
        missing = [ch.upper() for ch, hit in zip(letters, found, strict=True) if hit is None]
        if missing:
            absent = ", ".join(dict.fromkeys(missing))
            problems.append(f"{gloss!r} has no sign, and no letter sign for {absent}")
        label = "-".join(letters).upper()
        guessed = not _SPELLED.match(gloss)
        entries = tuple(e for e in found if e is not None)
        words.append(PlannedWord(gloss, label, entries, fingerspelled=True, guessed=guessed))
    if problems:
        raise GlossError(f"cannot sign in {code}: {'; '.join(problems)}", path=lexicon.root)
    return words
