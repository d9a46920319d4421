"""Checks on the files a command will write, made before it does any work, and a clean stop on
SIGTERM (temporary files are removed as on Ctrl-C)."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from signgen.errors import ConfigError

TERMINATED = 128 + signal.SIGTERM  # the shell's exit status of a process stopped by SIGTERM


def same_path(first: Path, second: Path) -> bool:
    """Whether two paths name one file (through links, ``..`` or a second hard link)."""
    try:
        if first.exists() and second.exists():
            return os.path.samefile(first, second)
    except OSError:
        pass
    return first.resolve() == second.resolve()


def refuse_overlap(outputs: dict[str, Path | None], inputs: Iterable[Path | None]) -> None:
    """Refuse an output that is one of the inputs, or two outputs that are one file."""
    named = [(label, path) for label, path in outputs.items() if path is not None]
    sources = [path for path in inputs if path is not None]
    for label, path in named:
        for source in sources:
            if same_path(path, source):
                raise ConfigError(f"the {label} would overwrite an input file", path=path)
    for index, (label, path) in enumerate(named):
        for other_label, other in named[index + 1 :]:
            if same_path(path, other):
                raise ConfigError(f"the {label} and the {other_label} are the same file", path=path)


def check_writable(path: Path, label: str) -> None:
    """Refuse an output file that cannot be written: a folder at its name, a file where a
    folder above it should be, or a folder that is not writable."""
    if path.is_dir():
        raise ConfigError(f"the {label} is a folder; give a file name", path=path)
    folder = path.parent
    while not folder.exists():
        if folder.is_symlink():
            raise ConfigError(f"cannot write the {label}: {folder} is a broken link", path=path)
        folder = folder.parent
    if not folder.is_dir():
        raise ConfigError(f"cannot write the {label}: {folder} is not a folder", path=path)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ConfigError(f"cannot write the {label}: {folder} is not writable", path=path)


@contextmanager
def stop_cleanly_on_sigterm() -> Iterator[None]:
    """Within the block, SIGTERM unwinds like Ctrl-C: open writers remove their temporary files
    on the way out, and the process exits with the usual status of a terminated process."""

    def terminate(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM stops at once
        raise SystemExit(TERMINATED)

    try:
        previous = signal.signal(signal.SIGTERM, terminate)
    except ValueError:  # not the main thread (an embedding program): leave its handler alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
