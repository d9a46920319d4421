"""The shipped lexicon (pose_sequences/): its index, lookup rules and broken entries."""

from __future__ import annotations

import shutil
import string
from pathlib import Path

import numpy as np
import pytest

from signgen.errors import LexiconError
from signgen.gloss import Lexicon, LexiconEntry
from signgen.gloss.lexicon import REPO_LEXICON
from signgen.gloss.rest import raised_hands
from signgen.pose.layouts import HOLISTIC


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load(REPO_LEXICON)


def test_the_seed_lexicon_holds_the_asl_alphabet_and_four_dsgs_signs(lexicon: Lexicon) -> None:
    assert lexicon.languages() == ["ase", "sgg"]
    assert [e.gloss for e in lexicon.signs("ase")] == list(string.ascii_uppercase)
    assert [e.gloss for e in lexicon.signs("sgg")] == ["ESSEN", "KINDER", "KLEINE", "PIZZA"]
    for entry in lexicon.entries:
        assert (lexicon.root / entry.file).is_file(), entry.file


def test_lookup_is_case_insensitive_and_falls_back_to_words(lexicon: Lexicon) -> None:
    essen = lexicon.lookup("essen", "sgg")
    assert essen is not None and essen.gloss == "ESSEN"
    assert lexicon.lookup("EsSeN", "SGG") == essen
    assert lexicon.lookup("ESSEN", "ase") is None
    assert lexicon.lookup("hello", "ase") is None
    with_word = Lexicon(
        lexicon.root, (*lexicon.entries, LexiconEntry("EAT", "ase", "ase/e.json", words=("Eat",)))
    )
    assert with_word.lookup("eat", "ase") is not None
    assert with_word.lookup_gloss("Eat", "ase") is not None
    only_word = Lexicon(lexicon.root, (LexiconEntry("FOOD", "ase", "x.json", words=("eat",)),))
    assert only_word.lookup_gloss("eat", "ase") is None


def test_highest_priority_wins_then_the_first_row(tmp_path: Path) -> None:
    rows = (
        LexiconEntry("HI", "ase", "a.json", priority=0),
        LexiconEntry("HI", "ase", "b.json", priority=3),
        LexiconEntry("HI", "ase", "c.json", priority=3),
    )
    assert Lexicon(tmp_path, rows).lookup("hi", "ase") == rows[1]


def test_read_gives_canonical_trimmed_signs(lexicon: Lexicon) -> None:
    entry = lexicon.lookup("PIZZA", "sgg")
    assert entry is not None
    seq = lexicon.read(entry)
    assert seq.layout.name == HOLISTIC.name and seq.num_frames > 10
    assert seq.fps == pytest.approx(24.0)
    # Stored trimmed: the hands are up in the first and last frame.
    raised = raised_hands(seq)
    assert raised[0] and raised[-1]
    assert np.isfinite(seq.xy).all()


def test_time_range_cuts_the_recording(lexicon: Lexicon) -> None:
    entry = lexicon.lookup("ESSEN", "sgg")
    assert entry is not None
    whole = lexicon.read(entry)
    part = lexicon.read(
        LexiconEntry(entry.gloss, entry.signed_language, entry.file, start_ms=250, end_ms=750)
    )
    start = int(0.25 * whole.fps)
    assert part.num_frames == int(np.ceil(0.75 * whole.fps)) - start
    np.testing.assert_array_equal(part.xy, whole.xy[start : start + part.num_frames])


def test_a_missing_folder_or_index_is_named(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="no index.csv") as caught:
        Lexicon.load(tmp_path)
    assert str(tmp_path) in str(caught.value)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "missing"])
def test_a_broken_entry_names_its_file_and_gloss(tmp_path: Path, damage: str) -> None:
    copy = tmp_path / "lexicon"
    shutil.copytree(REPO_LEXICON, copy)
    lexicon = Lexicon.load(copy)
    entry = lexicon.lookup("KINDER", "sgg")
    assert entry is not None
    target = copy / entry.file
    if damage == "garbage":
        target.write_bytes(b"\x00\x01 not a pose file")
    elif damage == "truncated":
        target.write_bytes(target.read_bytes()[:500])
    else:
        target.unlink()
    with pytest.raises(LexiconError, match="lexicon entry 'KINDER' \\(sgg\\) is broken") as caught:
        lexicon.read(entry)
    assert entry.file in str(caught.value)
    assert "\n" not in str(caught.value)
