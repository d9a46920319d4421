"""`add_sign`: import real recordings into a lexicon folder, as `signgen lexicon add` does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from signgen.errors import LexiconError, SigngenError
from signgen.gloss import Lexicon
from signgen.gloss.importer import add_sign, compact, file_name
from signgen.gloss.index import LexiconEntry
from signgen.gloss.rest import active_range, raised_hands
from signgen.io import read_canonical, read_poses

DATA = Path(__file__).parent / "data" / "poses"
ESSEN = DATA / "sgg_essen.pose"
LETTER_A = DATA / "fingerspelling_ase_A.pose"


def _sign(gloss: str, recording: Path, language: str, **row: Any) -> LexiconEntry:
    """What `signgen lexicon add` imports: ``recording`` as ``gloss`` with its index row."""
    return LexiconEntry(gloss, language, str(recording), **row)


def test_import_trims_rest_frames_and_indexes_the_sign(tmp_path: Path) -> None:
    entry = add_sign(tmp_path, _sign("Essen", ESSEN, "SGG", spoken_language="de", words=("essen",)))
    assert (entry.gloss, entry.signed_language, entry.file) == ("Essen", "sgg", "sgg/essen.json")
    source = read_canonical(ESSEN)
    stored = read_canonical(tmp_path / entry.file)
    start, stop = active_range(source)
    assert 0 < start and stop < source.num_frames  # the recording starts and ends at rest
    assert stored.num_frames == stop - start
    assert raised_hands(stored)[[0, -1]].all()
    np.testing.assert_allclose(stored.xy, source.xy[start:stop], atol=0.051)
    lexicon = Lexicon.load(tmp_path)
    assert lexicon.lookup("ESSEN", "sgg") == entry
    assert lexicon.lookup("essen", "sgg") == entry  # found by gloss and by word


def test_stored_files_keep_the_source_points_only(tmp_path: Path) -> None:
    entry = add_sign(tmp_path, _sign("ESSEN", ESSEN, "sgg"))
    # The 178-point recording is stored in its own layout, not padded to 543 points.
    assert read_poses(tmp_path / entry.file).layout.name == read_poses(ESSEN).layout.name


def test_adding_a_gloss_again_replaces_it(tmp_path: Path) -> None:
    add_sign(tmp_path, _sign("A", LETTER_A, "ase", priority=1))
    add_sign(tmp_path, _sign("B", LETTER_A, "ase"))
    again = add_sign(tmp_path, _sign("a", LETTER_A, "ase", priority=5), trim=False)
    lexicon = Lexicon.load(tmp_path)
    assert [e.gloss for e in lexicon.entries] == ["a", "B"]
    assert lexicon.lookup("A", "ase") == again
    assert lexicon.read(again).num_frames == read_canonical(LETTER_A).num_frames


def test_time_range_selects_part_of_the_recording(tmp_path: Path) -> None:
    entry = add_sign(tmp_path, _sign("X", ESSEN, "sgg", start_ms=1000, end_ms=2000), trim=False)
    assert read_canonical(tmp_path / entry.file).num_frames == 24  # 1 s at 24 fps


def test_compact_rounds_without_losing_points() -> None:
    seq = read_canonical(ESSEN)
    small = compact(seq)
    assert np.array_equal(small.conf > 0, seq.conf > 0)
    present = seq.conf > 0
    assert np.abs(small.xy - seq.xy)[present].max() <= 0.05 + 1e-4
    assert np.all(small.xy[~present] == 0)


def test_file_names_are_portable() -> None:
    assert file_name("HELLO") == "hello"
    assert file_name("THANK-YOU") == "thank-you"
    assert file_name("GRÜSSE").startswith("gloss-") and file_name("../x").startswith("gloss-")


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        (_sign("TWO WORDS", ESSEN, "sgg"), "one non-empty token"),
        (_sign("X", ESSEN, "s g g"), "language code"),
        (_sign("X", ESSEN, "sgg", start_ms=90_000), "no frames left"),
        (_sign("X", DATA / "nope.pose", "sgg"), "nope.pose"),
    ],
)
def test_bad_imports_raise_and_leave_the_lexicon_alone(
    tmp_path: Path, source: LexiconEntry, problem: str
) -> None:
    with pytest.raises(SigngenError, match=problem):
        add_sign(tmp_path, source)
    assert not (tmp_path / "index.csv").exists()


def test_a_broken_video_is_a_one_line_error(tmp_path: Path) -> None:
    video = tmp_path / "sign.mp4"
    video.write_bytes(b"not a video at all")
    with pytest.raises(SigngenError) as caught:
        add_sign(tmp_path / "lex", _sign("X", video, "ase"))
    assert "sign.mp4" in str(caught.value) and "\n" not in str(caught.value)
    assert not isinstance(caught.value, LexiconError) or "extraction" in str(caught.value)
