"""Task files: our own JSON / JSONL format and the Super-NaturalInstructions task JSON, loaded into `Task`s.

Our format, one task per JSON object (a `.jsonl` file holds one per line, a `.json` file one object or a list):

    {"name": "reverse_words", "descriptions": ["Reverse the order of the words."],
     "examples": [{"input": "red fox", "output": "fox red"}], "metric": "exact"}

`metric` is optional (default `exact`); `choices` (the allowed answers of a `choice` task) is optional too, and
defaults to the distinct outputs of the examples. Super-NaturalInstructions files (`Definition`,
`Positive Examples`, `Instances`) load as one task each, named after the file.

Answers are one line: the prompt format (`t2l_edge.prompts`) ends an answer at a newline, so an output that holds
one could never be generated. Our format refuses such outputs; a Super-NI instance keeps its first one-line output
and is skipped when it has none.

Every error names the file, the line (JSONL) or item (JSON list), the field and the reason, on one line.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..errors import InvalidInputError, MissingFileError
from ..io import parse_json, read_text, write_bytes_atomic
from .metrics import Metric, parse_metric, score


class Field:
    """Keys of our task format, defined once."""

    NAME = "name"
    DESCRIPTIONS = "descriptions"
    EXAMPLES = "examples"
    METRIC = "metric"
    CHOICES = "choices"
    INPUT = "input"
    OUTPUT = "output"
    REQUIRED = (NAME, DESCRIPTIONS, EXAMPLES)
    KNOWN = (NAME, DESCRIPTIONS, EXAMPLES, METRIC, CHOICES)


class SuperNI:
    """Keys of a Super-NaturalInstructions task file (github.com/allenai/natural-instructions, tasks/*.json)."""

    DEFINITION = "Definition"
    POSITIVE_EXAMPLES = "Positive Examples"
    INSTANCES = "Instances"
    INPUT = "input"
    OUTPUT = "output"
    MARKERS = (DEFINITION, POSITIVE_EXAMPLES, INSTANCES)
    METRIC = Metric.NORMALIZED  # the benchmark scores exact match after normalization (and ROUGE-L)


TASK_FILE_SUFFIXES = (".json", ".jsonl")


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__
    )


def _check_text(value: Any, name: str, *, allow_empty: bool = False, one_line: bool = False) -> None:
    if not isinstance(value, str):
        raise InvalidInputError(f"field '{name}': must be a string, got {_kind(value)}")
    if not allow_empty and not value.strip():
        raise InvalidInputError(f"field '{name}': is empty")
    if one_line and ("\n" in value or "\r" in value):
        raise InvalidInputError(
            f"field '{name}': contains a line break; answers are one line (the prompt format ends an answer at a newline)"
        )


def _check_example(inp: Any, out: Any, prefix: str = "") -> None:
    _check_text(inp, prefix + Field.INPUT, allow_empty=True)
    _check_text(out, prefix + Field.OUTPUT, one_line=True)


@dataclass(frozen=True)
class Example:
    input: str
    output: str

    def __post_init__(self):
        _check_example(self.input, self.output)

    def to_dict(self) -> dict:
        return {Field.INPUT: self.input, Field.OUTPUT: self.output}


@dataclass(frozen=True)
class Task:
    """A task: what to do (several wordings), examples of it done, and how to score an answer."""

    name: str
    descriptions: tuple[str, ...]
    examples: tuple[Example, ...]
    metric: Metric = Metric.EXACT
    choices: tuple[str, ...] | None = field(default=None)

    def __post_init__(self):
        _check_text(self.name, Field.NAME)
        if isinstance(self.descriptions, str) or not isinstance(self.descriptions, (list, tuple)):
            got = _kind(self.descriptions)
            raise InvalidInputError(f"field '{Field.DESCRIPTIONS}': must be a list of strings, got {got}")
        if not self.descriptions:
            raise InvalidInputError(f"field '{Field.DESCRIPTIONS}': is empty; give at least one description")
        for i, d in enumerate(self.descriptions):
            _check_text(d, f"{Field.DESCRIPTIONS}[{i}]")
        if not isinstance(self.examples, (list, tuple)):
            raise InvalidInputError(f"field '{Field.EXAMPLES}': must be a list of examples, got {_kind(self.examples)}")
        if not self.examples:
            raise InvalidInputError(f"field '{Field.EXAMPLES}': is empty; give at least one example")
        for i, ex in enumerate(self.examples):
            if not isinstance(ex, Example):
                raise InvalidInputError(f"field '{Field.EXAMPLES}[{i}]': must be an Example, got {_kind(ex)}")
        object.__setattr__(self, "descriptions", tuple(self.descriptions))
        object.__setattr__(self, "examples", tuple(self.examples))
        object.__setattr__(self, "metric", parse_metric(self.metric))
        if self.choices is not None:
            self._check_choices()

    def _check_choices(self) -> None:
        if self.metric is not Metric.CHOICE:
            raise InvalidInputError(f"field '{Field.CHOICES}': only allowed with metric 'choice', not {self.metric.value!r}")
        if isinstance(self.choices, str) or not isinstance(self.choices, (list, tuple)) or len(self.choices) < 2:
            raise InvalidInputError(f"field '{Field.CHOICES}': must be a list of at least two strings")
        for i, c in enumerate(self.choices):
            _check_text(c, f"{Field.CHOICES}[{i}]", one_line=True)
        object.__setattr__(self, "choices", tuple(self.choices))
        for i, ex in enumerate(self.examples):
            if ex.output not in self.choices:
                raise InvalidInputError(
                    f"field '{Field.EXAMPLES}[{i}].{Field.OUTPUT}': {ex.output!r} is not one of the choices "
                    f"{', '.join(self.choices)}"
                )

    @property
    def allowed_choices(self) -> tuple[str, ...] | None:
        """The answers a `choice` task allows: its `choices`, else the distinct outputs of its examples."""
        if self.metric is not Metric.CHOICE:
            return None
        return self.choices or tuple(sorted({ex.output for ex in self.examples}))

    def score(self, prediction: str, reference: str) -> float:

        return score(self.metric, prediction, reference, self.allowed_choices)

    def to_dict(self) -> dict:
        out = {
            Field.NAME: self.name,
            Field.DESCRIPTIONS: list(self.descriptions),
            Field.EXAMPLES: [ex.to_dict() for ex in self.examples],
            Field.METRIC: self.metric.value,
        }
        if self.choices is not None:
            out[Field.CHOICES] = list(self.choices)
        return out


# -- parsing ------------------------------------------------------------------------------------------------------


def task_from_dict(obj: Any) -> Task:
    """One task in our format; errors name the field and the reason (the caller adds file and line)."""
    if not isinstance(obj, dict):
        raise InvalidInputError(f"expected a JSON object with fields {', '.join(Field.REQUIRED)}, got {_kind(obj)}")
    for key in obj:
        if key not in Field.KNOWN:
            raise InvalidInputError(f"unknown field {key!r} (known: {', '.join(Field.KNOWN)})")
    for key in Field.REQUIRED:
        if key not in obj:
            raise InvalidInputError(f"missing field '{key}'")
    raw = obj[Field.EXAMPLES]
    if not isinstance(raw, list):
        raise InvalidInputError(f"field '{Field.EXAMPLES}': must be a list of {{input, output}} objects, got {_kind(raw)}")
    examples = []
    for i, ex in enumerate(raw):
        where = f"{Field.EXAMPLES}[{i}]"
        if not isinstance(ex, dict):
            raise InvalidInputError(f"field '{where}': must be an object with 'input' and 'output', got {_kind(ex)}")
        for key in (Field.INPUT, Field.OUTPUT):
            if key not in ex:
                raise InvalidInputError(f"field '{where}': missing '{key}'")
        _check_example(ex[Field.INPUT], ex[Field.OUTPUT], prefix=where + ".")
        examples.append(Example(ex[Field.INPUT], ex[Field.OUTPUT]))
    descriptions = obj[Field.DESCRIPTIONS]
    if not isinstance(descriptions, list):  # a bare string would otherwise pass as a sequence of characters
        raise InvalidInputError(f"field '{Field.DESCRIPTIONS}': must be a list of strings, got {_kind(descriptions)}")
    return Task(
        name=obj[Field.NAME],
        descriptions=descriptions,
        examples=examples,
        metric=parse_metric(obj.get(Field.METRIC, Metric.EXACT.value)),
        choices=obj.get(Field.CHOICES),
    )


def is_super_ni(obj: Any) -> bool:
    return isinstance(obj, dict) and any(k in obj for k in SuperNI.MARKERS)


def task_from_super_ni(obj: dict, name: str) -> Task:
    """A Super-NaturalInstructions task: `Definition` → descriptions, `Instances` (else `Positive Examples`) →
    examples, each with its first one-line output."""
    if SuperNI.DEFINITION not in obj:
        raise InvalidInputError(f"missing field '{SuperNI.DEFINITION}'")
    definition = obj[SuperNI.DEFINITION]
    definitions = [definition] if isinstance(definition, str) else definition
    if not isinstance(definitions, list):
        raise InvalidInputError(f"field '{SuperNI.DEFINITION}': must be a list of strings, got {_kind(definition)}")
    if not any(isinstance(d, str) and d.strip() for d in definitions):
        raise InvalidInputError(f"field '{SuperNI.DEFINITION}': is empty")
    for i, d in enumerate(definitions):
        _check_text(d, f"{SuperNI.DEFINITION}[{i}]")
    examples: list[Example] = []
    for key in (SuperNI.INSTANCES, SuperNI.POSITIVE_EXAMPLES):
        rows = obj.get(key, [])
        if not isinstance(rows, list):
            raise InvalidInputError(f"field '{key}': must be a list, got {_kind(rows)}")
        for i, row in enumerate(rows):
            where = f"{key}[{i}]"
            if not isinstance(row, dict) or SuperNI.INPUT not in row or SuperNI.OUTPUT not in row:
                raise InvalidInputError(f"field '{where}': must be an object with 'input' and 'output'")
            _check_text(row[SuperNI.INPUT], f"{where}.{SuperNI.INPUT}", allow_empty=True)
            outputs = row[SuperNI.OUTPUT]
            outputs = [outputs] if isinstance(outputs, str) else outputs
            if not isinstance(outputs, list) or not all(isinstance(o, str) for o in outputs):
                raise InvalidInputError(f"field '{where}.{SuperNI.OUTPUT}': must be a string or a list of strings")
            usable = [o.strip() for o in outputs if o.strip() and "\n" not in o.strip() and "\r" not in o.strip()]
            if usable:
                examples.append(Example(row[SuperNI.INPUT], usable[0]))
        if examples:
            break
    if not examples:
        raise InvalidInputError(
            f"no usable examples: '{SuperNI.INSTANCES}' and '{SuperNI.POSITIVE_EXAMPLES}' are empty or have only "
            "multi-line outputs"
        )
    return Task(name=name, descriptions=[d.strip() for d in definitions], examples=examples, metric=SuperNI.METRIC)


# -- files --------------------------------------------------------------------------------------------------------



def _at(where: str, make, *args) -> Task:
    try:
        return make(*args)
    except InvalidInputError as e:
        raise InvalidInputError(f"{where}: {e}") from None


def _load_jsonl(path: Path) -> list[tuple[str, Task]]:
    out = []
    for n, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        obj = parse_json(line, f"{path}:{n}")
        out.append((f"{path}:{n}", _at(f"{path}:{n}", task_from_dict, obj)))
    if not out:
        raise InvalidInputError(f"{path}: no tasks in the file")
    return out


def _load_json(path: Path) -> list[tuple[str, Task]]:
    obj = parse_json(read_text(path), str(path))
    if is_super_ni(obj):
        return [(str(path), _at(str(path), task_from_super_ni, obj, path.stem))]
    if isinstance(obj, list):
        if not obj:
            raise InvalidInputError(f"{path}: no tasks in the file (an empty list)")
        return [(f"{path}[{i}]", _at(f"{path}[{i}]", task_from_dict, item)) for i, item in enumerate(obj)]
    return [(str(path), _at(str(path), task_from_dict, obj))]


_LOADERS = {".jsonl": _load_jsonl, ".json": _load_json}


def task_files(path: str | os.PathLike) -> list[Path]:
    """The task files at `path`: the file itself, or every .json / .jsonl file under a folder (hidden ones skipped)."""
    path = Path(path)
    if path.is_file():
        if path.suffix.lower() not in _LOADERS:
            raise InvalidInputError(f"{path}: not a task file (expected {' or '.join(TASK_FILE_SUFFIXES)})")
        return [path]
    if not path.is_dir():
        raise MissingFileError(f"{path}: no such task file or folder")
    files = sorted(
        p
        for p in path.rglob("*")
        if p.is_file()
        and p.suffix.lower() in _LOADERS
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
    )
    if not files:
        raise InvalidInputError(f"{path}: no task files (.json, .jsonl) in the folder")
    return files


def task_dirname(name: str) -> str:
    """A task name as a folder name (what `train-lora` writes each oracle under, and `evaluate` looks for)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")
    return safe or "task"


def load_tasks(path: str | os.PathLike) -> list[Task]:
    """Tasks from a file or a folder of files, in our format or Super-NaturalInstructions'. Task names must be unique."""
    tasks: list[Task] = []
    seen: dict[str, str] = {}
    for file in task_files(path):
        for where, task in _LOADERS[file.suffix.lower()](file):
            if task.name in seen:
                raise InvalidInputError(f"{where}: task name {task.name!r} is already used at {seen[task.name]}")
            seen[task.name] = where
            tasks.append(task)
    return tasks


def dumps_tasks(tasks: Iterable[Task]) -> str:
    return "".join(json.dumps(t.to_dict(), ensure_ascii=False) + "\n" for t in tasks)


def save_tasks(tasks: Iterable[Task], path: str | os.PathLike) -> Path:
    """Write tasks as JSONL (one task per line), atomically."""
    return write_bytes_atomic(path, dumps_tasks(tasks).encode("utf-8"))
