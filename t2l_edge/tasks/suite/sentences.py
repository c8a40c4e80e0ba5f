"""Sentences from templates with named slots ("Call {name} at {phone} before {time}."): a sampler fills the slots,
a parser reads them back, so that a row's answer (the phone number, the request's intent) is a pure function of its
input. Each slot kind has a pattern; a sentence must match exactly one template of its set, or it has no answer."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Mapping

from ...errors import InvalidInputError
from .family import MAX_INPUT_CHARS, MAX_INPUT_WORDS, MAX_OUTPUT_CHARS

SLOT = re.compile(r"\{(\w+)\}")
DRAWS = 200  # a sampler gives up after this many sentences over the length limits (a template that cannot fit)

Filler = Callable[[random.Random], str]


@dataclass(frozen=True)
class Template:
    text: str  # "Call {name} at {phone}."
    label: str = ""  # the class of a classification template

    @cached_property
    def slots(self) -> tuple[str, ...]:
        return tuple(SLOT.findall(self.text))

    def fill(self, values: Mapping[str, str]) -> str:
        return SLOT.sub(lambda m: values[m.group(1)], self.text)

    def regex(self, patterns: Mapping[str, str]) -> re.Pattern:
        parts, last = [], 0
        for m in SLOT.finditer(self.text):
            parts += [re.escape(self.text[last:m.start()]), f"(?P<{m.group(1)}>{patterns[m.group(1)]})"]
            last = m.end()
        return re.compile("".join(parts) + re.escape(self.text[last:]))


def fits(sentence: str) -> bool:
    return len(sentence) <= MAX_INPUT_CHARS and len(sentence.split()) <= MAX_INPUT_WORDS


class Sentences:
    """A set of templates, the pattern of each slot kind, and a filler (seeded draw) for each."""

    def __init__(self, what: str, templates: tuple[Template, ...], patterns: Mapping[str, str],
                 fillers: Mapping[str, Filler]):
        for t in templates:
            if len(set(t.slots)) != len(t.slots) or not set(t.slots) <= patterns.keys() & fillers.keys():
                raise ValueError(f"{what}: template {t.text!r} repeats a slot or has one without a pattern and filler")
        self.what, self.templates, self.patterns, self.fillers = what, templates, patterns, fillers

    @cached_property
    def _compiled(self) -> tuple[tuple[Template, re.Pattern], ...]:
        return tuple((t, t.regex(self.patterns)) for t in self.templates)

    def sample(self, rng: random.Random, where: Callable[[Template], bool] = lambda t: True) -> str:
        """A sentence from one of the templates that `where` accepts, within the input limits."""
        pool = [t for t in self.templates if where(t)]
        for _ in range(DRAWS):
            t = rng.choice(pool)
            values = {slot: self.fillers[slot](rng) for slot in t.slots}
            sentence = t.fill(values)
            # each value once: no "Pick up Douglas Lee at the Douglas airport", where a name is also the city
            if fits(sentence) and all(sentence.count(v) == 1 for v in values.values()):
                return sentence
        raise ValueError(f"{self.what}: no sentence within the limits after {DRAWS} draws")

    def matches(self, sentence: str) -> list[tuple[Template, dict[str, str]]]:
        return [(t, m.groupdict()) for t, r in self._compiled if (m := r.fullmatch(sentence))]

    def parse(self, sentence: str) -> tuple[Template, dict[str, str]]:
        """The one template the sentence was made from, and its slot values."""
        found = self.matches(sentence)
        if len(found) != 1:
            raise InvalidInputError(f"{self.what}: {sentence!r} matches {len(found)} templates, not one")
        return found[0]

    def slot(self, name: str) -> Callable[[str], str]:
        """A solver: the value of slot `name` in the sentence."""
        def solve(sentence: str) -> str:
            template, values = self.parse(sentence)
            if name not in values:
                raise InvalidInputError(f"{self.what}: {sentence!r} has no {name}")
            return values[name]
        return solve

    def label(self, sentence: str) -> str:
        return self.parse(sentence)[0].label


def short_answers(sample: Filler, solve: Callable[[str], str]) -> Filler:
    """A sampler that draws again while the answer is over the output limit ("is playing chess with the
    neighbours" can be one word too long)."""
    def draw(rng: random.Random) -> str:
        for _ in range(DRAWS):
            x = sample(rng)
            if len(solve(x)) <= MAX_OUTPUT_CHARS:
                return x
        raise ValueError(f"no answer within {MAX_OUTPUT_CHARS} characters after {DRAWS} draws")
    return draw
