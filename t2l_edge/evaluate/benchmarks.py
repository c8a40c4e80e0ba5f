"""Public benchmarks in their own file formats, read from local paths into our `Task`s, each with its usual scoring.

| benchmark | records (JSONL, or a JSON list)                                      | answer   | scored by                        |
|-----------|----------------------------------------------------------------------|----------|----------------------------------|
| gsm8k     | question, answer ("… #### 72")                                      | 72       | the prediction's last number     |
| arc       | question {stem, choices [{label, text}]}, answerKey (AI2 JSONL), or  | B        | the first choice label named     |
|           | question, choices {text [], label []}, answerKey (Hugging Face form) |          | (else the choice text named)     |
| boolq     | question, passage, answer (true / false)                             | yes / no | the first yes / no (true / false)|
| piqa      | goal, sol1, sol2, label (0 / 1; or a sibling <stem>-labels.lst)     | 1 / 2    | the first 1 / 2 named (else text)|

Nothing is downloaded. `read_tasks` takes task files in our format or Super-NaturalInstructions' too, so one list of
paths may mix them; a file's schema is detected from its first record, or named with a prefix (`gsm8k:test.jsonl`).
Each benchmark file becomes one `BenchmarkTask` with one standard instruction as its description. Answers are one
line (the prompt format ends an answer at a newline), so a GSM8K solution is its final number, not its reasoning.

Every error names the file, the line (JSONL) or item (JSON list), the field and the reason, on one line.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from ..errors import InvalidInputError, MissingFileError
from ..io import parse_json, read_text
from ..tasks.format import Example, Field, Metric, SuperNI, Task, load_tasks, task_files
from ..tasks.metrics import first_line, pick_choice

TASK_FORMAT = "task"  # our own task format or Super-NaturalInstructions: read by `load_tasks`
PREFIX_SEPARATOR = ":"
PLAIN_TASK_MAX_TOKENS = 256  # cap of the estimate for tasks of our format (see `max_tokens_for`)
PLAIN_TASK_TOKEN_MARGIN = 8


@dataclass(frozen=True)
class LabeledExample(Example):
    """An example whose answer is one of labelled choices (ARC, PIQA): the labels and their texts, in order."""

    choices: tuple[tuple[str, str], ...] = ()


# -- scorers: (prediction, example) -> 1.0 or 0.0 --------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\d.,])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def parse_number(text: str) -> Decimal | None:
    """'1,234' -> 1234, '-3.50' -> -3.5; None when `text` is not one number."""
    text = text.strip().replace("$", "")
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def last_number(text: str) -> Decimal | None:
    """The last number in the answer's first line ('… so she has 1,234 apples.' -> 1234), or None."""
    found = _NUMBER.findall(first_line(text))
    return Decimal(found[-1].replace(",", "")) if found else None


def score_last_number(prediction: str, example: Example) -> float:
    got, want = last_number(prediction), parse_number(example.output)
    return float(got is not None and want is not None and got == want)


WORD_LABELS = ("A", "I")  # labels that are also English words: "A bird ..." / "I think ..." do not name a choice


def _label_at(text: str, label: str) -> int:
    word_use = r"(?! [a-z])" if label in WORD_LABELS else ""
    m = re.search(rf"(?<![A-Za-z0-9]){re.escape(label)}(?![A-Za-z0-9]){word_use}", text)
    return m.start() if m else -1


GENERIC_LABEL = re.compile(r"(?<![A-Za-z0-9])([A-Z]|[0-9])(?![A-Za-z0-9])")


def picked_label(prediction: str, choices: Sequence[tuple[str, str]]) -> str | None:
    """The label the answer names first ('B', '(B)', 'The answer is B.'), matched case-sensitively as a standalone
    token ('A' and 'I' not before a lowercase word: the article, the pronoun); without one, the label of the choice
    whose text it names first. Without known choices: the first standalone capital letter or digit."""
    text = first_line(prediction)
    if not choices:
        m = GENERIC_LABEL.search(text)
        return m.group(1) if m else None
    found = [(pos, i) for i, (label, _) in enumerate(choices) if (pos := _label_at(text, label)) >= 0]
    if found:
        return choices[min(found)[1]][0]
    texts = [t for _, t in choices]
    named = pick_choice(text, texts)
    return choices[texts.index(named)][0] if named is not None else None


def score_choice_label(prediction: str, example: Example) -> float:
    return float(picked_label(prediction, getattr(example, "choices", ())) == example.output)


_YES_NO = {"yes": "yes", "true": "yes", "no": "no", "false": "no"}
_YES_NO_WORD = re.compile(r"(?<!\w)(yes|no|true|false)(?!\w)")


def picked_yes_no(prediction: str) -> str | None:
    """'yes' or 'no': the first of yes / no / true / false in the answer (any case), or None."""
    m = _YES_NO_WORD.search(first_line(prediction).casefold())
    return _YES_NO[m.group(1)] if m else None


def score_yes_no(prediction: str, example: Example) -> float:
    return float(picked_yes_no(prediction) == example.output)


# -- record parsers: one record (a JSON object) -> one example ------------------------------------------------


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__
    )


_KIND_NAMES = {str: "a string", list: "a list", dict: "an object", bool: "a boolean", int: "an integer"}


def _field(record: dict, key: str, kind: type | tuple[type, ...], where: str = "") -> Any:
    name = where + key
    if key not in record:
        raise InvalidInputError(f"missing field '{name}'")
    value = record[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool)):
        want = " or ".join(_KIND_NAMES[k] for k in kinds)
        raise InvalidInputError(f"field '{name}': must be {want}, got {_kind(value)}")
    if isinstance(value, str) and not value.strip():
        raise InvalidInputError(f"field '{name}': is empty")
    return value


def _one_line(text: str) -> str:
    return " ".join(text.split())


def parse_gsm8k(record: dict) -> Example:
    question = _field(record, "question", str)
    answer = _field(record, "answer", str)
    if "####" not in answer:
        raise InvalidInputError("field 'answer': has no '#### <final answer>'")
    final = answer.rsplit("####", 1)[1].strip()
    number = parse_number(final)
    if number is None:
        raise InvalidInputError(f"field 'answer': the final answer after '####' is not a number: {final!r}")
    return Example(question.strip(), _plain(number))


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _arc_choices(record: dict) -> tuple[str, list[tuple[str, str]]]:
    """(stem, [(label, text)]) from the AI2 form (question {stem, choices [{label, text}]}) or the Hugging Face form
    (question, choices {text [], label []})."""
    question = record.get("question")
    if isinstance(question, dict):
        stem = _field(question, "stem", str, "question.")
        rows = _field(question, "choices", list, "question.")
        choices = []
        for i, row in enumerate(rows):
            where = f"question.choices[{i}]."
            if not isinstance(row, dict):
                raise InvalidInputError(f"field '{where[:-1]}': must be an object with label and text, got {_kind(row)}")
            choices.append((_field(row, "label", str, where).strip(), _one_line(_field(row, "text", str, where))))
        return stem, choices
    stem = _field(record, "question", str)
    block = _field(record, "choices", dict)
    labels, texts = _field(block, "label", list, "choices."), _field(block, "text", list, "choices.")
    if len(labels) != len(texts):
        raise InvalidInputError(f"field 'choices': {len(labels)} labels for {len(texts)} texts")
    for i, (label, text) in enumerate(zip(labels, texts)):
        for name, value in (("label", label), ("text", text)):
            if not isinstance(value, str) or not value.strip():
                raise InvalidInputError(f"field 'choices.{name}[{i}]': must be a non-empty string, got {value!r}")
    return stem, [(label.strip(), _one_line(text)) for label, text in zip(labels, texts)]


def parse_arc(record: dict) -> LabeledExample:
    stem, choices = _arc_choices(record)
    if len(choices) < 2:
        raise InvalidInputError("field 'choices': needs at least two choices")
    labels = [label for label, _ in choices]
    if len(set(labels)) != len(labels):
        raise InvalidInputError(f"field 'choices': repeated labels {labels}")
    key = _field(record, "answerKey", str).strip()
    if key not in labels:
        raise InvalidInputError(f"field 'answerKey': {key!r} is not one of the labels {', '.join(labels)}")
    text = stem.strip() + "".join(f"\n{label}. {t}" for label, t in choices)
    return LabeledExample(text, key, tuple(choices))


def parse_boolq(record: dict) -> Example:
    question = _one_line(_field(record, "question", str)).rstrip("?")
    passage = _one_line(_field(record, "passage", str))
    answer = _field(record, "answer", bool)
    return Example(f"Passage: {passage}\nQuestion: {question}?", "yes" if answer else "no")


PIQA_LABELS = ("1", "2")


def parse_piqa(record: dict) -> LabeledExample:
    goal = _one_line(_field(record, "goal", str))
    choices = tuple(zip(PIQA_LABELS, (_one_line(_field(record, k, str)) for k in ("sol1", "sol2"))))
    label = _field(record, "label", (int, str))
    if str(label).strip() not in ("0", "1"):
        raise InvalidInputError(f"field 'label': must be 0 (sol1) or 1 (sol2), got {label!r}")
    text = f"Goal: {goal}" + "".join(f"\n{n}. {t}" for n, t in choices)
    return LabeledExample(text, PIQA_LABELS[int(str(label).strip())], choices)


# -- the table ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Benchmark:
    name: str
    title: str
    description: str  # the one standard instruction, used as the task's description
    signature: tuple[str, ...]  # top-level fields whose presence identifies the schema
    parse: Callable[[dict], Example]
    score: Callable[[str, Example], float]
    scoring: str  # how `score` reads an answer, in words (reported with the results)
    max_tokens: int  # generation budget for one answer
    metric: Metric = Metric.EXACT  # the nearest of our metrics, for a task saved in our format
    labels_file_suffix: str | None = None  # labels kept beside the records (PIQA's <stem>-labels.lst)
    label_field: str = "label"


BENCHMARKS: dict[str, Benchmark] = {
    b.name: b
    for b in (  # detection tries them in this order: the more fields a signature has, the earlier
        Benchmark(
            "piqa", "PIQA", "Choose the solution that best achieves the goal. Answer with its number, 1 or 2.",
            ("goal", "sol1", "sol2"), parse_piqa, score_choice_label,
            "the first label (1 / 2) the answer names, else the solution text it names", 32, Metric.CHOICE,
            labels_file_suffix="-labels.lst",
        ),
        Benchmark(
            "boolq", "BoolQ", "Read the passage and answer the question with yes or no.",
            ("question", "passage", "answer"), parse_boolq, score_yes_no,
            "the first yes / no (or true / false) in the answer", 4, Metric.CHOICE,
        ),
        Benchmark(
            "arc", "ARC", "Answer the multiple-choice science question with the letter of the correct choice.",
            ("question", "answerKey"), parse_arc, score_choice_label,
            "the first choice label the answer names, else the choice text it names", 24, Metric.CHOICE,
        ),
        Benchmark(
            "gsm8k", "GSM8K", "Solve the math word problem. Give the final answer as a number.",
            ("question", "answer"), parse_gsm8k, score_last_number,
            "the last number in the answer equals the one after '####'", 128, Metric.EXACT,
        ),
    )
}


def get_benchmark(name: str) -> Benchmark:
    try:
        return BENCHMARKS[name.lower()]
    except KeyError:
        raise InvalidInputError(f"unknown benchmark {name!r} (known: {', '.join(BENCHMARKS)})") from None


@dataclass(frozen=True)
class BenchmarkTask(Task):
    """A `Task` read from a benchmark file: its examples are scored by the benchmark's own scorer."""

    benchmark: str = ""

    def __post_init__(self):
        super().__post_init__()
        get_benchmark(self.benchmark)

    @property
    def spec(self) -> Benchmark:
        return BENCHMARKS[self.benchmark]

    def score_example(self, example: Example, prediction: str) -> float:
        return self.spec.score(prediction, example)

    def score(self, prediction: str, reference: str) -> float:
        """Without the example's choices (ARC, PIQA) a label is any standalone capital letter or digit."""
        return self.spec.score(prediction, Example("", reference))


def score_example(task: Task, example: Example, prediction: str) -> float:
    """1.0 when `prediction` answers `example` of `task` right, by the task's benchmark scorer or its metric."""
    if isinstance(task, BenchmarkTask):
        return task.score_example(example, prediction)
    return task.score(prediction, example.output)


def metric_name(task: Task) -> str:
    return f"{task.benchmark}: {task.spec.scoring}" if isinstance(task, BenchmarkTask) else task.metric.value


def max_tokens_for(task: Task) -> int:
    """Tokens to generate for one answer: the benchmark's budget, else the longest reference answer's length in
    characters (a token covers at least one) plus a margin, capped."""
    if isinstance(task, BenchmarkTask):
        return task.spec.max_tokens
    longest = max(len(ex.output) for ex in task.examples)
    return min(PLAIN_TASK_MAX_TOKENS, longest + PLAIN_TASK_TOKEN_MARGIN)


# -- files ----------------------------------------------------------------------------------------------------------



def read_records(path: Path) -> Iterator[tuple[str, Any]]:
    """(where, record) of a JSON file (.json: a list, or one object) or a JSONL file (any other name: one per line)."""
    text = read_text(path)
    if path.suffix.lower() != ".json":
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                yield f"{path}:{n}", parse_json(line, f"{path}:{n}")
        return
    obj = parse_json(text, str(path))
    if isinstance(obj, list):
        for i, item in enumerate(obj):
            yield f"{path}[{i}]", item
    else:
        yield str(path), obj


def detect_schema(record: Any) -> str | None:
    """`TASK_FORMAT` for our task format or Super-NaturalInstructions, a benchmark's name, or None."""
    if not isinstance(record, dict):
        return None
    if all(k in record for k in Field.REQUIRED) or any(k in record for k in SuperNI.MARKERS):
        return TASK_FORMAT
    for b in BENCHMARKS.values():
        if all(k in record for k in b.signature):
            return b.name
    return None


KNOWN_SCHEMAS = (
    "our task format (name/descriptions/examples), Super-NaturalInstructions (Definition/Instances), "
    + ", ".join(f"{b.title} ({'/'.join(b.signature)})" for b in reversed(BENCHMARKS.values()))
)


def _sidecar_labels(path: Path, bench: Benchmark) -> list[str] | None:
    if bench.labels_file_suffix is None:
        return None
    side = path.with_name(path.stem + bench.labels_file_suffix)
    if not side.is_file():
        return None
    return [line.strip() for line in read_text(side).splitlines() if line.strip()]


def task_name(path: Path, bench: Benchmark) -> str:
    """The file's stem when it names the benchmark already ('ARC-Challenge-Dev'), else '<benchmark>-<stem>'."""
    squashed = re.sub(r"[^a-z0-9]", "", path.stem.lower())
    return path.stem if bench.name in squashed else f"{bench.name}-{path.stem}"


def load_benchmark(path: str | os.PathLike, benchmark: str) -> BenchmarkTask:
    """One benchmark file as one task: every record parsed by the benchmark's schema (errors name file and line)."""
    path, bench = Path(path), get_benchmark(benchmark)
    if not path.is_file():
        raise MissingFileError(f"{path}: no such benchmark file")
    records = list(read_records(path))
    if not records:
        raise InvalidInputError(f"{path}: no records in the file")
    first = records[0][1]
    labels = _sidecar_labels(path, bench) if isinstance(first, dict) and bench.label_field not in first else None
    if labels is not None and len(labels) != len(records):
        side = path.stem + (bench.labels_file_suffix or "")
        raise InvalidInputError(f"{path}: {len(records)} records but {len(labels)} labels in {side}")
    examples = []
    for i, (where, record) in enumerate(records):
        if not isinstance(record, dict):
            raise InvalidInputError(f"{where}: {bench.title}: expected a JSON object, got {_kind(record)}")
        if labels is not None:
            record = {**record, bench.label_field: labels[i]}
        try:
            examples.append(bench.parse(record))
        except InvalidInputError as e:
            raise InvalidInputError(f"{where}: {bench.title}: {e}") from None
    return BenchmarkTask(
        name=task_name(path, bench), descriptions=(bench.description,), examples=tuple(examples), metric=bench.metric,
        benchmark=bench.name,
    )


def split_prefix(spec: str | os.PathLike) -> tuple[str | None, Path]:
    """'gsm8k:data/test.jsonl' -> ('gsm8k', path); a path without a benchmark prefix -> (None, path)."""
    text = os.fspath(spec)
    head, sep, tail = text.partition(PREFIX_SEPARATOR)
    if sep and head.lower() in BENCHMARKS:
        return head.lower(), Path(tail)
    return None, Path(text)


def load_file(path: Path, benchmark: str | None = None) -> list[Task]:
    """The tasks of one file: a named benchmark, or whatever its first record's schema says."""
    if benchmark is not None:
        return [load_benchmark(path, benchmark)]
    found = next(read_records(path), None)
    if found is None:
        raise InvalidInputError(f"{path}: no records in the file")
    where, first = found
    schema = detect_schema(first)
    if schema == TASK_FORMAT:
        return load_tasks(path)
    if schema is None:
        fields = f"fields {', '.join(map(str, first))}" if isinstance(first, dict) and first else _kind(first)
        raise InvalidInputError(f"{where}: not a known task or benchmark schema (found {fields}; known: {KNOWN_SCHEMAS})")
    return [load_benchmark(path, schema)]


def read_tasks(paths: Sequence[str | os.PathLike]) -> list[Task]:
    """Tasks from files and folders of our format, Super-NaturalInstructions or the benchmarks above (a path may be
    prefixed with a benchmark name to skip detection: 'arc:ARC-Easy-Test.jsonl'). Names must be unique."""
    if not paths:
        raise InvalidInputError("no task files given")
    tasks: list[Task] = []
    seen: dict[str, str] = {}
    for spec in paths:
        benchmark, path = split_prefix(spec)
        if benchmark is not None and not path.is_file():
            raise MissingFileError(f"{path}: no such benchmark file")
        for file in [path] if benchmark is not None else task_files(path):
            for task in load_file(file, benchmark):
                if task.name in seen:
                    raise InvalidInputError(f"{file}: task name {task.name!r} is already used by {seen[task.name]}")
                seen[task.name] = str(file)
                tasks.append(task)
    return tasks
