"""`evaluate --test-data`: the user's own examples. Our task format (and everything `read_tasks` reads), or plain
JSONL / JSON records of `input` and `output` — one task named after the file, scored by exact match of the answer's
first line (`--metric` picks another of the task format's metrics)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from ..errors import InvalidInputError, MissingFileError
from ..tasks.format import Example, Field, Metric, Task
from .benchmarks import detect_schema, read_records, read_tasks

PLAIN_FIELDS = {Field.INPUT, Field.OUTPUT}


def is_plain(record) -> bool:
    return isinstance(record, dict) and PLAIN_FIELDS <= set(record) and detect_schema(record) is None


def load_plain(path: Path, metric: Metric = Metric.EXACT) -> Task:
    examples = []
    for where, record in read_records(path):
        if not is_plain(record):
            raise InvalidInputError(f"{where}: expected a record with 'input' and 'output' like the first one")
        try:
            examples.append(Example(record[Field.INPUT], record[Field.OUTPUT]))
        except InvalidInputError as e:
            raise InvalidInputError(f"{where}: {e}") from None
    # The description is only used by the +desc conditions; plain data has none, so the file names the task.
    return Task(path.stem, (path.stem,), tuple(examples), metric)


def read_test_data(paths: Sequence[str | os.PathLike], metric: Metric | str | None = None) -> list[Task]:
    """Tasks from the user's files: plain input/output records become one task per file, the rest goes to
    `read_tasks` (our format, Super-NaturalInstructions, benchmarks)."""
    tasks, others = [], []
    for spec in paths:
        path = Path(spec)
        first = next(read_records(path), None) if path.is_file() else None
        if path.is_file() and first is not None and is_plain(first[1]):
            tasks.append(load_plain(path, Metric(metric) if metric else Metric.EXACT))
        elif not path.exists() and ":" not in str(spec):
            raise MissingFileError(f"{path}: no such test data file")
        else:
            others.append(spec)
    if others:
        tasks.extend(read_tasks(others))
    names = [t.name for t in tasks]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise InvalidInputError(f"two test data files give the task name {dup!r}: rename one")
    return tasks
