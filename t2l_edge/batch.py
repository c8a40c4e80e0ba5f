"""Batch files of task texts (`generate --batch-file`): one task per line, plain text or a JSON object with a "task"
or "description" string; and the names of the folder of adapters written for them (`index.jsonl` maps line -> file,
task)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from .errors import InvalidInputError
from .io import read_text_lines

INDEX_FILE = "index.jsonl"
EXTENSIONS = {"gguf": ".gguf", "safetensors": ".safetensors", "peft": ""}  # peft: a directory
TASK_FIELDS = ("task", "description")


@dataclass(frozen=True)
class TaskLine:
    line: int  # 1-based line number in the batch file
    text: str


COMMENT = "#"


def read_batch_file(path: str | os.PathLike) -> list[TaskLine]:
    """One task per line: plain text, or a JSON object with a "task" or "description" string. Blank lines and lines
    starting with `#` are skipped."""
    lines = [TaskLine(n, text.strip()) for n, text in read_text_lines(path, TASK_FIELDS, "task")
             if not text.lstrip().startswith(COMMENT)]
    if not lines:
        raise InvalidInputError(f"{path}: no tasks in the file (only comments)")
    return lines
