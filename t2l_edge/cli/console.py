"""What the command line prints, and where: results on stdout, progress on stderr, and only on a terminal.

- `console` prints results. On a terminal, tables are rich tables; piped or redirected, a table is one record per
  line with tab-separated cells (no header, no wrapping: `cut -f1`, `grep` and `sort` work; a titled table of a
  report is preceded by a `# title` line and a `# column names` line), and long lines are never folded at 80 columns.
- `console.status(...)` and `progress(...)` draw on stderr when stderr is a terminal, and nothing otherwise, so a log
  or a pipe holds results only.
- `notice(...)` is one line on stderr for slow work a user should know about (a model copied into the cache, a
  bundle built once), terminal or not.
- `Heartbeat` is progress for a log: off a terminal (nohup, CI), a line on stderr at most once a minute and at the end,
  so a long job is never silent; on a terminal nothing (the bar shows it).

Command modules import from here, never from `app` (which imports them): no import circle.
"""

from __future__ import annotations

import contextlib
import time
from typing import Iterable, Iterator, TypeVar

from rich.console import Console
from rich.table import Table

T = TypeVar("T")


class _NoStatus:
    """What `status()` gives when nobody watches: `update` does nothing."""

    def update(self, *_args, **_kwargs) -> None:
        pass


class CliConsole(Console):
    """A rich console for results: tables become tab-separated records when stdout is not a terminal."""

    def print(self, *objects, **kwargs) -> None:  # noqa: A003 - rich's name
        if self.is_terminal or not any(isinstance(o, Table) for o in objects):
            super().print(*objects, **kwargs)
            return
        for o in objects:
            if isinstance(o, Table):
                if o.title:  # a report: its title and its column names as comment lines (`grep -v '^#'` drops them)
                    self.file.write(f"# {_one_line(str(o.title))}\n")
                    self.file.write("# " + "\t".join(_one_line(str(c.header)) for c in o.columns) + "\n")
                for record in table_records(o):
                    self.file.write("\t".join(record) + "\n")
            else:
                super().print(o, **kwargs)
        self.file.flush()

    @contextlib.contextmanager
    def status(self, message: str, **kwargs) -> Iterator:  # type: ignore[override]
        """A spinner with `message` on stderr when stderr is a terminal; elsewhere nothing."""
        if not err.is_terminal:
            yield _NoStatus()
            return
        with err.status(message, **kwargs) as live:
            yield live


def table_records(t: Table) -> list[list[str]]:
    """A table's rows as lists of cell texts, each on one line (newlines and tabs become spaces)."""
    columns = [[_one_line(str(c)) for c in column.cells] for column in t.columns]
    return [list(row) for row in zip(*columns)]


def _one_line(text: str) -> str:
    return " ".join(text.replace("\t", " ").splitlines())


# Markup off: file names, task texts and adapter metadata are printed as they are ("[/bold]" in a task is text).
# soft_wrap: a line longer than the terminal is the terminal's to wrap, never cut into fragments by rich.
console = CliConsole(markup=False, soft_wrap=True, highlight=False)
err = Console(stderr=True, markup=False, highlight=False)


def notice(message: str) -> None:
    """One line on stderr about slow work (terminal or not): results on stdout stay clean."""
    err.print(message, soft_wrap=True)


class Heartbeat:
    """`heartbeat(message, last=False)` prints the message on stderr when stderr is not a terminal and `interval`
    seconds have passed since the previous line, or it is the first or the last."""

    def __init__(self, interval: float = 60.0):
        self.interval, self.said_at = interval, None

    def __call__(self, message: str, last: bool = False) -> None:
        if err.is_terminal:
            return
        now = time.monotonic()
        if last or self.said_at is None or now - self.said_at >= self.interval:
            notice(message)
            self.said_at = now


def progress(items: Iterable[T], description: str, total: int | None = None) -> Iterable[T]:
    """A progress bar on stderr over `items` when stderr is a terminal; the items unchanged otherwise."""
    if not err.is_terminal:
        return items
    from rich.progress import track

    return track(items, description=description, total=total, console=err, transient=True)


def table(*headers: str, identifiers: tuple[int, ...] = (0,), **kwargs) -> Table:
    """A table for output a user reads back: light borders; `keep_whole` fixes its identifier columns once filled."""
    t = Table(*headers, box=None, pad_edge=False, **kwargs)  # no borders: width goes to the values
    t.identifiers = identifiers  # type: ignore[attr-defined]
    return t


def keep_whole(t: Table) -> Table:
    """Identifier columns (names a user types back: profiles, task families) never wrap, shrink or get an ellipsis
    on a terminal: their minimum width is their longest value; the other columns fold instead of cutting."""
    for i, column in enumerate(t.columns):
        if i in getattr(t, "identifiers", (0,)):
            column.no_wrap = True
            column.min_width = max(len(line) for c in [column.header, *column.cells] for line in str(c).splitlines() or [""])
        else:
            column.overflow = "fold"
    return t


__all__ = ["CliConsole", "Heartbeat", "console", "err", "keep_whole", "notice", "progress", "table", "table_records"]
