"""The offline task suite: task families a 270M base model can learn, one registry row each.

Each family has hand-written descriptions of varied style, a seeded input sampler and a `solve` function that
gives the one right answer; `t2l_edge.tasks.splits` turns them into train / held-out tasks.
"""

from __future__ import annotations

from . import (
    arithmetic, classify, compositions, conversions, directions, formatting, letters, lexicon, lists, parameterized,
    strings, words,
)
from .family import Family

# The first suite (79 hand-written families; the shipped hypernetwork was trained on it), then the wider corpus.
FIRST_SUITE_MODULES = (strings, letters, words, arithmetic, lists, classify, lexicon, formatting, conversions)
THEME_MODULES = FIRST_SUITE_MODULES + (directions, parameterized, compositions)
THEMES = tuple(m.THEME for m in THEME_MODULES)
FIRST_SUITE_THEMES = tuple(m.THEME for m in FIRST_SUITE_MODULES)


def _registry() -> dict[str, Family]:
    out: dict[str, Family] = {}
    for module in THEME_MODULES:
        for family in module.FAMILIES:
            if family.name in out:
                raise ValueError(f"task family {family.name!r} is defined twice")
            out[family.name] = family
    return out


FAMILIES: dict[str, Family] = _registry()

__all__ = ["FAMILIES", "FIRST_SUITE_THEMES", "THEMES", "Family"]
