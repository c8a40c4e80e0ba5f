"""Operations on short comma-separated lists ("3, 7, 1" or "cat, dog, sun")."""

from __future__ import annotations

from ..format import Metric
from .lexicons import SHORT_WORDS, number_list, numbers, parse_numbers
from .rows import hand_written
from .wording import Wording

THEME = "lists"


def _items(text: str) -> list[str]:
    return [t.strip() for t in text.split(",")]


def _nums(rng) -> str:
    return number_list(numbers(rng, 3, 6))


def _mixed_list(lo: int, hi: int):
    """Sampler: `lo`..`hi` items, all words or all numbers, at most 40 characters."""

    def sample(rng) -> str:
        while True:
            k = rng.randint(lo, hi)
            items = rng.sample(SHORT_WORDS, k) if rng.random() < 0.5 else numbers(rng, k, k)
            text = number_list(items)
            if len(text) <= 40:
                return text

    return sample


def _with_duplicates(rng) -> str:
    while True:
        items = [rng.randint(1, 9) for _ in range(rng.randint(4, 7))]
        if len(set(items)) < len(items):
            return number_list(items)


def _dedupe(text: str) -> str:
    return number_list(dict.fromkeys(_items(text)))


def _word_list(rng) -> str:
    while True:
        text = number_list(rng.sample(SHORT_WORDS, rng.randint(2, 5)))
        if len(text) <= 40:
            return text


FAMILIES = [
    hand_written(
        "sort_numbers", THEME, Metric.NORMALIZED, _nums, lambda s: number_list(sorted(parse_numbers(s))),
        descriptions=(
            "Sort the numbers in ascending order.",
            "Put the numbers in order from smallest to largest.",
            "sort ascending",
            'Arrange the list from low to high, e.g. "9, 2, 5" -> "2, 5, 9".',
            "What is this list of numbers when sorted?",
            "Reorder the numbers so that each one is at least as big as the one before it.",
            "sort the list",
            "Take every number in the comma-separated list and write them all again, smallest first and biggest "
            "last, separated by commas.",
            "Can you sort these numbers, lowest first?",
            "Return the list in increasing order.",
            "Order the numbers from least to greatest.",
            'Sort the values upward. For example "30, 4, 12" becomes "4, 12, 30".',
            "ascending order please",
        ),
        wording=Wording(
            ("sort the numbers from smallest to largest", "put the list in ascending order",
             "arrange the numbers in increasing order, separated by commas"),
            ("What is the list in ascending order?", "How does the list look sorted from low to high?"),
            ("smallest first", "sort it ascending"),
        ),
    ),
    hand_written(
        "sort_numbers_descending", THEME, Metric.NORMALIZED, _nums,
        lambda s: number_list(sorted(parse_numbers(s), reverse=True)),
        descriptions=(
            "Sort the numbers in descending order.",
            "Put the numbers in order from largest to smallest.",
            "sort descending",
            'Arrange the list from high to low, e.g. "2, 9, 5" -> "9, 5, 2".',
            "What is this list of numbers when sorted from the top down?",
            "Reorder the numbers so that each one is at most as big as the one before it.",
            "reverse sort",
            "Take every number in the comma-separated list and write them all again, biggest first and smallest "
            "last, separated by commas.",
            "Can you sort these numbers, highest first?",
            "Return the list in decreasing order.",
            "Order the numbers from greatest to least.",
            'Sort the values downward. For example "4, 30, 12" becomes "30, 12, 4".',
            "descending order please",
        ),
        wording=Wording(
            ("sort the numbers from largest to smallest", "put the list in descending order",
             "arrange the numbers in decreasing order, separated by commas"),
            ("What is the list in descending order?", "How does the list look sorted from high to low?"),
            ("largest first", "sort it descending"),
        ),
    ),
    hand_written(
        "max_of_list", THEME, Metric.NORMALIZED, _nums, lambda s: str(max(parse_numbers(s))),
        descriptions=(
            "What is the largest number in the list?",
            "Return the maximum of the numbers.",
            "max",
            'Find the biggest value, e.g. "4, 17, 9" -> "17".',
            "Which number in the list is the highest?",
            "Look through the list and answer with its greatest number.",
            "largest value",
            "Read all the comma-separated numbers, remember the biggest one you have seen, and write it at the end.",
            "Give me the top number of this list.",
            "Pick the maximum.",
            "Find the highest number.",
            'Tell me the largest value among these. For example "3, 8, 1" gives "8".',
            "Biggest number?",
        ),
        wording=Wording(
            ("give the largest number in the list", "find the maximum of the list",
             "write the highest value among the numbers"),
            ("Which is the biggest number in the list?", "What is the maximum value?"),
            ("the maximum", "highest value"),
        ),
    ),
    hand_written(
        "min_of_list", THEME, Metric.NORMALIZED, _nums, lambda s: str(min(parse_numbers(s))),
        descriptions=(
            "What is the smallest number in the list?",
            "Return the minimum of the numbers.",
            "min",
            'Find the lowest value, e.g. "4, 17, 9" -> "4".',
            "Which number in the list is the smallest?",
            "Look through the list and answer with its least number.",
            "smallest value",
            "Read all the comma-separated numbers, remember the smallest one you have seen, and write it at the end.",
            "Give me the bottom number of this list.",
            "Pick the minimum.",
            "Find the lowest number.",
            'Tell me the smallest value among these. For example "3, 8, 1" gives "1".',
            "Smallest number?",
        ),
        wording=Wording(
            ("give the smallest number in the list", "find the minimum of the list",
             "write the lowest value among the numbers"),
            ("Which is the smallest number in the list?", "What is the minimum value?"),
            ("the minimum", "lowest value"),
        ),
    ),
    hand_written(
        "list_length", THEME, Metric.NORMALIZED, _mixed_list(2, 8), lambda s: str(len(_items(s))),
        descriptions=(
            "How many items are in the list?",
            "Count the elements of the list.",
            "list length",
            'Return the number of items, e.g. "cat, dog, cow" -> "3".',
            "Tell me how many entries this comma-separated list has.",
            "Count the items separated by commas and answer with a number.",
            "number of items",
            "Go through the list, count each element once, and write down the total number of elements.",
            "What is the length of this list?",
            "Give the item count.",
            "Count the items.",
            'How many things are listed? For example "5, 1, 7, 2" gives "4".',
            "Size of the list?",
        ),
        wording=Wording(
            ("count the items in the list", "give the number of entries in the comma-separated list",
             "say how many elements the list has"),
            ("How many entries does the list have?", "What is the number of items in this list?"),
            ("how many items", "count the items, please"),
        ),
    ),
    hand_written(
        "remove_duplicates", THEME, Metric.NORMALIZED, _with_duplicates, _dedupe,
        descriptions=(
            "Remove the duplicates from the list.",
            "Keep only the first occurrence of each number.",
            "dedupe",
            'Drop repeated values and keep the order, e.g. "3, 3, 5, 1, 5" -> "3, 5, 1".',
            "What is the list with every repeated entry removed?",
            "Write each distinct number once, in the order it first appears.",
            "unique items",
            "Walk through the list from left to right and copy a number only if you have not copied it already.",
            "Can you delete the repeats from this list?",
            "Return the list without duplicates.",
            "Remove repeated numbers.",
            'Make every number appear only once. For example "2, 2, 4, 2" becomes "2, 4".',
            "List the unique values in their original order.",
        ),
        wording=Wording(
            ("remove the repeated numbers from the list, keeping the first of each",
             "write each number of the list once, in the order it first appears", "drop the duplicates from the list"),
            ("What is the list without its repeats?", "Which distinct numbers does the list have, in order?"),
            ("no duplicates", "remove repeats"),
        ),
    ),
    hand_written(
        "reverse_list", THEME, Metric.NORMALIZED, _mixed_list(3, 6), lambda s: number_list(_items(s)[::-1]),
        descriptions=(
            "Reverse the list.",
            "Write the items in the opposite order.",
            "reverse list",
            'Put the last item first, e.g. "1, 2, 3" -> "3, 2, 1".',
            "What is the list when read from the end to the start?",
            "Flip the order of the comma-separated items.",
            "backwards list",
            "Take the list and write its items again starting from the last one and finishing with the first one.",
            "Could you list these items in reverse?",
            "Return the items from last to first.",
            "Invert the list order.",
            'Turn the list around. For example "red, tea, sun" becomes "sun, tea, red".',
            "Give the same list, reversed.",
        ),
        wording=Wording(
            ("reverse the order of the items in the list", "write the list from its last item to its first",
             "put the comma-separated items in the opposite order"),
            ("What is the list in reverse order?", "How does the list look backwards?"),
            ("list reversed", "reverse the items"),
        ),
    ),
    hand_written(
        "join_with_dashes", THEME, Metric.EXACT, _word_list, lambda s: "-".join(_items(s)),
        descriptions=(
            "Join the items with dashes.",
            "Connect the words with hyphens instead of commas.",
            "join with -",
            'Replace each comma and space with a dash, e.g. "red, blue, green" -> "red-blue-green".',
            "What do the items look like joined by dashes?",
            "Glue the list items together using a hyphen between each pair.",
            "dash-separated",
            "Take every item of the comma-separated list and write them as one string, with a single '-' between "
            "neighbouring items and no spaces.",
            "Could you link these words with dashes?",
            "Return the items joined by hyphens.",
            "Hyphenate the list.",
            'Join the words using dashes. For example "sun, sky" becomes "sun-sky".',
            "commas to dashes",
        ),
        wording=Wording(
            ("join the items of the list with dashes", "replace each comma and space between items with a hyphen",
             "connect the list items using a dash between each pair"),
            ("What are the items joined with dashes?", "How does the list look with hyphens instead of commas?"),
            ("hyphen-join the items", "join with dashes"),
        ),
    ),
    hand_written(
        "sum_of_list", THEME, Metric.NORMALIZED, lambda rng: number_list(numbers(rng, 3, 4, 9, distinct=False)),
        lambda s: str(sum(parse_numbers(s))),
        descriptions=(
            "Add up all the numbers in the list.",
            "What is the total of the list?",
            "sum of list",
            'Return the sum of every number, e.g. "2, 5, 3" -> "10".',
            "Calculate the sum of these numbers.",
            "Add the numbers together and write the result.",
            "total",
            "Start at zero, add each number of the comma-separated list in turn, and write the final total.",
            "How much do all these numbers make together?",
            "Give the sum.",
            "Sum the list.",
            'Total the values. For example "1, 1, 4" gives "6".',
            "What do the numbers add up to?",
        ),
        wording=Wording(
            ("add up the numbers in the list", "give the total of all the numbers",
             "work out the sum of the comma-separated numbers"),
            ("What is the sum of the list?", "What do all the numbers add up to?"),
            ("list total", "add them all up"),
        ),
    ),
]
