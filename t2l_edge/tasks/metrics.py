"""Metrics, in one table: each `Metric` and its scorer (`exact`, `normalized`, `choice`), returning 1.0 or 0.0.

Answers are one line (the prompt format ends an answer at a newline), so every metric reads only the answer's
first line.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from ..choices import Choice, choice_error
from ..errors import InvalidInputError


class Metric(Choice):
    EXACT = "exact"  # the answer's first line, stripped, equals the reference
    NORMALIZED = "normalized"  # equal after casefold, whitespace collapse and trailing punctuation removal
    CHOICE = "choice"  # the first allowed choice named in the answer is the reference


def parse_metric(value, name: str = "metric") -> Metric:
    if isinstance(value, Metric):
        return value
    try:
        return Metric(value)
    except (ValueError, TypeError):
        raise choice_error(f"field '{name}':", value, list(Metric)) from None


TRAILING_PUNCTUATION = ".,;:!?"


def first_line(text: str) -> str:
    return text.split("\n", 1)[0].split("\r", 1)[0]


def normalize(text: str) -> str:
    """Casefold, strip, collapse whitespace, strip trailing punctuation."""
    text = " ".join(first_line(text).casefold().split())
    return text.rstrip(TRAILING_PUNCTUATION + " ")


def _word_at(text: str, phrase: str) -> int:
    """Where `phrase` first occurs in `text` as whole words; -1 if nowhere."""
    if not phrase:
        return -1
    m = re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)
    return m.start() if m else -1


def pick_choice(prediction: str, choices: Sequence[str]) -> str | None:
    """The choice the answer names first (the longest one when two start at the same place), or None."""
    text = normalize(prediction)
    found = [(_word_at(text, normalize(c)), -len(normalize(c)), i) for i, c in enumerate(choices)]
    found = [f for f in found if f[0] >= 0]
    return choices[min(found)[2]] if found else None


def exact(prediction: str, reference: str, choices: Sequence[str] | None = None) -> float:
    return float(first_line(prediction).strip() == reference.strip())


def normalized(prediction: str, reference: str, choices: Sequence[str] | None = None) -> float:
    return float(normalize(prediction) == normalize(reference))


def choice(prediction: str, reference: str, choices: Sequence[str] | None = None) -> float:
    """The first allowed choice named in the answer must be the reference. Without `choices` only the reference is
    known, so the answer must start with it."""
    if choices is None:
        return float(_word_at(normalize(prediction), normalize(reference)) == 0)
    if normalize(reference) not in {normalize(c) for c in choices}:
        raise InvalidInputError(f"reference {reference!r} is not one of the choices {', '.join(choices)}")
    picked = pick_choice(prediction, choices)
    return float(picked is not None and normalize(picked) == normalize(reference))


SCORERS: dict[Metric, Callable[..., float]] = {Metric.EXACT: exact, Metric.NORMALIZED: normalized, Metric.CHOICE: choice}


def score(metric: Metric | str, prediction: str, reference: str, choices: Sequence[str] | None = None) -> float:
    """1.0 when `prediction` answers like `reference` under `metric`, else 0.0."""
    return SCORERS[parse_metric(metric)](prediction, reference, choices)
