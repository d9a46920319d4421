"""Output paths checked before any work: a command that would fail to write says so first."""

from __future__ import annotations

import os
from pathlib import Path

from signgen.errors import ConfigError


def _nearest_existing(path: Path) -> Path:
    """``path`` or its closest ancestor that exists (the folder a write would start in)."""
    current = path.absolute()
    while not current.exists() and current != current.parent:
        current = current.parent
    return current


def check_output_file(path: Path, option: str) -> None:
    """Refuse ``path`` (a file to write) when its folder is missing or unwritable, or it is a
    folder itself."""
    if path.is_dir():
        raise ConfigError(f"{option} is a folder; give a file name", path=path)
    folder = path.absolute().parent
    if not folder.is_dir():
        missing = "is not a folder" if folder.exists() else "does not exist"
        raise ConfigError(f"cannot write {option}: the folder {folder} {missing}", path=path)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ConfigError(f"cannot write {option}: the folder is not writable", path=path)


def check_output_folder(path: Path, option: str) -> None:
    """Refuse ``path`` (a folder to create or fill) when it cannot be: it names no folder
    (``.``, ``..``), it is a file, or the folder it would be made in is unwritable."""
    if path.name in ("", ".", ".."):
        raise ConfigError(f"{option} must name a folder of its own, not {str(path)!r}", path=path)
    if path.exists() and not path.is_dir():
        raise ConfigError(f"{option} is a file, not a folder", path=path)
    start = _nearest_existing(path)
    if not start.is_dir():
        raise ConfigError(f"cannot create {option}: {start} is not a folder", path=path)
    if not os.access(start, os.W_OK | os.X_OK):
        raise ConfigError(f"cannot write {option}: {start} is not writable", path=path)
