"""The alphabet: letters as positions, neighbours and shifts."""

from __future__ import annotations

from ..format import Metric
from .family import Family, pick
from .lexicons import ALPHABET, short_word

THEME = "letters"


def _cased(letters: str):
    """Sampler: one of `letters`, lowercase or uppercase."""
    return pick(letters + letters.upper())


def _shift(c: str, k: int) -> str:
    i = ALPHABET.index(c.lower())
    out = ALPHABET[(i + k) % 26]
    return out.upper() if c.isupper() else out


FAMILIES = [
    Family(
        "next_letter", THEME, Metric.EXACT, _cased(ALPHABET[:-1]), lambda c: _shift(c, 1),
        descriptions=(
            "What letter comes after this one in the alphabet?",
            "Give the next letter of the alphabet.",
            "next letter",
            'Write the letter that follows, e.g. "c" -> "d".',
            "Which letter is right after the given letter?",
            "Move one step forward in the alphabet.",
            "Return the successor of the letter.",
            "Say the alphabet up to the given letter and then tell me the letter you would say next.",
            "letter after",
            "Find the following letter in a to z order, keeping upper or lower case as it is.",
            "What is the next letter?",
            'Name the letter that comes after the input in the alphabet. For example "m" gives "n".',
            "One letter later, please.",
        ),
    ),
    Family(
        "previous_letter", THEME, Metric.EXACT, _cased(ALPHABET[1:]), lambda c: _shift(c, -1),
        descriptions=(
            "What letter comes before this one in the alphabet?",
            "Give the previous letter of the alphabet.",
            "previous letter",
            'Write the letter that precedes it, e.g. "d" -> "c".',
            "Which letter is right before the given letter?",
            "Move one step back in the alphabet.",
            "Return the predecessor of the letter.",
            "Recite the alphabet and tell me the letter you say just before the given one.",
            "letter before",
            "Find the preceding letter in a to z order, keeping upper or lower case as it is.",
            "What is the letter before?",
            'Name the letter that comes before the input in the alphabet. For example "n" gives "m".',
            "One letter earlier, please.",
        ),
    ),
    Family(
        "letter_position", THEME, Metric.NORMALIZED, _cased(ALPHABET), lambda c: str(ALPHABET.index(c.lower()) + 1),
        descriptions=(
            "What is the position of the letter in the alphabet?",
            'Give the alphabet position of the letter, e.g. "c" -> "3".',
            "letter to number",
            "Which number is this letter in the alphabet, counting a as 1?",
            "Convert the letter into its place in the alphabet (a=1, b=2, and so on).",
            "alphabet index",
            "Count from a to the given letter and say how many letters that is.",
            "Where does this letter sit in the alphabet? Answer with a number.",
            "Map the letter to its ordinal position, where a is 1 and z is 26.",
            "Write the number of the letter.",
            "Position in the alphabet?",
            'Turn the letter into a number by its position. For example "e" becomes "5".',
            "Replace the letter with its rank in alphabetical order.",
        ),
    ),
    Family(
        "shift_letters", THEME, Metric.EXACT, short_word, lambda w: "".join(_shift(c, 1) for c in w),
        descriptions=(
            "Replace each letter with the next letter of the alphabet.",
            'Shift every letter forward by one, e.g. "cat" -> "dbu".',
            "rot1",
            "Apply a Caesar shift of one to the word.",
            "What do you get if each letter moves one step forward in the alphabet (z wraps around to a)?",
            "Encode the word by moving every letter up by one position.",
            "Swap each character for the one that follows it in the alphabet.",
            "Take every letter and write the letter after it instead; after z comes a again.",
            "Caesar cipher, shift 1",
            "Move all letters one place later in the alphabet.",
            "Increment each letter by one.",
            'Encrypt the word with a shift of one. For example "abc" becomes "bcd".',
            "For every letter of the input, output its successor in the alphabet, wrapping around from z to a.",
        ),
    ),
]
