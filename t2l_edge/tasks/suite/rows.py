"""Building registry rows whose descriptions are generated (wording.py): single rows, parameterized operations that
give one row per parameter value named in the descriptions ("Add {v}" → add_3, add_5, ...), and the first suite's
hand-written rows with a wording poured in beside their own descriptions."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable

from ..format import Metric
from .family import Family
from .wording import EXAMPLES, Wording, describe, extend, worked_examples

MAX_VALUES = 10  # the corpus counts a parameterized operation at most this many times
GENERATED = "generated"  # the `source` of these rows: code over the suite's built-in word tables


def row(name: str, theme: str, metric: Metric, sample: Callable[[random.Random], str], solve: Callable[[str], str],
        wording: Wording, *, choices: tuple[str, ...] | None = None, operation: str = "",
        parameter: str | None = None, source: str = GENERATED, sni: str | None = None,
        examples: tuple[tuple[str, str], tuple[str, str]] | None = None) -> Family:
    """`examples`: two hand-written (input, answer) pairs for the descriptions to show. Without them the examples
    are drawn and solved at import, so a row whose sampler or solver reads package data must give them."""
    if examples is None:
        shown_sample, shown_solve = sample, solve
    else:
        shown = dict(examples)
        shown_sample, shown_solve = (lambda rng: rng.choice(sorted(shown))), shown.__getitem__
    n = len(examples) if examples is not None else EXAMPLES
    return Family(name, theme, metric, sample, solve, describe(name, wording, shown_sample, shown_solve, n),
                  choices=choices, operation=operation, parameter=parameter, source=source, sni=sni)


def hand_written(name: str, theme: str, metric: Metric, sample: Callable[[random.Random], str],
                 solve: Callable[[str], str], descriptions: tuple[str, ...], wording: Wording, *,
                 choices: tuple[str, ...] | None = None) -> Family:
    """A row of the first suite: its own descriptions (the v1 splits read them as they were; the last few stay
    held out) with `wording` poured into the training frames, the examples shown drawn from its own `solve`."""
    examples = worked_examples(name, sample, solve, n=2)
    return Family(name, theme, metric, sample, solve, extend(name, descriptions, wording, examples), choices=choices,
                  descriptions_v1=descriptions)


@dataclass(frozen=True)
class Value:
    """One value of a parameter: `slug` names the row (add_3), `arg` goes to the sampler and solver, `words` fill the
    wording's fields ({v}, {ord}, ...)."""

    slug: str
    arg: Any
    words: dict[str, str] = field(default_factory=dict)

    @property
    def shown(self) -> str:
        return self.words.get("v", self.slug)


ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh", 8: "eighth",
            9: "ninth", 10: "tenth"}


def numbers(*ns: int) -> tuple[Value, ...]:
    """Whole-number values with their digits ({v}) and ordinal ({ord}) wordings."""
    return tuple(Value(str(n), n, {"v": str(n), "ord": ORDINALS.get(n, f"{n}th")}) for n in ns)


@dataclass(frozen=True)
class Parameterized:
    """An operation with a parameter: `sample(arg, rng)` and `solve(arg, x)`; one row per value."""

    operation: str
    metric: Metric
    sample: Callable[[Any, random.Random], str]
    solve: Callable[[Any, str], str]
    wording: Wording  # with {v}-style fields
    values: tuple[Value, ...]
    choices: tuple[str, ...] | None = None

    def __post_init__(self):
        if not 2 <= len(self.values) <= MAX_VALUES or len({v.slug for v in self.values}) != len(self.values):
            raise ValueError(f"operation {self.operation!r}: needs 2..{MAX_VALUES} values with distinct slugs")

    def rows(self, theme: str) -> list[Family]:
        return [
            row(f"{self.operation}_{v.slug}", theme, self.metric, partial(self.sample, v.arg),
                partial(self.solve, v.arg), self.wording.format(**v.words), choices=self.choices,
                operation=self.operation, parameter=v.shown)
            for v in self.values
        ]
