"""Emoji and their Unicode CLDR short names (emoji), country flags (pycountry): both directions."""

from __future__ import annotations

import functools

from ..format import Metric
from .realdata import need, source, table_family, unique_inverse
from .wording import Wording

THEME = "emoji_names"
EMOJI, FLAGS = source("emoji"), source("pycountry")
MAX_EMOJI_VERSION = 13  # emoji from Emoji 13.0 (2020) and before: the ones fonts and text corpora know


@functools.cache
def _names() -> dict[str, str]:
    """Single-code-point, fully qualified emoji -> short name ("grinning face"); names with a qualifier in
    parentheses are left out."""
    em = need("emoji")
    out = {}
    for e, data in em.EMOJI_DATA.items():
        name = data["en"].strip(":").replace("_", " ")
        if (len(e) == 1 and data["status"] == em.STATUS["fully_qualified"] and data["E"] <= MAX_EMOJI_VERSION
                and "(" not in name):
            out[e] = name
    return unique_inverse(unique_inverse(out))


@functools.cache
def _flags() -> dict[str, str]:
    """Flag emoji -> country (pycountry's usual name, for countries with a plain one)."""
    out = {}
    for c in need("pycountry").countries:
        name = getattr(c, "common_name", None) or c.name
        if not any(ch in name for ch in ",();[]"):
            out[c.flag] = name
    return unique_inverse(unique_inverse(out))


# How people ask for each row's operation, poured into the training frames beside its own descriptions
# (realdata.worded).
WORDINGS = {
    "emoji_to_name": Wording(
        ("give the official name of the emoji", "write the Unicode short name of the emoji",
         "say what the emoji is called, in lowercase words"),
        ("What is this emoji called?", "Which name does Unicode give this emoji?"),
        ("emoji to name", "name it"),
    ),
    "name_to_emoji": Wording(
        ("write the emoji that has this name", "give the emoji character for the short name",
         "type the emoji with this Unicode name"),
        ("Which emoji is called this?", "What emoji goes with this name?"),
        ("the emoji", "name to its emoji"),
    ),
    "flag_to_country": Wording(
        ("say which country the flag emoji belongs to", "give the country whose flag this is",
         "write the English name of the flag's country"),
        ("Which country flies this flag?", "What country is this flag for?"),
        ("flag's country", "whose flag"),
    ),
    "country_to_flag": Wording(
        ("give the flag emoji of the country", "write the country's flag as an emoji",
         "turn the country name into its flag emoji"),
        ("What flag emoji does this country have?", "Which flag goes with this country?"),
        ("its flag emoji", "country to flag"),
    ),
}

FAMILIES = [
    table_family("emoji_to_name", THEME, Metric.NORMALIZED, _names, (
        "What is the name of this emoji?",
        "Name the emoji.",
        "emoji name",
        'Give the emoji\'s official short name, e.g. "🦓" -> "zebra".',
        "Describe the emoji with its Unicode name.",
        "The input is a single emoji character; answer with its Unicode CLDR short name in lowercase words.",
        "emoji -> name",
        'Say what the symbol is called. For example "🌵" becomes "cactus".',
        "Could you tell me what this emoji is called?",
        "Which emoji is this?",
        "Official emoji name, please.",
        "Look at the pictograph and write the short English name the Unicode standard gives it, like the tooltip on a phone keyboard.",
    ), EMOJI, wording=WORDINGS["emoji_to_name"]),
    table_family("name_to_emoji", THEME, Metric.EXACT, lambda: unique_inverse(_names()), (
        "Write the emoji with this name.",
        "Which emoji has this name?",
        "name to emoji",
        'Output the emoji character for the short name, e.g. "zebra" -> "🦓".',
        "Turn the name into its emoji.",
        "The input is the Unicode CLDR short name of an emoji; answer with that emoji character alone.",
        "name -> emoji",
        'Show me the emoji. For example "cactus" becomes "🌵".',
        "Could you type the emoji for this?",
        "Emoji, please.",
        "Give the matching emoji.",
        "Find the pictograph that the Unicode standard calls by the given short name and reply with that single character.",
    ), EMOJI, wording=WORDINGS["name_to_emoji"]),
    table_family("flag_to_country", THEME, Metric.NORMALIZED, _flags, (
        "Which country's flag is this?",
        "Name the country of the flag emoji.",
        "flag to country",
        'Give the country the flag belongs to, e.g. "🇫🇷" -> "France".',
        "Identify the flag.",
        "The input is a flag emoji, made of two regional indicator letters; answer with the usual English name of its country.",
        "flag -> country",
        'Whose flag is it? For example "🇯🇵" becomes "Japan".',
        "Could you tell me which country this flag stands for?",
        "Country of the flag?",
        "Name the flag's country.",
        "Look at the flag emoji and write the name of the country or territory that flies it, in English.",
    ), FLAGS, wording=WORDINGS["flag_to_country"]),
    table_family("country_to_flag", THEME, Metric.EXACT, lambda: unique_inverse(_flags()), (
        "Write the flag emoji of the country.",
        "What is this country's flag emoji?",
        "country flag emoji",
        'Output the flag of the country, e.g. "France" -> "🇫🇷".',
        "Give the country's flag as an emoji.",
        "The input is the English name of a country; answer with its flag emoji, the pair of regional indicator symbols.",
        "country -> flag",
        'Show the flag. For example "Japan" becomes "🇯🇵".',
        "Could you type the flag for this country?",
        "Flag, please.",
        "Which flag emoji belongs to this country?",
        "Reply with only the emoji flag that a phone keyboard offers for the country named in the input, nothing else.",
    ), FLAGS, wording=WORDINGS["country_to_flag"]),
]
