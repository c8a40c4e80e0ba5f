"""Generated descriptions: a row's wording (a few imperative phrases, questions and terse forms) poured into a fixed
set of description frames, so that every generated row has the suite's mix of styles: plain, polite, a question,
terse, long-winded and two with an inline example computed by the row's own `solve`.

The frames are fixed and ordered: the last `HELD_OUT` of them are the held-out descriptions (see splits.py), and
they differ in style (an example sentence, a question, a terse form) just as the hand-written rows' do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable

TERSE_WORDS = 4  # a terse form is at most this many words
LONG_WORDS = 15  # the long-winded frame gives at least this many words
EXAMPLE_TRIES = 200


@dataclass(frozen=True)
class Wording:
    """How to ask for an operation. `phrases` are lowercase imperatives without a final stop ("add 3 to the
    number"); `questions` are whole questions; `terse` are forms of at most four words ("plus 3")."""

    phrases: tuple[str, ...]
    questions: tuple[str, ...]
    terse: tuple[str, ...]

    def __post_init__(self):
        for field, least in (("phrases", 3), ("questions", 2), ("terse", 2)):
            values = getattr(self, field)
            if isinstance(values, str) or len(values) < least or len(set(values)) != len(values):
                raise ValueError(f"wording {field!r}: needs at least {least} distinct strings, got {values!r}")
        if not all(q.endswith("?") for q in self.questions):
            raise ValueError(f"wording 'questions': each must end with '?', got {self.questions!r}")
        if not any(len(t.split()) <= TERSE_WORDS for t in self.terse):
            raise ValueError(f"wording 'terse': one must have at most {TERSE_WORDS} words, got {self.terse!r}")

    def format(self, **words: str) -> Wording:
        """The wording with a parameter's words filled in ("add {v} to the number" → "add 3 to the number")."""
        fill = lambda items: tuple(s.format(**words) for s in items)  # noqa: E731
        return Wording(fill(self.phrases), fill(self.questions), fill(self.terse))


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# One frame per description; {p}/{P}: the next phrase (P capitalized), {q}: the next question, {t0}/{t1}: the terse
# forms, {x0} {y0} / {x1} {y1}: two worked examples. The last three are held out.
FRAMES = (
    "{P}.",
    "{q}",
    "{t0}",
    '{P}, e.g. "{x0}" -> "{y0}".',
    "Please {p}.",
    "Could you {p}?",
    "Your task: {p}. Answer with the result and nothing else.",
    "Read the input you are given, {p}, and then write only the final answer on a single line.",
    "I need you to {p}.",
    "{P}; reply with just the answer.",
    'Here is what to do with the input: {p}. For example "{x1}" gives "{y1}".',
    "{q}",
    "{t1}",
)
# The same for a composition of two steps g then f: {g}/{G} and {f}/{F} are phrases of the two steps, {tg}/{tf} their
# terse forms. Connectives vary: "then", "first … then", "after", "and then", "once", nested, terse.
COMPOSITION_FRAMES = (
    "{G}, then {f}.",
    "First {g}; then {f}.",
    "{tg}; {tf}",
    '{G} and then {f}, e.g. "{x0}" -> "{y0}".',
    "{F} after you {g}.",
    "What do you get if you {g} and then {f}?",
    "Two steps, in this order: {g}, and {f}.",
    "Start from the input, {g}, then take that result and {f}; answer with the final result only.",
    "{F}, but only once you {g}.",
    "{F}, applied not to the input itself but to what you get when you {g}.",
    'Once you {g}, {f}. For example "{x1}" becomes "{y1}".',
    "Can you {g} and then {f}?",
    "{tg}, then {tf}",
)
HELD_OUT = 3


def worked_examples(name: str, sample: Callable[[random.Random], str], solve: Callable[[str], str],
                    n: int = 2) -> list[tuple[str, str]]:
    """`n` examples with distinct inputs for a description to show (seeded by the row's name)."""
    rng = random.Random(f"t2l-edge:describe:{name}")
    out: dict[str, str] = {}
    for _ in range(EXAMPLE_TRIES):
        x = sample(rng)
        if x not in out and '"' not in x:
            y = solve(x)
            if y and '"' not in y:
                out[x] = y
        if len(out) == n:
            return list(out.items())
    raise ValueError(f"row {name!r}: could not draw {n} distinct examples to show in its descriptions")


class _Cycle:
    """Hands out a list's items in turn, so consecutive frames use different phrases."""

    def __init__(self, items: tuple[str, ...]):
        self.items, self.i = items, 0

    def __call__(self) -> str:
        item = self.items[self.i % len(self.items)]
        self.i += 1
        return item


def _fields(frame: str, phrases: _Cycle, questions: _Cycle, extra: dict[str, str]) -> str:
    fields = dict(extra)
    if "{p}" in frame or "{P}" in frame:
        p = phrases()
        fields.update(p=p, P=cap(p))
    if "{q}" in frame:
        fields["q"] = questions()
    return frame.format(**fields)


def _check(name: str, out: tuple[str, ...]) -> tuple[str, ...]:
    if len({d.casefold() for d in out}) != len(out):
        raise ValueError(f"row {name!r}: its generated descriptions are not distinct: {out!r}")
    if max(len(d.split()) for d in out) < LONG_WORDS:
        raise ValueError(f"row {name!r}: no generated description has {LONG_WORDS} words")
    return out


def describe(name: str, wording: Wording, sample, solve) -> tuple[str, ...]:
    """The descriptions of a single-operation row, one per frame."""
    (x0, y0), (x1, y1) = worked_examples(name, sample, solve)
    extra = dict(t0=wording.terse[0], t1=wording.terse[1], x0=x0, y0=y0, x1=x1, y1=y1)
    phrases, questions = _Cycle(wording.phrases), _Cycle(wording.questions)
    return _check(name, tuple(_fields(frame, phrases, questions, extra) for frame in FRAMES))


def describe_composition(name: str, first: Step, then: Step, sample, solve) -> tuple[str, ...]:
    """The descriptions of a row that does `first`, then `then`, one per composition frame."""
    (x0, y0), (x1, y1) = worked_examples(name, sample, solve)
    gs, fs = _Cycle(first.phrases), _Cycle(then.phrases)
    out = []
    for frame in COMPOSITION_FRAMES:
        g, f = gs(), fs()
        out.append(frame.format(g=g, G=cap(g), f=f, F=cap(f), tg=_terse(first), tf=_terse(then),
                                x0=x0, y0=y0, x1=x1, y1=y1))
    return _check(name, tuple(out))


@dataclass(frozen=True)
class Step:
    """The wording of one step of a composition: imperative phrases that read well after "then" ("write it in
    capital letters") and a terse form of at most two words."""

    phrases: tuple[str, ...]
    terse: tuple[str, ...]

    def __post_init__(self):
        if len(self.phrases) < 2 or len(set(self.phrases)) != len(self.phrases) or isinstance(self.phrases, str):
            raise ValueError(f"step 'phrases': needs at least two distinct phrases, got {self.phrases!r}")
        if not self.terse or isinstance(self.terse, str) or len(_terse(self).split()) > TERSE_WORDS // 2:
            raise ValueError(f"step 'terse': needs a form of at most {TERSE_WORDS // 2} words, got {self.terse!r}")


def _terse(wording: Wording | Step) -> str:
    return min(wording.terse, key=lambda t: len(t.split()))
