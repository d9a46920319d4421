"""`signgen gloss` and `signgen lexicon add|list` through the CLI, on real lexicon data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from signgen.cli import app
from signgen.gloss.lexicon import REPO_LEXICON
from signgen.io import read_poses

DATA = Path(__file__).parent / "data" / "poses"
runner = CliRunner()


def _one_line_error(result: object, *needles: str) -> None:
    assert result.exit_code != 0  # type: ignore[attr-defined]
    lines = [line for line in result.output.splitlines() if line.strip()]  # type: ignore[attr-defined]
    assert len(lines) == 1, result.output  # type: ignore[attr-defined]
    assert lines[0].startswith("error:")
    for needle in needles:
        assert needle in lines[0]


def test_gloss_writes_a_sequence_with_spans(tmp_path: Path) -> None:
    out = tmp_path / "essen_pizza.json"
    result = runner.invoke(app, ["gloss", "ESSEN pizza", "--language", "sgg", "-o", str(out)])
    assert result.exit_code == 0, result.output
    seq = read_poses(out)
    assert [g.gloss for g in seq.glosses] == ["ESSEN", "PIZZA"]
    assert seq.glosses[-1].end == seq.num_frames and seq.fps == 25.0
    assert "ESSEN 0-" in result.output


def test_an_unknown_gloss_is_fingerspelled_with_a_warning(tmp_path: Path) -> None:
    out = tmp_path / "hello.pose"
    result = runner.invoke(app, ["gloss", "HELLO", "-o", str(out), "--fps", "30"])
    assert result.exit_code == 0, result.output
    assert "warning: gloss 'HELLO' is not in the lexicon: fingerspelled as H-E-L-L-O" in (
        result.output
    )
    seq = read_poses(out)
    assert seq.fps == pytest.approx(30.0) and seq.num_frames > 2 * 30  # > 2 s
    # pose-format has no place for gloss spans: the user is told.
    assert "keeps no gloss spans" in result.output


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["  ", "--language", "ase"], ["the gloss text is empty"]),
        (["HELLO", "--language", "xyz"], ["no signs for language 'xyz'", "ase, sgg"]),
        (["ESSEN HALLO", "--language", "sgg"], ["'HALLO' has no sign", "H, A, L, O"]),
        (["ÄRGER", "--language", "ase"], ["no letter sign for Ä"]),
        (["A", "--fps", "0"], ["fps must be positive"]),
    ],
)
def test_bad_gloss_input_is_one_line_and_writes_nothing(
    tmp_path: Path, args: list[str], needles: list[str]
) -> None:
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["gloss", *args, "-o", str(out)])
    _one_line_error(result, *needles)
    assert not out.exists()


def test_a_corrupt_lexicon_entry_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    lexicon = tmp_path / "lexicon"
    shutil.copytree(REPO_LEXICON, lexicon)
    (lexicon / "sgg" / "pizza.json").write_text('{"format": "signgen.pose/1", "frames": [[[1')
    out = tmp_path / "out.json"
    args = ["gloss", "ESSEN PIZZA", "-l", "sgg", "--lexicon", str(lexicon), "-o", str(out)]
    result = runner.invoke(app, args)
    _one_line_error(result, "'PIZZA' (sgg) is broken", "pizza.json")
    assert not out.exists()


def test_lexicon_add_then_gloss_uses_the_new_sign(tmp_path: Path) -> None:
    lexicon = tmp_path / "lexicon"
    source = DATA / "sgg_essen.pose"
    add = ["lexicon", "add", "MAMPFEN", str(source), "-l", "sgg", "--lexicon", str(lexicon)]
    result = runner.invoke(app, [*add, "--words", "essen|mampfen", "--spoken-language", "de"])
    assert result.exit_code == 0, result.output
    assert (lexicon / "sgg" / "mampfen.json").is_file()
    assert "words" in (lexicon / "index.csv").read_text().splitlines()[0]
    listed = runner.invoke(app, ["lexicon", "list", "--lexicon", str(lexicon)])
    assert listed.exit_code == 0 and "MAMPFEN" in listed.output
    out = tmp_path / "out.json"
    # Found through its spoken-language word.
    gloss = ["gloss", "essen", "-l", "sgg", "--lexicon", str(lexicon), "-o", str(out)]
    result = runner.invoke(app, gloss)
    assert result.exit_code == 0, result.output
    assert [g.gloss for g in read_poses(out).glosses] == ["MAMPFEN"]


def test_lexicon_add_of_a_missing_file_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["lexicon", "add", "X", str(tmp_path / "none.pose"), "--lexicon", str(tmp_path)]
    )
    _one_line_error(result, "none.pose")
    assert not (tmp_path / "index.csv").exists()
