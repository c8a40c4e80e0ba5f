"""Reformat a value the way an app stores or shows it: dates between US, written and ISO forms, US phone numbers,
"Last, F." names, URL slugs of titles, and amounts of money in a country's currency format (babel's CLDR data)."""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal

from ...errors import InvalidInputError
from ..format import Metric
from .appdata import FAKER, date_value, faker, money, parse_date, person, written_date
from .family import MAX_OUTPUT_CHARS
from .realdata import source
from .rows import GENERATED, row
from .wording import Wording

THEME = "reformat"
CLDR = source("babel")


# -- dates ----------------------------------------------------------------------------------------------------------


def _us_date(rng: random.Random) -> str:
    return date_value(rng).strftime("%m/%d/%Y")


def _us_to_iso(text: str) -> str:
    return dt.datetime.strptime(text, "%m/%d/%Y").date().isoformat()


def _iso_to_us(text: str) -> str:
    return dt.date.fromisoformat(text).strftime("%m/%d/%Y")


def _written(rng: random.Random) -> str:
    return written_date(date_value(rng), rng.choice(("en_US", "en_GB")))


# -- phone numbers --------------------------------------------------------------------------------------------------
# North American numbers: a three-digit area code and exchange that start with 2-9, then four digits, as people type
# them ("555.201.4567", "555 201 4567", "(555) 201-4567", "+1 555 201 4567").

PHONE_STYLES = ("{a}{e}{n}", "{a}.{e}.{n}", "{a}-{e}-{n}", "{a} {e} {n}", "({a}) {e}-{n}", "+1 {a} {e} {n}",
                "1-{a}-{e}-{n}")
NANP = re.compile(r"(?:\+?1[ -])?\(?([2-9]\d\d)\)?[ .-]?([2-9]\d\d)[ .-]?(\d{4})")


def _phone(rng: random.Random) -> str:
    digits = dict(a=str(rng.randint(200, 999)), e=str(rng.randint(200, 999)), n=f"{rng.randrange(10000):04d}")
    return rng.choice(PHONE_STYLES).format(**digits)


def _phone_parts(text: str) -> tuple[str, str, str]:
    m = NANP.fullmatch(text)
    if not m:
        raise InvalidInputError(f"not a North American phone number: {text!r}")
    return m.groups()


def _us_phone(text: str) -> str:
    a, e, n = _phone_parts(text)
    return f"({a}) {e}-{n}"


def _e164(text: str) -> str:
    return "+1" + "".join(_phone_parts(text))


# -- names and titles -----------------------------------------------------------------------------------------------


def _last_initial(name: str) -> str:
    first, last = name.split(" ")
    return f"{last}, {first[0]}."


TITLES = ("{c}", "{c}: {n} Tips", "Why {c} Matters", "{c} in {y}", "How to {b}", "{n} Ways to {b}", "{c}?", "{c}!")


def _title(rng: random.Random) -> str:
    """A blog-post title from Faker's catch phrases ("Front-line exuding benchmark") in title case."""
    for _ in range(50):
        fake = faker("en_US", rng)
        title = rng.choice(TITLES).format(c=fake.catch_phrase(), b=fake.bs(), n=rng.randint(3, 12),
                                          y=rng.randint(2020, 2027))
        title = " ".join(w[:1].upper() + w[1:] for w in title.split())
        if title.isascii() and "'" not in title and len(_slug(title)) <= MAX_OUTPUT_CHARS:
            return title
    raise ValueError("no short title in 50 draws")


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


# -- money ----------------------------------------------------------------------------------------------------------

CURRENCY_FORMATS = {  # row slug -> (the value as descriptions name it, CLDR locale, currency)
    "usd": ("US dollars", "en_US", "USD"),
    "gbp": ("British pounds", "en_GB", "GBP"),
    "eur_de": ("euros for Germany", "de_DE", "EUR"),
    "eur_fr": ("euros for France", "fr_FR", "EUR"),
}


def _amount(rng: random.Random) -> str:
    """A plain number with cents ("1234.50"), or written shorter ("1234.5", "1234") as people type it."""
    cents = rng.randrange(50, 10 ** rng.randint(3, 7))  # from cents to tens of thousands, each size as often
    text = f"{cents // 100}.{cents % 100:02d}"
    return text.rstrip("0").rstrip(".") if rng.random() < 0.3 else text


def _format_money(locale: str, currency: str, text: str) -> str:
    return money(Decimal(text), locale, currency)


MONEY_WORDING = Wording(
    ("format the number as an amount in {v}", "write the amount as money in {v}",
     "show the number as a price in {v}, with the currency sign and two decimals",
     "turn the plain number into a {v} amount", "display the value formatted as {v}",
     "convert the raw number into a {v} price string"),
    ("How is this amount written in {v}?", "What does this number look like as {v}?",
     "Can you format this as a price in {v}?", "How would a shop show this amount in {v}?"),
    ("as {v}", "{v} format", "money format: {v}"))


# what the descriptions show, hand-written (their answers read package data: not at import)
EXAMPLES = {
    "us_date_to_iso": (("07/04/2026", "2026-07-04"), ("12/25/2024", "2024-12-25")),
    "iso_to_us_date": (("2025-01-31", "01/31/2025"), ("2024-02-29", "02/29/2024")),
    "written_date_to_iso": (("March 5, 2024", "2024-03-05"), ("21 October 2025", "2025-10-21")),
    "phone_to_us_format": (("415.555.0132", "(415) 555-0132"), ("2125550199", "(212) 555-0199")),
    "phone_to_e164": (("(415) 555-0132", "+14155550132"), ("+1 212 555 0199", "+12125550199")),
    "last_name_initial": (("Maria Lopez", "Lopez, M."), ("John Smith", "Smith, J.")),
    "slugify_title": (("How to Enable Out-of-the-box Metrics", "how-to-enable-out-of-the-box-metrics"),
                      ("Why Open Source Matters!", "why-open-source-matters")),
    "format_money_usd": (("1234.5", "$1,234.50"), ("8", "$8.00")),
    "format_money_gbp": (("1234.5", "£1,234.50"), ("99.99", "£99.99")),
    "format_money_eur_de": (("1234.5", "1.234,50 €"), ("8", "8,00 €")),
    "format_money_eur_fr": (("1234.5", "1 234,50 €"), ("99.99", "99,99 €")),
}


def _money_rows() -> list:
    return [row(f"format_money_{slug}", THEME, Metric.EXACT, _amount,
                lambda x, loc=locale, cur=currency: _format_money(loc, cur, x), MONEY_WORDING.format(v=label),
                operation="format_money", parameter=label, source=CLDR, examples=EXAMPLES[f"format_money_{slug}"])
            for slug, (label, locale, currency) in CURRENCY_FORMATS.items()]



FAMILIES = [
    row("us_date_to_iso", THEME, Metric.EXACT, _us_date, _us_to_iso, Wording(
        ("convert the US date MM/DD/YYYY to YYYY-MM-DD", "rewrite the American month/day/year date in ISO format",
         "turn the date from month-first slashes into year-month-day with dashes",
         "normalize the US-style date to ISO 8601", "reorder the MM/DD/YYYY date as YYYY-MM-DD",
         "store the American date in the database's YYYY-MM-DD format"),
        ("What is this US date in ISO format?", "How is this MM/DD/YYYY date written as YYYY-MM-DD?",
         "Can you convert this American date to year-month-day?", "What ISO date is this?"),
        ("MM/DD/YYYY to ISO", "US date to ISO", "american date -> YYYY-MM-DD")), source=GENERATED,
        examples=EXAMPLES["us_date_to_iso"]),
    row("iso_to_us_date", THEME, Metric.EXACT, lambda rng: date_value(rng).isoformat(), _iso_to_us, Wording(
        ("convert the ISO date YYYY-MM-DD to MM/DD/YYYY", "rewrite the date in the American month/day/year style",
         "turn the year-month-day date into month-first slashes",
         "show the ISO date the way US users write it, MM/DD/YYYY", "reorder the YYYY-MM-DD date as MM/DD/YYYY",
         "format the stored ISO date for an American reader with two-digit month and day"),
        ("What is this ISO date in US format?", "How is this YYYY-MM-DD date written as MM/DD/YYYY?",
         "Can you convert this date to month/day/year?", "How would an American write this date?"),
        ("ISO to MM/DD/YYYY", "ISO date to US", "YYYY-MM-DD -> american")), source=GENERATED,
        examples=EXAMPLES["iso_to_us_date"]),
    row("written_date_to_iso", THEME, Metric.EXACT, _written, lambda x: parse_date(x).isoformat(), Wording(
        ("convert the written date to YYYY-MM-DD", "rewrite the date spelled with a month name in ISO format",
         "turn a date like March 5, 2024 into year-month-day with dashes",
         "normalize the written-out date to ISO 8601", "parse the date and output it as YYYY-MM-DD",
         "store the date typed in words in the YYYY-MM-DD format"),
        ("What is this date in ISO format?", "How is this written date expressed as YYYY-MM-DD?",
         "Can you convert this date with a month name to year-month-day?", "What ISO date does this text mean?"),
        ("written date to ISO", "month name date -> ISO", "date to YYYY-MM-DD")), source=CLDR,
        examples=EXAMPLES["written_date_to_iso"]),
    row("phone_to_us_format", THEME, Metric.EXACT, _phone, _us_phone, Wording(
        ("format the US phone number as (555) 123-4567", "rewrite the phone number in the standard American "
         "(area code) exchange-line format", "normalize the ten-digit number to the (XXX) XXX-XXXX style",
         "show the phone number with the area code in brackets and a dash before the last four digits",
         "clean up the North American number into (NNN) NNN-NNNN", "display the phone number the US way"),
        ("How is this number written in the (555) 123-4567 format?", "What does this phone number look like in US "
         "format?", "Can you format this phone number as (XXX) XXX-XXXX?", "How would a US contact card show it?"),
        ("format US phone", "(XXX) XXX-XXXX", "phone: US style")), source=GENERATED,
        examples=EXAMPLES["phone_to_us_format"]),
    row("phone_to_e164", THEME, Metric.EXACT, _phone, _e164, Wording(
        ("format the US phone number in E.164", "rewrite the phone number as +1 followed by its ten digits",
         "normalize the North American number to international E.164 form",
         "strip the punctuation and write the number as +1NNNNNNNNNN",
         "convert the phone number to the +15551234567 style for an SMS API",
         "store the US number in E.164 with no spaces"),
        ("What is this phone number in E.164 format?", "How is this number written with +1 and no spaces?",
         "Can you convert this phone number to international format?", "What would an SMS API expect here?"),
        ("to E.164", "phone as +1NNNNNNNNNN", "international format")), source=GENERATED,
        examples=EXAMPLES["phone_to_e164"]),
    row("last_name_initial", THEME, Metric.EXACT, person, _last_initial, Wording(
        ("write the name as last name, comma, first initial", "format the full name as 'Last, F.'",
         "turn the first and last name into the surname followed by a comma and the first initial with a dot",
         "abbreviate the first name to its initial and put the surname first",
         "format the person's name for a citation, surname first", "rewrite the name as Surname, I."),
        ("How is this name written as 'Last, F.'?", "What is the surname-first form with the initial?",
         "Can you write this name as last name and first initial?", "How would a reference list show this name?"),
        ("Last, F.", "surname, initial", "name as Last, F.")), source=FAKER, examples=EXAMPLES["last_name_initial"]),
    row("slugify_title", THEME, Metric.EXACT, _title, _slug, Wording(
        ("turn the title into a URL slug", "make a lowercase, hyphen-separated slug from the headline",
         "convert the post title to a slug: lowercase words and digits joined by hyphens, punctuation dropped",
         "generate the URL slug for this blog title", "slugify the title",
         "write the title as a web-address slug with dashes between the words"),
        ("What is the URL slug for this title?", "How would this headline look as a slug?",
         "Can you make a slug out of this title?", "What slug should this blog post get?"),
        ("slugify", "title to slug", "url slug")), source=FAKER, examples=EXAMPLES["slugify_title"]),
    *_money_rows(),
]
