"""The alphabet: letters as positions, neighbours and shifts."""

from __future__ import annotations

from ..format import Metric
from .family import pick
from .lexicons import ALPHABET, short_word
from .rows import hand_written
from .wording import Wording

THEME = "letters"


def _cased(letters: str):
    """Sampler: one of `letters`, lowercase or uppercase."""
    return pick(letters + letters.upper())


def _shift(c: str, k: int) -> str:
    i = ALPHABET.index(c.lower())
    out = ALPHABET[(i + k) % 26]
    return out.upper() if c.isupper() else out


FAMILIES = [
    hand_written(
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
        wording=Wording(
            ("give the letter that comes right after this one in the alphabet",
             "write the next letter of the alphabet, keeping its case",
             "move the letter one step forward in the alphabet"),
            ("Which letter follows this one?", "What comes after this letter in the alphabet?"),
            ("following letter", "next letter, please"),
        ),
    ),
    hand_written(
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
        wording=Wording(
            ("give the letter that comes right before this one in the alphabet",
             "write the previous letter of the alphabet, keeping its case",
             "move the letter one step back in the alphabet"),
            ("Which letter precedes this one?", "What comes before this letter in the alphabet?"),
            ("preceding letter", "previous letter, please"),
        ),
    ),
    hand_written(
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
        wording=Wording(
            ("give the position of the letter in the alphabet, counting a as 1",
             "write the number of the letter's place in the alphabet",
             "turn the letter into its alphabet position, from 1 for a to 26 for z"),
            ("Which position does this letter have in the alphabet?", "What number is this letter if a is 1?"),
            ("alphabet position", "letter number"),
        ),
    ),
    hand_written(
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
        wording=Wording(
            ("shift each letter of the word one place forward in the alphabet, with z becoming a",
             "replace every letter with the one after it in the alphabet",
             "encode the word by moving each letter to the next one in the alphabet"),
            ("What is the word with every letter moved one step forward?",
             "How does the word read with each letter shifted by one?"),
            ("shift by one", "each letter plus one"),
        ),
    ),
]
