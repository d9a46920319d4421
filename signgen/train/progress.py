"""Training progress: a rich bar on a terminal, plain log lines otherwise (nohup, CI)."""

from __future__ import annotations

import sys
import time

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class TrainProgress:
    """Shows step, loss and it/s; ``note`` prints a line (evaluations, checkpoints) either way."""

    def __init__(self, title: str, total: int, start: int, enabled: bool = True) -> None:
        self.title = title
        self.total = total
        self.enabled = enabled
        self.interactive = enabled and sys.stderr.isatty()
        self.console = Console(stderr=True)
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._start = start
        self._clock = time.perf_counter()

    def __enter__(self) -> TrainProgress:
        if self.interactive:
            self._progress = Progress(
                TextColumn(f"[bold]{self.title}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[status]}"),
                TimeElapsedColumn(),
                console=self.console,
            )
            self._progress.start()
            self._task = self._progress.add_task(
                self.title, total=self.total, completed=self._start, status=""
            )
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def update(self, step: int, loss: float, lr: float, elapsed_s: float) -> None:
        """Report after ``step`` (called every few steps)."""
        if not self.enabled:
            return
        now = time.perf_counter()
        rate = (step - self._start) / max(now - self._clock, 1e-9)
        self._start, self._clock = step, now
        status = f"loss {loss:.4f}  {rate:.2f} it/s  lr {lr:.2e}"
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=step, status=status)
        else:
            print(f"{self.title} step {step}/{self.total}  {status}  {elapsed_s:.0f}s", flush=True)

    def note(self, message: str) -> None:
        if not self.enabled:
            return
        if self._progress is not None:
            self._progress.console.print(message, highlight=False)
        else:
            print(message, flush=True)
