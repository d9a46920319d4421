"""Gloss text syntax: lookup, deliberate and fallback fingerspelling, and its errors."""

from __future__ import annotations

import pytest

from signgen.errors import GlossError
from signgen.gloss import Lexicon, plan_glosses
from signgen.gloss.lexicon import REPO_LEXICON


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load(REPO_LEXICON)


def test_signs_are_found_case_insensitively(lexicon: Lexicon) -> None:
    words = plan_glosses("essen  Pizza\tKLEINE", language="SGG", lexicon=lexicon)
    assert [w.label for w in words] == ["ESSEN", "PIZZA", "KLEINE"]
    assert [w.text for w in words] == ["essen", "Pizza", "KLEINE"]
    assert all(len(w.entries) == 1 and not w.fingerspelled for w in words)


def test_hyphenated_letters_are_fingerspelled_on_purpose(lexicon: Lexicon) -> None:
    (anna,) = plan_glosses("a-n-n-a", language="ase", lexicon=lexicon)
    assert anna.label == "A-N-N-A" and anna.fingerspelled and not anna.guessed
    assert [e.gloss for e in anna.entries] == ["A", "N", "N", "A"]


def test_an_unknown_gloss_is_fingerspelled_as_a_guess(lexicon: Lexicon) -> None:
    words = plan_glosses("Hello A-B", language="ase", lexicon=lexicon)
    assert [(w.label, w.guessed) for w in words] == [("H-E-L-L-O", True), ("A-B", False)]
    assert [e.gloss for e in words[0].entries] == list("HELLO")


def test_a_single_letter_is_its_own_sign(lexicon: Lexicon) -> None:
    (word,) = plan_glosses("b", language="ase", lexicon=lexicon)
    assert word.label == "B" and not word.fingerspelled


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text_is_an_error(lexicon: Lexicon, text: str) -> None:
    with pytest.raises(GlossError, match="the gloss text is empty"):
        plan_glosses(text, language="ase", lexicon=lexicon)


def test_an_unknown_language_lists_the_known_ones(lexicon: Lexicon) -> None:
    with pytest.raises(GlossError, match=r"no signs for language 'bfi' \(languages: ase, sgg\)"):
        plan_glosses("HELLO", language="bfi", lexicon=lexicon)


def test_missing_letters_are_named_per_gloss(lexicon: Lexicon) -> None:
    with pytest.raises(GlossError) as caught:
        plan_glosses("MÜLLER B2B ANNA", language="ase", lexicon=lexicon)
    message = str(caught.value)
    assert "'MÜLLER' has no sign, and no letter sign for Ü" in message
    assert "'B2B' has no sign, and no letter sign for 2" in message
    assert "ANNA" not in message
    # DSGS has no fingerspelling in the seed lexicon: every letter is named once.
    with pytest.raises(GlossError, match="'HALLO' has no sign, and no letter sign for H, A, L, O"):
        plan_glosses("ESSEN HALLO", language="sgg", lexicon=lexicon)
