"""The README's Python example runs as written and makes the video it says."""

from __future__ import annotations

import os
import re
from pathlib import Path

import decord
import pytest

REPO = Path(__file__).resolve().parents[1]


def test_the_readme_python_example_renders_a_video(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocks = re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(), re.S)
    assert len(blocks) == 1
    out = tmp_path / "api_example.mp4"
    code = blocks[0].replace('"out/api_example.mp4"', repr(str(out)))
    assert str(out) in code, "the example writes out/api_example.mp4"
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    reader = decord.VideoReader(str(out))
    assert (reader[0].shape[0], reader[0].shape[1]) == (128, 128)
    frames, said = len(reader), capsys.readouterr().out
    assert said.startswith(f"{frames} frames,") and frames > 10


def test_the_readme_stays_short_and_speaks_to_users() -> None:
    text = (REPO / "README.md").read_text()
    assert len(text.splitlines()) <= 300
    assert not re.search(r"issue [0-9]|session", text, re.I)
