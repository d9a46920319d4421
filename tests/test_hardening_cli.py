"""The CLI under bad input: user text is printed as given, and every failure is one line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

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
