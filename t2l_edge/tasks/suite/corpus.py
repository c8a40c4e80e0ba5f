"""Counting the corpus the way the issue does: a parameterized operation counts once per parameter value, at most
`MAX_VALUES` times; distinct operations are counted once. And its balance: each theme's share of the rows."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable

from .family import Family
from .rows import MAX_VALUES

# No theme may be more than this share of the training rows (issue 19), so that no one kind of task (once, 107
# calendar lookups of 467 rows) dominates what the hypernetwork learns; tests/test_corpus.py holds the train split
# to it.
MAX_THEME_PERCENT = 15


@dataclass(frozen=True)
class CorpusCount:
    rows: int  # registry rows, at most MAX_VALUES per operation
    operations: int  # distinct operations


def count_corpus(families: Iterable[Family]) -> CorpusCount:
    per_op = Counter(f.op for f in families)
    return CorpusCount(sum(min(n, MAX_VALUES) for n in per_op.values()), len(per_op))


def count_by_theme(families: Iterable[Family]) -> dict[str, CorpusCount]:
    """The count of each theme's rows, in the order the themes first appear."""
    themes: dict[str, list[Family]] = defaultdict(list)
    for f in families:
        themes[f.theme].append(f)
    return {theme: count_corpus(rows) for theme, rows in themes.items()}


def theme_percents(families: Iterable[Family]) -> dict[str, float]:
    """Each theme's percentage of the counted rows, largest first."""
    counts = {theme: c.rows for theme, c in count_by_theme(families).items()}
    total = sum(counts.values())
    return dict(sorted(((t, 100 * n / total) for t, n in counts.items()), key=lambda item: -item[1]))
