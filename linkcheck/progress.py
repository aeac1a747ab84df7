"""The progress bar of long runs (stderr, TTY only), driven by the pipeline's callbacks."""

from __future__ import annotations

from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from linkcheck.models import Check

MIN_URLS = 10
"""Short runs finish before a bar would help; they get none."""


class ProgressBar:
    """A transient bar on ``stream``: it disappears when the run ends, leaving the report."""

    def __init__(self, stream: TextIO) -> None:
        self._console = Console(file=stream, stderr=True)
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._problems = 0

    def start(self, total: int) -> None:
        if total < MIN_URLS:
            return
        self._progress = Progress(
            TextColumn("checking"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[problems]} failing so far"),
            TimeElapsedColumn(),
            console=self._console,
            transient=True,
        )
        self._task = self._progress.add_task("urls", total=total, problems=0)
        self._progress.start()

    def advance(self, check: Check) -> None:
        if self._progress is None or self._task is None:
            return
        status = check.http_status
        if check.error is not None or (status is not None and status >= 400):
            self._problems += 1
        self._progress.update(self._task, advance=1, problems=self._problems)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
