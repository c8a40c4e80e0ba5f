"""Look a fact up, as an app asks a model to: a chemical element's symbol, name or atomic number (periodictable), a
unit's symbol (pint), an HTTP status code's reason phrase and back (RFC 9110), the currency a country uses (babel's
CLDR), the weekday of a date and the number of days in a month (the Gregorian calendar)."""

from __future__ import annotations

import calendar
import datetime as dt
import random

from ..format import Metric
from .appdata import parse_date, written_date
from .lexicons import DAYS, MONTHS
from .realdata import Table, case_variants, need, source, unique_inverse
from .rows import GENERATED, row
from .wording import Wording

THEME = "lookup"
ELEMENTS_SRC, PINT, CLDR = source("periodictable"), source("pint"), source("babel", "pycountry")
HTTP_SRC = "RFC 9110 / RFC 6585 reason phrases, hand-written table (t2l-edge, Apache-2.0)"
LAST_NATURAL = 92  # uranium: the elements an app's users meet
# Elements whose English name has two spellings (aluminium / aluminum, caesium / cesium, sulphur / sulfur)
TWO_SPELLINGS = frozenset({13, 16, 55})


def _elements() -> dict[int, tuple[str, str]]:
    """Atomic number -> (Name, symbol)."""
    return {e.number: (e.name.capitalize(), e.symbol) for e in need("periodictable").elements
            if 0 < e.number <= LAST_NATURAL and e.number not in TWO_SPELLINGS}


ELEMENT_SYMBOL = Table(lambda: {name: symbol for name, symbol in _elements().values()}, "element_symbol")
ELEMENT_NAME = Table(lambda: {symbol: name for name, symbol in _elements().values()}, "element_from_symbol")
ATOMIC_NUMBER = Table(lambda: {name: str(n) for n, (name, _) in _elements().items()}, "atomic_number")

# pint's names of common SI and everyday units ("kilowatt_hour"), written with spaces; "-meter" also as "-metre"
UNIT_NAMES = (
    "meter kilometer centimeter millimeter nanometer gram kilogram milligram tonne second millisecond nanosecond "
    "minute hour ampere milliampere kelvin mole candela newton pascal kilopascal hectopascal joule kilojoule watt "
    "kilowatt megawatt gigawatt kilowatt_hour volt kilovolt millivolt ohm hertz kilohertz megahertz gigahertz coulomb "
    "farad henry tesla weber lumen lux becquerel gray sievert siemens bar millibar electron_volt degree_Celsius"
).split()


def _unit_symbols() -> dict[str, str]:
    ureg = need("pint").UnitRegistry(cache_folder=None)
    out = {}
    for name in UNIT_NAMES:
        symbol, written = ureg.get_symbol(name), name.replace("_", " ")
        out[written] = symbol
        if "meter" in written:
            out[written.replace("meter", "metre")] = symbol
    return out


UNIT_SYMBOL = Table(_unit_symbols, "unit_symbol")

# Reason phrases as RFC 9110 (and RFC 6585 for 428, 429, 431, 511) writes them, for codes whose phrase has not changed
# between RFCs (413 "Payload Too Large" / "Content Too Large", 414 "Request-URI" / "URI Too Long", 416 and 422 are not
# here).
HTTP_STATUS = {
    "200": "OK", "201": "Created", "202": "Accepted", "204": "No Content", "206": "Partial Content",
    "301": "Moved Permanently", "302": "Found", "303": "See Other", "304": "Not Modified", "307": "Temporary Redirect",
    "308": "Permanent Redirect", "400": "Bad Request", "401": "Unauthorized", "402": "Payment Required",
    "403": "Forbidden", "404": "Not Found", "405": "Method Not Allowed", "406": "Not Acceptable",
    "407": "Proxy Authentication Required", "408": "Request Timeout", "409": "Conflict", "410": "Gone",
    "411": "Length Required", "412": "Precondition Failed", "415": "Unsupported Media Type",
    "417": "Expectation Failed", "426": "Upgrade Required", "428": "Precondition Required",
    "429": "Too Many Requests", "431": "Request Header Fields Too Large", "500": "Internal Server Error",
    "501": "Not Implemented", "502": "Bad Gateway", "503": "Service Unavailable", "504": "Gateway Timeout",
    "505": "HTTP Version Not Supported", "511": "Network Authentication Required",
}
HTTP_PHRASE = Table(lambda: HTTP_STATUS, "http_status_phrase")
HTTP_CODE = Table(lambda: unique_inverse(HTTP_STATUS), "http_status_code")


def _country_currencies() -> dict[str, str]:
    from .countries import _currencies  # the countries rows' table: countries with one legal tender

    numbers = need("babel", "numbers")
    return {country: numbers.get_currency_name(code, locale="en") for country, code in _currencies().items()}


COUNTRY_CURRENCY = Table(_country_currencies, "country_currency_name")

FIRST_YEAR, LAST_YEAR = 1950, 2050


def _any_date(rng: random.Random) -> str:
    start = dt.date(FIRST_YEAR, 1, 1)
    d = start + dt.timedelta(days=rng.randrange((dt.date(LAST_YEAR, 12, 31) - start).days + 1))
    return written_date(d, rng.choice(("en_US", "en_GB", "iso")))


def _weekday(text: str) -> str:
    return DAYS[parse_date(text).weekday()]


def _month_of_year(rng: random.Random) -> str:
    month = "February" if rng.random() < 0.3 else rng.choice(MONTHS)  # February's answer is the one that varies
    return f"{month} {rng.randint(1900, 2100)}"


def _days_in_month(text: str) -> str:
    month, year = text.split(" ")
    return str(calendar.monthrange(int(year), MONTHS.index(month.capitalize()) + 1)[1])


# what the descriptions show, hand-written (their answers read package data: not at import)
EXAMPLES = {
    "element_symbol": (("oxygen", "O"), ("Iron", "Fe")),
    "element_from_symbol": (("Na", "Sodium"), ("Au", "Gold")),
    "atomic_number": (("carbon", "6"), ("Neon", "10")),
    "unit_symbol": (("kilometre", "km"), ("megawatt", "MW")),
    "http_status_phrase": (("404", "Not Found"), ("503", "Service Unavailable")),
    "http_status_code": (("Not Found", "404"), ("Too Many Requests", "429")),
    "country_currency_name": (("Japan", "Japanese Yen"), ("Germany", "Euro")),
    "date_weekday": (("2024-03-15", "Friday"), ("July 4, 1976", "Sunday")),
    "days_in_month": (("February 2024", "29"), ("April 2025", "30")),
}


def _lookup(name: str, table: Table, wording: Wording, src: str, metric: Metric = Metric.NORMALIZED, sample=None):
    return row(name, THEME, metric, sample or table.sample, table.solve, wording, source=src, examples=EXAMPLES[name])


FAMILIES = [
    _lookup("element_symbol", ELEMENT_SYMBOL, Wording(
        ("give the chemical symbol of the element", "write the element's symbol from the periodic table",
         "look up the one- or two-letter symbol for this chemical element", "return the symbol of the element",
         "abbreviate the element name to its chemical symbol", "find the periodic-table symbol of the named element"),
        ("What is the chemical symbol of this element?", "Which symbol stands for this element?",
         "How is this element written in a chemical formula?", "What's the periodic table symbol for it?"),
        ("element symbol", "element -> symbol", "chemical symbol")), ELEMENTS_SRC, Metric.EXACT,
        sample=lambda rng: case_variants(ELEMENT_SYMBOL, rng)),
    _lookup("element_from_symbol", ELEMENT_NAME, Wording(
        ("name the element that has this chemical symbol", "write the element's name for the periodic-table symbol",
         "look up which chemical element the symbol stands for", "expand the chemical symbol to the element's name",
         "return the English name of the element with this symbol", "decode the element symbol"),
        ("Which element has this symbol?", "What element does this chemical symbol stand for?",
         "What is the name of the element with this symbol?", "Which element is this on the periodic table?"),
        ("symbol -> element", "element name", "which element")), ELEMENTS_SRC),
    _lookup("atomic_number", ATOMIC_NUMBER, Wording(
        ("give the atomic number of the element", "write how many protons the element has",
         "look up the element's number in the periodic table", "return the atomic number of the named element",
         "find the element's position in the periodic table", "tell the proton number of this chemical element"),
        ("What is the atomic number of this element?", "How many protons does this element have?",
         "Which number does this element have in the periodic table?", "What's its atomic number?"),
        ("atomic number", "element -> number", "proton count")), ELEMENTS_SRC,
        sample=lambda rng: case_variants(ATOMIC_NUMBER, rng)),
    _lookup("unit_symbol", UNIT_SYMBOL, Wording(
        ("give the symbol of the unit", "write the unit's standard abbreviation", "look up the SI symbol of this unit",
         "abbreviate the unit name to its symbol, with the right capital letters", "return the unit's symbol",
         "convert the unit's name into its short symbol"),
        ("What is the symbol of this unit?", "How is this unit abbreviated?", "Which symbol stands for this unit?",
         "What's the short form of this unit?"),
        ("unit symbol", "unit -> symbol", "abbreviate the unit")), PINT, Metric.EXACT),
    _lookup("http_status_phrase", HTTP_PHRASE, Wording(
        ("give the reason phrase of the HTTP status code", "write what the HTTP status code means, as the standard "
         "names it", "look up the name of this HTTP response code", "return the HTTP status text for the code",
         "translate the status code into its standard reason phrase", "name the HTTP status"),
        ("What does this HTTP status code mean?", "What is the reason phrase for this status code?",
         "Which HTTP status is this?", "What's the standard name of this response code?"),
        ("HTTP reason phrase", "status code -> text", "name the status")), HTTP_SRC),
    _lookup("http_status_code", HTTP_CODE, Wording(
        ("give the HTTP status code for the reason phrase", "write the number of the HTTP status with this name",
         "look up the three-digit code of this HTTP response", "return the status code that has this reason phrase",
         "turn the HTTP status text into its code", "find the numeric code of the named HTTP status"),
        ("Which HTTP status code has this name?", "What is the code for this HTTP status?",
         "What number does a server send for this status?", "What's the three-digit code of this response?"),
        ("HTTP status code", "status text -> code", "code of the status")), HTTP_SRC,
        sample=lambda rng: case_variants(HTTP_CODE, rng)),
    _lookup("country_currency_name", COUNTRY_CURRENCY, Wording(
        ("name the currency used in the country", "write the name of the country's currency",
         "look up which currency this country pays with", "return the official currency of the country",
         "give the currency a traveller needs in this country", "tell which money is used in the named country"),
        ("Which currency does this country use?", "What is the currency of this country?",
         "What money do they pay with there?", "What's the official currency here?"),
        ("country's currency", "country -> currency", "its currency name")), CLDR),
    row("date_weekday", THEME, Metric.NORMALIZED, _any_date, _weekday, Wording(
        ("give the day of the week the date falls on", "write which weekday this date is",
         "look up the weekday of the calendar date", "return the name of the day of the week for the date",
         "work out whether the date is a Monday, a Tuesday and so on", "name the weekday of the given date"),
        ("What day of the week is this date?", "Which weekday does this date fall on?",
         "On what day of the week was or will this date be?", "Is this date a Monday, a Tuesday...?"),
        ("weekday of the date", "date -> weekday", "which day")), source=GENERATED + " (Gregorian calendar); "
        + source("babel"), examples=EXAMPLES["date_weekday"]),
    row("days_in_month", THEME, Metric.NORMALIZED, _month_of_year, _days_in_month, Wording(
        ("give the number of days in the month of that year", "write how many days the month has in the given year",
         "count the days of this month, leap years included", "return the length of the month in days",
         "look up how many days are in the month", "tell the last day number of the month in that year"),
        ("How many days does this month have?", "How many days are in this month that year?",
         "What number is the last day of this month?", "How long is this month, in days?"),
        ("days in month", "month length", "count the month's days")), source=GENERATED + " (Gregorian calendar)",
        examples=EXAMPLES["days_in_month"]),
]
