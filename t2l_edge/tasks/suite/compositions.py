"""Compositions of two primitive operations ("reverse the words, then write them in capitals").

A primitive is a trained family of the suite (its `solve` is the string → string function) with the kind of text it
reads and the kind it gives, and a `Step` wording. A composition row does g, then f, where f reads what g gives; it
is kept only when its answer is well-defined and short, is not always g's or f's own answer, varies with the input,
and is not simply another family of the suite (`SAME_AS_A_FAMILY`: reversing the words, then taking the first word
is `last_word`). Its descriptions come from several phrasings (wording.COMPOSITION_FRAMES).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import Enum

from . import arithmetic, letters, lexicon, strings, words
from .family import MAX_OUTPUT_CHARS, Family
from .lexicons import ALPHABET, WORDS, phrase
from .rows import GENERATED
from .wording import Step, describe_composition

THEME = "compositions"
CHECK_INPUTS = 40  # inputs drawn to decide whether a pair makes a real composition


class Kind(str, Enum):
    PHRASE = "phrase"  # two to five lowercase words
    WORD = "word"
    LETTER = "letter"
    NUMBER = "number"  # 0..49 as sampled; at most 100 after one step
    FINAL = "final"  # read by no primitive


SAMPLERS = {
    Kind.PHRASE: lambda rng: phrase(rng, 2, 5),
    Kind.WORD: lambda rng: rng.choice(WORDS),
    Kind.LETTER: lambda rng: rng.choice(ALPHABET),
    Kind.NUMBER: lambda rng: str(rng.randint(0, 49)),
}


@dataclass(frozen=True)
class Primitive:
    family: str  # the suite family whose operation this is
    reads: tuple[Kind, ...]
    gives: Kind
    step: Step


P, W, L, N, F = Kind.PHRASE, Kind.WORD, Kind.LETTER, Kind.NUMBER, Kind.FINAL
PRIMITIVES = (
    Primitive("reverse_words", (P,), P, Step(("reverse the order of the words", "put the words in the opposite "
                                               "order", "write the words from last to first"), ("reverse words",))),
    Primitive("sort_words", (P,), P, Step(("sort the words alphabetically", "put the words in alphabetical order",
                                           "arrange the words from a to z"), ("sort words",))),
    Primitive("capitalize_words", (P, W), F, Step(("capitalize every word", "give each word a capital first letter",
                                                 "write it in title case"), ("title case",))),
    Primitive("uppercase", (P, W, L), F, Step(("write it in capital letters", "change every letter to upper case",
                                               "put it in all caps"), ("uppercase",))),
    Primitive("first_word", (P,), W, Step(("keep only the first word", "take just the opening word",
                                           "drop every word but the first"), ("first word",))),
    Primitive("count_words", (P,), N, Step(("count the words", "give the number of words",
                                            "write how many words there are"), ("count words",))),
    Primitive("acronym", (P,), F, Step(("make an acronym from the initials in capitals", "write the first letters "
                                        "of the words as one uppercase acronym", "form the capitalized acronym"),
                                       ("acronym",))),
    Primitive("reverse_characters", (W,), W, Step(("spell the word backwards", "reverse the letters",
                                                   "write its letters in reverse order"), ("reverse letters",))),
    Primitive("remove_vowels", (W,), W, Step(("remove the vowels", "delete every a, e, i, o and u",
                                              "drop all the vowels"), ("no vowels",))),
    Primitive("double_letters", (W,), W, Step(("double every letter", "write each letter twice",
                                               "repeat every character twice in a row"), ("double letters",))),
    Primitive("first_letter", (W,), L, Step(("take the first letter", "keep only the first letter",
                                             "give just the opening letter"), ("first letter",))),
    Primitive("word_length", (W,), N, Step(("count the letters", "give the number of letters",
                                            "write how many letters there are"), ("count letters",))),
    Primitive("letter_position", (L,), N, Step(("give the position of the letter in the alphabet", "write the "
                                                "letter's place in the alphabet", "turn the letter into its "
                                                "alphabet number"), ("alphabet position",))),
    Primitive("next_number", (N,), N, Step(("add one", "give the next number", "increase it by one"),
                                           ("plus one",))),
    Primitive("double_number", (N,), N, Step(("double the number", "multiply it by two", "write twice the number"),
                                             ("double it",))),
    Primitive("spell_number", (N,), F, Step(("spell the number out in English words", "write the number in words",
                                             "give the number as English words"), ("in words",))),
    Primitive("parity", (N,), F, Step(("say whether the number is even or odd", "answer even or odd",
                                       "tell if the number is even or odd"), ("parity",))),
)
_SOURCES = {f.name: f for m in (strings, words, letters, arithmetic, lexicon) for f in m.FAMILIES}
# Pairs whose answer is always that of another family of the suite (checked by tests/test_corpus.py).
SAME_AS_A_FAMILY = {
    ("reverse_words", "first_word"): "last_word",
    ("reverse_characters", "first_letter"): "last_letter",
    ("sort_words", "reverse_words"): "sort_words_descending",
    ("remove_vowels", "word_length"): "count_consonants",
    ("first_word", "first_letter"): "first_letter",  # the first letter of the text
}


def composition_name(g: str, f: str) -> str:
    return f"{g}_then_{f}"


def _composed(g: Family, f: Family):
    return lambda x: f.solve(g.solve(x))


def _answers(g: Primitive, f: Primitive) -> tuple[str, ...] | None:
    """f after g on fixed inputs of g's kind, or None when the pair is not a real composition: its answer must be
    well-defined and short, vary with the input, and not always be g's answer or f's own answer on the input."""
    rng = random.Random(f"t2l-edge:compose:{g.reads[0].value}")
    gf, ff = _SOURCES[g.family], _SOURCES[f.family]
    answers, not_g, not_f = [], False, False
    for _ in range(CHECK_INPUTS):
        x = SAMPLERS[g.reads[0]](rng)
        mid = gf.solve(x)
        y = ff.solve(mid)
        if not y or len(y) > MAX_OUTPUT_CHARS:
            return None
        answers.append(y)
        not_g |= y != mid
        not_f |= g.reads[0] not in f.reads or y != ff.solve(x)
    return tuple(answers) if len(set(answers)) > 1 and not_g and not_f else None


def _row(g: Primitive, f: Primitive) -> Family:
    gf, ff = _SOURCES[g.family], _SOURCES[f.family]
    name = composition_name(g.family, f.family)
    sample, solve = SAMPLERS[g.reads[0]], _composed(gf, ff)
    return Family(name, THEME, ff.metric, sample, solve, describe_composition(name, g.step, f.step, sample, solve),
                  choices=ff.choices, source=GENERATED)


def _compositions() -> list[Family]:
    """Every real composition, once per function: of two orders that commute (reverse the letters / remove the
    vowels), only the first in PRIMITIVES order is kept."""
    rows, seen = [], set()
    for g in PRIMITIVES:
        for f in PRIMITIVES:
            if f is g or g.gives not in f.reads or (g.family, f.family) in SAME_AS_A_FAMILY:
                continue
            answers = _answers(g, f)
            if answers is not None and (g.reads[0], answers) not in seen:
                seen.add((g.reads[0], answers))
                rows.append(_row(g, f))
    return rows


PRIMITIVE_FAMILIES = tuple(p.family for p in PRIMITIVES)
FAMILIES = _compositions()
# Each composition row's two primitives (g, f), for the held-out-composition split.
PAIRS = {composition_name(g.family, f.family): (g.family, f.family) for g in PRIMITIVES for f in PRIMITIVES
         if composition_name(g.family, f.family) in {row.name for row in FAMILIES}}
