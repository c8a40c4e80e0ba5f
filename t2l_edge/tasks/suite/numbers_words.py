"""Numbers as words in several languages (num2words), both directions: digits -> words and words -> digits."""

from __future__ import annotations

import functools

from ..format import Metric
from .realdata import Param, from_table, need, param_rows, source, table_family, unique_inverse
from .wording import Wording

THEME = "numbers_words"
SRC = source("num2words")
CARDINAL_MAX, ORDINAL_MAX = 999, 100
YEARS = range(1000, 2100)


@functools.cache
def _words(lang: str, to: str, numbers: tuple[int, ...]) -> dict[str, str]:
    n2w = need("num2words").num2words
    return {str(n): n2w(n, lang=lang, to=to) for n in numbers}


def _cardinals(lang: str) -> dict[str, str]:
    return _words(lang, "cardinal", tuple(range(CARDINAL_MAX + 1)))


def _ordinals(lang: str) -> dict[str, str]:
    return _words(lang, "ordinal", tuple(range(1, ORDINAL_MAX + 1)))


CARDINAL_LANGUAGES = {
    "English": "en", "French": "fr", "German": "de", "Spanish": "es", "Italian": "it", "Portuguese": "pt",
    "Dutch": "nl", "Polish": "pl", "Swedish": "sv", "Danish": "da",
}
CARDINAL_EXAMPLES = {
    "English": ("42", "forty-two"), "French": ("71", "soixante et onze"), "German": ("35", "fünfunddreißig"),
    "Spanish": ("16", "dieciséis"), "Italian": ("28", "ventotto"), "Portuguese": ("20", "vinte"),
    "Dutch": ("13", "dertien"), "Polish": ("12", "dwanaście"), "Swedish": ("7", "sju"), "Danish": ("50", "halvtreds"),
}
ORDINAL_LANGUAGES = {
    "English": "en", "French": "fr", "German": "de", "Spanish": "es", "Italian": "it", "Dutch": "nl",
    "Swedish": "sv", "Portuguese": "pt",
}
ORDINAL_EXAMPLES = {
    "English": ("3", "third"), "French": ("21", "vingt et unième"), "German": ("4", "vierte"),
    "Spanish": ("2", "segundo"), "Italian": ("10", "decimo"), "Dutch": ("8", "achtste"), "Swedish": ("5", "femte"),
    "Portuguese": ("1", "primeiro"),
}


def _params(examples, codes) -> tuple[Param, ...]:
    return tuple(Param(label, codes[label], ex) for label, ex in examples.items())


TO_WORDS = (
    "Write the number in {p} words.",
    "How do you say this number in {p}?",
    "number in {p} words",
    'Spell out the number in {p}, e.g. "{x}" -> "{y}".',
    "Give the {p} words for the number.",
    "The input is a whole number written with digits; answer with the same number written out in {p} words, no digits.",
    "digits -> {p} words",
    'Say the number in {p}. For example "{x}" becomes "{y}".',
    "Could you spell this number out in {p}?",
    "Write out the {p} name of the number.",
    "Translate the figure into {p} words.",
    "Imagine reading the number aloud in {p} and write down exactly the words you would say, spelled as {p} spells them.",
)
FROM_WORDS = (
    "Write the {p} number words as digits.",
    "Which number do these {p} words name?",
    "{p} words to digits",
    'Turn the number written in {p} into a numeral, e.g. "{y}" -> "{x}".',
    "Give the digits for the {p} number.",
    "The input is a number written out in {p} words; answer with the same number written with the digits 0 to 9.",
    "{p} number words -> digits",
    'What number is this in {p}? For example "{y}" becomes "{x}".',
    "Could you convert these {p} words into a number?",
    "Read the {p} number and write it as digits.",
    "Numeral for the {p} words?",
    "Someone wrote a number out in {p}; please rewrite it as an ordinary numeral made of digits, nothing else.",
)
TO_ORDINAL = (
    "Write the ordinal of the number in {p} words.",
    "What is the {p} ordinal word for this number?",
    "ordinal in {p}",
    'Give the {p} word for the n-th position, e.g. "{x}" -> "{y}".',
    "Spell the ordinal number in {p}.",
    "The input is a whole number n; answer with the {p} word that means the n-th one in a row, spelled out fully.",
    "n -> {p} ordinal word",
    'Say the position in {p}. For example "{x}" becomes "{y}".',
    "Could you write this as {a} {p} ordinal?",
    "Which {p} word ranks something at this place?",
    "Ordinal, {p}, in words.",
    "Turn the cardinal number into the {p} ordinal (first, second, third and so on in {p}), written with letters.",
)
FROM_ORDINAL = (
    "Write the {p} ordinal word as a number.",
    "Which position does this {p} ordinal name?",
    "{p} ordinal to number",
    'Give the number of the {p} ordinal word, e.g. "{y}" -> "{x}".',
    "Turn the {p} ordinal into digits.",
    "The input is {a} {p} ordinal word such as the word for first or tenth; answer with the position as a plain number.",
    "{p} ordinal -> n",
    'What rank does this {p} word say? For example "{y}" becomes "{x}".',
    "Could you tell me the number behind this {p} ordinal?",
    "Convert the {p} ordinal word into its number.",
    "Position number of the {p} word?",
    "Read the ordinal written out in {p} and reply with just the number of the place it stands for, in digits.",
)

# How people ask for each row's operation, poured into the training frames beside its own descriptions
# (realdata.worded) ({p}: the parameter value, {a}: its article).
WORDINGS = {
    "number_to_words": Wording(
        ("write the number out in {p} words", "spell the number in {p}",
         "give the number as {p} words instead of digits"),
        ("How is this number written in {p} words?", "What is this number in {p}, spelled out?"),
        ("{p} number words", "spell it in {p}"),
    ),
    "words_to_number": Wording(
        ("turn the {p} number words into digits", "give the numeral for the number written in {p}",
         "read the {p} words and write the number they name with digits"),
        ("What number do these {p} words say?", "Which numeral is written here in {p}?"),
        ("{p} words -> number", "digits for the {p}"),
    ),
    "number_to_ordinal_words": Wording(
        ("write the {p} ordinal word for the number", "spell out in {p} the position the number gives",
         "give the {p} word for the n-th place"),
        ("What is the {p} ordinal for this number?", "How does {p} say this position in words?"),
        ("{p} ordinal word", "n-th in {p}"),
    ),
    "ordinal_words_to_number": Wording(
        ("turn the {p} ordinal word into a number", "give the position the {p} ordinal stands for, in digits",
         "write the number behind the {p} ordinal word"),
        ("Which number does this {p} ordinal stand for?", "What position is this {p} word, as a number?"),
        ("{p} ordinal -> digits", "number of the {p} ordinal"),
    ),
    "year_to_words": Wording(
        ("write the year in words as people say it aloud", "spell out the year the way it is pronounced",
         "give the spoken form of the four-digit year"),
        ("How do you say this year out loud?", "What is this year in spoken words?"),
        ("spoken year", "year, said aloud"),
    ),
}

FAMILIES = [
    *param_rows("number_to_words", THEME, Metric.NORMALIZED, _params(CARDINAL_EXAMPLES, CARDINAL_LANGUAGES),
                TO_WORDS, from_table(_cardinals, "number_to_words"), SRC, wording=WORDINGS["number_to_words"]),
    *param_rows("words_to_number", THEME, Metric.NORMALIZED, _params(CARDINAL_EXAMPLES, CARDINAL_LANGUAGES),
                FROM_WORDS, from_table(lambda lang: unique_inverse(_cardinals(lang)), "words_to_number"), SRC,
                wording=WORDINGS["words_to_number"]),
    *param_rows("number_to_ordinal_words", THEME, Metric.NORMALIZED, _params(ORDINAL_EXAMPLES, ORDINAL_LANGUAGES),
                TO_ORDINAL, from_table(_ordinals, "number_to_ordinal_words"), SRC,
                wording=WORDINGS["number_to_ordinal_words"]),
    *param_rows("ordinal_words_to_number", THEME, Metric.NORMALIZED, _params(ORDINAL_EXAMPLES, ORDINAL_LANGUAGES),
                FROM_ORDINAL, from_table(lambda lang: unique_inverse(_ordinals(lang)), "ordinal_words_to_number"),
                SRC, wording=WORDINGS["ordinal_words_to_number"]),
    table_family(
        "year_to_words", THEME, Metric.NORMALIZED, lambda: _words("en", "year", tuple(YEARS)),
        (
            "Say the year the way people read it aloud.",
            "How is this year spoken in English?",
            "year in words",
            'Write the year in words as it is pronounced, e.g. "1984" -> "nineteen eighty-four".',
            "Spell out the year as a spoken year, not as an amount.",
            "The input is a year written with four digits; write the words an English speaker would say when reading it.",
            "year -> spoken words",
            'Read the year out loud in words. For example "1066" becomes "ten sixty-six".',
            "Could you write this year in words?",
            "Give the spoken English form of the year.",
            "Pronounce the year, in writing.",
            "Write out how a newsreader would say this calendar year, using words only and English year-reading habits.",
        ),
        SRC, wording=WORDINGS["year_to_words"],
    ),
]
