"""The CLI under bad input: user text is printed as given, and every failure is one line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from signgen.cli import app

runner = CliRunner()
POSES = Path(__file__).parent / "data" / "poses"


def _one_line(output: str, *needles: str) -> None:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "Traceback" not in output
    for needle in needles:
        assert needle in lines[0], output


# --- user text is never read as markup --------------------------------------------------------


def test_file_names_with_brackets_are_printed_as_given(tmp_path: Path) -> None:
    for name in ("[bold]x.pose", "[/oops]y.pose"):
        result = runner.invoke(app, ["poses", "info", str(tmp_path / name)])
        assert result.exit_code == 1
        assert not isinstance(result.exception, Exception) or isinstance(
            result.exception, SystemExit
        )
        _one_line(result.output, name)


def test_pose_info_of_a_bracketed_name_prints_it(tmp_path: Path) -> None:
    path = tmp_path / "[red]sign.pose"
    shutil.copy(POSES / "fingerspelling_ase_A.pose", path)
    result = runner.invoke(app, ["poses", "info", str(path)])
    assert result.exit_code == 0, result.output
    assert "[red]sign.pose" in result.output


def test_gloss_text_with_brackets_is_printed_as_given(tmp_path: Path) -> None:
    result = runner.invoke(app, ["gloss", "[/b]", "-o", str(tmp_path / "out.json")])
    assert isinstance(result.exception, SystemExit | type(None)), result.exception
    assert "[/b]" in result.output


def test_batch_with_bracketed_clip_names_reports_them(
    tiny_checkpoint: Path, batch_inputs: Path, tmp_path: Path
) -> None:
    rows = [
        {"id": "[/x]", "reference": "bad.png", "poses": "short_a.pose"},
        {"id": "[bold]b", "reference": "ref.png", "poses": "missing[/y].pose"},
    ]
    manifest = tmp_path / "[b]clips.jsonl"
    manifest.write_text("".join(json.dumps(row) + "\n" for row in rows))
    for name in ("ref.png", "bad.png", "short_a.pose"):
        shutil.copy(batch_inputs / name, tmp_path / name)
    args = ["--checkpoint", str(tiny_checkpoint), "--device", "cpu", "--threads", "1"]
    result = runner.invoke(app, ["batch", str(manifest), "--out", str(tmp_path / "out"), *args])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception
    assert "[/x]" in result.output and "[bold]b" in result.output
    assert "[b]clips.jsonl" in result.output


# --- start-up -----------------------------------------------------------------------------------


def test_cli_start_up_imports_no_heavy_library() -> None:
    """`signgen --help` loads typer and rich only: numpy, scipy, torch, cv2, pydantic and the
    pose readers load when a command runs (benchmarks/cli_help.py times it)."""
    import subprocess
    import sys

    code = (
        "import sys; sys.argv = ['signgen', '--help']\n"
        "from signgen.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('numpy', 'scipy', 'torch', 'cv2', 'pydantic', 'pose_format', 'PIL')\n"
        "print('LOADED', sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "LOADED []" in done.stdout, done.stdout[-300:]


def test_python_dash_m_signgen_runs_the_cli() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "signgen", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("signgen ")


# --- outputs that cannot be written: one line, before any work --------------------------------


def _refused(result: object, *needles: str) -> None:
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    assert isinstance(result.exception, SystemExit), result.exception  # type: ignore[attr-defined]
    _one_line(result.output, *needles)  # type: ignore[attr-defined]


def test_unwritable_outputs_are_one_line_errors(
    tiny_checkpoint: Path, batch_inputs: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder\n")
    manifest = tmp_path / "clips.jsonl"
    row = {"id": "a", "reference": str(batch_inputs / "ref.png")}
    row["poses"] = str(batch_inputs / "short_a.pose")
    manifest.write_text(json.dumps(row) + "\n")
    cpu = ["--device", "cpu", "--threads", "1"]
    cases = {
        "eval --json": [
            "eval", "-c", str(tiny_checkpoint), "--pairs", "1", "--clips", "0", "--steps", "1",
            "--json", str(blocker / "eval.json"),
        ],
        "train -o": ["train", "autoencoder", "--tiny", "--steps", "1", "-o", str(blocker / "r")],
        "train export -o": ["train", "export", str(tiny_checkpoint), "-o", str(blocker / "x")],
        "lexicon --lexicon": [
            "lexicon", "add", "HELLO", str(POSES / "fingerspelling_ase_A.pose"),
            "--lexicon", str(blocker / "lexicon"),
        ],
        "batch --out": [
            "batch", str(manifest), "--out", str(blocker / "out"),
            "--checkpoint", str(tiny_checkpoint), *cpu,
        ],
    }  # fmt: skip
    for name, args in cases.items():
        result = runner.invoke(app, args)
        assert "a_file" in result.output, (name, result.output)
        _refused(result, "a_file")
    assert blocker.read_text() == "not a folder\n"


def test_train_export_into_the_current_folder_is_refused(
    tiny_checkpoint: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "keep.txt").write_text("mine\n")
    for out in (".", ".."):
        result = runner.invoke(app, ["train", "export", str(tiny_checkpoint), "-o", out])
        _refused(result, "--out must name a folder")
    assert (tmp_path / "keep.txt").read_text() == "mine\n"


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b'{"lr": NaN}', "lr"),
        (b'{"warp": "false"}', "warp"),
        (b'{"steps": 2.9}', "steps"),
        (bytes(range(256)), "not a JSON file"),
    ],
)
def test_bad_training_config_file_is_one_line(tmp_path: Path, content: bytes, needle: str) -> None:
    config = tmp_path / "options.json"
    config.write_bytes(content)
    out = tmp_path / "run"
    args = ["train", "flow", "-a", str(tmp_path), "-o", str(out), "-c", str(config)]
    result = runner.invoke(app, args)
    _refused(result, "options.json", needle)
    assert not out.exists()


# --- rough edges ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["gt.avi", "gt.mkv", "gt"])
def test_synth_render_refuses_a_container_it_does_not_write(tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    result = runner.invoke(
        app, ["synth", "render", str(POSES / "sgg_essen.pose"), "-o", str(out), "-s", "64"]
    )
    _refused(result, ".mp4", name)
    assert not out.exists()


@pytest.mark.parametrize("group", ["lexicon", "poses", "synth", "train"])
def test_group_help_shows_examples(group: str) -> None:
    result = runner.invoke(app, [group, "--help"])
    assert result.exit_code == 0
    examples = result.output.split("Examples:")
    assert len(examples) == 2, result.output
    assert f"signgen {group} " in examples[1]


def test_lexicon_index_saved_with_a_bom_is_read(tmp_path: Path) -> None:
    lexicon = tmp_path / "lexicon"
    added = runner.invoke(
        app,
        ["lexicon", "add", "HELLO", str(POSES / "fingerspelling_ase_A.pose"), "--lexicon",
         str(lexicon), "--words", "hi"],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    index = lexicon / "index.csv"
    index.write_bytes(b"\xef\xbb\xbf" + index.read_bytes())  # as a spreadsheet saves it
    listed = runner.invoke(app, ["lexicon", "list", "--lexicon", str(lexicon)])
    assert listed.exit_code == 0, listed.output
    assert "HELLO" in listed.output and "hi" in listed.output
