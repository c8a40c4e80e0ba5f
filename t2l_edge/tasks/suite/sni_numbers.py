"""Super-NaturalInstructions tasks as seeded generators: numbers: arithmetic, primes, dates, number properties.

Each row implements one SNI task (`Family.sni`): inputs in the task's own input format (shorter, so that a 270M
base and short training sequences fit them), answers in its output format. Its SNI instances are the row's test
vectors (tests/fixtures/sni/<task>.json, checked by tests/test_sni.py).
"""

from __future__ import annotations

import calendar
import math
import random
import re

from ..format import Metric
from .rows import row
from .sni_formats import (
    NUMBER, before_keyword, bracketed, fitting, int_lists, ints, keyword, numpy_round, numpy_scientific, numpy_str,
    numpy_sum,
)
from .wording import Wording

THEME = "sni-numbers"


def sni_row(name: str, task: str, metric: Metric, sample, solve, wording: Wording, choices=None):
    return row(name, THEME, metric, sample, solve, wording, choices=choices,
               source=f"Super-NaturalInstructions {task.split('_')[0]} (Apache-2.0)", sni=task)


# -- arithmetic with renamed operators (task085: + and - swapped; task087: @ is +, # is -) -------------------------

SWAPPED = {"+": -1, "-": 1}
AT_HASH = {"@": 1, "#": -1}


def _expression(symbols: tuple[str, str]):
    def draw(rng: random.Random) -> str:
        terms = [str(rng.randint(1, 10 ** rng.randint(1, 4) - 1)) for _ in range(rng.randint(2, 5))]
        return terms[0] + "".join(f" {rng.choice(symbols)} {t}" for t in terms[1:])

    draw.__name__ = "expression"
    return fitting(draw)


def _evaluate(signs: dict[str, int]):
    """Left to right: each operator's sign from the table (only + and - meanings, so order does not matter)."""

    def solve(x: str) -> str:
        tokens = x.split()
        if len(tokens) % 2 == 0 or any(op not in signs for op in tokens[1::2]):
            raise ValueError(f"not an expression over {' '.join(signs)}: {x!r}")
        return str(int(tokens[0]) + sum(signs[op] * int(n) for op, n in zip(tokens[1::2], tokens[2::2])))

    return solve


# -- primes ----------------------------------------------------------------------------------------------------------


def _is_prime(n: int) -> bool:
    return n > 1 and all(n % d for d in range(2, math.isqrt(n) + 1))


def _prime_or_not(rng: random.Random) -> str:
    """Half primes, half composites (odd ones mostly, so parity alone does not tell)."""
    want = rng.random() < 0.5
    while True:
        n = rng.randint(2, 9999)
        if _is_prime(n) == want and (want or n % 2 or rng.random() < 0.2):
            return str(n)


def _keep_primes(x: str) -> str:
    return bracketed(n for n in ints(x) if _is_prime(n))


@fitting
def _numbers_some_prime(rng: random.Random) -> str:
    values = [rng.randint(2, 999) for _ in range(rng.randint(2, 7))]
    return bracketed(values)


# -- float lists: mean, normalization, largest magnitude (numpy's rounding and printing) -------------------------


def _floats(x: str) -> list[float]:
    return [float(s) for s in NUMBER.findall(x)]


def _three_decimals(rng: random.Random, lo: float, hi: float) -> float:
    """A number with 3 decimals, not a whole number (numpy would print 5.0 as '5.')."""
    while True:
        v = round(rng.uniform(lo, hi), 3)
        if v != int(v):
            return v


def _mean(x: str) -> str:
    """np.mean rounded with np.round to 3 decimals: pairwise sum, divide, scale, round half to even."""
    values = _floats(x)
    return str(numpy_round(numpy_sum(values) / len(values)))


def _normalized(x: str) -> str:
    """Each value over the list's sum, rounded to 3 decimals, printed as numpy prints the array (the task's
    instances are numpy's output)."""
    values = _floats(x)
    total = numpy_sum(values)
    return numpy_str([numpy_round(v / total) for v in values])


@fitting
def _float_list(rng: random.Random) -> str:
    return bracketed(_three_decimals(rng, -100, 250) for _ in range(rng.randint(2, 4)))


def _list_to_normalize(rng: random.Random) -> str:
    """Lists whose sum is not near zero and whose normalized values numpy prints positionally."""
    values = [_three_decimals(rng, -100, 250) for _ in range(rng.randint(2, 4))]
    shares = [numpy_round(v / numpy_sum(values)) for v in values]
    return bracketed(values) if abs(numpy_sum(values)) > 50 and not numpy_scientific(shares) else ""


def _largest_magnitude(x: str) -> str:
    """The element with the largest absolute value as written; the positive one when two tie."""
    return max(NUMBER.findall(x), key=lambda s: (abs(float(s)), float(s) > 0))


def _numpy_printed_floats(rng: random.Random) -> str:
    values = [_three_decimals(rng, -100, 100) for _ in range(rng.randint(2, 5))]
    return "" if numpy_scientific(values) else numpy_str(values)


# -- years and dates -------------------------------------------------------------------------------------------------

DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d+)")


def _unambiguous_year(y: int) -> bool:
    """Not a century year that only the Gregorian rule excludes (1700, 1800, 1900): the tasks call a leap year
    one in four years, and their instances never test the century rule."""
    return not (y % 100 == 0 and y % 400)


def _year(rng: random.Random) -> str:
    """Half leap years, half common years, between 1500 and 2099."""
    leap = rng.random() < 0.5
    while True:
        y = rng.randint(1500, 2099)
        if calendar.isleap(y) == leap and _unambiguous_year(y):
            return str(y)


def _leap(x: str) -> str:
    return "1" if calendar.isleap(int(x)) else "0"


def _valid_mmddyyyy(x: str) -> str:
    """1 if month is 1-12 and the day exists in that month (February 29 in leap years), the year written yyyy."""
    m = DATE.fullmatch(x.strip())
    if not m:
        raise ValueError(f"not an mm/dd/yyyy date: {x!r}")
    month, day, year = (int(g) for g in m.groups())
    valid = len(m.group(3)) == 4 and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]
    return "1" if valid else "0"


def _date_to_check(rng: random.Random) -> str:
    """Half valid dates; the invalid half has a month over 12 or a day past the month's end, as in the instances."""
    valid = rng.random() < 0.5
    while True:
        year = rng.randint(1000, 2099)
        month = rng.randint(1, 12) if valid or rng.random() < 0.5 else rng.randint(13, 18)
        day = rng.randint(1, 31 if valid else 45)
        text = f"{month:02d}/{day:02d}/{year}"
        if (_valid_mmddyyyy(text) == "1") == valid and not (month == 2 and day == 29 and not _unambiguous_year(year)):
            return text


FORMATS = ("dd/mm/yyyy", "mm/dd/yyyy")


def _date_with_format(rng: random.Random) -> str:
    year, month = rng.randint(1600, 2029), rng.randint(1, 12)
    day = rng.randint(1, calendar.monthrange(year, month)[1])
    given = rng.choice(FORMATS)
    first, second = (day, month) if given == FORMATS[0] else (month, day)
    return f"{first:02d}/{second:02d}/{year}, input_format={given}"


def _swap_format(x: str) -> str:
    """dd/mm/yyyy → mm/dd/yyyy and mm/dd/yyyy → dd/mm/yyyy: both swap the first two fields."""
    date, _, fmt = x.partition(",")
    if fmt.strip().removeprefix("input_format=") not in FORMATS:
        raise ValueError(f"no input_format of {' or '.join(FORMATS)}: {x!r}")
    first, second, year = date.strip().split("/")
    return f"{second}/{first}/{year}"


# -- integer lists: powers of two, Collatz, products, pairs ----------------------------------------------------------


def _nearest_power_of_two(n: int) -> int:
    """The closest 2^k to n ≥ 1; the larger one when n is halfway."""
    low = 1 << (n.bit_length() - 1)
    return low if n - low < 2 * low - n else 2 * low


def _collatz(n: int) -> int:
    return n // 2 if n % 2 == 0 else 3 * n + 1


def _product_of_odds(values: list[int]) -> int:
    odds = [v for v in values if v % 2]
    return math.prod(odds) if odds else 0


def _products_of_others(x: str) -> str:
    values = ints(x)
    return bracketed(math.prod(values[:i] + values[i + 1:]) for i in range(len(values)))


def _pairs_with_sum(x: str) -> str:
    """Pairs [earlier, later] in the order their later element appears, each pair of values once."""
    values, target = ints(before_keyword(x, "target")), keyword(x, "target")
    seen, found, pairs = set(), set(), []
    for v in values:
        if target - v in seen and frozenset((v, target - v)) not in found:
            pairs.append(f"[{target - v}, {v}]")
            found.add(frozenset((v, target - v)))
        seen.add(v)
    return "[" + ", ".join(pairs) + "]"


def _pairs_input(rng: random.Random) -> str:
    values = rng.sample(range(1, 50), rng.randint(4, 7))
    target = sum(rng.sample(values, 2)) if rng.random() < 0.8 else rng.randint(3, 97)
    return f"{bracketed(values)}, target={target}"


def _inner_lists(rng: random.Random) -> str:
    lists = [[rng.randint(-50, 50) for _ in range(rng.randint(1, 3))] for _ in range(rng.randint(2, 4))]
    return "[" + ", ".join(bracketed(inner) for inner in lists) + "]"


def _int_list(lo: int, hi: int, n_lo: int, n_hi: int):
    def draw(rng: random.Random) -> str:
        return bracketed(rng.randint(lo, hi) for _ in range(rng.randint(n_lo, n_hi)))

    return draw


def _products_input(rng: random.Random) -> str:
    return bracketed(rng.randint(0, 9) if rng.random() < 0.1 else rng.randint(1, 9) for _ in range(rng.randint(3, 5)))


def _each(f):
    """The answer list of a task that maps each integer of the input list."""
    return lambda x: bracketed(f(n) for n in ints(x))


def _odd_products(x: str) -> str:
    return bracketed(_product_of_odds(v) for v in int_lists(x))


FAMILIES = [
    sni_row(
        "swapped_plus_minus", "task085_unnatural_addsub_arithmetic", Metric.NORMALIZED, _expression(("+", "-")),
        _evaluate(SWAPPED),
        Wording(("evaluate the expression with + meaning subtraction and - meaning addition",
                 "work out the result after swapping the plus and minus signs",
                 "compute the result, reading every + as a minus and every - as a plus",
                 "calculate the expression in which the two operators have traded meanings",
                 "treat + as subtract and - as add, then give the answer",
                 "solve the arithmetic where plus and minus are swapped"),
                ("What is the value of the expression if + subtracts and - adds?",
                 "What do you get when the plus and minus signs swap roles?",
                 "What is the answer once every + is read as - and every - as +?",
                 "What does this come to with addition and subtraction swapped?"),
                ("swap + and -", "plus means minus", "inverted signs arithmetic")),
    ),
    sni_row(
        "at_hash_arithmetic", "task087_new_operator_addsub_arithmetic", Metric.NORMALIZED, _expression(("@", "#")),
        _evaluate(AT_HASH),
        Wording(("evaluate the expression where @ means plus and # means minus",
                 "compute the result, reading @ as addition and # as subtraction",
                 "work out the sum in which + has been written @ and - has been written #",
                 "calculate the expression after turning each @ into + and each # into -",
                 "treat @ as add and # as subtract, then give the answer",
                 "solve the arithmetic written with @ for plus and # for minus"),
                ("What is the value of the expression if @ adds and # subtracts?",
                 "What do you get when @ stands for + and # stands for -?",
                 "What is the answer with @ as plus and # as minus?",
                 "What does this come to once @ and # are read as + and -?"),
                ("@ plus, # minus", "evaluate @ and #", "at-plus hash-minus")),
    ),
    sni_row(
        "is_prime", "task092_check_prime_classification", Metric.CHOICE, _prime_or_not,
        lambda x: "Yes" if _is_prime(int(x)) else "No",
        Wording(("say Yes if the number is prime and No if it is not",
                 "check whether the number is a prime number",
                 "answer Yes for a prime and No for anything else",
                 "test the number for primality, replying Yes or No",
                 "decide if the number has no divisors other than 1 and itself",
                 "tell me Yes when the integer is prime, otherwise No"),
                ("Is this number prime?",
                 "Is the given integer a prime number, Yes or No?",
                 "Does the number have exactly two divisors?",
                 "Is it prime or not?"),
                ("prime?", "is it prime", "prime check, Yes/No")),
        choices=("Yes", "No"),
    ),
    sni_row(
        "keep_primes", "task366_synthetic_return_primes", Metric.NORMALIZED, _numbers_some_prime, _keep_primes,
        Wording(("keep only the prime numbers in the list, or [] if there are none",
                 "remove every integer that is not prime",
                 "filter the list down to its primes, keeping their order",
                 "drop the composite numbers and return the primes",
                 "list the elements that are prime numbers",
                 "return the primes from the list in the order they appear"),
                ("Which numbers in the list are prime?",
                 "What is left when the non-primes are removed?",
                 "What are the list's prime elements, in order?",
                 "Which of these integers are primes?"),
                ("primes only", "keep the primes", "filter primes")),
    ),
    sni_row(
        "mean_of_list", "task094_conala_calculate_mean", Metric.NORMALIZED, _float_list, _mean,
        Wording(("compute the mean of the numbers, rounded to 3 decimal places",
                 "average the list: add the values, divide by how many there are, round to three decimals",
                 "give the arithmetic mean of the list to 3 decimals",
                 "find the average of these numbers and round it to the thousandths",
                 "work out the list's mean value, rounded to three places after the point",
                 "return the average of the list with at most 3 decimals"),
                ("What is the mean of the list, to 3 decimal places?",
                 "What is the average of these numbers, rounded to three decimals?",
                 "What do the values average to, to the nearest thousandth?",
                 "What is the list's arithmetic mean, rounded to 3 places?"),
                ("mean, 3 decimals", "average of the list", "rounded mean")),
    ),
    sni_row(
        "normalize_to_sum_one", "task093_conala_normalize_lists", Metric.NORMALIZED,
        fitting(_list_to_normalize, _normalized), _normalized,
        Wording(("divide every number by the list's total so the results add up to 1, rounding to 3 decimals",
                 "normalize the list to sum to one, rounded to three decimal places",
                 "scale the numbers by one constant so that they sum to 1 and round each to 3 decimals",
                 "turn the values into shares of their sum, each rounded to three decimals",
                 "rescale the list so its total is 1, keeping 3 decimals",
                 "give each number divided by the sum of all of them, to 3 decimal places"),
                ("What is the list normalized to sum to 1, rounded to 3 decimals?",
                 "What does each value become when the list is scaled to a total of one?",
                 "What fraction of the total is each number, to three decimals?",
                 "How does the list look divided by its own sum and rounded to 3 places?"),
                ("normalize to sum 1", "divide by the total", "shares of the sum")),
    ),
    sni_row(
        "max_absolute_value", "task095_conala_max_absolute_value", Metric.NORMALIZED,
        fitting(_numpy_printed_floats), _largest_magnitude,
        Wording(("return the element with the largest absolute value, as it is written with its sign",
                 "find the number farthest from zero and give it with its sign",
                 "pick the element whose magnitude is biggest, preferring the positive one on a tie",
                 "give the value of the list element with the highest absolute value",
                 "compare the numbers ignoring their signs and answer with the biggest one as written",
                 "select the entry with maximum absolute value, keeping its original sign"),
                ("Which element has the largest absolute value?",
                 "What is the number in the list farthest from zero?",
                 "Which value has the greatest magnitude, sign kept?",
                 "Ignoring signs, which element is biggest, written as it appears?"),
                ("max absolute value", "largest magnitude", "farthest from zero")),
    ),
    sni_row(
        "is_leap_year", "task1332_check_leap_year", Metric.CHOICE, _year, _leap,
        Wording(("answer 1 if the year is a leap year and 0 if it is not",
                 "check whether the year has a February 29th, replying 1 or 0",
                 "return 1 for a leap year and 0 for a common year",
                 "say whether the given year is a leap year, as 1 or 0",
                 "decide if the year is a leap year and write 1 for yes, 0 for no",
                 "test the year: 1 when it is a leap year, otherwise 0"),
                ("Is this year a leap year (1) or not (0)?",
                 "Does the year have 366 days, 1 for yes and 0 for no?",
                 "Is the given year a leap year, answering 1 or 0?",
                 "Would February have 29 days in that year, 1 or 0?"),
                ("leap year? 1/0", "is leap year", "leap year check")),
        choices=("1", "0"),
    ),
    sni_row(
        "is_valid_date", "task1403_check_validity_date_mmddyyyy", Metric.CHOICE, _date_to_check, _valid_mmddyyyy,
        Wording(("answer 1 if the mm/dd/yyyy date is a real calendar date and 0 if it is not",
                 "check whether the month is 1 to 12 and the day exists in that month, replying 1 or 0",
                 "return 1 for a valid mm/dd/yyyy date and 0 for an invalid one",
                 "validate the date in month/day/year form, leap years included, as 1 or 0",
                 "decide if the given month and day can occur together and write 1 or 0",
                 "test the mm/dd/yyyy date for validity: 1 valid, 0 invalid"),
                ("Is this mm/dd/yyyy date valid (1) or invalid (0)?",
                 "Does the date exist on the calendar, 1 for yes and 0 for no?",
                 "Is the given month/day/year a possible date, answering 1 or 0?",
                 "Can this date really happen, 1 or 0?"),
                ("valid date? 1/0", "check mm/dd/yyyy", "date validity")),
        choices=("1", "0"),
    ),
    sni_row(
        "swap_day_month", "task1404_date_conversion", Metric.NORMALIZED, _date_with_format, _swap_format,
        Wording(("convert the date to the other format, dd/mm/yyyy to mm/dd/yyyy or the reverse",
                 "swap the day and the month of the date according to its stated input format",
                 "rewrite the date from the given format into the opposite one",
                 "change a dd/mm/yyyy date to mm/dd/yyyy and an mm/dd/yyyy date to dd/mm/yyyy",
                 "turn the date around between day-first and month-first order",
                 "read the input format and output the date in the other format"),
                ("What is the date written in the other format?",
                 "How does the date read after converting between dd/mm/yyyy and mm/dd/yyyy?",
                 "What is this date with day and month swapped to match the other format?",
                 "How would you write the date in the opposite day/month order?"),
                ("swap date format", "dd/mm <-> mm/dd", "other date format")),
    ),
    sni_row(
        "round_to_power_of_two", "task1444_round_power_of_two", Metric.NORMALIZED,
        fitting(_int_list(2, 5000, 3, 6)), _each(_nearest_power_of_two),
        Wording(("round every number in the list to the nearest power of 2, taking the larger one on a tie",
                 "replace each integer by the closest power of two",
                 "map every element to the power of 2 it is nearest to, rounding halfway cases up",
                 "snap each number to the nearest of 2, 4, 8, 16 and so on",
                 "give the closest power of two for each item of the list",
                 "round the integers to powers of 2, preferring the bigger one when two are equally close"),
                ("What is each number rounded to the closest power of 2?",
                 "Which power of two is nearest to every element?",
                 "What list do you get by snapping each integer to a power of 2?",
                 "What are the nearest powers of two for these numbers?"),
                ("nearest power of 2", "round to powers of two", "closest 2^n each")),
    ),
    sni_row(
        "collatz_step", "task206_collatz_conjecture", Metric.NORMALIZED, fitting(_int_list(1, 200, 2, 6)),
        _each(_collatz),
        Wording(("halve each even number and turn each odd number n into 3n + 1",
                 "apply one Collatz step to every element of the list",
                 "divide the even elements by two and multiply the odd ones by three and add one",
                 "map each number: even goes to half, odd goes to three times plus one",
                 "transform the list with the rule n/2 for even n and 3n+1 for odd n",
                 "give the next Collatz value of every integer in the list"),
                ("What is the list after one Collatz step on each number?",
                 "What do you get halving the even numbers and tripling-plus-one the odd ones?",
                 "What does each element become under the 3n+1 rule?",
                 "What is the next term of the Collatz sequence for every item?"),
                ("Collatz step", "3n+1 or n/2", "one Collatz step each")),
    ),
    sni_row(
        "product_of_odds", "task852_synthetic_multiply_odds", Metric.NORMALIZED,
        fitting(_inner_lists, _odd_products), _odd_products,
        Wording(("multiply the odd numbers of each inner list together, giving 0 for a list with none",
                 "give the product of the odd elements of every sublist",
                 "compute the product of the odd integers in each inner list, zero not counting as odd",
                 "return one product per inner list: its odd numbers multiplied, or 0 if it has no odd number",
                 "take each inner list and multiply only its odd values",
                 "list the products of the odd entries of every inner list"),
                ("What is the product of the odd numbers in each inner list?",
                 "What do the odd elements of every sublist multiply to?",
                 "Per inner list, what is the product of its odd integers, 0 if none?",
                 "What list of odd-number products do the sublists give?"),
                ("product of odds", "multiply odds per list", "odd products")),
    ),
    sni_row(
        "product_of_others", "task1088_array_of_products", Metric.NORMALIZED,
        fitting(_products_input, _products_of_others), _products_of_others,
        Wording(("replace each element by the product of all the other elements",
                 "multiply together every number except the one in each position",
                 "give, for each item, the product of the rest of the list",
                 "compute the product of all elements but the current one, for each position",
                 "build the list of products of everything except self",
                 "multiply all the other numbers for each place in the list"),
                ("What is the product of every other element, for each position?",
                 "What does each entry become when replaced by the product of the rest?",
                 "What is the array of products excluding self?",
                 "For each number, what do the remaining numbers multiply to?"),
                ("product except self", "products of the others", "array of products")),
    ),
    sni_row(
        "pairs_with_sum", "task1087_two_number_sum", Metric.NORMALIZED, fitting(_pairs_input, _pairs_with_sum),
        _pairs_with_sum,
        Wording(("find every pair of numbers in the list that adds up to the target",
                 "list all the distinct pairs whose sum equals the target, or [] if there is none",
                 "give each pair of elements that sums to the target value",
                 "return the unique pairs of list numbers totalling the target",
                 "search the list for two numbers that add to the target and list all such pairs",
                 "pair up elements whose sum is the target"),
                ("Which pairs of numbers in the list add up to the target?",
                 "What pairs sum to the target value?",
                 "Which two-number combinations from the list total the target?",
                 "What are all the unique pairs with the target sum?"),
                ("two number sum", "pairs adding to target", "pair sums equal target")),
    ),
]
