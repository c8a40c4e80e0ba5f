"""The text formats of Super-NaturalInstructions' synthetic list and number tasks, read and written exactly: Python
list literals (`['a', '34']`, `[1, 2]`), comma lists (`a, 34`), sets (`Set1: '{1, 2}'`) and the way numpy prints a
float array (`[ 0.294 -0.996  0.05 ]`), which several SNI tasks use as their answer format. Plus the samplers'
shared pieces: SNI-style list items and a guard that keeps every drawn input within the suite's limits."""

from __future__ import annotations

import math
import random
import re
from typing import Callable

from .family import MAX_OUTPUT_CHARS

# Lists and sets stay shorter than the suite allows (80 characters): short training sequences, and items a 270M
# base can track.
MAX_INPUT_CHARS = 48
MAX_INPUT_WORDS = 12
FIT_TRIES = 1000
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
NUMPY_LINE_WIDTH = 75  # np.get_printoptions()["linewidth"]
NUMBER = re.compile(r"-?\d+(?:\.\d*)?")
INTEGER = re.compile(r"-?\d+")


# -- reading --------------------------------------------------------------------------------------------------------


def items(text: str) -> list[str]:
    """The items of a Python list literal of strings, quotes removed: `['a', '34']` → ['a', '34']."""
    body = text.strip()
    if not (body.startswith("[") and body.endswith("]")):
        raise ValueError(f"not a list: {text!r}")
    body = body[1:-1].strip()
    return [item.strip().strip("'\"") for item in body.split(",")] if body else []


def indexed_list(text: str, n_indices: int) -> tuple[list[int], list[str]]:
    """`i, j, ['a', 'b']` → ([i, j], ['a', 'b']): the integers before a list literal, and its items."""
    head, bracket, tail = text.partition("[")
    numbers = [int(s) for s in head.replace(",", " ").split()]
    if not bracket or len(numbers) != n_indices:
        raise ValueError(f"expected {n_indices} integers and a list: {text!r}")
    return numbers, items(bracket + tail)


def ints(text: str) -> list[int]:
    """Every integer in the text, in order: `[1, -2, 30]` → [1, -2, 30]."""
    return [int(s) for s in INTEGER.findall(text)]


def int_lists(text: str) -> list[list[int]]:
    """The inner lists of a list of integer lists: `[[1, 2], [-3]]` → [[1, 2], [-3]]."""
    return [ints(inner) for inner in re.findall(r"\[([^\[\]]*)\]", text)]


def keyword(text: str, key: str) -> int:
    """The integer after `key=` in the text (`[1, 2], k=3` → 3)."""
    m = re.search(rf"\b{key}\s*=\s*(-?\d+)", text)
    if not m:
        raise ValueError(f"no {key}= in {text!r}")
    return int(m.group(1))


def before_keyword(text: str, key: str) -> str:
    """The text before `key=`, without the separating comma: `[1, 2], k=3` → `[1, 2]`."""
    return re.split(rf",?\s*\b{key}\s*=", text)[0]


def is_alphabetical(item: str) -> bool:
    return item.isalpha()


def is_numerical(item: str) -> bool:
    return NUMBER.fullmatch(item) is not None


def sets(text: str) -> tuple[set[int], set[int]]:
    """The two sets of `Set1: '{1, 2}', Set2: '{3}'` (the SNI question after them may or may not follow)."""
    found = re.findall(r"Set[12]: '\{([^}]*)\}'", text)
    if len(found) != 2:
        raise ValueError(f"expected Set1 and Set2: {text!r}")
    a, b = (set(ints(body)) for body in found)
    return a, b


# -- writing --------------------------------------------------------------------------------------------------------


def quoted(values) -> str:
    """A Python list literal of strings: ['a', '34']."""
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


def bracketed(values) -> str:
    """A list literal of numbers: [1, -2, 30]."""
    return "[" + ", ".join(str(v) for v in values) + "]"


def commas(values) -> str:
    """`a, 34, f`: the SNI answer format of the list-item tasks."""
    return ", ".join(str(v) for v in values)


def set_text(values) -> str:
    return "{" + ", ".join(str(v) for v in values) + "}"


def sets_input(a, b) -> str:
    return f"Set1: '{set_text(a)}', Set2: '{set_text(b)}'"


# -- numpy's printing of a 1-d float array (str(np.array([...]))), for lists rounded to 3 decimals ---------------


def numpy_round(x: float, decimals: int = 3) -> float:
    """np.round: scale, round half to even, scale back (not Python's correctly rounded `round(x, 3)`); keeps -0.0."""
    scale = 10.0 ** decimals
    y = x * scale
    return math.copysign(float(round(y)), y) / scale


def numpy_sum(values: list[float]) -> float:
    """np.sum's pairwise summation for up to 128 values: a plain loop below 8, else 8 running sums."""
    if len(values) < 8:
        total = 0.0
        for v in values:
            total += v
        return total
    r = list(values[:8])
    i = 8
    while i < len(values) - len(values) % 8:
        for j in range(8):
            r[j] += values[i + j]
        i += 8
    total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    for v in values[i:]:
        total += v
    return total


def numpy_scientific(values: list[float]) -> bool:
    """Whether numpy would print the array in scientific notation (which `numpy_str` does not write)."""
    sizes = [abs(v) for v in values if v]
    return bool(sizes) and (max(sizes) >= 1e8 or min(sizes) < 1e-4 or max(sizes) / min(sizes) > 1000)


def _positional(x: float) -> tuple[str, str]:
    """Integer and fraction digits of the shortest repr, trailing zeros trimmed but the point kept (0.0 → '0.')."""
    whole, _, frac = repr(x).partition(".")
    return whole, frac.rstrip("0")


def numpy_str(values: list[float]) -> str:
    """str(np.array(values)) in numpy's positional mode: each number's integer part right-aligned and its fraction
    left-aligned to the widest, separated by one space (`[ 0.294 -0.996  0.05 ]`), wrapped at numpy's line width."""
    if numpy_scientific(values):
        raise ValueError(f"numpy prints {values!r} in scientific notation")
    parts = [_positional(v) for v in values]
    left = max(len(w) for w, _ in parts)
    right = max(len(f) for _, f in parts)
    words = [f"{w:>{left}}.{f:<{right}}" for w, f in parts]
    text, line = "", " "  # numpy's hanging indent, replaced by "[" at the end
    for i, word in enumerate(words):
        if len(line) + len(word) > NUMPY_LINE_WIDTH - 1 and len(line) > 1:
            text, line = text + line.rstrip() + "\n", " "
        line += word + (" " if i < len(words) - 1 else "")
    return "[" + (text + line)[1:] + "]"


# -- sampling -------------------------------------------------------------------------------------------------------


def fits(text: str, solve: Callable[[str], str] | None = None) -> bool:
    """Whether an input (and, given `solve`, its answer) is within the suite's limits."""
    if not (0 < len(text) <= MAX_INPUT_CHARS and len(text.split()) <= MAX_INPUT_WORDS and "\n" not in text):
        return False
    return solve is None or 0 < len(solve(text)) <= MAX_OUTPUT_CHARS


def fitting(draw: Callable[[random.Random], str], solve: Callable[[str], str] | None = None
            ) -> Callable[[random.Random], str]:
    """A sampler that redraws until the input (and its answer) fits the suite's limits; deterministic for a seeded
    rng. A draw of "" is a refusal."""

    def sample(rng: random.Random) -> str:
        for _ in range(FIT_TRIES):
            text = draw(rng)
            if fits(text, solve):
                return text
        raise ValueError(f"sampler {draw.__name__}: no input within {MAX_INPUT_CHARS} characters")

    sample.__name__ = draw.__name__
    return sample


def number_item(rng: random.Random) -> str:
    """A number as SNI lists write them, here of 1 to 4 digits (mostly 2 to 4)."""
    return str(rng.randint(1, 10 ** rng.choice((1, 2, 3, 3, 4, 4)) - 1))


def letter_item(rng: random.Random, lowercase: bool = False) -> str:
    return rng.choice(LETTERS[:26] if lowercase else LETTERS)


def mixed_items(rng: random.Random, lo: int = 3, hi: int = 7, letters: float = 0.5) -> list[str]:
    """An SNI list of single letters and numbers: ['k', '8043', 'u', 'I']."""
    return [letter_item(rng) if rng.random() < letters else number_item(rng) for _ in range(rng.randint(lo, hi))]
