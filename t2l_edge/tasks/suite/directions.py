"""The other direction of operations that have two, so that direction words carry weight: previous / next,
halve / double, shortest / longest, descending / ascending, decode / encode, and sibling pairs (first / last item,
largest / smallest digit). Each row names the row it mirrors in a comment. (Words to number, past tense to
present and capital to country come from the real-data modules.)"""

from __future__ import annotations

import math
import random

from ..format import Metric
from . import conversions, formatting, lexicon, lists
from .family import pick
from .lexicons import ALPHABET, DAYS, SHORT_WORDS, VOWELS, WORDS, number_list, numbers, phrase
from .rows import row
from .wording import Wording

THEME = "directions"
YES_NO = ("yes", "no")


def _unique_shortest(rng: random.Random) -> str:
    while True:
        text = phrase(rng, 2, 5)
        lengths = sorted(len(w) for w in text.split())
        if lengths[0] < lengths[1]:
            return text


def _to_24h(s: str) -> str:
    clock, half = s.split()
    h, m = (int(x) for x in clock.split(":"))
    return f"{h % 12 + (12 if half == 'PM' else 0):02d}:{m:02d}"


def _time_12(rng: random.Random) -> str:
    return conversions._to_12h(f"{rng.randint(0, 23):02d}:{rng.randrange(0, 60, 5):02d}")


def _celsius(f: str) -> str:
    return str(round((int(f) - 32) * 5 / 9))


def _km(m: str) -> str:
    km = int(m) / 1000
    return str(int(km)) if km == int(km) else f"{km:g}"




def _previous_day(text: str) -> str:
    return DAYS[([d[:3].lower() for d in DAYS].index(text[:3].lower()) - 1) % 7]  # "Mon" or "monday"


def _first_name_first(s: str) -> str:
    last, given = s.split(", ")
    return f"{given} {last}"


def _last_first_name(rng: random.Random) -> str:
    return formatting._last_name_first(formatting._full_name(rng))


def _vowel_end_words() -> tuple[str, ...]:
    return tuple(w for w in WORDS if w[-1] in VOWELS)


def _ends_with_vowel(rng: random.Random) -> str:
    """Half the inputs end with a vowel (few words do), half with a consonant."""
    vowel_end = _vowel_end_words()
    return rng.choice(vowel_end if rng.random() < 0.5 else tuple(w for w in WORDS if w not in vowel_end))


def _undouble_input(rng: random.Random) -> str:
    return "".join(c + c for c in rng.choice(SHORT_WORDS))


def _doubled_words(rng: random.Random) -> str:
    return " ".join(f"{w} {w}" for w in phrase(rng, 2, 3, SHORT_WORDS).split())


def _sorted_letters(reverse: bool):
    return lambda w: "".join(sorted(w, reverse=reverse))


def _digits(rng: random.Random) -> str:
    while True:
        n = str(rng.randint(100, 99999))
        if len(set(n)) > 1:
            return n


def _product(s: str) -> str:
    return str(math.prod(int(t) for t in s.split(", ")))


def _divide_input(rng: random.Random) -> str:
    b = rng.randint(2, 9)
    return f"{b * rng.randint(1, 20)} {b}"


def _items(rng: random.Random) -> str:
    return number_list(rng.sample(SHORT_WORDS, rng.randint(3, 5)) if rng.random() < 0.5 else numbers(rng, 3, 6))


def _with_commas(rng: random.Random) -> str:
    return f"{rng.randint(1000, 9_999_999):,}"


FAMILIES = [
    row("previous_number", THEME, Metric.NORMALIZED, lambda rng: str(rng.randint(1, 999)),  # next_number
        lambda s: str(int(s) - 1),
        Wording(("give the number that comes just before this one", "subtract one from the number",
                 "write the previous whole number"),
                ("What number comes right before this one?", "Which number precedes it?"),
                ("previous number", "the number before it"))),
    row("halve_number", THEME, Metric.NORMALIZED, lambda rng: str(2 * rng.randint(1, 50)),  # double_number
        lambda s: str(int(s) // 2),
        Wording(("halve the number", "divide the number by two", "write half of the number"),
                ("What is half of this number?", "What do you get when you cut the number in half?"),
                ("half of it", "halve it"))),
    row("previous_day", THEME, Metric.NORMALIZED, lexicon._day_input, _previous_day,  # next_day
        Wording(("give the day of the week that comes before this one", "name the previous weekday",
                 "write the weekday just before the given one"),
                ("Which day comes before this one?", "What was the day before?"),
                ("previous weekday", "the day before"))),
    row("sort_words_descending", THEME, Metric.EXACT, lambda rng: phrase(rng, 2, 5),  # sort_words
        lambda s: " ".join(sorted(s.split(), reverse=True)),
        Wording(("sort the words in reverse alphabetical order", "put the words in order from z to a",
                 "arrange the words alphabetically, but descending"),
                ("What are the words sorted from z to a?", "How do the words read in reverse dictionary order?"),
                ("words z to a", "sort words descending"))),
    row("shortest_word", THEME, Metric.EXACT, _unique_shortest, lambda s: min(s.split(), key=len),  # longest_word
        Wording(("give the shortest word", "write the word with the fewest letters",
                 "keep only the briefest word of the text"),
                ("Which word is the shortest?", "What is the shortest word here?"),
                ("shortest word", "the shortest word only"))),
    row("fahrenheit_to_celsius", THEME, Metric.NORMALIZED,  # celsius_to_fahrenheit
        lambda rng: str(rng.randrange(-40, 151, 5) * 9 // 5 + 32), _celsius,
        Wording(("convert the temperature from Fahrenheit to Celsius", "write the Fahrenheit reading in degrees "
                 "Celsius", "turn degrees Fahrenheit into degrees Celsius"),
                ("How many degrees Celsius is this Fahrenheit temperature?", "What is this in Celsius?"),
                ("Fahrenheit to Celsius", "F to C"))),
    row("m_to_km", THEME, Metric.NORMALIZED, lambda rng: str(rng.randint(1, 99) * 500), _km,  # km_to_m
        Wording(("convert the metres to kilometres", "write the distance in metres as kilometres",
                 "express the number of meters in km"),
                ("How many kilometres is this many metres?", "What is this distance in km?"),
                ("metres to km", "m to km"))),
    row("days_to_weeks", THEME, Metric.NORMALIZED, lambda rng: str(7 * rng.randint(1, 52)),  # weeks_to_days
        lambda s: str(int(s) // 7),
        Wording(("convert the number of days to weeks", "write how many weeks that many days make",
                 "turn the days into whole weeks"),
                ("How many weeks is this many days?", "How many weeks are in that many days?"),
                ("days to weeks", "days in weeks"))),
    row("time_12_to_24", THEME, Metric.EXACT, _time_12, _to_24h,  # time_24_to_12
        Wording(("convert the time from the 12-hour clock to the 24-hour clock", "write the AM/PM time as "
                 "24-hour time with two-digit hours", "turn the 12-hour time into military time"),
                ("What is this time on a 24-hour clock?", "How is this AM/PM time written in 24-hour format?"),
                ("12h to 24h", "AM/PM to 24-hour"))),
    row("snake_to_words", THEME, Metric.EXACT, formatting._snake, lambda s: " ".join(s.split("_")),  # words_to_snake
        Wording(("turn the snake_case name into plain words separated by spaces",
                 "replace the underscores of the identifier with spaces", "write the snake case name as words"),
                ("What words make up this snake_case name?", "How does the identifier read as plain words?"),
                ("snake case to words", "underscores to spaces"))),
    row("letter_at_position", THEME, Metric.EXACT, lambda rng: str(rng.randint(1, 26)),  # letter_position
        lambda s: ALPHABET[int(s) - 1],
        Wording(("give the letter of the alphabet at this position", "write the lowercase letter whose place in "
                 "the alphabet is the number", "name the alphabet letter number n"),
                ("Which letter of the alphabet is at this position?", "What is the n-th letter of the alphabet?"),
                ("letter at position", "alphabet letter number"))),
    row("remove_thousands_separator", THEME, Metric.EXACT, _with_commas,  # thousands_separator
        lambda s: s.replace(",", ""),
        Wording(("remove the thousands separators from the number", "write the number without its commas",
                 "strip the digit-group commas out of the number"),
                ("What is the number without commas?", "How is the number written with no separators?"),
                ("drop the commas", "no thousands separators"))),
    row("email_user", THEME, Metric.NORMALIZED, formatting._email, lambda s: s.split("@", 1)[0],  # email_domain
        Wording(("give the user name of the e-mail address, the part before the @ sign",
                 "write what comes before the @ in the address", "keep only the local part of the e-mail"),
                ("What is the user name in this e-mail address?", "Who is the mailbox, before the @?"),
                ("e-mail user name", "part before @"))),
    row("file_stem", THEME, Metric.EXACT, formatting._file_name, lambda s: s.rsplit(".", 1)[0],  # file_extension
        Wording(("give the file name without its extension", "drop the dot and the extension from the file name",
                 "write the stem of the file name"),
                ("What is the file name without the extension?", "What is the base name of this file?"),
                ("file stem", "name without extension"))),
    row("count_consonants", THEME, Metric.NORMALIZED, lambda rng: rng.choice(WORDS),  # count_vowels
        lambda w: str(sum(c not in VOWELS for c in w)),
        Wording(("count the consonants in the word", "give the number of letters that are not vowels",
                 "tally every consonant of the word"),
                ("How many consonants are in the word?", "How many of its letters are consonants?"),
                ("consonant count", "count the consonants"))),
    row("keep_vowels", THEME, Metric.EXACT, pick(w for w in WORDS if VOWELS & set(w)),  # remove_vowels
        lambda w: "".join(c for c in w if c in VOWELS),
        Wording(("remove all consonants from the word", "keep only the vowels of the word, in order",
                 "write just the a, e, i, o and u letters of the word"),
                ("What is left of the word without its consonants?", "Which vowels does the word have, in order?"),
                ("only the vowels", "drop the consonants"))),
    row("ends_with_vowel", THEME, Metric.CHOICE, _ends_with_vowel,  # starts_with_vowel
        lambda w: "yes" if w[-1] in VOWELS else "no",
        Wording(("say yes if the word ends with a vowel and no if it does not",
                 "answer yes when the last letter is a vowel, otherwise no",
                 "tell whether the word's final letter is a, e, i, o or u with yes or no"),
                ("Does the word end with a vowel?", "Is the last letter a vowel?"),
                ("ends with a vowel?", "vowel at the end?")), choices=YES_NO),
    row("first_item", THEME, Metric.NORMALIZED, _items, lambda s: s.split(", ")[0],
        Wording(("give the first item of the list", "write the item the list starts with",
                 "keep only the opening entry of the list"),
                ("What is the first item in the list?", "Which entry comes first in the list?"),
                ("first item", "the first entry"))),
    row("last_item", THEME, Metric.NORMALIZED, _items, lambda s: s.split(", ")[-1],
        Wording(("give the last item of the list", "write the item the list ends with",
                 "keep only the closing entry of the list"),
                ("What is the last item in the list?", "Which entry comes last in the list?"),
                ("last item", "the final entry"))),
    row("first_name_first", THEME, Metric.EXACT, _last_first_name, _first_name_first,  # last_name_first
        Wording(('turn "Last, First" back into the first name followed by the last name',
                 "write the name in the ordinary order, given name first",
                 "undo the comma: put the first name before the surname"),
                ("What is this name written first name first?", "How does the name read in natural order?"),
                ("first name first", "surname last"))),
    row("divide", THEME, Metric.NORMALIZED, _divide_input,  # multiply
        lambda s: str(int(s.split()[0]) // int(s.split()[1])),
        Wording(("divide the first number by the second", "write the quotient of the two numbers, first over second",
                 "split the first number into as many equal parts as the second and give one part"),
                ("What is the first number divided by the second?", "What is their quotient?"),
                ("divide them", "first over second"))),
    row("undouble_letters", THEME, Metric.EXACT, _undouble_input, lambda w: w[::2],  # double_letters
        Wording(("write each doubled letter only once", "undo the doubling: keep one of every pair of letters",
                 "halve the stuttered word back to its normal spelling"),
                ("What is the word with its doubled letters written once?", "Which word is this, un-doubled?"),
                ("undouble letters", "each pair once"))),
    row("sort_letters", THEME, Metric.EXACT, lambda rng: rng.choice(WORDS), _sorted_letters(False),
        Wording(("sort the letters of the word alphabetically", "rearrange the letters in order from a to z",
                 "write the word's letters in alphabetical order"),
                ("What are the letters of the word in alphabetical order?", "How do its letters look sorted a to z?"),
                ("letters a to z", "sort the letters"))),
    row("sort_letters_descending", THEME, Metric.EXACT, lambda rng: rng.choice(WORDS), _sorted_letters(True),
        Wording(("sort the letters of the word in reverse alphabetical order",
                 "rearrange the letters in order from z to a", "write the word's letters in descending order"),
                ("What are the letters of the word from z to a?", "How do its letters look sorted backwards?"),
                ("letters z to a", "sort letters descending"))),
    row("largest_digit", THEME, Metric.NORMALIZED, _digits, lambda s: max(s),
        Wording(("give the largest digit of the number", "write the biggest digit that appears in the number",
                 "find the highest of the number's digits"),
                ("What is the largest digit in this number?", "Which digit of the number is the greatest?"),
                ("largest digit", "the biggest digit"))),
    row("smallest_digit", THEME, Metric.NORMALIZED, _digits, lambda s: min(s),
        Wording(("give the smallest digit of the number", "write the lowest digit that appears in the number",
                 "find the least of the number's digits"),
                ("What is the smallest digit in this number?", "Which digit of the number is the lowest?"),
                ("smallest digit", "the lowest digit"))),
    row("product_of_list", THEME, Metric.NORMALIZED,  # sum_of_list
        lambda rng: number_list(rng.randint(1, 9) for _ in range(rng.randint(2, 3))), _product,
        Wording(("multiply all the numbers of the list together", "give the product of the numbers",
                 "write what you get when you multiply every number in the list"),
                ("What is the product of these numbers?", "What do the numbers multiply to?"),
                ("product of list", "multiply them all"))),
    row("undouble_each_word", THEME, Metric.EXACT, _doubled_words,  # double_each_word
        lambda s: " ".join(s.split()[::2]),
        Wording(("write each repeated word only once", "undo the doubling: keep one of every pair of words",
                 "drop the second copy of every word"),
                ("What are the words with each pair written once?", "Which words are these, un-doubled?"),
                ("each word once", "undouble the words"))),
    row("split_dashes", THEME, Metric.EXACT, lambda rng: "-".join(lists._items(lists._word_list(rng))),
        lambda s: ", ".join(s.split("-")),  # join_with_dashes
        Wording(("split the dashed words into a comma-separated list", "replace each dash with a comma and a space",
                 "turn the hyphen-joined words back into a list with commas"),
                ("What is the list if you split at the dashes?", "Which items are joined by the dashes?"),
                ("dashes to commas", "split the dashes"))),
]
