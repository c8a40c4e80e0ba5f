"""Task cards: the text the hypernetwork's encoder reads, from a description, from examples, or both.

Format `card-v1` (fixed: training and every generator render cards with `render_card`, so they agree):

    {description}
    Input: {input 1}
    Output: {output 1}
    Input: {input 2}
    Output: {output 2}

A card without examples is its description alone, exactly (a plain task text is a card with k = 0, so adapters
from descriptions are unchanged); a card without a description starts at its first `Input:` line (an adapter from
examples alone). A card longer than the encoder reads (256 tokens for MiniLM) is refused by the generator
(`prompts.check_task_texts`), never cut.

Also here: `pick_shots`, the one way examples are drawn for a card or a few-shot prompt (never the query's own
input), and `read_examples`, the `--examples FILE` reader. Stdlib only.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from .errors import InvalidInputError
from .io import parse_json, read_text
from .tasks.format import Example, Field

CARD_FORMAT = "card-v1"
CARD_INPUT = "Input: {input}"
CARD_OUTPUT = "Output: {output}"
CARD_SEPARATOR = "\n"
EXAMPLES_KEY = "examples"  # a JSON examples file may be an object holding its list under this key


def _example(value: Any, where: str) -> Example:
    """An Example from an Example, an (input, output) pair or an {"input", "output"} object."""
    if isinstance(value, Example):
        return value
    if isinstance(value, Mapping):
        missing = [k for k in (Field.INPUT, Field.OUTPUT) if k not in value]
        if missing:
            raise InvalidInputError(f"{where}: field '{missing[0]}' is missing")
        value = (value[Field.INPUT], value[Field.OUTPUT])
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise InvalidInputError(f"{where}: an example is an (input, output) pair or an object with "
                                f"'{Field.INPUT}' and '{Field.OUTPUT}', got {type(value).__name__}")
    try:
        return Example(*value)
    except InvalidInputError as e:
        raise InvalidInputError(f"{where}: {e}") from None


@dataclass(frozen=True)
class TaskCard:
    """A description (optional), and input -> output examples of the task done (optional; not both missing)."""

    description: str | None = None
    examples: tuple[Example, ...] = field(default=())

    def __post_init__(self):
        if self.description is not None and (not isinstance(self.description, str) or not self.description.strip()):
            raise InvalidInputError(f"task card: the description must be a non-empty string, got {self.description!r}")
        if isinstance(self.examples, (str, Mapping)) or not isinstance(self.examples, Sequence):
            raise InvalidInputError(f"task card: examples must be a list, got {type(self.examples).__name__}")
        examples = tuple(_example(e, f"task card example {i}") for i, e in enumerate(self.examples, 1))
        object.__setattr__(self, "examples", examples)
        if self.description is None and not examples:
            raise InvalidInputError("task card: give a description, examples, or both")

    @property
    def k(self) -> int:
        return len(self.examples)

    @property
    def text(self) -> str:
        return render_card(self.description, self.examples)

    @property
    def summary(self) -> str:
        """For messages: "'Reverse the words.' and 2 examples", "'Sum'", "3 examples"."""
        shown = f"{self.description!r}" if self.description else ""
        count = f"{self.k} example{'s' if self.k != 1 else ''}" if self.k else ""
        return " and ".join(p for p in (shown, count) if p)


def render_card(description: str | None, examples: Sequence[Example] = ()) -> str:
    """The card's text in the `card-v1` format (see the module docstring)."""
    lines = [description] if description else []
    for ex in examples:
        lines += [CARD_INPUT.format(input=ex.input), CARD_OUTPUT.format(output=ex.output)]
    if not lines:
        raise InvalidInputError("task card: give a description, examples, or both")
    return CARD_SEPARATOR.join(lines)


def card_description(text: str) -> str | None:
    """The description of a card rendered by `render_card` (None for a card of examples alone); a plain task text is
    its own description."""
    lines = text.split(CARD_SEPARATOR)
    first_example = next((i for i, line in enumerate(lines) if line.startswith(CARD_INPUT.format(input=""))), len(lines))
    description = CARD_SEPARATOR.join(lines[:first_example]).strip()
    return description or None


TaskInput = str | TaskCard | Sequence[str | TaskCard]  # what a generator's generate() takes


def with_examples(items: TaskInput) -> list[bool]:
    """Per item of `task_texts`' input: a `TaskCard` that shows examples (what a card-reading generator reads with the
    base model too)."""
    if isinstance(items, (str, TaskCard)):
        items = [items]
    return [isinstance(item, TaskCard) and item.k > 0 for item in items]


CARD_READER_NEEDED = ("this generator reads a card's examples with the base model: give it a card reader "
                      "(runtimes.llama_cpp.CardReader on the base GGUF)")


def task_texts(items: TaskInput) -> list[str]:
    """What every generator's encoder reads: each item a task text (a description) or a `TaskCard`, rendered."""
    if isinstance(items, (str, TaskCard)):
        items = [items]
    items = list(items)
    if not items:
        raise InvalidInputError("no task texts given")
    out = []
    for item in items:
        if isinstance(item, TaskCard):
            out.append(item.text)
        elif isinstance(item, str) and item.strip():
            out.append(item)
        else:
            raise InvalidInputError(f"a task text must be a non-empty string or a TaskCard, got {item!r}")
    return out


def pick_shots(inputs: Sequence[str], query: int | None, k: int, rng: random.Random,
               pool: Sequence[int] | None = None) -> tuple[int, ...]:
    """Indices of up to k examples (given by their inputs) drawn without replacement from `pool` (default: all),
    never `query` itself nor any example with the query's input (a shot must not give the answer away). Fewer than
    k when too few remain."""
    if not isinstance(k, int) or isinstance(k, bool) or k < 0:
        raise InvalidInputError(f"the number of examples k must be an integer ≥ 0, got {k!r}")
    if k == 0:
        return ()
    own = inputs[query] if query is not None else None
    candidates = [i for i in (range(len(inputs)) if pool is None else pool) if i != query and inputs[i] != own]
    return tuple(rng.sample(candidates, min(k, len(candidates))))


def read_examples(path: str | os.PathLike) -> tuple[Example, ...]:
    """Examples for a card from a file: JSONL (one {"input", "output"} object per line), or JSON (a list of such
    objects, or an object with an "examples" list, e.g. a task in our format). Errors name the file and line/item."""
    text = read_text(path)
    if str(path).endswith(".jsonl") or (text.lstrip().startswith("{") and "\n{" in text.strip()):
        records = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            records.append((f"{path}:{n}", parse_json(line, f"{path}:{n}", InvalidInputError)))
    else:
        data = parse_json(text, str(path), InvalidInputError)
        if isinstance(data, dict):
            data = data[EXAMPLES_KEY] if EXAMPLES_KEY in data else [data]
        if not isinstance(data, list):
            raise InvalidInputError(f"{path}: expected a list of {{\"input\", \"output\"}} objects, "
                                    f"or an object with an '{EXAMPLES_KEY}' list")
        records = [(f"{path}: item {i}", r) for i, r in enumerate(data, 1)]
    if not records:
        raise InvalidInputError(f"{path}: no examples in the file")
    out = []
    for where, record in records:
        if not isinstance(record, Mapping):
            raise InvalidInputError(f"{where}: an example must be an object with '{Field.INPUT}' and '{Field.OUTPUT}'")
        out.append(_example(record, where))
    return tuple(out)


def card_from(description: str | None, examples_file: str | os.PathLike | None) -> TaskCard:
    """The card of a command line: a description (`--task`), an examples file (`--examples`), or both."""
    if description is not None and not description.strip():
        raise InvalidInputError("the task description is empty")
    if description is None and examples_file is None:
        raise InvalidInputError("give a task description, an examples file, or both")
    return TaskCard(description, read_examples(examples_file) if examples_file is not None else ())
