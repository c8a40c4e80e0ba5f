"""A task family: a row of the suite's registry. Inputs come from a seeded sampler; the answer is a pure function of
the input (`solve`), so an instance's output is exactly determined by its input."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable

from ..format import Example, Metric

MIN_DESCRIPTIONS = 32
MAX_INPUT_CHARS = 80  # one sentence an app hands the model ("Call Ann at 555-0100 before 5 PM.")
MAX_INPUT_WORDS = 16
MAX_OUTPUT_CHARS = 48


@dataclass(frozen=True)
class Family:
    name: str
    theme: str
    metric: Metric
    sample: Callable[[random.Random], str]  # a seeded input
    solve: Callable[[str], str]  # the one right answer for an input
    descriptions: tuple[str, ...]  # the last few are held out (see splits.py)
    choices: tuple[str, ...] | None = None  # the allowed answers of a `choice` family
    # The operation this row performs. Rows that differ only in a parameter named in their descriptions
    # ("Translate the weekday into {language}") share one operation; empty means the row's own name.
    operation: str = ""
    parameter: str | None = None  # the parameter value this row's descriptions name ("French", "3", "-")
    source: str = "hand-written"  # where the data comes from: "package==version (licence)" for real data, "generated"
    # for rows built by code with generated descriptions (rows.py)
    # The Super-NaturalInstructions task this row implements as a generator ("task063_first_i_elements"): its
    # instances are the row's test vectors (tests/fixtures/sni/) and, given a checkout of the T2L reference, the
    # paper's descriptions of that task join the row's training descriptions (tasks/sni.py).
    sni: str | None = None
    # A row of the first suite: its descriptions as the first suite's v1 splits read them (its original ones; the
    # later ones sit among the training descriptions, before the held-out last few). None for the other rows.
    descriptions_v1: tuple[str, ...] | None = None

    def __post_init__(self):
        if len(self.descriptions) < MIN_DESCRIPTIONS or len(set(self.descriptions)) != len(self.descriptions):
            raise ValueError(f"family {self.name!r}: needs at least {MIN_DESCRIPTIONS} distinct descriptions")
        if (self.metric is Metric.CHOICE) != (self.choices is not None):
            raise ValueError(f"family {self.name!r}: 'choices' is required with metric 'choice' and only then")

    @property
    def op(self) -> str:
        return self.operation or self.name

    def make(self, rng: random.Random) -> tuple[str, str]:
        x = self.sample(rng)
        return x, self.solve(x)

    def example(self, rng: random.Random) -> Example:
        return Example(*self.make(rng))


def pick(items) -> Callable[[random.Random], str]:
    """A sampler that draws one of `items`."""
    items = tuple(items)
    return lambda rng: rng.choice(items)
