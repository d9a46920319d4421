"""index.csv: round trip, validation with row numbers, gloss and language rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from signgen.errors import LexiconError
from signgen.gloss.index import (
    COLUMNS,
    LexiconEntry,
    read_index,
    validate_gloss,
    validate_language,
    write_index,
)

HEADER = ",".join(COLUMNS)


def test_round_trip_keeps_every_field_and_sorts(tmp_path: Path) -> None:
    entries = [
        LexiconEntry("PIZZA", "sgg", "sgg/pizza.json", "de", ("pizza",), 0, 0, 0),
        LexiconEntry("A", "ase", "ase/a.json", "en", ("a", "letter a"), 120, 900, 2),
    ]
    path = tmp_path / "index.csv"
    write_index(path, entries)
    back = read_index(path)
    assert back == [entries[1], entries[0]]  # sorted by language, then gloss
    assert path.read_text().splitlines()[0] == HEADER
    assert "a|letter a" in path.read_text()
    assert not list(tmp_path.glob(".index.*"))  # the temp file was renamed away


def test_empty_time_range_means_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "index.csv"
    path.write_text("gloss,signed_language,file\nHALLO,sgg,sgg/hallo.json\n")
    (entry,) = read_index(path)
    assert entry.whole_file and entry.priority == 0 and entry.words == ()
    assert entry.key == "hallo"


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("A,ase,ase/a.json,,,x,,0", "row 2: start_ms must be an integer"),
        ("A,ase,/etc/passwd,,,,,0", "row 2: file must be a relative path"),
        ("A,ase,../outside.json,,,,,0", "row 2: file must be a relative path"),
        ("A,ase,ase/a.json,,,500,100,0", "row 2: bad time range"),
        ("TWO WORDS,ase,ase/a.json,,,,,0", "row 2: a gloss must be one non-empty token"),
        ("A,A S E,ase/a.json,,,,,0", "row 2: a language code is 2-8 letters"),
    ],
)
def test_bad_rows_name_the_file_and_row(tmp_path: Path, row: str, problem: str) -> None:
    columns = "gloss,signed_language,file,spoken_language,words,start_ms,end_ms,priority"
    path = tmp_path / "index.csv"
    path.write_text(f"{columns}\n{row}\n")
    with pytest.raises(LexiconError, match=problem) as caught:
        read_index(path)
    assert str(path) in str(caught.value)


def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = tmp_path / "index.csv"
    path.write_text("gloss,language\nA,ase\n")
    with pytest.raises(LexiconError, match=r"lacks the columns \['file', 'signed_language'\]"):
        read_index(path)


def test_gloss_and_language_rules() -> None:
    assert validate_gloss("  HELLO ") == "HELLO"
    assert validate_language("ASE") == "ase"
    for bad in ("", "   ", "A B"):
        with pytest.raises(LexiconError):
            validate_gloss(bad)
    for bad in ("a", "a-s-e", "123"):
        with pytest.raises(LexiconError):
            validate_language(bad)
