"""Real values of the kinds an app reads out of a message (people's names, email addresses, phone numbers, URLs, dates,
times, amounts of money, cities), each a seeded draw, and the pattern that finds one in a sentence.

Names, email addresses, phone numbers and URLs come from Faker (its locales' name lists and number formats), drawn
with a Faker instance seeded from the caller's `random.Random` for each value, so a value depends on the seed alone.
Amounts and dates are written by babel (CLDR); cities are capitals (countryinfo)."""

from __future__ import annotations

import datetime as dt
import functools
import random
import re

from ...errors import InvalidInputError
from .lexicons import MONTHS
from .realdata import clean, need, source

FAKER = source("faker")
# Faker's locales whose names and numbers look like what an English-speaking app meets
NAME_LOCALES = ("en_US", "en_GB", "en_IE", "fr_FR", "de_DE", "es_ES", "it_IT", "pt_PT", "nl_NL")
PHONE_LOCALES = ("en_US", "en_GB", "en_CA", "en_AU", "fr_FR", "de_DE", "it_IT")
EMAIL_LOCALES = ("en_US", "en_GB", "fr_FR", "de_DE", "es_ES", "it_IT")
URL_LOCALES = ("en_US", "en_GB", "fr_FR", "de_DE", "it_IT", "es_ES")
FIRST_YEAR, LAST_YEAR = 2020, 2027
# (CLDR locale, currency): "$1,234.50", "£1,234.50", "€1,234.50"
MONEY = (("en_US", "USD"), ("en_GB", "GBP"), ("en_IE", "EUR"))
MAX_NAME_PART = 12
MAX_CITY_CHARS = 16

WORD = r"[^\W\d_]+(?:['-][^\W\d_]+)*"  # one word of a name: letters, inner hyphens and apostrophes
PATTERNS = {
    "name": rf"{WORD} {WORD}",
    "first_name": WORD,
    "email": r"[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",
    "phone": r"\+?[\d(][\d ().-]{5,}\d",
    "url": r"https?://[A-Za-z0-9.-]+\.[a-z]{2,}/(?:[\w.-]+/?)*",
    "date": r"(?:[A-Z][a-z]+ \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]+ \d{4}|\d{4}-\d{2}-\d{2})",
    "time": r"\d{1,2}:\d{2}(?: [AP]M)?",
    "amount": r"[$£€]\d{1,3}(?:,\d{3})*\.\d{2}",
    "percent": r"\d{1,2}(?:\.\d)?%",
    "city": rf"{WORD}(?: {WORD})?",
}


def faker(locale: str, rng: random.Random):
    """A Faker of `locale` seeded from `rng`: what it draws next depends on the seed only."""
    fake = _faker(locale)
    fake.seed_instance(rng.getrandbits(64))
    return fake


@functools.cache
def _faker(locale: str):
    return need("faker").Faker(locale)


def _draw(rng: random.Random, locales: tuple[str, ...], make, kind: str) -> str:
    """A Faker value of `kind` that its pattern reads back whole (some formats carry extensions, "x123", or spaces)."""
    pattern = re.compile(PATTERNS[kind])
    for _ in range(50):
        value = make(faker(rng.choice(locales), rng))
        if pattern.fullmatch(value):
            return value
    raise ValueError(f"no {kind} that fits its pattern in 50 draws")


def _part(value: str) -> bool:
    return re.fullmatch(WORD, value) is not None and len(value) <= MAX_NAME_PART


def first_name(rng: random.Random) -> str:
    return _draw(rng, NAME_LOCALES, lambda f: f.first_name(), "first_name")


def person(rng: random.Random) -> str:
    """First and last name, one word each ("Ann Lee", "Grégoire Colas")."""
    for _ in range(50):
        fake = faker(rng.choice(NAME_LOCALES), rng)
        first, last = fake.first_name(), fake.last_name()
        if _part(first) and _part(last):
            return f"{first} {last}"
    raise ValueError("no two-word name in 50 draws")


def email(rng: random.Random) -> str:
    return _draw(rng, EMAIL_LOCALES, lambda f: f.free_email() if rng.random() < 0.5 else f.email(), "email")


def phone(rng: random.Random) -> str:
    return _draw(rng, PHONE_LOCALES, lambda f: f.phone_number(), "phone")


def url(rng: random.Random) -> str:
    return _draw(rng, URL_LOCALES, lambda f: f.url(), "url")


def date_value(rng: random.Random) -> dt.date:
    start = dt.date(FIRST_YEAR, 1, 1)
    return start + dt.timedelta(days=rng.randrange((dt.date(LAST_YEAR, 12, 31) - start).days + 1))


def written_date(d: dt.date, style: str) -> str:
    """The date as people write it: CLDR's long US ("March 5, 2024") or UK ("5 March 2024") form, or ISO."""
    if style == "iso":
        return d.isoformat()
    return need("babel", "dates").format_date(d, "long", locale=style)


DATE_STYLES = ("en_US", "en_GB", "iso")


def date(rng: random.Random) -> str:
    return written_date(date_value(rng), rng.choice(DATE_STYLES))


def parse_date(text: str) -> dt.date:
    """The date written by `written_date` in any of its styles."""
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        return dt.date(*map(int, m.groups()))
    if m := re.fullmatch(r"([A-Z][a-z]+) (\d{1,2}), (\d{4})", text):
        month, day, year = m.groups()
    elif m := re.fullmatch(r"(\d{1,2}) ([A-Z][a-z]+) (\d{4})", text):
        day, month, year = m.groups()
    else:
        raise InvalidInputError(f"not a date in a known style: {text!r}")
    return dt.date(int(year), MONTHS.index(month) + 1, int(day))


def time(rng: random.Random) -> str:
    """A time of day in 12-hour ("5:30 PM") or 24-hour ("17:30") form, on the quarter hour or five minutes."""
    h, m = rng.randrange(24), rng.randrange(0, 60, 5)
    return f"{(h - 1) % 12 + 1}:{m:02d} {'AM' if h < 12 else 'PM'}" if rng.random() < 0.5 else f"{h:02d}:{m:02d}"


def money(value: float, locale: str, currency: str) -> str:
    return clean(need("babel", "numbers").format_currency(value, currency, locale=locale))


def price(rng: random.Random, top: int = 2000) -> float:
    """An amount in cents' precision: whole sometimes ("$45.00"), mostly with cents."""
    cents = rng.randrange(100, top * 100)
    return (cents // 100 if rng.random() < 0.25 else cents / 100)


def amount(rng: random.Random) -> str:
    return money(price(rng), *rng.choice(MONEY))


def percent(rng: random.Random) -> str:
    return f"{rng.randint(1, 95)}%" if rng.random() < 0.7 else f"{rng.randint(1, 49)}.{rng.randint(1, 9)}%"


@functools.cache
def cities() -> tuple[str, ...]:
    """Capitals with a plain name of one or two words ("Lisbon", "Buenos Aires", "Bogotá")."""
    from .countries import _capitals  # the same table as the capitals rows

    pattern = re.compile(PATTERNS["city"])
    return tuple(sorted(c for c in set(_capitals().values()) if pattern.fullmatch(c) and len(c) <= MAX_CITY_CHARS))


def city(rng: random.Random) -> str:
    return rng.choice(cities())


CITIES = source("countryinfo", "pycountry")
FILLERS = {"name": person, "first_name": first_name, "email": email, "phone": phone, "url": url, "date": date,
           "time": time, "amount": amount, "percent": percent, "city": city}
