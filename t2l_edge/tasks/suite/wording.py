"""Generated descriptions: a row's wording (a few imperative phrases, questions and terse forms) poured into a fixed
set of description frames, so that every row has the mix of styles people write a task in: plain, terse, a
question, "Given …", second person, polite, an app developer's request, lowercase chat, long-winded, and worked
examples inside the sentence, computed by the row's own `solve`.

The frames are fixed and ordered: the last `HELD_OUT` of them are the held-out descriptions (see splits.py), and
they differ in style (an example sentence, a question, a terse form) just as the hand-written rows' do; their
question, terse form and example are ones the row's training descriptions never show. Rows with descriptions of
their own (the first suite, real data) keep those and take the training frames beside them (`extend`).

A wording must read well in every frame: phrases are lowercase imperatives without a final stop that stand alone
after "Please", "Could you", "Given the input," or "My app needs a model that can" ("add 3 to the number"), questions
are whole questions, terse forms are a few words ("plus 3").
"""

from __future__ import annotations

import random
import re
import string
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


# One frame per description. Fields: {p}/{P} the next phrase (P capitalized); {q} the next question, {t} the next
# terse form, {x} {y} the next worked example, each cycling over all but the last one; {q_last}, {t_last},
# {x_last} {y_last}: the last ones, which only the held-out frames use, so a row's held-out question, terse form and
# example never appear in its training descriptions. The styles are the ones people write: plain, polite, a
# question, terse, "Given X, ...", second person, an app developer's request, lowercase chat, long-winded, and an
# example inside the sentence. The last `HELD_OUT` are held out, each in another style.
FRAMES = (
    "{P}.",
    "{q}",
    "{t}",
    '{P}, e.g. "{x}" -> "{y}".',
    "Please {p}.",
    "Could you {p}?",
    "Your task: {p}. Answer with the result and nothing else.",
    "Read the input you are given, {p}, and then write only the final answer on a single line.",
    "I need you to {p}.",
    "{P}; reply with just the answer.",
    "Given the input, {p}.",
    "You will be given an input. {P}.",
    "My app needs this step: {p}.",
    "hey, can you {p}?",
    '{q} For example, "{x}" gives "{y}".',
    "in short: {t}",
    "Task: {p}.",
    "Would you kindly {p}?",
    "For each input you receive, {p}; output only the result.",
    'Example: "{x}" -> "{y}". Do the same with the next input: {p}.',
    "I'm building an app and need the model to {p}; it should answer with the result alone.",
    "{p} pls",
    "Your job is to {p}.",
    "Quick question: {q}",
    "Given an input, you should {p}; return nothing else.",
    "You are a helpful assistant. When the user sends an input, {p}, and reply with only the answer, no "
    "explanation.",
    "{P}. Do not explain.",
    '{P}; "{x}" turns into "{y}", for instance.',
    "My app needs a model that can {p}.",
    "Instruction: {p}. Output: the result only.",
    "ok so basically just {p}",
    "{t} (answer only)",
    'Here is what to do with the input: {p}. For example "{x_last}" gives "{y_last}".',
    "{q_last}",
    "{t_last}",
)
# The same for a composition of two steps g then f: {g}/{G} and {f}/{F} are phrases of the two steps, {tg}/{tf}
# their terse forms, {x} {y} / {x_last} {y_last} as above. Connectives vary: "then", "first … then", "after", "and
# then", "once", "before that", numbered steps, nested, terse.
COMPOSITION_FRAMES = (
    "{G}, then {f}.",
    "First {g}; then {f}.",
    "{tg}; {tf}",
    '{G} and then {f}, e.g. "{x}" -> "{y}".',
    "{F} after you {g}.",
    "What do you get if you {g} and then {f}?",
    "Two steps, in this order: {g}, and {f}.",
    "Start from the input, {g}, then take that result and {f}; answer with the final result only.",
    "{F}, but only once you {g}.",
    "{F}, applied not to the input itself but to what you get when you {g}.",
    "Please {g} and then {f}.",
    "Could you {g}, then {f}?",
    "Given the input, {g}, and then {f}.",
    "You will be given an input. {G}; after that, {f}.",
    "My app needs two steps: {g}, then {f}.",
    "hey, {g} and after that {f}, thanks",
    '{G}, then {f}; for example "{x}" turns into "{y}".',
    "Step 1: {g}. Step 2: {f}.",
    "Kindly {g}; once that is done, {f}.",
    "Your task: {g}, and after that {f}. Answer with the result only.",
    "{g}, then {f} pls",
    "Do two things in order: first {g}, second {f}.",
    "Your job is to {g} and then {f}.",
    "I need you to {g}, and after that to {f}.",
    'Example: "{x}" -> "{y}". The rule: {g}, then {f}.',
    "Would you kindly {g} and, when that is done, {f}?",
    "You are a helpful assistant: when the user sends an input, {g}, then {f}, and reply with only the final "
    "answer.",
    "How would the input look if you were to {g} and then {f}?",
    "{F}. Before that, though, {g}.",
    "I'm building an app where every input is handled like this: {g} and then {f}.",
    "What is the result when you {g}, then {f}?",
    "Two-step task. First: {g}. Second: {f}.",
    'Once you {g}, {f}. For example "{x_last}" becomes "{y_last}".',
    "Can you {g} and then {f}?",
    "{tg}, then {tf}",
)
HELD_OUT = 3
EXAMPLES = 3  # worked examples drawn for a generated row: the last one only in a held-out frame
LAST_FIELDS = frozenset({"q_last", "t_last", "x_last", "y_last"})
NAMING_FIELDS = frozenset({"p", "P", "q", "t", "q_last", "t_last"})  # fields that say what to do


def _field_names(frame: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(frame) if name)


def _check_frames(frames: tuple[str, ...], naming: frozenset[str]) -> None:
    """Only held-out frames use the last question, terse form or example; every frame says what to do (so a row
    whose wording names its parameter names it in every description)."""
    for i, frame in enumerate(frames):
        names = _field_names(frame)
        if names & LAST_FIELDS and i < len(frames) - HELD_OUT:
            raise ValueError(f"frame {frame!r}: a training frame uses a field kept for the held-out frames")
        if not names & naming:
            raise ValueError(f"frame {frame!r}: says nothing of what to do")


_check_frames(FRAMES, NAMING_FIELDS)
_check_frames(COMPOSITION_FRAMES, frozenset({"g", "G", "tg"}))
TRAINING_FRAMES = FRAMES[:-HELD_OUT]


def worked_examples(name: str, sample: Callable[[random.Random], str], solve: Callable[[str], str],
                    n: int = EXAMPLES) -> list[tuple[str, str]]:
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
    """Hands out a list's items in turn, so consecutive frames use different ones."""

    def __init__(self, items):
        self.items, self.i = tuple(items), 0

    def __call__(self):
        item = self.items[self.i % len(self.items)]
        self.i += 1
        return item


def _pour(frames: tuple[str, ...], wording: Wording, examples: list[tuple[str, str]], keep_last: bool) -> list[str]:
    """The frames filled in turn from the wording and the examples; with `keep_last`, the last question, terse form
    and example are kept for the {*_last} fields of the held-out frames."""
    k = 1 if keep_last else 0
    phrases = _Cycle(wording.phrases)
    questions = _Cycle(wording.questions[:len(wording.questions) - k])
    terse = _Cycle(wording.terse[:len(wording.terse) - k])
    shown = _Cycle(examples[:len(examples) - k])
    (x_last, y_last) = examples[-1]
    last = dict(q_last=wording.questions[-1], t_last=wording.terse[-1], x_last=x_last, y_last=y_last)
    out = []
    for frame in frames:
        names, fields = _field_names(frame), dict(last)
        if names & {"p", "P"}:
            p = phrases()
            fields.update(p=p, P=cap(p))
        if "q" in names:
            fields["q"] = questions()
        if "t" in names:
            fields["t"] = terse()
        if names & {"x", "y"}:
            fields["x"], fields["y"] = shown()
        out.append(frame.format(**fields))
    return out


def _check(name: str, out: tuple[str, ...]) -> tuple[str, ...]:
    if len({d.casefold() for d in out}) != len(out):
        raise ValueError(f"row {name!r}: its generated descriptions are not distinct: {out!r}")
    if max(len(d.split()) for d in out) < LONG_WORDS:
        raise ValueError(f"row {name!r}: no generated description has {LONG_WORDS} words")
    return out


def describe(name: str, wording: Wording, sample, solve, n_examples: int = EXAMPLES) -> tuple[str, ...]:
    """The descriptions of a single-operation row, one per frame (`n_examples` ≥ 2 worked examples: fewer where
    they are hand-picked, the last only in a held-out frame)."""
    examples = worked_examples(name, sample, solve, n_examples)
    return _check(name, tuple(_pour(FRAMES, wording, examples, keep_last=True)))


def extend(name: str, own: tuple[str, ...], wording: Wording, examples: list[tuple[str, str]]) -> tuple[str, ...]:
    """A row's own (hand-written) descriptions with the training frames poured in before its held-out last
    `HELD_OUT`: those stay its held-out descriptions, and the new ones only train. A new one that repeats an own one
    is left out."""
    if len(own) <= HELD_OUT or not examples:
        raise ValueError(f"row {name!r}: needs more than {HELD_OUT} own descriptions and an example to extend them")
    seen = {d.casefold() for d in own}
    new = [d for d in dict.fromkeys(_pour(TRAINING_FRAMES, wording, examples, keep_last=False))
           if d.casefold() not in seen]
    return _check(name, (*own[:-HELD_OUT], *new, *own[-HELD_OUT:]))


INLINE_EXAMPLE = re.compile(r'"([^"]+)"\s*(?:->|→|becomes|gives|turns into)\s*"([^"]+)"')


def shown_examples(descriptions: tuple[str, ...]) -> list[tuple[str, str]]:
    """The worked examples a row's own descriptions show ('"plant" -> "tnalp"'), in order, once each: the examples
    of its new descriptions where its answers cannot be computed at import (real data is read lazily)."""
    return list(dict.fromkeys(p for d in descriptions for p in INLINE_EXAMPLE.findall(d)))


def describe_composition(name: str, first: Step, then: Step, sample, solve) -> tuple[str, ...]:
    """The descriptions of a row that does `first`, then `then`, one per composition frame."""
    examples = worked_examples(name, sample, solve)
    gs, fs, shown = _Cycle(first.phrases), _Cycle(then.phrases), _Cycle(examples[:-1])
    (x_last, y_last) = examples[-1]
    out = []
    for frame in COMPOSITION_FRAMES:
        g, f = gs(), fs()
        x, y = shown() if _field_names(frame) & {"x", "y"} else ("", "")
        out.append(frame.format(g=g, G=cap(g), f=f, F=cap(f), tg=_terse(first), tf=_terse(then),
                                x=x, y=y, x_last=x_last, y_last=y_last))
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
