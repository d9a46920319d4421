"""Atomic output: every file or folder signgen writes goes through here.

A temporary entry is created beside the target, filled, flushed to disk and renamed over the
target, so a reader never sees half a file and a failed write leaves the old file untouched.

- The temporary name is unique and created exclusively (``O_CREAT | O_EXCL`` through
  `tempfile`): an existing file or a planted symlink is never opened or followed. It reads
  ``.NAME.XXXXXXXX.partial`` (`is_temp_of` recognises it without pattern matching on NAME).
- Data and the folder entry are fsynced before and after the rename.
- A replaced file keeps its permission bits; a new file gets the usual ones (umask), never the
  private 0600 of a bare temp file.
- A folder is replaced only when it is empty or the caller recognises it as its own kind of
  output (``is_ours``): any other folder, or a file in the way, is refused, never deleted.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
TEMP_SUFFIX = ".partial"
# What `tempfile` puts between prefix and suffix (never a dot: a name that continues NAME with
# ".more" is another output's temporary).
_RANDOM = re.compile(r"[a-z0-9_]+")


def is_temp_of(entry: str, name: str) -> bool:
    """Whether the folder entry ``entry`` is a temporary of an output called ``name``."""
    prefix = f".{name}."
    if not (entry.startswith(prefix) and entry.endswith(TEMP_SUFFIX)):
        return False
    middle = entry[len(prefix) : len(entry) - len(TEMP_SUFFIX)]
    return _RANDOM.fullmatch(middle) is not None


def temps_of(path: Path) -> list[Path]:
    """The temporaries an interrupted write of ``path`` left beside it."""
    try:
        entries = os.listdir(path.parent)
    except OSError:
        return []
    return [path.parent / entry for entry in entries if is_temp_of(entry, path.name)]


def reserve_temp(path: Path, error: type[SigngenError] = SigngenError, what: str = "") -> Path:
    """Create a new, empty temporary file beside ``path`` (exclusively) and return its path."""
    handle, temp = _new_temp(path, error, what)
    os.close(handle)
    return temp


def commit_temp(temp: Path, path: Path) -> None:
    """Flush ``temp`` to disk, give it ``path``'s mode (or the default), rename it over ``path``
    and flush the folder. Raises OSError; the caller removes ``temp`` on failure."""
    handle = os.open(temp, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        os.fsync(handle)
        os.fchmod(handle, _mode_for(path))
    finally:
        os.close(handle)
    os.replace(temp, path)
    _sync_folder(path.parent)


def write_atomic(
    path: str | Path,
    write: Callable[[BinaryIO], object],
    what: str = "",
    error: type[SigngenError] = PoseFileError,
) -> Path:
    """Call ``write`` on a new temporary file beside ``path``, then rename it to ``path``.

    An OSError becomes ``error("cannot write <what>: ...")``; any failure (Ctrl-C included)
    leaves no temporary behind.
    """
    path = Path(path)
    handle, temp = _new_temp(path, error, what)
    with _committed(temp, path, error, what), os.fdopen(handle, "wb") as file:
        write(file)
    return path


@contextmanager
def _committed(temp: Path, path: Path, error: type[SigngenError], what: str) -> Iterator[None]:
    """Commit ``temp`` to ``path`` when the block ends without an exception; on any failure
    remove it (an OSError becomes ``error("cannot write <what>: ...")``)."""
    try:
        yield
        commit_temp(temp, path)
    except OSError as failure:
        temp.unlink(missing_ok=True)
        raise error(_cannot(what, failure), path=path) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_path(
    path: str | Path, what: str = "", error: type[SigngenError] = SigngenError
) -> Iterator[Path]:
    """For writers that need a file name (ffmpeg, safetensors): yields a new temporary path
    beside ``path`` to write, renamed to ``path`` when the block ends without an exception."""
    path = Path(path)
    temp = reserve_temp(path, error, what)
    with _committed(temp, path, error, what):
        yield temp


def replace_via_temp(
    path: str | Path,
    write: Callable[[Path], object],
    what: str,
    error: type[SigngenError] = SigngenError,
) -> Path:
    """Call ``write(temp)`` on a new temporary file beside ``path``, then rename it to ``path``.

    The write-then-rename of reports, plots and subtitles (writers that take a file name). An
    OSError becomes ``error("cannot write <what>: ...")``; no temporary is left behind.
    """
    path = Path(path)
    with atomic_path(path, what, error) as temp:
        write(temp)
    return path


def check_folder_target(
    path: str | Path,
    is_ours: Callable[[Path], bool] | None,
    kind: str,
    error: type[SigngenError] = PoseFileError,
) -> None:
    """Refuse a target folder that `write_folder_atomic` would not replace: a file, or a folder
    with something in it that ``is_ours`` does not recognise as a ``kind``."""
    path = Path(path)
    if not os.path.lexists(path):
        return
    if path.is_symlink() or not path.is_dir():
        raise error(f"exists and is not a {kind} folder; not replacing it", path=path)
    try:
        empty = next(path.iterdir(), None) is None
    except OSError as failure:
        raise error(f"cannot read the folder: {failure.strerror}", path=path) from None
    if not empty and (is_ours is None or not is_ours(path)):
        raise error(
            f"this folder is not a {kind}; not replacing it (give a new folder name)", path=path
        )


def write_folder_atomic(
    path: str | Path,
    fill: Callable[[Path], None],
    *,
    is_ours: Callable[[Path], bool] | None = None,
    kind: str = "output",
    error: type[SigngenError] = PoseFileError,
) -> Path:
    """Call ``fill`` on a new temporary folder beside ``path``, then rename it to ``path``.

    An existing folder at ``path`` is replaced only once the new one is complete, and only when
    it is empty or ``is_ours(path)``; anything else there is refused (see `check_folder_target`).
    """
    path = Path(path)
    check_folder_target(path, is_ours, kind, error)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX))
    except OSError as failure:
        raise error(_cannot("", failure), path=path) from None
    try:
        fill(tmp)
        _sync_tree(tmp)
        os.chmod(tmp, FOLDER_MODE)
        check_folder_target(path, is_ours, kind, error)  # still ours after the (long) fill
        if path.is_dir():
            # An empty folder of a unique name: rename() moves a folder over an empty one.
            old = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".old"))
            os.replace(path, old)
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
        _sync_folder(path.parent)
    except OSError as failure:
        shutil.rmtree(tmp, ignore_errors=True)
        raise error(_cannot("", failure), path=path) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return path


def _new_temp(path: Path, error: type[SigngenError], what: str) -> tuple[int, Path]:
    """An open descriptor and the path of a new temporary file beside ``path``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent
        )
    except OSError as failure:
        reason = failure.strerror or str(failure)
        raise error(f"cannot write into {path.parent}: {reason}", path=path) from None
    return handle, Path(name)


def _cannot(what: str, failure: OSError) -> str:
    reason = failure.strerror or str(failure)
    return f"cannot write {what}: {reason}" if what else f"cannot write: {reason}"


def _mode_for(path: Path) -> int:
    """The permission bits of the regular file at ``path``, else the default for a new file."""
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError:
        return FILE_MODE
    return stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else FILE_MODE


def _sync_folder(folder: Path) -> None:
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return  # some file systems cannot open a folder; the rename itself is done
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _sync_tree(folder: Path) -> None:
    for root, _, files in os.walk(folder):
        for name in files:
            handle = os.open(Path(root) / name, os.O_RDONLY | os.O_NOFOLLOW)
            try:
                os.fsync(handle)
            finally:
                os.close(handle)
        _sync_folder(Path(root))
