"""Look-ups in small built-in tables: plurals, antonyms, capitals, past tenses, number words, months, weekdays."""

from __future__ import annotations

from ..format import Metric
from .family import pick
from .lexicons import ANTONYMS, CAPITALS, DAYS, MONTHS, PAST_TENSE, PLURALS, SINGULARS, spell
from .rows import hand_written
from .wording import Wording

THEME = "lexicon"

_MONTH_NUMBER = {**{m: i for i, m in enumerate(MONTHS, 1)}, **{m.lower(): i for i, m in enumerate(MONTHS, 1)},
                 **{m[:3]: i for i, m in enumerate(MONTHS, 1)}}


def _month_number_input(rng) -> str:
    return rng.choice(tuple(_MONTH_NUMBER))


def _month_name_input(rng) -> str:
    n = rng.randint(1, 12)
    return f"{n:02d}" if rng.random() < 0.5 else str(n)


def _day_input(rng) -> str:
    day = rng.choice(DAYS)
    return day if rng.random() < 0.5 else day.lower()


def _next_day(text: str) -> str:
    i = [d.lower() for d in DAYS].index(text.lower())
    return DAYS[(i + 1) % 7]


FAMILIES = [
    hand_written(
        "plural", THEME, Metric.NORMALIZED, pick(PLURALS), PLURALS.__getitem__,
        descriptions=(
            "Give the plural of the noun.",
            "What is the plural form of this word?",
            "plural",
            'Write the word for more than one, e.g. "child" -> "children".',
            "Turn the singular noun into its plural.",
            "How do you say many of these?",
            "pluralize",
            "Change the noun so that it talks about several things instead of one, using the correct English "
            "plural even when it is irregular.",
            "Make the word plural.",
            "Return the plural spelling.",
            "Plural form?",
            'Write the noun in the plural. For example "box" becomes "boxes".',
            "One becomes many: what is the word?",
        ),
        wording=Wording(
            ("give the plural form of the noun", "write the noun in the plural",
             "turn the noun into its plural, irregular or not"),
            ("What is this noun in the plural?", "How do you write more than one of these?"),
            ("plural, please", "make it plural"),
        ),
    ),
    hand_written(
        "singular", THEME, Metric.NORMALIZED, pick(SINGULARS), SINGULARS.__getitem__,
        descriptions=(
            "Give the singular of the noun.",
            "What is the singular form of this word?",
            "singular",
            'Write the word for just one, e.g. "children" -> "child".',
            "Turn the plural noun into its singular.",
            "How do you say one of these?",
            "singularize",
            "Change the noun so that it talks about a single thing instead of several, undoing regular and "
            "irregular English plurals.",
            "Make the word singular.",
            "Return the singular spelling.",
            "Singular form?",
            'Write the noun in the singular. For example "boxes" becomes "box".',
            "Many becomes one: what is the word?",
        ),
        wording=Wording(
            ("give the singular form of the noun", "write the noun in the singular",
             "turn the plural noun back into its singular"),
            ("What is this noun in the singular?", "How do you write just one of these?"),
            ("singular, please", "make it singular"),
        ),
    ),
    hand_written(
        "antonym", THEME, Metric.NORMALIZED, pick(ANTONYMS), ANTONYMS.__getitem__,
        descriptions=(
            "Give the opposite of the word.",
            "What is the antonym?",
            "antonym",
            'Write a word that means the reverse, e.g. "hot" -> "cold".',
            "What word means the opposite of this one?",
            "Return the antonym of the input.",
            "opposite",
            "Think of the word whose meaning is exactly contrary to the given word and write that word.",
            "Can you name the opposite?",
            "Flip the meaning of the word.",
            "Opposite word?",
            'Tell me the antonym. For example "full" gives "empty".',
            "Answer with the word of opposite meaning.",
        ),
        wording=Wording(
            ("give a word with the opposite meaning", "write the antonym of the word",
             "answer with the opposite of the given word"),
            ("What is the opposite of this word?", "Which word means the reverse of this one?"),
            ("the opposite", "antonym, please"),
        ),
    ),
    hand_written(
        "capital_of_country", THEME, Metric.NORMALIZED, pick(CAPITALS), CAPITALS.__getitem__,
        descriptions=(
            "What is the capital of the country?",
            "Name the capital city.",
            "capital",
            'Give the capital of the country, e.g. "France" -> "Paris".',
            "Which city is the capital of this country?",
            "Return the country's capital city.",
            "country to capital",
            "Think of the city where the national government of the given country sits and write its name.",
            "Tell me the capital.",
            "Answer with the capital city of the nation.",
            "Capital city?",
            'What is the capital? For example "Japan" gives "Tokyo".',
            "Write the name of the country's capital.",
        ),
        wording=Wording(
            ("give the capital city of the country", "name the capital of the given country",
             "write the city that is the country's capital"),
            ("What is this country's capital?", "Which city is the capital here?"),
            ("national capital", "its capital"),
        ),
    ),
    hand_written(
        "past_tense", THEME, Metric.NORMALIZED, pick(PAST_TENSE), PAST_TENSE.__getitem__,
        descriptions=(
            "Give the past tense of the verb.",
            "What is the simple past form of this verb?",
            "past tense",
            'Write the verb as it happened yesterday, e.g. "go" -> "went".',
            "Turn the verb into the past tense.",
            "How would you say this verb in the past?",
            "simple past",
            "Change the verb from the present to the simple past, using the irregular form when the verb has one.",
            "Put the verb in the past.",
            "Return the past-tense form.",
            "Past form?",
            'Conjugate the verb in the past tense. For example "walk" becomes "walked".',
            "What did they do? Give the past of the verb.",
        ),
        wording=Wording(
            ("give the simple past of the verb", "put the verb in the past tense",
             "write the past-tense form of the verb, irregular or not"),
            ("What is this verb in the past tense?", "How is this verb written in the past?"),
            ("past tense, please", "make it past"),
        ),
    ),
    hand_written(
        "spell_number", THEME, Metric.NORMALIZED, lambda rng: str(rng.randint(0, 99)), lambda s: spell(int(s)),
        descriptions=(
            "Write the number in words.",
            "Spell out the number.",
            "number to words",
            'Write the number as English words, e.g. "42" -> "forty-two".',
            "How do you write this number in letters?",
            "Convert the digits into the English name of the number.",
            "in words",
            "Read the number aloud in English and write down exactly what you would say, with a hyphen between tens "
            "and units.",
            "What is this number spelled out?",
            "Return the English word for the number.",
            "Spell it out.",
            'Give the number written with words instead of digits. For example "3" gives "three".',
            "Digits to words, please.",
        ),
        wording=Wording(
            ("spell the number out as English words",
             "spell the number in words, with a hyphen between tens and units",
             "turn the digits into the English name of the number"),
            ("How is this number written in words?", "What is the number spelled out in English?"),
            ("spell out the number", "digits to words"),
        ),
    ),
    hand_written(
        "month_number", THEME, Metric.NORMALIZED, _month_number_input, lambda s: str(_MONTH_NUMBER[s]),
        descriptions=(
            "Which number is this month?",
            "Convert the month name to its number.",
            "month to number",
            'Give the month as a number from 1 to 12, e.g. "March" -> "3".',
            "What is the number of this month in the year?",
            "Return the month's position in the calendar, January being 1.",
            "month number",
            "Count the months from January up to the given month and answer with that count.",
            "Month name to number, please.",
            "Turn the month into a number.",
            "Number of the month?",
            'Write the month as its number. For example "Oct" gives "10".',
            "Tell me which month of the year it is, as a number.",
        ),
        wording=Wording(
            ("give the number of the month, from 1 for January to 12 for December",
             "turn the month name into its number", "write which month of the year it is, as a number"),
            ("What number does this month have?", "Which month of the year is this, as a number?"),
            ("month as a number", "month name to number"),
        ),
    ),
    hand_written(
        "month_name", THEME, Metric.NORMALIZED, _month_name_input, lambda s: MONTHS[int(s) - 1],
        descriptions=(
            "Which month has this number?",
            "Convert the month number to its name.",
            "number to month",
            'Give the name of the month, e.g. "3" -> "March".',
            "What is the name of month number n?",
            "Return the month whose position in the year is given, 1 being January.",
            "month name",
            "Count that many months starting from January and write the name of the month you end on.",
            "Month number to name, please.",
            "Turn the number into a month.",
            "Name of the month?",
            'Write the month name for the number. For example "12" gives "December".',
            "Tell me which month of the year this number stands for.",
        ),
        wording=Wording(
            ("give the name of the month with this number", "turn the month number into the month's name",
             "write the month that the number stands for, 1 being January"),
            ("What is this month called?", "Which month is month number n?"),
            ("name the month", "month number to name"),
        ),
    ),
    hand_written(
        "next_day", THEME, Metric.NORMALIZED, _day_input, _next_day,
        descriptions=(
            "What day comes after this one?",
            "Give the next day of the week.",
            "next day",
            'Write the following weekday, e.g. "Monday" -> "Tuesday".',
            "Which day of the week follows the given day?",
            "Return tomorrow's weekday if today is the given day.",
            "day after",
            "Go one step forward in the week, wrapping from Sunday back to Monday, and write that day.",
            "If today is this day, what is tomorrow?",
            "Move one day forward.",
            "The day after?",
            'Name the day that comes next. For example "Sunday" gives "Monday".',
            "Tell me which weekday follows.",
        ),
        wording=Wording(
            ("give the day of the week that comes after this one", "name the following weekday",
             "write the next day of the week, with Sunday followed by Monday"),
            ("Which weekday comes next?", "What day follows this one?"),
            ("the next day", "following weekday"),
        ),
    ),
]
