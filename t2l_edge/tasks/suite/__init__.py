"""The offline task suite: task families a 270M base model can learn, one registry row each.

Each family has hand-written descriptions of varied style, a seeded input sampler and a `solve` function that
gives the one right answer; `t2l_edge.tasks.splits` turns them into train / held-out tasks.
"""

from __future__ import annotations

from . import arithmetic, classify, conversions, formatting, letters, lexicon, lists, strings, words
# real data from pinned offline packages (the [train] extra), read lazily: see realdata.py
from . import (
    calendar_locale, countries, emoji_names, inflection, language_id, numbers_words, phonetics, sentiment_lexicon,
)
# generated rows: parameterized operations, the other directions, compositions (rows.py, wording.py)
from . import compositions, directions, parameterized
# Super-NaturalInstructions tasks implemented as generators (Family.sni names the task)
from . import sni_lexicon, sni_lists, sni_numbers, sni_strings
# what app developers ask an on-device model for: extract, classify, reformat, convert, look up, translate, rewrite,
# answer from a list (real values from Faker, pint, periodictable, babel; appdata.py, sentences.py)
from . import app_classify, app_extract, app_lists, app_lookup, app_reformat, app_rewrite, app_translate, app_units
from .family import Family

HAND_WRITTEN_MODULES = (strings, letters, words, arithmetic, lists, classify, lexicon, formatting, conversions)
REAL_DATA_MODULES = (
    calendar_locale, numbers_words, countries, inflection, phonetics, sentiment_lexicon, emoji_names, language_id,
)
GENERATED_MODULES = (directions, parameterized, compositions)
SNI_MODULES = (sni_lists, sni_numbers, sni_strings, sni_lexicon)
APP_MODULES = (app_extract, app_classify, app_reformat, app_units, app_lookup, app_translate, app_rewrite, app_lists)
THEME_MODULES = HAND_WRITTEN_MODULES + REAL_DATA_MODULES + GENERATED_MODULES + SNI_MODULES + APP_MODULES


def _themes(module) -> tuple[str, ...]:
    """A module's themes: its THEME, or its THEMES where it splits its rows by subject (parameterized.py)."""
    return getattr(module, "THEMES", None) or (module.THEME,)


THEMES = tuple(theme for module in THEME_MODULES for theme in _themes(module))


def _registry() -> dict[str, Family]:
    out: dict[str, Family] = {}
    for module in THEME_MODULES:
        for family in module.FAMILIES:
            if family.name in out:
                raise ValueError(f"task family {family.name!r} is defined twice")
            out[family.name] = family
    return out


FAMILIES: dict[str, Family] = _registry()

__all__ = ["FAMILIES", "THEMES", "Family"]
