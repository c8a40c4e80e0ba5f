"""Answer a question about a short list: which item is a fruit (or an animal, a colour...), the cheapest or dearest
item and the total of a price list, the earliest or latest date, the oldest or youngest person. Each list has exactly
one right item: one member of the category, prices, dates and ages all different."""

from __future__ import annotations

import datetime as dt
import functools
import random
from decimal import Decimal

from ...errors import InvalidInputError
from ..format import Metric
from .appdata import FAKER, date_value, first_name, money
from .lexicons import ANIMALS, COLORS, FRUITS, VEGETABLES, VEHICLES
from .realdata import need, source
from .rows import GENERATED, row
from .wording import Wording

THEME = "answer_from_list"
CLDR = source("babel")

# -- which of these is a ... ----------------------------------------------------------------------------------------

OBJECTS = ("chair", "table", "lamp", "pencil", "river", "mountain", "shirt", "clock", "window", "guitar", "bottle",
           "ladder", "pillow", "bridge", "candle")
CATEGORIES = {"fruit": FRUITS, "animal": ANIMALS, "colour": COLORS, "vehicle": VEHICLES, "vegetable": VEGETABLES}
POOLS = {**CATEGORIES, "object": OBJECTS}


def _items(text: str) -> list[str]:
    return text.split(", ")


def _one_member(category: str, rng: random.Random) -> str:
    members = CATEGORIES[category]
    others = [w for name, words in POOLS.items() if name != category for w in words if w not in members]
    items = [rng.choice(members), *rng.sample(others, rng.randint(2, 4))]
    rng.shuffle(items)
    return ", ".join(items)


def _member(category: str, text: str) -> str:
    found = [w for w in _items(text) if w in CATEGORIES[category]]
    if len(found) != 1:
        raise InvalidInputError(f"expected one {category} in {text!r}, found {len(found)}")
    return found[0]


PICK_WORDING = Wording(  # {a}: the category with its article ("an animal")
    ("pick the {v} from the list", "find the one item in the list that is {a}", "name the {v} among these words",
     "return the only {v} in the comma-separated list", "choose the word that names {a}",
     "select which of the items is {a}"),
    ("Which of these is {a}?", "Which item in the list is {a}?", "What is the {v} here?",
     "Can you spot the {v} in this list?"),
    ("the {v}", "which is {a}", "pick the {v}"))


# what the descriptions show, hand-written (their answers read package data: not at import)
EXAMPLES = {
    "pick_the_fruit": (("chair, mango, tiger", "mango"), ("bus, lamp, pear, onion", "pear")),
    "pick_the_animal": (("apple, zebra, taxi", "zebra"), ("river, owl, carrot", "owl")),
    "pick_the_colour": (("truck, purple, lemon", "purple"), ("shirt, dog, crimson", "crimson")),
    "pick_the_vehicle": (("tram, plum, candle", "tram"), ("kale, tractor, wolf", "tractor")),
    "pick_the_vegetable": (("leek, bridge, goat", "leek"), ("taxi, spinach, melon", "spinach")),
    "cheapest_item": (("tea $3.50, cake $4.20, pie $2.80", "pie"), ("soup £5.00, salad £6.50, toast £2.25", "toast")),
    "most_expensive_item": (("tea $3.50, cake $4.20, pie $2.80", "cake"),
                            ("soup £5.00, salad £6.50, toast £2.25", "salad")),
    "total_price": (("tea $3.50, cake $4.20, pie $2.80", "$10.50"), ("soup £5.00, salad £6.50, toast £2.25", "£13.75")),
    "earliest_date": (("5 Mar 2024, 12 Jan 2025, 30 Nov 2023", "30 Nov 2023"),
                      ("1 Sept 2026, 2 Aug 2026, 3 Oct 2026", "2 Aug 2026")),
    "latest_date": (("5 Mar 2024, 12 Jan 2025, 30 Nov 2023", "12 Jan 2025"),
                    ("1 Sept 2026, 2 Aug 2026, 3 Oct 2026", "3 Oct 2026")),
    "oldest_person": (("Ann 34, Bob 29, Cal 41", "Cal"), ("Mia 8, Leo 12, Zoe 10", "Leo")),
    "youngest_person": (("Ann 34, Bob 29, Cal 41", "Bob"), ("Mia 8, Leo 12, Zoe 10", "Mia")),
}


def _with_article(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


def _pick_rows() -> list:
    return [row(f"pick_the_{c}", THEME, Metric.NORMALIZED, lambda rng, c=c: _one_member(c, rng),
                lambda x, c=c: _member(c, x), PICK_WORDING.format(v=c, a=_with_article(c)),
                operation="pick_category_member", parameter=c, source=GENERATED, examples=EXAMPLES[f"pick_the_{c}"])
            for c in CATEGORIES]


# -- prices ---------------------------------------------------------------------------------------------------------

MENU = ("tea", "coffee", "cake", "pie", "soup", "salad", "juice", "bagel", "muffin", "pasta", "pizza", "toast",
        "water", "cookie", "sandwich", "smoothie")
CURRENCIES = (("en_US", "USD", "$"), ("en_GB", "GBP", "£"), ("en_IE", "EUR", "€"))


def _price_list(rng: random.Random) -> str:
    """"tea $3.50, cake $4.20, pie $2.80": three or four items, prices all different, in one currency."""
    locale, currency, _ = rng.choice(CURRENCIES)
    names = rng.sample(MENU, rng.randint(3, 4))
    cents = rng.sample(range(100, 2500, 5), len(names))
    return ", ".join(f"{n} {money(Decimal(c) / 100, locale, currency)}" for n, c in zip(names, cents))


def _prices(text: str) -> list[tuple[str, Decimal, str]]:
    """(item, amount, currency sign) for each entry of a price list."""
    out = []
    for entry in _items(text):
        name, price = entry.rsplit(" ", 1)
        out.append((name, Decimal(price[1:].replace(",", "")), price[0]))
    return out


def _by_price(pick, text: str) -> str:
    prices = _prices(text)
    best = pick(p for _, p, _ in prices)
    (name,) = [n for n, p, _ in prices if p == best]
    return name


def _total(text: str) -> str:
    prices = _prices(text)
    locale, currency = next((loc, cur) for loc, cur, sign in CURRENCIES if sign == prices[0][2])
    return money(sum(p for _, p, _ in prices), locale, currency)


# -- dates and ages -------------------------------------------------------------------------------------------------


def _date_list(rng: random.Random) -> str:
    """"5 Mar 2024, 12 Jan 2025, 30 Nov 2023": three or four different dates, CLDR's short British form."""
    n, dates = rng.randint(3, 4), set()
    while len(dates) < n:
        dates.add(date_value(rng))
    ordered = sorted(dates)
    rng.shuffle(ordered)
    return ", ".join(need("babel", "dates").format_date(d, "medium", locale="en_GB") for d in ordered)


@functools.cache
def _month_abbreviations() -> dict[str, int]:
    """CLDR's British abbreviations ("Sept" for September) -> month number."""
    months = need("babel").Locale.parse("en_GB").months["format"]["abbreviated"]
    return {name: number for number, name in months.items()}


def _parse_short_date(entry: str) -> dt.date:
    day, month, year = entry.split(" ")
    return dt.date(int(year), _month_abbreviations()[month], int(day))


def _by_date(pick, text: str) -> str:
    parsed = {entry: _parse_short_date(entry) for entry in _items(text)}
    best = pick(parsed.values())
    (entry,) = [e for e, d in parsed.items() if d == best]
    return entry


def _people(rng: random.Random) -> str:
    """"Ann 34, Bob 29, Cal 41": three or four people with different first names and ages."""
    n = rng.randint(3, 4)
    names: list[str] = []
    while len(names) < n:
        name = first_name(rng)
        if name not in names:
            names.append(name)
    ages = rng.sample(range(3, 95), n)
    return ", ".join(f"{name} {age}" for name, age in zip(names, ages))


def _by_age(pick, text: str) -> str:
    ages = {name: int(age) for name, age in (entry.rsplit(" ", 1) for entry in _items(text))}
    best = pick(ages.values())
    (name,) = [n for n, a in ages.items() if a == best]
    return name


FAMILIES = [
    *_pick_rows(),
    row("cheapest_item", THEME, Metric.NORMALIZED, _price_list, lambda x: _by_price(min, x), Wording(
        ("name the cheapest item on the price list", "find the item with the lowest price",
         "return the least expensive item from the list", "pick the item that costs the least",
         "tell me which thing on the menu is cheapest", "choose the lowest-priced entry and give its name"),
        ("Which item is the cheapest?", "What costs the least here?", "Which one has the lowest price?",
         "What is the least expensive thing on this list?"),
        ("cheapest item", "lowest price", "which costs least")), source=GENERATED, examples=EXAMPLES["cheapest_item"]),
    row("most_expensive_item", THEME, Metric.NORMALIZED, _price_list, lambda x: _by_price(max, x), Wording(
        ("name the most expensive item on the price list", "find the item with the highest price",
         "return the priciest item from the list", "pick the item that costs the most",
         "tell me which thing on the menu is dearest", "choose the highest-priced entry and give its name"),
        ("Which item is the most expensive?", "What costs the most here?", "Which one has the highest price?",
         "What is the priciest thing on this list?"),
        ("most expensive item", "highest price", "which costs most")), source=GENERATED,
        examples=EXAMPLES["most_expensive_item"]),
    row("total_price", THEME, Metric.NORMALIZED, _price_list, _total, Wording(
        ("add up the prices on the list", "give the total cost of all the items, with the currency sign",
         "sum the prices and write the total as money", "work out how much everything on the list costs together",
         "return the bill's total for these items", "total the price list"),
        ("What is the total of these prices?", "How much do all the items cost together?",
         "What would the bill come to?", "What do these add up to?"),
        ("total price", "sum of the prices", "add up the bill")), source=CLDR, examples=EXAMPLES["total_price"]),
    row("earliest_date", THEME, Metric.NORMALIZED, _date_list, lambda x: _by_date(min, x), Wording(
        ("pick the earliest date in the list", "find the date that comes first in time",
         "return the oldest of these dates, as written", "choose the soonest date from the list",
         "name which of the dates is the earliest", "select the first date chronologically"),
        ("Which date is the earliest?", "Which of these dates comes first?", "What is the oldest date here?",
         "Which date happened first?"),
        ("earliest date", "first date", "soonest of these")), source=CLDR, examples=EXAMPLES["earliest_date"]),
    row("latest_date", THEME, Metric.NORMALIZED, _date_list, lambda x: _by_date(max, x), Wording(
        ("pick the latest date in the list", "find the date that comes last in time",
         "return the most recent of these dates, as written", "choose the furthest date from the list",
         "name which of the dates is the latest", "select the last date chronologically"),
        ("Which date is the latest?", "Which of these dates comes last?", "What is the most recent date here?",
         "Which date is furthest in the future?"),
        ("latest date", "last date", "most recent of these")), source=CLDR, examples=EXAMPLES["latest_date"]),
    row("oldest_person", THEME, Metric.NORMALIZED, _people, lambda x: _by_age(max, x), Wording(
        ("name the oldest person in the list", "find who has the highest age",
         "return the name of the eldest person", "pick the person with the greatest age",
         "tell me who is oldest", "choose the oldest of these people and give their name"),
        ("Who is the oldest?", "Which person is the eldest?", "Who has the highest age here?",
         "Which of these people is oldest?"),
        ("oldest person", "who is eldest", "the oldest")), source=FAKER, examples=EXAMPLES["oldest_person"]),
    row("youngest_person", THEME, Metric.NORMALIZED, _people, lambda x: _by_age(min, x), Wording(
        ("name the youngest person in the list", "find who has the lowest age",
         "return the name of the youngest person", "pick the person with the smallest age",
         "tell me who is youngest", "choose the youngest of these people and give their name"),
        ("Who is the youngest?", "Which person is the youngest?", "Who has the lowest age here?",
         "Which of these people is youngest?"),
        ("youngest person", "who is youngest", "the youngest")), source=FAKER, examples=EXAMPLES["youngest_person"]),
]
