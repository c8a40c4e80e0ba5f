"""Parameterized operations: the parameter ("add 7", "join with a slash", "the third word") is named in the
description, so a row can only be done by reading it. One row per value; both directions where there are two
(add / subtract, round up / down, to / from a base, after / before, prefix / suffix, first / last, join / split)."""

from __future__ import annotations

import math
import random

from ..format import Metric
from .lexicons import ALPHABET, DAYS, MONTHS, SHORT_WORDS, WORDS, number_list, parse_numbers, phrase
from .rows import Parameterized, Value, numbers
from .wording import Wording

DIGITS = "0123456789abcdef"


# -- arithmetic ---------------------------------------------------------------------------------------------------


def _up_to(top: int):
    return lambda n, rng: str(rng.randint(0, top))


def _multiple_of(n: int, rng: random.Random) -> str:
    return str(n * rng.randint(0, 20))


def _no_tie(n: int, rng: random.Random) -> str:
    """A number to round to a multiple of `n` that is not halfway between two multiples (no tie to break)."""
    while True:
        x = rng.randint(1, 100 * n - 1)
        if x % n != n // 2 and x % n:
            return str(x)


def _round(mode, n: int, x: str) -> str:
    return str(mode(int(x) / n) * n)


def _nearest(v: float) -> int:
    return math.floor(v + 0.5)


def _to_base(b: int, x: str) -> str:
    n, out = int(x), ""
    while True:
        n, d = divmod(n, b)
        out = DIGITS[d] + out
        if not n:
            return out


def _base_input(b: int, rng: random.Random) -> str:
    return _to_base(b, str(rng.randint(2, 255)))


def _short_number(n: int, rng: random.Random) -> str:
    return str(rng.randint(1, 10 ** (n - 1) - 1))


ARITHMETIC = [
    Parameterized(
        "add_n", Metric.NORMALIZED, _up_to(99), lambda n, x: str(int(x) + n),
        Wording(("add {v} to the number", "increase the number by {v}", "write the number plus {v}"),
                ("What is the number plus {v}?", "What do you get when you add {v} to it?"),
                ("plus {v}", "add {v} to it")),
        numbers(3, 5, 10, 20),
    ),
    Parameterized(
        "subtract_n", Metric.NORMALIZED, lambda n, rng: str(rng.randint(n, 120)), lambda n, x: str(int(x) - n),
        Wording(("subtract {v} from the number", "decrease the number by {v}", "take {v} away from the number"),
                ("What is the number minus {v}?", "What is left when you take away {v}?"),
                ("minus {v}", "subtract {v} from it")),
        numbers(3, 5, 10, 20),
    ),
    Parameterized(
        "multiply_by_n", Metric.NORMALIZED, _up_to(20), lambda n, x: str(int(x) * n),
        Wording(("multiply the number by {v}", "write {v} times the number", "scale the number by a factor of {v}"),
                ("What is the number times {v}?", "What do you get if you multiply it by {v}?"),
                ("times {v}", "multiply it by {v}")),
        numbers(3, 4, 5, 9),
    ),
    Parameterized(
        "divide_by_n", Metric.NORMALIZED, _multiple_of, lambda n, x: str(int(x) // n),
        Wording(("divide the number by {v}", "split the number into {v} equal parts and give one part",
                 "write the number divided by {v}"),
                ("What is the number divided by {v}?", "What do you get if you divide it by {v}?"),
                ("divided by {v}", "divide it by {v}")),
        numbers(2, 3, 5, 10),
    ),
    Parameterized(
        "remainder_n", Metric.NORMALIZED, _up_to(99), lambda n, x: str(int(x) % n),
        Wording(("give the remainder when the number is divided by {v}", "compute the number modulo {v}",
                 "write what is left over after dividing the number by {v}"),
                ("What is the remainder of the number divided by {v}?", "What is the number mod {v}?"),
                ("modulo {v}", "remainder after dividing by {v}")),
        numbers(3, 5, 7),
    ),
    Parameterized(
        "round_to_nearest", Metric.NORMALIZED, _no_tie, lambda n, x: _round(_nearest, n, x),
        Wording(("round the number to the nearest {v}", "write the multiple of {v} that is closest to the number",
                 "round it off to the closest multiple of {v}"),
                ("What is the number rounded to the nearest {v}?", "Which multiple of {v} is nearest to it?"),
                ("nearest {v}", "round to nearest {v}")),
        numbers(10, 100, 1000),
    ),
    Parameterized(
        "round_down_to", Metric.NORMALIZED, _no_tie, lambda n, x: _round(math.floor, n, x),
        Wording(("round the number down to a multiple of {v}", "write the largest multiple of {v} that is not above "
                 "the number", "cut the number down to a multiple of {v}"),
                ("What is the number rounded down to a multiple of {v}?",
                 "Which multiple of {v} is just below or equal to it?"),
                ("round down, {v}", "floor to {v}")),
        numbers(10, 100, 1000),
    ),
    Parameterized(
        "round_up_to", Metric.NORMALIZED, _no_tie, lambda n, x: _round(math.ceil, n, x),
        Wording(("round the number up to a multiple of {v}", "write the smallest multiple of {v} that is not below "
                 "the number", "raise the number up to a multiple of {v}"),
                ("What is the number rounded up to a multiple of {v}?",
                 "Which multiple of {v} is just above or equal to it?"),
                ("round up, {v}", "ceiling to {v}")),
        numbers(10, 100, 1000),
    ),
    Parameterized(
        "pad_digits", Metric.EXACT, _short_number, lambda n, x: x.zfill(n),
        Wording(("pad the number with leading zeros to {v} digits", "write the number with exactly {v} digits, "
                 "adding zeros in front", "zero-fill the number to a width of {v}"),
                ("What is the number padded with zeros to {v} digits?", "How does it look as a {v}-digit number?"),
                ("pad to {v} digits", "{v}-digit zero padding")),
        numbers(3, 4, 6),
    ),
    Parameterized(
        "to_base", Metric.EXACT, _up_to(255), _to_base,
        Wording(("write the number in base {v}", "convert the decimal number to {name}",
                 "express the number using base-{v} digits"),
                ("What is the number in base {v}?", "How is this decimal number written in {name}?"),
                ("to base {v}", "decimal to {name}")),
        tuple(Value(str(b), b, {"v": str(b), "name": name}) for b, name in (
            (2, "binary"), (8, "octal"), (16, "hexadecimal"))),
    ),
    Parameterized(
        "from_base", Metric.NORMALIZED, _base_input, lambda b, x: str(int(x, b)),
        Wording(("read the number as base {v} and write it in decimal", "convert the {name} number to decimal",
                 "turn the base-{v} digits into an ordinary decimal number"),
                ("What is this base-{v} number in decimal?", "Which decimal number is this {name} number?"),
                ("base {v} to decimal", "{name} to decimal")),
        tuple(Value(str(b), b, {"v": str(b), "name": name}) for b, name in (
            (2, "binary"), (8, "octal"), (16, "hexadecimal"))),
    ),
]


# -- words and letters --------------------------------------------------------------------------------------------


def _words_at_least(k: int, rng: random.Random) -> str:
    return phrase(rng, max(k, 2), max(k, 2) + 2, SHORT_WORDS)


def _word_at_least(k: int, rng: random.Random) -> str:
    """A word longer than `k` letters (so that "the first k letters" is not the whole word)."""
    return rng.choice([w for w in WORDS if len(w) > k])


def _containing(letter: str, rng: random.Random) -> str:
    while True:
        text = phrase(rng, 1, 3)
        if letter in text:
            return text


def _often_containing(letter: str, rng: random.Random) -> str:
    """Mostly texts with the letter (so the count is not nearly always 0), sometimes any text."""
    return _containing(letter, rng) if rng.random() < 0.75 else phrase(rng, 1, 3)


def _shift(k: int, text: str) -> str:
    return "".join(ALPHABET[(ALPHABET.index(c) + k) % 26] if c in ALPHABET else c for c in text)


def _short_words(rng: random.Random) -> str:
    return phrase(rng, 2, 4, SHORT_WORDS)


SEPARATORS = (("dash", "-", "dash", "a dash"), ("underscore", "_", "underscore", "an underscore"),
              ("plus", "+", "plus sign", "a plus sign"), ("slash", "/", "slash", "a slash"),
              ("dot", ".", "dot", "a dot"))
_SEPARATOR_VALUES = tuple(Value(slug, sep, {"v": noun, "a": with_article, "s": sep})
                          for slug, sep, noun, with_article in SEPARATORS)
LETTERS = "aeot"

WORDS_AND_LETTERS = [
    Parameterized(
        "join_words_with", Metric.EXACT, lambda sep, rng: _short_words(rng), lambda sep, x: sep.join(x.split()),
        Wording(("join the words with {a} ({s}) instead of spaces", "replace each space between the words with {a}",
                 "glue the words together using {a} as the separator"),
                ("What are the words joined by {a}?", "How do the words look with {a} between them?"),
                ("join using {s}", "spaces to {v}")),
        _SEPARATOR_VALUES,
    ),
    Parameterized(
        "split_words_on", Metric.EXACT, lambda sep, rng: sep.join(_short_words(rng).split()),
        lambda sep, x: " ".join(x.split(sep)),
        Wording(("split the text at every {v} ({s}) and separate the parts with spaces",
                 "replace each {v} between the words with a space",
                 "turn the {v}-separated words back into words separated by spaces"),
                ("What are the words if you split at each {v}?", "How does it read with spaces instead of the {v}s?"),
                ("split on {s}", "{v} to spaces")),
        _SEPARATOR_VALUES,
    ),
    Parameterized(
        "kth_word", Metric.EXACT, _words_at_least, lambda k, x: x.split()[k - 1],
        Wording(("keep only the {ord} word", "write the word in position {v}, counting from the start",
                 "give the {ord} word of the text and nothing else"),
                ("What is the {ord} word?", "Which word comes {ord} in this text?"),
                ("{ord} word", "the {ord} word only")),
        numbers(2, 3, 4),
    ),
    Parameterized(
        "kth_word_from_end", Metric.EXACT, _words_at_least, lambda k, x: x.split()[-k],
        Wording(("keep only the {ord} word from the end", "write the word in position {v}, counting from the end",
                 "give the {ord}-to-last word of the text and nothing else"),
                ("What is the {ord} word from the end?", "Which word is {ord} counting backwards from the last?"),
                ("{ord}-to-last word", "{ord} word from the end")),
        numbers(2, 3),
    ),
    Parameterized(
        "kth_letter", Metric.EXACT, _word_at_least, lambda k, x: x[k - 1],
        Wording(("give the {ord} letter of the word", "write the letter in position {v} of the word",
                 "keep only the {ord} character, counting from the start"),
                ("What is the {ord} letter of the word?", "Which letter is in position {v}?"),
                ("{ord} letter", "the {ord} letter only")),
        numbers(2, 3, 4),
    ),
    Parameterized(
        "kth_letter_from_end", Metric.EXACT, _word_at_least, lambda k, x: x[-k],
        Wording(("give the {ord} letter from the end of the word", "write the letter in position {v} counting "
                 "from the end", "keep only the {ord}-to-last character"),
                ("What is the {ord} letter from the end?", "Which letter is {ord} counting backwards from the end?"),
                ("{ord}-to-last letter", "{ord} letter from the end")),
        numbers(2, 3),
    ),
    Parameterized(
        "first_n_letters", Metric.EXACT, _word_at_least, lambda n, x: x[:n],
        Wording(("keep the first {v} letters of the word", "write only the opening {v} characters",
                 "cut the word after its first {v} letters"),
                ("What are the first {v} letters of the word?", "Which {v} letters does the word start with?"),
                ("first {v} letters", "the first {v} characters")),
        numbers(2, 3, 4),
    ),
    Parameterized(
        "last_n_letters", Metric.EXACT, _word_at_least, lambda n, x: x[-n:],
        Wording(("keep the last {v} letters of the word", "write only the closing {v} characters",
                 "drop everything but the final {v} letters"),
                ("What are the last {v} letters of the word?", "Which {v} letters does the word end with?"),
                ("last {v} letters", "the last {v} characters")),
        numbers(2, 3, 4),
    ),
    Parameterized(
        "shift_letters_by", Metric.EXACT, lambda k, rng: rng.choice(SHORT_WORDS), _shift,
        Wording(("shift each letter {v} places forward in the alphabet, wrapping from z to a",
                 "replace every letter with the one {v} places after it in the alphabet",
                 "apply a Caesar shift of {v} to the word"),
                ("What is the word with every letter moved {v} places forward?",
                 "How does the word read after a forward shift of {v}?"),
                ("shift forward {v}", "Caesar shift +{v}")),
        numbers(2, 3, 13),
    ),
    Parameterized(
        "shift_letters_back_by", Metric.EXACT, lambda k, rng: rng.choice(SHORT_WORDS), lambda k, x: _shift(-k, x),
        Wording(("shift each letter {v} places back in the alphabet, wrapping from a to z",
                 "replace every letter with the one {v} places before it in the alphabet",
                 "undo a Caesar shift of {v} on the word"),
                ("What is the word with every letter moved {v} places back?",
                 "How does the word read after a backward shift of {v}?"),
                ("shift back {v}", "Caesar shift -{v}")),
        numbers(1, 2, 3),
    ),
    Parameterized(
        "repeat_word_times", Metric.EXACT, lambda n, rng: rng.choice(WORDS), lambda n, x: " ".join([x] * n),
        Wording(("write the word {v} times, separated by spaces", "repeat the word so that it appears {v} times",
                 "say the word {v} times in a row"),
                ("What is the word repeated {v} times?", "How does the word look written out {v} times?"),
                ("{v} times", "repeat it {v} times")),
        numbers(3, 4, 5),
    ),
    Parameterized(
        "count_letter", Metric.NORMALIZED, _often_containing, lambda c, x: str(x.count(c)),
        Wording(("count how many times the letter {v} appears", "give the number of {v}'s in the text",
                 "tally every letter {v} in the input"),
                ("How many times does the letter {v} appear?", "How many {v}'s are in the text?"),
                ("count the {v}'s", "number of {v}'s")),
        tuple(Value(c, c, {"v": c}) for c in LETTERS),
    ),
    Parameterized(
        "remove_letter", Metric.EXACT, _containing, lambda c, x: x.replace(c, ""),
        Wording(("remove every letter {v} from the text", "delete each {v} and keep everything else",
                 "write the text with all {v}'s taken out"),
                ("What is the text without any {v}?", "How does the text read with its {v}'s removed?"),
                ("drop the {v}'s", "no letter {v}")),
        tuple(Value(c, c, {"v": c}) for c in LETTERS),
    ),
]


# -- affixes, brackets, calendars, lists ------------------------------------------------------------------------------

PREFIXES = ("un", "re", "mis")
SUFFIXES = ("ing", "er", "ness")
BRACKETS = (("parentheses", "()", "round brackets"), ("square", "[]", "square brackets"),
            ("curly", "{}", "curly braces"), ("stars", "**", "asterisks"))


def _affixed(at_start: bool):
    """Sampler of words that carry the affix (the parameter) at the start or the end."""

    def sample(affix: str, rng: random.Random) -> str:
        w = rng.choice(WORDS)
        return affix + w if at_start else w + affix

    return sample


def _calendar_input(names: tuple[str, ...]):
    """Sampler: a name as written, in lower or upper case, or abbreviated to three letters."""
    forms = tuple(f for n in names for f in (n, n.lower(), n.upper(), n[:3]))
    return lambda k, rng: rng.choice(forms)


def _calendar_shift(names: tuple[str, ...], sign: int, k: int, x: str) -> str:
    """The name `k` places after (sign 1) or before (sign -1) `x`, written in full."""
    short = [n[:3].lower() for n in names]
    return names[(short.index(x[:3].lower()) + sign * k) % len(names)]


def _nums(rng: random.Random) -> str:
    return number_list(rng.sample(range(100), rng.randint(5, 7)))


def _threshold_list(t: int, rng: random.Random) -> str:
    """Numbers on both sides of `t` (none equal to it), so neither filter comes out empty."""
    while True:
        values = [v for v in rng.sample(range(100), rng.randint(4, 6)) if v != t]
        if any(v > t for v in values) and any(v < t for v in values):
            return number_list(values)


AFFIXES_AND_MORE = [
    Parameterized(
        "add_prefix", Metric.EXACT, lambda p, rng: rng.choice(WORDS), lambda p, x: p + x,
        Wording(("attach {v} to the front of the word", "add the prefix {v} to the start of the word",
                 "begin the word with the letters {v}"),
                ("What is the word with the prefix {v}?", "How does the word look with {v} added at the front?"),
                ("prefix {v}", "add prefix {v}")),
        tuple(Value(p, p, {"v": p}) for p in PREFIXES),
    ),
    Parameterized(
        "add_suffix", Metric.EXACT, lambda s, rng: rng.choice(WORDS), lambda s, x: x + s,
        Wording(("attach {v} to the end of the word", "add the suffix {v} to the end of the word",
                 "finish the word with the letters {v}"),
                ("What is the word with the suffix {v}?", "How does the word look with {v} added at the end?"),
                ("suffix {v}", "add suffix {v}")),
        tuple(Value(s, s, {"v": s}) for s in SUFFIXES),
    ),
    Parameterized(
        "remove_prefix", Metric.EXACT, _affixed(True), lambda p, x: x[len(p):],
        Wording(("take the prefix {v} off the start of the word", "remove the leading {v} from the word",
                 "strip the letters {v} from the beginning of the word"),
                ("What is the word without its prefix {v}?", "What is left once the leading {v} is removed?"),
                ("strip prefix {v}", "remove prefix {v}")),
        tuple(Value(p, p, {"v": p}) for p in PREFIXES),
    ),
    Parameterized(
        "remove_suffix", Metric.EXACT, _affixed(False), lambda s, x: x[: -len(s)],
        Wording(("take the suffix {v} off the end of the word", "remove the trailing {v} from the word",
                 "strip the letters {v} from the end of the word"),
                ("What is the word without its suffix {v}?", "What is left once the trailing {v} is removed?"),
                ("strip suffix {v}", "remove suffix {v}")),
        tuple(Value(s, s, {"v": s}) for s in SUFFIXES),
    ),
    Parameterized(
        "wrap_in", Metric.EXACT, lambda b, rng: rng.choice(WORDS), lambda b, x: b[0] + x + b[1],
        Wording(("wrap the word in {v}", "put the word between {v}", "enclose the word with {v} on both sides"),
                ("What is the word wrapped in {v}?", "How does the word look inside {v}?"),
                ("wrap in {v}", "inside {v}")),
        tuple(Value(slug, pair, {"v": name}) for slug, pair, name in BRACKETS),
    ),
    Parameterized(
        "weekday_after", Metric.NORMALIZED, _calendar_input(DAYS), lambda k, x: _calendar_shift(DAYS, 1, k, x),
        Wording(("give the day of the week that is {v} days after the given day",
                 "count {v} days forward from the weekday and name the day you reach",
                 "name the weekday {v} days later"),
                ("Which day is it {v} days after this one?", "What weekday comes {v} days later?"),
                ("{v} days later", "day plus {v}")),
        numbers(2, 3, 4),
    ),
    Parameterized(
        "weekday_before", Metric.NORMALIZED, _calendar_input(DAYS),
        lambda k, x: _calendar_shift(DAYS, -1, k, x),
        Wording(("give the day of the week that is {v} days before the given day",
                 "count {v} days back from the weekday and name the day you reach",
                 "name the weekday {v} days earlier"),
                ("Which day was it {v} days before this one?", "What weekday comes {v} days earlier?"),
                ("{v} days earlier", "day minus {v}")),
        numbers(2, 3, 4),
    ),
    Parameterized(
        "month_after", Metric.NORMALIZED, _calendar_input(MONTHS),
        lambda k, x: _calendar_shift(MONTHS, 1, k, x),
        Wording(("give the month that is {v} months after the given month",
                 "count {v} months forward from the month and name the month you reach",
                 "name the month {v} months later"),
                ("Which month is it {v} months after this one?", "What month comes {v} months later?"),
                ("{v} months later", "month plus {v}")),
        numbers(2, 3, 6),
    ),
    Parameterized(
        "month_before", Metric.NORMALIZED, _calendar_input(MONTHS),
        lambda k, x: _calendar_shift(MONTHS, -1, k, x),
        Wording(("give the month that is {v} months before the given month",
                 "count {v} months back from the month and name the month you reach",
                 "name the month {v} months earlier"),
                ("Which month was it {v} months before this one?", "What month comes {v} months earlier?"),
                ("{v} months earlier", "month minus {v}")),
        numbers(2, 3, 6),
    ),
    Parameterized(
        "first_n_items", Metric.NORMALIZED, lambda n, rng: _nums(rng), lambda n, x: number_list(parse_numbers(x)[:n]),
        Wording(("keep the first {v} numbers of the list", "write only the opening {v} items of the list",
                 "cut the list after its first {v} entries"),
                ("What are the first {v} numbers in the list?", "Which {v} items does the list start with?"),
                ("first {v} items", "the first {v} numbers")),
        numbers(2, 3),
    ),
    Parameterized(
        "last_n_items", Metric.NORMALIZED, lambda n, rng: _nums(rng), lambda n, x: number_list(parse_numbers(x)[-n:]),
        Wording(("keep the last {v} numbers of the list", "write only the closing {v} items of the list",
                 "drop everything but the final {v} entries of the list"),
                ("What are the last {v} numbers in the list?", "Which {v} items does the list end with?"),
                ("last {v} items", "the last {v} numbers")),
        numbers(2, 3),
    ),
    Parameterized(
        "keep_greater_than", Metric.NORMALIZED, _threshold_list,
        lambda t, x: number_list(v for v in parse_numbers(x) if v > t),
        Wording(("keep only the numbers greater than {v}", "remove every number below {v} from the list",
                 "filter the list down to the values above {v}"),
                ("Which numbers in the list are greater than {v}?", "What is left after dropping those below {v}?"),
                ("only above {v}", "greater than {v}")),
        numbers(30, 50, 70),
    ),
    Parameterized(
        "keep_less_than", Metric.NORMALIZED, _threshold_list,
        lambda t, x: number_list(v for v in parse_numbers(x) if v < t),
        Wording(("keep only the numbers less than {v}", "remove every number above {v} from the list",
                 "filter the list down to the values below {v}"),
                ("Which numbers in the list are less than {v}?", "What is left after dropping those above {v}?"),
                ("only below {v}", "less than {v}")),
        numbers(30, 50, 70),
    ),
]

# One theme per subject, not one for the whole module: "parameterized" says how rows are built, not what they do,
# and as one theme it would be a fifth of the training rows (issue 19: no theme over 15%).
SUBJECTS = {
    "parameterized_arithmetic": ARITHMETIC,
    "parameterized_words_letters": WORDS_AND_LETTERS,
    "parameterized_affixes_dates_lists": AFFIXES_AND_MORE,
}
THEMES = tuple(SUBJECTS)
OPERATIONS = [op for ops in SUBJECTS.values() for op in ops]
FAMILIES = [family for theme, ops in SUBJECTS.items() for op in ops for family in op.rows(theme)]
