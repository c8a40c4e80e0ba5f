"""Arithmetic and comparison on small whole numbers. Two-number inputs look alike ("23 45") for every family, so
only the description tells what to do with them."""

from __future__ import annotations

from ..format import Metric
from .rows import hand_written
from .wording import Wording

THEME = "arithmetic"


def _pair(lo: int = 1, hi: int = 99, distinct: bool = False, ordered: bool = False):
    """Sampler: two numbers "a b"; `ordered` puts the larger first."""

    def sample(rng) -> str:
        while True:
            a, b = rng.randint(lo, hi), rng.randint(lo, hi)
            if distinct and a == b:
                continue
            if ordered and a < b:
                a, b = b, a
            return f"{a} {b}"

    return sample


def _number(lo: int, hi: int):
    return lambda rng: str(rng.randint(lo, hi))


def _two(text: str) -> tuple[int, int]:
    a, b = text.split()
    return int(a), int(b)


def _multiply_input(rng) -> str:
    return f"{rng.randint(1, 20)} {rng.randint(2, 9)}"


FAMILIES = [
    hand_written(
        "add", THEME, Metric.NORMALIZED, _pair(), lambda s: str(sum(_two(s))),
        descriptions=(
            "Add the two numbers.",
            "What is the sum of the two numbers?",
            "sum",
            'Add them together, e.g. "12 30" -> "42".',
            "Calculate the total of both numbers.",
            "Return the first number plus the second number.",
            "plus",
            "Take the two whole numbers you are given, add the second one to the first one, and write the result as "
            "a number.",
            "How much do the two numbers make together?",
            "Compute a + b.",
            "Add up the numbers.",
            'Give the sum of the pair. For example "7 8" gives "15".',
            "What do you get when you combine these two amounts?",
        ),
        wording=Wording(
            ("add the two numbers together", "give the sum of the two numbers",
             "work out the first number plus the second"),
            ("What do the two numbers add up to?", "What is the total of these two numbers?"),
            ("add them", "a plus b"),
        ),
    ),
    hand_written(
        "subtract", THEME, Metric.NORMALIZED, _pair(ordered=True), lambda s: str(_two(s)[0] - _two(s)[1]),
        descriptions=(
            "Subtract the second number from the first.",
            "What is the first number minus the second?",
            "difference",
            'Take the second number away from the first, e.g. "50 8" -> "42".',
            "Calculate the difference between the two numbers.",
            "Return a minus b.",
            "minus",
            "Start with the first number, remove the amount given by the second number, and write what is left.",
            "How much is left when you subtract the second number from the first one?",
            "Compute a - b.",
            "Subtract them.",
            'Give the first number with the second taken away. For example "9 4" gives "5".',
            "By how much is the first number bigger than the second?",
        ),
        wording=Wording(
            ("subtract the second number from the first", "give the first number minus the second",
             "take the second number away from the first one"),
            ("What is left when the second number is taken from the first?",
             "What is the difference of the first number and the second?"),
            ("first minus second", "a minus b"),
        ),
    ),
    hand_written(
        "multiply", THEME, Metric.NORMALIZED, _multiply_input, lambda s: str(_two(s)[0] * _two(s)[1]),
        descriptions=(
            "Multiply the two numbers.",
            "What is the product of the two numbers?",
            "product",
            'Multiply the first number by the second, e.g. "12 3" -> "36".',
            "Calculate the first number times the second.",
            "Return a times b.",
            "times",
            "Take the first number, add it to itself as many times as the second number says, and write the total.",
            "How much is the first number multiplied by the second?",
            "Compute a * b.",
            "Multiply them.",
            'Give the product of the pair. For example "7 6" gives "42".',
            "What do you get when you multiply these?",
        ),
        wording=Wording(
            ("multiply the two numbers together", "give the product of the two numbers",
             "work out the first number times the second"),
            ("What do you get when the two numbers are multiplied?", "What is the product of these numbers?"),
            ("multiply them together", "a times b"),
        ),
    ),
    hand_written(
        "parity", THEME, Metric.CHOICE, _number(0, 999), lambda s: "even" if int(s) % 2 == 0 else "odd",
        choices=("even", "odd"),
        descriptions=(
            "Is the number even or odd?",
            "Say whether the number is even or odd.",
            "even or odd",
            'Answer even if the number divides by two and odd if not, e.g. "14" -> "even".',
            "Tell me the parity of the number.",
            "Classify the number as even or odd.",
            "parity",
            "Look at the number; if it can be split into two equal whole halves answer even, otherwise answer odd.",
            "Can this number be divided by 2 without a remainder? Answer even or odd.",
            "Decide: even number or odd number?",
            "Even or odd?",
            'Label the number as even or odd. For example "7" gives "odd".',
            "Check whether the number is even; reply with even or odd.",
        ),
        wording=Wording(
            ("say whether the number is even or odd", "answer even or odd for the number",
             "tell whether the number can be split into two equal whole halves, answering even or odd"),
            ("Is this number even, or is it odd?", "Even or odd: which one is the number?"),
            ("even/odd?", "odd or even"),
        ),
    ),
    hand_written(
        "greater_of_two", THEME, Metric.NORMALIZED, _pair(distinct=True), lambda s: str(max(_two(s))),
        descriptions=(
            "Which of the two numbers is larger?",
            "Return the bigger number.",
            "max of two",
            'Pick the greater of the two numbers, e.g. "17 42" -> "42".',
            "Write the larger of the two values.",
            "Compare the two numbers and answer with the higher one.",
            "bigger one",
            "You get two different numbers; look at both and write down the one that is greater than the other.",
            "What is the maximum of these two numbers?",
            "Give the largest number.",
            "Higher number?",
            'Tell me which number is bigger. For example "9 3" gives "9".',
            "Output the greater value of the pair.",
        ),
        wording=Wording(
            ("give the larger of the two numbers", "write whichever of the two numbers is bigger",
             "pick the higher of the two values"),
            ("Which number is the bigger one?", "What is the larger value of the two?"),
            ("the larger number", "max of the two"),
        ),
    ),
    hand_written(
        "smaller_of_two", THEME, Metric.NORMALIZED, _pair(distinct=True), lambda s: str(min(_two(s))),
        descriptions=(
            "Which of the two numbers is smaller?",
            "Return the smaller number.",
            "min of two",
            'Pick the lesser of the two numbers, e.g. "17 42" -> "17".',
            "Write the smaller of the two values.",
            "Compare the two numbers and answer with the lower one.",
            "smaller one",
            "You get two different numbers; look at both and write down the one that is less than the other.",
            "What is the minimum of these two numbers?",
            "Give the smallest number.",
            "Lower number?",
            'Tell me which number is smaller. For example "9 3" gives "3".',
            "Output the lesser value of the pair.",
        ),
        wording=Wording(
            ("give the smaller of the two numbers", "write whichever of the two numbers is lower",
             "pick the lesser of the two values"),
            ("Which number is the lower one?", "What is the smaller value of the two?"),
            ("the smaller number", "min of the two"),
        ),
    ),
    hand_written(
        "compare_numbers", THEME, Metric.CHOICE, _pair(distinct=True),
        lambda s: "greater" if _two(s)[0] > _two(s)[1] else "smaller",
        choices=("greater", "smaller"),
        descriptions=(
            "Is the first number greater or smaller than the second?",
            "Compare the first number with the second: answer greater or smaller.",
            "greater or smaller",
            'Say greater when the first number is bigger and smaller when it is less, e.g. "8 3" -> "greater".',
            "Tell me whether the first value is greater than or smaller than the second value.",
            "Decide if number one is greater or smaller than number two.",
            "compare first to second",
            "Look at the two numbers; if the left one is larger reply greater, if it is less reply smaller.",
            "Is the number on the left bigger or smaller than the number on the right?",
            "Compare the numbers.",
            "First vs second: greater or smaller?",
            'Report how the first number compares with the second. For example "12 40" gives "smaller".',
            "Answer greater or smaller for the first number relative to the second one.",
        ),
        wording=Wording(
            ("say whether the first number is greater or smaller than the second",
             "answer greater if the first number is bigger than the second and smaller if it is less",
             "compare the first number with the second and reply greater or smaller"),
            ("Is the first number greater than the second, or smaller?",
             "How does the first number compare with the second: greater or smaller?"),
            ("greater/smaller?", "first vs second"),
        ),
    ),
    hand_written(
        "next_number", THEME, Metric.NORMALIZED, _number(0, 999), lambda s: str(int(s) + 1),
        descriptions=(
            "What number comes next?",
            "Add one to the number.",
            "plus one",
            'Return the next whole number, e.g. "41" -> "42".',
            "Which number follows this one when counting?",
            "Count up by one from the number.",
            "increment",
            "Imagine counting upward and stopping at the given number; write the very next number you would say.",
            "What is one more than this number?",
            "Give the successor of the number.",
            "Next number?",
            'Write the number that comes right after it. For example "99" gives "100".',
            "Increase the number by 1.",
        ),
        wording=Wording(
            ("add one to the number", "give the number that comes right after this one",
             "count one up from the number"),
            ("Which number follows this one?", "What is the number plus one?"),
            ("next one", "n + 1"),
        ),
    ),
    hand_written(
        "double_number", THEME, Metric.NORMALIZED, _number(1, 50), lambda s: str(int(s) * 2),
        descriptions=(
            "Double the number.",
            "What is twice this number?",
            "times two",
            'Multiply the number by 2, e.g. "21" -> "42".',
            "Return the number added to itself.",
            "Give two times the value.",
            "double it",
            "Take the number and work out what you get if you have two of it, then write that result.",
            "How much is the number when it is doubled?",
            "Compute 2 * n.",
            "Twice the number?",
            'Write double the given amount. For example "15" gives "30".',
            "Make the number twice as big.",
        ),
        wording=Wording(
            ("double the number", "give twice the number", "multiply the number by two"),
            ("What is the number doubled?", "What is two times this number?"),
            ("double", "2 x n"),
        ),
    ),
    hand_written(
        "digit_sum", THEME, Metric.NORMALIZED, _number(10, 999), lambda s: str(sum(int(c) for c in s)),
        descriptions=(
            "Add up the digits of the number.",
            "What is the sum of the digits?",
            "digit sum",
            'Sum the individual digits, e.g. "347" -> "14".',
            "Calculate the total of all digits in the number.",
            "Return the sum of each digit.",
            "cross sum",
            "Split the number into its single digits, add those digits together, and write the result.",
            "How much do the digits of this number add up to?",
            "Give the digit total.",
            "Sum the digits.",
            'Add each digit of the number together. For example "52" gives "7".',
            "What do you get if you add all the digits?",
        ),
        wording=Wording(
            ("add up the digits of the number", "give the sum of the number's digits",
             "total the single digits of the number"),
            ("What do the digits add up to?", "What is the digit sum of this number?"),
            ("sum of digits", "add the digits"),
        ),
    ),
]
