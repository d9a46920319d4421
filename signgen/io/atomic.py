"""Atomic output: write to a temporary file beside the target, then rename it into place.

A reader never sees a half-written file, and a failed write leaves the old file untouched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from signgen.errors import PoseFileError, SigngenError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# mkstemp/mkdtemp create private (0600/0700) entries; outputs get the usual permissions.
FILE_MODE = 0o666 & ~_umask()
FOLDER_MODE = 0o777 & ~_umask()


def write_atomic(path: str | Path, write: Callable[[BinaryIO], None]) -> None:
    """Call ``write`` on a temporary file in ``path``'s folder, then rename it to ``path``."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise PoseFileError(f"cannot write: {error.strerror}", path=path) from None
    try:
        with os.fdopen(fd, "wb") as file:
            write(file)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        raise PoseFileError(f"cannot write: {error.strerror}", path=path) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_folder_atomic(path: str | Path, fill: Callable[[Path], None]) -> None:
    """Call ``fill`` on a temporary folder beside ``path``, then rename it to ``path``.

    An existing folder at ``path`` is replaced only once the new one is complete.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
    except OSError as error:
        raise PoseFileError(f"cannot write: {error.strerror}", path=path) from None
    try:
        fill(tmp)
        os.chmod(tmp, FOLDER_MODE)
        if path.is_dir():
            old = path.with_name(f".{path.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(path, old)
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    except OSError as error:
        shutil.rmtree(tmp, ignore_errors=True)
        raise PoseFileError(f"cannot write: {error.strerror}", path=path) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def replace_via_temp(
    path: str | Path,
    write: Callable[[Path], object],
    what: str,
    error: type[SigngenError] = SigngenError,
) -> Path:
    """Call ``write(temp)`` on ``.<name>.partial`` beside ``path``, then rename it to ``path``.

    The one write-then-rename for reports, plots and subtitles: readers never see half a file,
    and a failure leaves no temp behind. An OSError becomes ``error("cannot write <what>")``.
    """
    path = Path(path)
    temp = path.with_name(f".{path.name}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(temp)
        os.replace(temp, path)
    except OSError as failure:
        temp.unlink(missing_ok=True)
        raise error(f"cannot write {what}: {failure.strerror}", path=path) from failure
    return path
