"""Super-NaturalInstructions tasks as seeded generators: lists of numbers and letters: take, drop, filter, count, sort, sets.

Each row implements one SNI task (`Family.sni`): inputs in the task's own input format (shorter, so that a 270M
base and short training sequences fit them), answers in its output format. Its SNI instances are the row's test
vectors (tests/fixtures/sni/<task>.json, checked by tests/test_sni.py).
"""

from __future__ import annotations

import ast
import random
import re

from ..format import Metric
from .rows import row
from .sni_formats import (
    bracketed, commas, fitting, indexed_list, int_lists, ints, is_alphabetical, is_numerical, items, keyword,
    before_keyword, letter_item, mixed_items, number_item, quoted, sets, sets_input,
)
from .wording import Wording

THEME = "sni-lists"


def sni_row(name: str, task: str, metric: Metric, sample, solve, wording: Wording, choices=None):
    return row(name, THEME, metric, sample, solve, wording, choices=choices,
               source=f"Super-NaturalInstructions {task.split('_')[0]} (Apache-2.0)", sni=task)


# -- positions: i, j, k before an SNI item list (1-based) ----------------------------------------------------------


@fitting
def _i_and_items(rng: random.Random) -> str:
    values = mixed_items(rng, 3, 7)
    return f"{rng.randint(1, len(values) - 1)}, {quoted(values)}"


@fitting
def _i_j_and_items(rng: random.Random) -> str:
    """1 ≤ i < j < len(A), as the task's definition states."""
    values = mixed_items(rng, 3, 7)
    i = rng.randint(1, len(values) - 2)
    return f"{i}, {rng.randint(i + 1, len(values) - 1)}, {quoted(values)}"


@fitting
def _k_i_and_items(rng: random.Random) -> str:
    values = mixed_items(rng, 4, 8)
    return f"{rng.randint(1, 3)}, {rng.randint(1, 4)}, {quoted(values)}"


def _first_i(x: str) -> str:
    (i,), values = indexed_list(x, 1)
    return commas(values[:i])


def _after_first_i(x: str) -> str:
    (i,), values = indexed_list(x, 1)
    return commas(values[i:])


def _reverse_then_join(x: str) -> str:
    (i, j), values = indexed_list(x, 2)
    return "".join(reversed(values[i - 1:j]))


def _join_then_reverse(x: str) -> str:
    (i, j), values = indexed_list(x, 2)
    return "".join(values[i - 1:j])[::-1]


def _every_ith_from_kth(x: str) -> str:
    (k, i), values = indexed_list(x, 2)
    return commas(values[k - 1::i])


# -- letters and numbers in one list -------------------------------------------------------------------------------


def _with_both(lowercase: bool = False, short_numbers: bool = False):
    """Lists holding at least one letter and one number (so no answer is empty)."""

    def draw(rng: random.Random) -> str:
        values = [letter_item(rng, lowercase) if rng.random() < 0.5
                  else (str(rng.randint(1, 499)) if short_numbers else number_item(rng))
                  for _ in range(rng.randint(3, 7))]
        kinds = {is_alphabetical(v) for v in values}
        return quoted(values) if kinds == {True, False} else ""

    draw.__name__ = "letters_and_numbers"
    return fitting(draw)


def _letters(x: str) -> list[str]:
    return [v for v in items(x) if is_alphabetical(v)]


def _numbers(x: str) -> list[str]:
    return [v for v in items(x) if is_numerical(v)]


def _numerical_positions(x: str) -> str:
    found = [str(p) for p, v in enumerate(items(x), 1) if is_numerical(v)]
    return commas(found) if found else "-1"


def _sorted_unique_letters(x: str) -> str:
    return commas(sorted(set(_letters(x)))) or "-1"


def _sorted_unique_digits(x: str) -> str:
    return commas(sorted({c for v in items(x) for c in v if c.isdigit()})) or "-1"


# -- longest common run of two lists (task605) --------------------------------------------------------------------

_RUN_POOL = tuple(str(n) for n in range(10, 100)) + tuple("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _literal(value: str, rng: random.Random) -> str:
    """An element as task605 writes it: numbers quoted or bare, letters quoted."""
    return value if value.isdigit() and rng.random() < 0.5 else f"'{value}'"


@fitting
def _two_lists_with_a_common_run(rng: random.Random) -> str:
    """Two lists sharing one run of 2-3 elements and nothing else, so the longest common run is also the longest
    common subsequence and is unique."""
    run_length = rng.randint(2, 3)
    values = rng.sample(_RUN_POOL, run_length + 6)
    run = [_literal(v, rng) for v in values[:run_length]]  # written once: '8297' and 8297 are different elements

    def around(others: list[str]) -> str:
        others = [_literal(v, rng) for v in others]
        before = rng.randint(0, 2)
        return "[" + ", ".join(others[:before] + run + others[before:before + rng.randint(0, 1)]) + "]"

    return f"{around(values[run_length:run_length + 3])}, {around(values[run_length + 3:])}"


def _longest_common_run(x: str) -> str:
    """The longest run of consecutive elements found in both lists (elements compared as Python values, so 8297 and
    '8297' differ); the first such run in A on a tie. The task calls it a subsequence; its instances are runs."""
    a, b = ast.literal_eval(x)
    best: list = []
    for i in range(len(a)):
        for j in range(len(b)):
            n = 0
            while i + n < len(a) and j + n < len(b) and a[i + n] == b[j + n]:
                n += 1
            if n > len(best):
                best = a[i:i + n]
    return commas(best)


# -- integer lists --------------------------------------------------------------------------------------------------


def _int_list(lo: int, hi: int, n_lo: int = 3, n_hi: int = 7, distinct: bool = False):
    def draw(rng: random.Random) -> list[int]:
        n = rng.randint(n_lo, n_hi)
        return rng.sample(range(lo, hi + 1), n) if distinct else [rng.randint(lo, hi) for _ in range(n)]

    return draw


@fitting
def _monotonic_or_not(rng: random.Random) -> str:
    """Half monotonic lists (steady steps as in the task's instances, or sorted draws with repeats), half not."""
    n = rng.randint(3, 7)
    if rng.random() < 0.5:
        if rng.random() < 0.5:
            start, step = rng.randint(1, 199), rng.randint(1, 12) * rng.choice((1, -1))
            values = [start + step * i for i in range(n)]
        else:
            values = sorted((rng.randint(0, 99) for _ in range(n)), reverse=rng.random() < 0.5)
    else:
        values = [rng.randint(0, 99) for _ in range(n)]
    return bracketed(values)


def _monotonic(x: str) -> str:
    v = ints(x)
    steps = list(zip(v, v[1:]))
    return "1" if all(a <= b for a, b in steps) or all(a >= b for a, b in steps) else "2"


def _swap_max_min(x: str) -> str:
    v = ints(x)
    hi, lo = v.index(max(v)), v.index(min(v))
    v[hi], v[lo] = v[lo], v[hi]
    return bracketed(v)


@fitting
def _list_and_k(rng: random.Random) -> str:
    return f"{bracketed(_int_list(10, 299, 3, 6)(rng))} k={rng.randint(1, 20)}"


def _add_k(x: str) -> str:
    k = keyword(x, "k")
    return bracketed(v + k for v in ints(before_keyword(x, "k")))


@fitting
def _distinct_list_and_rank(rng: random.Random) -> str:
    values = _int_list(10, 299, 3, 7, distinct=True)(rng)
    return f"{bracketed(values)}, k={rng.randint(1, len(values))}"


def _kth(largest: bool):
    def solve(x: str) -> str:
        values = sorted(ints(before_keyword(x, "k")), reverse=largest)
        return str(values[keyword(x, "k") - 1])

    return solve


def _range(x: str) -> str:
    v = ints(x)
    return str(max(v) - min(v))


@fitting
def _inner_lists(rng: random.Random) -> str:
    lists = [[rng.randint(-99, 99) for _ in range(rng.randint(1, 4))] for _ in range(rng.randint(2, 4))]
    return "[" + ", ".join(bracketed(inner) for inner in lists) + "]"


def _max_of_inner_lists(x: str) -> str:
    return bracketed(max(inner) for inner in int_lists(x))


@fitting
def _list_with_multiples_of_3(rng: random.Random) -> str:
    return bracketed(_int_list(-99, 99, 2, 7)(rng))


def _drop_multiples_of_3(x: str) -> str:
    return bracketed(v for v in ints(x) if v % 3)


# -- two sets (the SNI question after the sets is left out: the description asks it) -------------------------------


def _two_sets(rng: random.Random) -> tuple[list[int], list[int]]:
    pool = range(1, 21)
    a = rng.sample(pool, rng.randint(1, 4))
    shared = rng.sample(a, rng.randint(0, min(2, len(a))))
    b = sorted(set(shared) | set(rng.sample(pool, rng.randint(1, 4))))
    return a, b


@fitting
def _sets(rng: random.Random) -> str:
    return sets_input(*_two_sets(rng))


@fitting
def _sets_and_element(rng: random.Random) -> str:
    """Half the elements are in both sets (a Yes), half in only one of them."""
    a, b = _two_sets(rng)
    pool = sorted(set(a) & set(b)) if rng.random() < 0.5 else sorted(set(a) ^ set(b))
    return f"{sets_input(a, b)}, Element: '{rng.choice(pool)}'" if pool else ""


def _in_intersection(x: str) -> str:
    a, b = sets(x)
    element = int(re.search(r"[Ee]lement:? '(-?\d+)'", x).group(1))  # the SNI question or "Element: '9'"
    return "Yes" if element in a & b else "No"


FAMILIES = [
    sni_row(
        "first_i_elements", "task063_first_i_elements", Metric.NORMALIZED, _i_and_items, _first_i,
        Wording(("list the first i items of the list, where i is the number written before it",
                 "take as many items from the start of the list as the leading number says",
                 "keep the first i elements of A, with i given before the list",
                 "return the opening items of the list, the count being the first number",
                 "copy the first i entries of the list, separated by commas",
                 "read the number i, then give the first i elements of the list that follows"),
                ("What are the first i items of the list, i being the number in front?",
                 "Which elements open the list, counting as many as the leading number?",
                 "Given i and a list, what are its first i entries?",
                 "What do you get if you keep only the first i items of A?"),
                ("first i elements", "head of list, i items", "take first i")),
    ),
    sni_row(
        "elements_after_first_i", "task064_all_elements_except_first_i", Metric.NORMALIZED, _i_and_items,
        _after_first_i,
        Wording(("drop the first i items of the list and list the rest, i being the number before it",
                 "skip as many leading elements as the first number says and return what remains",
                 "give every element of A that comes after the first i",
                 "remove the first i entries from the list and write out the others",
                 "list the items that follow the first i, where i is given before the list",
                 "discard the opening i elements of the list and keep the remainder"),
                ("What remains of the list after its first i items are dropped?",
                 "Which elements come after the first i, i being the leading number?",
                 "Given i and a list, what is left once the first i entries are skipped?",
                 "What are the items of A past position i?"),
                ("skip first i", "drop i, keep rest", "all but first i")),
    ),
    sni_row(
        "reverse_join_i_to_j", "task101_reverse_and_concatenate_all_elements_from_index_i_to_j", Metric.NORMALIZED,
        _i_j_and_items, _reverse_then_join,
        Wording(("take the elements from position i to position j, put them in reverse order and join them into one "
                 "string",
                 "reverse the order of the items between positions i and j and glue them together without spaces",
                 "join the ith through jth elements back to front into a single string",
                 "collect items i to j of the list, last one first, and concatenate them",
                 "read i and j, then write elements j down to i of the list run together",
                 "flip the slice of the list from the ith to the jth element and join it up"),
                ("What string do you get by joining the ith to jth items in reverse order?",
                 "Which single string results from reversing the elements i through j and concatenating them?",
                 "Given i, j and a list, what do items j back to i give when run together?",
                 "What is the concatenation of the slice from i to j, taken from its end?"),
                ("reverse slice i..j, join", "items j to i joined", "backwards join of i..j")),
    ),
    sni_row(
        "join_reverse_i_to_j", "task267_concatenate_and_reverse_all_elements_from_index_i_to_j", Metric.NORMALIZED,
        _i_j_and_items, _join_then_reverse,
        Wording(("join the elements from position i to position j into one string and then reverse that string",
                 "concatenate items i through j of the list and write the result backwards",
                 "glue the ith to jth elements together and reverse the characters of the result",
                 "run the slice from i to j together, then spell it back to front",
                 "read i and j, join elements i to j of the list, and reverse the joined text",
                 "combine the list items between positions i and j into a string and mirror it"),
                ("What is the reversed string of the ith to jth items joined together?",
                 "What do you get if you concatenate elements i through j and then reverse it?",
                 "Given i, j and a list, what is the joined slice from i to j read backwards?",
                 "Which string comes out when items i to j are run together and reversed?"),
                ("join i..j, reverse", "reversed joined slice", "concat then reverse")),
    ),
    sni_row(
        "every_ith_from_kth", "task1551_every_ith_element_from_kth_element", Metric.NORMALIZED, _k_i_and_items,
        _every_ith_from_kth,
        Wording(("list every ith element of the list, starting at the kth, k and i being the two numbers before it",
                 "begin at position k and then step through the list i items at a time",
                 "pick the kth item and every ith one after it until the list runs out",
                 "take every ith element of A, counting from the kth",
                 "read k and i, then collect items k, k+i, k+2i and so on from the list",
                 "walk the list from element k in steps of i and write down each element you land on"),
                ("Which elements do you hit going through the list from position k in steps of i?",
                 "What is every ith item of the list, starting with the kth?",
                 "Given k, i and a list, which items sit at positions k, k+i, k+2i and so on?",
                 "What do you collect by stepping i at a time from the kth element?"),
                ("every ith from k", "step i from kth", "stride i, start k")),
    ),
    sni_row(
        "alphabetical_elements", "task488_extract_all_alphabetical_elements_from_list_in_order", Metric.NORMALIZED,
        _with_both(), lambda x: commas(_letters(x)),
        Wording(("list the items of the list that are letters, in their original order",
                 "keep only the alphabetical elements and leave out the numbers",
                 "pull out every letter element of the list without changing its case",
                 "drop the numeric items and write the letters that remain, in order",
                 "return the elements made of letters, keeping their order and capitalization",
                 "filter the list down to its alphabetic entries"),
                ("Which elements of the list are letters, in order?",
                 "What are the alphabetical items of this list?",
                 "If you remove every number from the list, what letters are left?",
                 "What letters appear in the list, in the order they occur?"),
                ("letter items only", "keep alphabetic items", "alphabetical elements, in order")),
    ),
    sni_row(
        "numerical_elements", "task497_extract_all_numbers_from_list_in_order", Metric.NORMALIZED, _with_both(),
        lambda x: commas(_numbers(x)),
        Wording(("list the items of the list that are numbers, in the order they appear",
                 "keep only the numeric elements and leave out the letters",
                 "pull out every number item of the list, keeping its order",
                 "drop the letter items and write the numbers that remain",
                 "return the numerical entries of the list in order",
                 "filter the list down to its number elements"),
                ("Which elements of the list are numbers, in order?",
                 "What are the numeric items of this list?",
                 "If you remove every letter from the list, which numbers are left?",
                 "What numbers appear in the list, in the order they occur?"),
                ("number items only", "keep numeric items", "numerical elements, in order")),
    ),
    sni_row(
        "sum_numerical_elements", "task499_extract_and_add_all_numbers_from_list", Metric.NORMALIZED, _with_both(),
        lambda x: str(sum(int(v) for v in _numbers(x))),
        Wording(("add up all the numbers in the list and ignore the letters",
                 "find the numeric elements of the list and give their sum",
                 "total the number items of the list, skipping the letters",
                 "sum every element of the list that is a number",
                 "work out the sum of the numbers mixed in with the letters",
                 "add the numerical entries together and write the total"),
                ("What do the numbers in the list add up to?",
                 "What is the sum of the numeric items, ignoring letters?",
                 "If you add every number in the list, what total do you get?",
                 "What is the total of the list's numerical elements?"),
                ("sum the number items", "total of numeric items", "add numbers, skip letters")),
    ),
    sni_row(
        "count_alphabetical_elements", "task504_count_all_alphabetical_elements_in_list", Metric.NORMALIZED,
        _with_both(), lambda x: str(len(_letters(x))),
        Wording(("count how many items in the list are letters",
                 "give the number of alphabetical elements in the list, or 0 if there are none",
                 "tally the letter entries of the list",
                 "work out how many elements of the list are alphabetic",
                 "count the list items made of letters and ignore the numbers",
                 "report how many letters the list contains as items"),
                ("How many elements of the list are letters?",
                 "What is the count of alphabetical items in this list?",
                 "How many letter entries does the list have?",
                 "How many items are alphabetic rather than numeric?"),
                ("count letter items", "number of letter items", "alphabetic item count")),
    ),
    sni_row(
        "count_numerical_elements", "task505_count_all_numerical_elements_in_list", Metric.NORMALIZED,
        _with_both(), lambda x: str(len(_numbers(x))),
        Wording(("count how many items in the list are numbers",
                 "give the number of numerical elements in the list, or 0 if there are none",
                 "tally the number entries of the list",
                 "work out how many elements of the list are numeric",
                 "count the list items that are numbers and ignore the letters",
                 "report how many numbers the list contains as items"),
                ("How many elements of the list are numbers?",
                 "What is the count of numeric items in this list?",
                 "How many number entries does the list have?",
                 "How many items are numeric rather than letters?"),
                ("count number items", "number of numeric items", "numeric item count")),
    ),
    sni_row(
        "numerical_positions", "task507_position_of_all_numerical_elements_in_list", Metric.NORMALIZED,
        _with_both(), _numerical_positions,
        Wording(("give the positions of the numbers in the list, counting from 1",
                 "list where each numeric element sits in the list, or -1 if there is none",
                 "write the 1-based indexes of all number items, in order",
                 "find which positions of the list hold numbers",
                 "return the position of every numerical element, starting the count at 1",
                 "mark the places in the list occupied by numbers and list them"),
                ("At which positions does the list hold numbers?",
                 "What are the 1-based indexes of the numeric items?",
                 "Where in the list are the number elements, counting from 1?",
                 "Which positions contain numbers, or is it -1 because none do?"),
                ("positions of numbers", "indexes of numeric items", "where the numbers are")),
    ),
    sni_row(
        "letters_then_numbers", "task509_collate_of_all_alphabetical_and_numerical_elements_in_list_separately",
        Metric.NORMALIZED, _with_both(), lambda x: commas(_letters(x) + _numbers(x)),
        Wording(("move all the letters to the front and the numbers to the back, keeping each group in order",
                 "list the alphabetical elements first and then the numerical ones, each in their original order",
                 "regroup the list so letters come before numbers without reordering within a group",
                 "write the letter items in order followed by the number items in order",
                 "separate letters from numbers, letters first, and keep the original order inside each part",
                 "put every letter element ahead of every number element, otherwise keeping the order"),
                ("What does the list look like with its letters first and its numbers after?",
                 "How do you order the list so alphabetical items precede numeric ones, each group keeping its order?",
                 "What is the list with letters collated at the start and numbers at the end?",
                 "Which sequence results from listing the letters first, then the numbers?"),
                ("letters first, then numbers", "group letters before numbers", "collate letters, numbers")),
    ),
    sni_row(
        "longest_common_run", "task605_find_the_longest_common_subsequence_in_two_lists", Metric.NORMALIZED,
        _two_lists_with_a_common_run, _longest_common_run,
        Wording(("find the longest stretch of consecutive elements that both lists share",
                 "give the longest run of items that appears, in the same order and side by side, in both lists",
                 "compare the two lists and return their longest common block of adjacent elements",
                 "locate the longest sequence of neighbouring items common to A and B",
                 "write out the longest piece the two lists have in common",
                 "return the longest common run of elements found in both lists"),
                ("What is the longest sequence of consecutive items found in both lists?",
                 "Which block of adjacent elements do the two lists share, at its longest?",
                 "What longest common subsequence of neighbouring items do A and B have?",
                 "Which run of elements appears unbroken in both lists?"),
                ("longest common run", "shared longest block", "longest common subsequence")),
    ),
    sni_row(
        "unique_sorted_letters", "task636_extract_and_sort_unique_alphabets_in_a_list", Metric.NORMALIZED,
        _with_both(lowercase=True), _sorted_unique_letters,
        Wording(("collect the distinct letters in the list and sort them alphabetically",
                 "list each letter that appears in the list once, in alphabetical order, or -1 if there is none",
                 "pull out the letters, remove repeats and put them in order",
                 "give the unique alphabetic items of the list sorted from a to z",
                 "sort the different letters found in the list",
                 "extract every letter of the list, deduplicate and alphabetize"),
                ("Which distinct letters does the list contain, in alphabetical order?",
                 "What are the list's unique letters sorted from a to z?",
                 "What sorted set of letters appears in the list?",
                 "Which letters occur in the list, each once and in order?"),
                ("sorted unique letters", "distinct letters a-z", "alphabetize unique letters")),
    ),
    sni_row(
        "unique_sorted_digits", "task637_extract_and_sort_unique_digits_in_a_list", Metric.NORMALIZED,
        _with_both(lowercase=True, short_numbers=True), _sorted_unique_digits,
        Wording(("collect the distinct digits used in the list's numbers and sort them",
                 "list each digit that appears anywhere in the list once, in ascending order, or -1 if there is none",
                 "find which digits the numbers are written with and put them in increasing order",
                 "give the unique digits in the list from smallest to largest",
                 "break the numbers into digits, drop repeats and sort what is left",
                 "extract every digit used in the list, deduplicate and order it"),
                ("Which distinct digits are used in the list, in ascending order?",
                 "What digits appear in the numbers of the list, each once and sorted?",
                 "What sorted set of digits do the list's numbers use?",
                 "Which digits occur in the list, from lowest to highest?"),
                ("sorted unique digits", "distinct digits ascending", "digits used, sorted")),
    ),
    sni_row(
        "is_monotonic", "task1089_check_monotonic_array", Metric.CHOICE, _monotonic_or_not, _monotonic,
        Wording(("answer 1 if the list only goes up or only goes down, and 2 otherwise",
                 "check whether the array is monotonic: 1 for yes, 2 for no",
                 "return 1 when the numbers never change direction and 2 when they do",
                 "say 1 if the sequence is entirely non-decreasing or entirely non-increasing, else 2",
                 "test the list for monotonicity and reply 1 or 2",
                 "decide if the values move in one direction only, writing 1 if so and 2 if not"),
                ("Is the array monotonic (answer 1) or not (answer 2)?",
                 "Does the list only rise or only fall, 1 for yes and 2 for no?",
                 "Is this sequence monotonically increasing or decreasing, 1 if so, 2 if not?",
                 "Would you call the array monotonic, answering 1, or not, answering 2?"),
                ("monotonic? 1 or 2", "check monotonic array", "1 if monotonic else 2")),
        choices=("1", "2"),
    ),
    sni_row(
        "swap_max_min", "task1151_swap_max_min", Metric.NORMALIZED,
        fitting(lambda rng: bracketed(_int_list(1, 499, 3, 7, distinct=True)(rng))), _swap_max_min,
        Wording(("swap the positions of the largest and the smallest number in the list",
                 "exchange the maximum and the minimum element and leave the rest in place",
                 "put the biggest value where the smallest was and the smallest where the biggest was",
                 "trade places between the list's max and min and return the list",
                 "switch the highest and lowest numbers, keeping every other element where it is",
                 "return the list with its maximum and minimum swapped"),
                ("What is the list after swapping its largest and smallest numbers?",
                 "How does the list look when the max and min change places?",
                 "What do you get if the biggest and smallest elements trade positions?",
                 "Which list results from exchanging the maximum with the minimum?"),
                ("swap max and min", "exchange max, min", "max-min swap")),
    ),
    sni_row(
        "add_k_to_list", "task1190_add_integer_to_list", Metric.NORMALIZED, _list_and_k, _add_k,
        Wording(("add k to every number in the list, where k is given after it",
                 "increase each element of the list by the value of k",
                 "shift every item of the list up by k and return the new list",
                 "add the integer k to each element and write out the updated list",
                 "read k, then add it to all the numbers in the list",
                 "return the list with k added to every entry"),
                ("What is the list after adding k to each element?",
                 "What do you get when every number in the list goes up by k?",
                 "Given a list and k, what is each element plus k?",
                 "Which list results from adding k to all of its items?"),
                ("add k to each", "list plus k", "increment all by k")),
    ),
    sni_row(
        "kth_largest", "task1194_kth_largest_element", Metric.NORMALIZED, _distinct_list_and_rank, _kth(True),
        Wording(("find the kth largest number in the list, k being given after it",
                 "sort the list from biggest to smallest and give the element in position k",
                 "return the element that ranks kth from the top of the list",
                 "pick the kth greatest value among the numbers",
                 "read k and answer with the kth highest element of the list",
                 "give the number that is kth when the list is ordered largest first"),
                ("What is the kth largest element of the list?",
                 "Which number ranks kth counting down from the maximum?",
                 "Given a list and k, what is its kth biggest value?",
                 "What value sits at position k when the list is sorted in descending order?"),
                ("kth largest", "kth biggest element", "k-th maximum")),
    ),
    sni_row(
        "kth_smallest", "task1406_kth_smallest_element", Metric.NORMALIZED, _distinct_list_and_rank, _kth(False),
        Wording(("find the kth smallest number in the list, k being given after it",
                 "sort the list from smallest to biggest and give the element in position k",
                 "return the element that ranks kth from the bottom of the list",
                 "pick the kth lowest value among the numbers",
                 "read k and answer with the kth least element of the list",
                 "give the number that is kth when the list is ordered smallest first"),
                ("What is the kth smallest element of the list?",
                 "Which number ranks kth counting up from the minimum?",
                 "Given a list and k, what is its kth lowest value?",
                 "What value sits at position k when the list is sorted in ascending order?"),
                ("kth smallest", "kth lowest element", "k-th minimum")),
    ),
    sni_row(
        "list_range", "task1315_find_range_array", Metric.NORMALIZED,
        fitting(lambda rng: bracketed(_int_list(0, 499, 3, 8)(rng))), _range,
        Wording(("work out the range of the list, the largest number minus the smallest",
                 "subtract the minimum element from the maximum element",
                 "give the difference between the highest and lowest values in the list",
                 "find how far apart the biggest and smallest numbers are",
                 "compute max minus min for the list of integers",
                 "return the spread between the list's maximum and minimum"),
                ("What is the range of the list?",
                 "How much bigger is the largest element than the smallest?",
                 "What is the maximum minus the minimum of these numbers?",
                 "What is the difference between the list's highest and lowest values?"),
                ("range of the list", "largest minus smallest", "spread of values")),
    ),
    sni_row(
        "max_of_inner_lists", "task207_max_element_lists", Metric.NORMALIZED, _inner_lists, _max_of_inner_lists,
        Wording(("find the largest number in each inner list and list those maxima in order",
                 "replace every inner list by its maximum",
                 "give the biggest value of each sublist, keeping the sublists' order",
                 "take the max of every list inside the list and return them as a list",
                 "keep only the greatest number of each inner list",
                 "return a list of the maximums of the inner lists"),
                ("What is the maximum of each inner list?",
                 "Which is the largest number in every sublist, in order?",
                 "What list do you get by taking each inner list's biggest value?",
                 "What are the per-list maxima of this nested list?"),
                ("max of each sublist", "inner list maxima", "per-list maximum")),
    ),
    sni_row(
        "set_intersection_size", "task243_count_elements_in_set_intersection", Metric.NORMALIZED, _sets,
        lambda x: str(len(set.intersection(*sets(x)))),
        Wording(("count how many numbers the two sets have in common",
                 "give the size of the intersection of Set1 and Set2",
                 "work out how many elements belong to both sets",
                 "find the common elements of the two sets and say how many there are",
                 "count the members shared by Set1 and Set2",
                 "report the number of elements in Set1 that are also in Set2"),
                ("How many elements are in the intersection of Set1 and Set2?",
                 "How many numbers appear in both sets?",
                 "What is the size of the overlap between the two sets?",
                 "How many members do Set1 and Set2 share?"),
                ("size of intersection", "count shared elements", "common element count")),
    ),
    sni_row(
        "set_union_size", "task244_count_elements_in_set_union", Metric.NORMALIZED, _sets,
        lambda x: str(len(set.union(*sets(x)))),
        Wording(("count how many distinct numbers the two sets contain together",
                 "give the size of the union of Set1 and Set2",
                 "work out how many elements belong to at least one of the sets",
                 "merge the two sets without repeats and say how many elements there are",
                 "count the members of Set1 and Set2 combined, each once",
                 "report the number of elements in the union of both sets"),
                ("How many elements are in the union of Set1 and Set2?",
                 "How many different numbers appear in either set?",
                 "What is the size of the two sets combined?",
                 "How many members does the merged set have?"),
                ("size of union", "count union elements", "union element count")),
    ),
    sni_row(
        "in_set_intersection", "task245_check_presence_in_set_intersection", Metric.CHOICE, _sets_and_element,
        _in_intersection,
        Wording(("say whether the given element is in both sets, answering Yes or No",
                 "check if the element belongs to the intersection of Set1 and Set2",
                 "answer Yes when the element appears in both sets and No otherwise",
                 "test whether the element is common to Set1 and Set2",
                 "decide if the element lies in the overlap of the two sets",
                 "reply Yes if the element is a member of both sets and No if it is not"),
                ("Is the element in the intersection of Set1 and Set2?",
                 "Does the given element appear in both sets?",
                 "Is the element shared by Set1 and Set2, Yes or No?",
                 "Do both sets contain the element?"),
                ("in both sets?", "element in intersection?", "common to both? Yes/No")),
        choices=("Yes", "No"),
    ),
    sni_row(
        "drop_multiples_of_3", "task370_synthetic_remove_divisible_by_3", Metric.NORMALIZED,
        _list_with_multiples_of_3, _drop_multiples_of_3,
        Wording(("remove every number divisible by 3 from the list",
                 "drop the multiples of three, zero included, and keep the rest in order",
                 "filter out the integers that 3 divides evenly",
                 "keep only the numbers that leave a remainder when divided by 3",
                 "delete each element that is a multiple of 3 and return what remains, or [] if nothing does",
                 "strip the list of all values divisible by three"),
                ("What is left of the list after removing the multiples of 3?",
                 "Which numbers in the list are not divisible by 3?",
                 "What does the list look like without its multiples of three?",
                 "Which elements survive when every number divisible by 3 is dropped?"),
                ("drop multiples of 3", "remove divisible by 3", "no multiples of three")),
    ),
]
