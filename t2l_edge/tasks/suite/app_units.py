"""Convert a quantity between metric and US units (distance, weight, length, volume, speed), rounded to one decimal
place as the description says: "12 km" -> "7.5". The factors are pint's unit definitions; the rounding is half up on
the exact decimal product, and inputs whose answer falls within a hair of a tie are not drawn."""

from __future__ import annotations

import functools
import random
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ...errors import InvalidInputError
from ..format import Metric
from .realdata import need, source
from .rows import row
from .wording import Wording

THEME = "units"
PINT = source("pint")
TENTH = Decimal("0.1")
TIE_MARGIN = Decimal("0.002")  # in tenths: an answer this close to x.x5 is left out of the draws


@dataclass(frozen=True)
class Unit:
    pint: str  # pint's name
    symbol: str  # as the input writes it
    plural: str  # as the descriptions name it
    top: int  # inputs go up to this


UNITS = {u.symbol: u for u in (
    Unit("kilometer", "km", "kilometres", 500), Unit("mile", "mi", "miles", 300),
    Unit("kilogram", "kg", "kilograms", 150), Unit("pound", "lb", "pounds", 300),
    Unit("centimeter", "cm", "centimetres", 200), Unit("inch", "in", "inches", 100),
    Unit("foot", "ft", "feet", 100), Unit("meter", "m", "metres", 100),
    Unit("liter", "L", "litres", 100), Unit("gallon", "gal", "US gallons", 50),
    Unit("kilometer / hour", "km/h", "kilometres per hour", 200), Unit("mile / hour", "mph", "miles per hour", 120),
    Unit("ounce", "oz", "ounces", 64), Unit("gram", "g", "grams", 1000),
)}
# (from, to): each pair in both directions
PAIRS = (("km", "mi"), ("kg", "lb"), ("cm", "in"), ("ft", "m"), ("L", "gal"), ("km/h", "mph"), ("oz", "g"))
NAMES = {"km": "km_to_miles", "mi": "miles_to_km", "kg": "kg_to_pounds", "lb": "pounds_to_kg", "cm": "cm_to_inches",
         "in": "inches_to_cm", "ft": "feet_to_metres", "m": "metres_to_feet", "L": "litres_to_us_gallons",
         "gal": "us_gallons_to_litres", "km/h": "kmh_to_mph", "mph": "mph_to_kmh", "oz": "ounces_to_grams",
         "g": "grams_to_ounces"}


@functools.cache
def _registry():
    return need("pint").UnitRegistry(cache_folder=None)


@functools.cache
def factor(src: str, dst: str) -> Decimal:
    """How many `dst` one `src` is, from pint's definitions (12 significant digits: pint's float, without its
    last-bit noise, 0.30479999999999996 -> 0.3048)."""
    ureg = _registry()
    value = ureg.Quantity(1, UNITS[src].pint).to(UNITS[dst].pint).magnitude
    return Decimal(f"{value:.12g}")


def _exact(src: str, dst: str, x: str) -> Decimal:
    m = re.fullmatch(rf"(\d+(?:\.\d)?) {re.escape(src)}", x)
    if not m:
        raise InvalidInputError(f"expected a number and {src!r}, got {x!r}")
    return Decimal(m.group(1)) * factor(src, dst)


def convert(src: str, dst: str, x: str) -> str:
    return str(_exact(src, dst, x).quantize(TENTH, rounding=ROUND_HALF_UP))


def _near_tie(value: Decimal) -> bool:
    tenths = value / TENTH
    return abs(tenths - tenths.to_integral_value() - Decimal("0.5")) < TIE_MARGIN or \
        abs(tenths - tenths.to_integral_value() + Decimal("0.5")) < TIE_MARGIN


def _sample(src: str, dst: str, rng: random.Random) -> str:
    """A whole number mostly, sometimes with one decimal ("12", "7.5"), never one whose answer is nearly a tie."""
    top = UNITS[src].top
    while True:
        x = f"{rng.randint(1, top)} {src}" if rng.random() < 0.7 else f"{rng.randint(1, top * 10 - 1) / 10:g} {src}"
        if not _near_tie(_exact(src, dst, x)):
            return x


UNIT_WORDING = Wording(
    ("convert {a} to {b}, rounded to one decimal place", "change the value from {a} into {b}, to one decimal place",
     "express the quantity in {b} instead of {a}, with one digit after the point",
     "turn {a} into {b} and round the result to the nearest tenth",
     "give the {b} equivalent of the {a} value, rounded to 0.1",
     "convert the {sa} figure to {sb}, answering with just the number to one decimal"),
    ("How many {b} is this, to one decimal place?", "What is this in {b}, rounded to one decimal?",
     "Can you convert these {a} to {b} (one decimal)?", "What's the {b} equivalent, to the nearest tenth?"),
    ("{sa} to {sb}", "{a} -> {b}", "{sa} to {sb}, one decimal"))


# what the descriptions show, hand-written (their answers read package data: not at import)
EXAMPLES = {
    "km_to_miles": (("10 km", "6.2"), ("42.2 km", "26.2")),
    "miles_to_km": (("10 mi", "16.1"), ("26 mi", "41.8")),
    "kg_to_pounds": (("70 kg", "154.3"), ("5 kg", "11.0")),
    "pounds_to_kg": (("150 lb", "68.0"), ("10 lb", "4.5")),
    "cm_to_inches": (("30 cm", "11.8"), ("100 cm", "39.4")),
    "inches_to_cm": (("12 in", "30.5"), ("5.5 in", "14.0")),
    "feet_to_metres": (("6 ft", "1.8"), ("100 ft", "30.5")),
    "metres_to_feet": (("2 m", "6.6"), ("10 m", "32.8")),
    "litres_to_us_gallons": (("20 L", "5.3"), ("1 L", "0.3")),
    "us_gallons_to_litres": (("5 gal", "18.9"), ("1 gal", "3.8")),
    "kmh_to_mph": (("100 km/h", "62.1"), ("50 km/h", "31.1")),
    "mph_to_kmh": (("60 mph", "96.6"), ("30 mph", "48.3")),
    "ounces_to_grams": (("8 oz", "226.8"), ("1 oz", "28.3")),
    "grams_to_ounces": (("100 g", "3.5"), ("500 g", "17.6")),
}


def _conversion(src: str, dst: str):
    a, b = UNITS[src], UNITS[dst]
    return row(NAMES[src], THEME, Metric.NORMALIZED, functools.partial(_sample, src, dst),
               functools.partial(convert, src, dst), UNIT_WORDING.format(a=a.plural, b=b.plural, sa=src, sb=dst),
               source=PINT, examples=EXAMPLES[NAMES[src]])



FAMILIES = [_conversion(s, d) for x, y in PAIRS for s, d in ((x, y), (y, x))]
