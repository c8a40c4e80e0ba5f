"""Character-level operations on one word or a short phrase."""

from __future__ import annotations

from ..format import Metric
from .lexicons import VOWELS, phrase, short_word, word
from .rows import hand_written
from .wording import Wording

THEME = "strings"


def _mixed_case(rng) -> str:
    text = phrase(rng, 1, 3)
    style = rng.randrange(3)
    if style == 0:
        return text.upper()
    if style == 1:
        return text.title()
    return "".join(c.upper() if rng.random() < 0.5 else c for c in text)


def _count_vowels(w: str) -> str:
    return str(sum(c in VOWELS for c in w))


FAMILIES = [
    hand_written(
        "reverse_characters", THEME, Metric.EXACT, word, lambda w: w[::-1],
        descriptions=(
            "Reverse the letters of the word.",
            "Write the word backwards.",
            "What is the word spelled backwards?",
            "reverse characters",
            "Spell the given word from its last letter to its first.",
            'Flip the order of the characters, e.g. "plant" -> "tnalp".',
            "Can you write this word in reverse order, letter by letter?",
            "Take the word you are given and produce it with all of its characters in the opposite order, so the "
            "last character comes first and the first comes last.",
            "backwards spelling",
            "Mirror the word: read it right to left and write what you see.",
            "Return the input string reversed character by character.",
            'How would this word look if you spelled it backwards? For example "stone" becomes "enots".',
            "Turn the word around so it reads from end to start.",
        ),
        wording=Wording(
            ("spell the word in reverse", "write the letters of the word in reverse order",
             "reverse the word letter by letter"),
            ("What does the word look like written backwards?", "How is this word spelled from the end?"),
            ("word reversed", "reverse the word"),
        ),
    ),
    hand_written(
        "uppercase", THEME, Metric.EXACT, lambda rng: phrase(rng, 1, 3), str.upper,
        descriptions=(
            "Convert the text to uppercase.",
            "Write the input in capital letters.",
            "ALL CAPS, please.",
            "What does this text look like in upper case?",
            'Make every letter a capital letter, e.g. "good day" -> "GOOD DAY".',
            "uppercase",
            "Shout it: rewrite the words using only capital letters.",
            "Change each lowercase letter into its uppercase form and leave the spaces where they are.",
            "Rewrite the phrase so that all characters are uppercase.",
            "Could you capitalize every single letter of this text?",
            "to upper case",
            "Please take the words below and print them again, but this time in block capitals, the way you would "
            'write a sign, for instance "red door" becomes "RED DOOR".',
            "Return the string with all letters converted to upper case.",
        ),
        wording=Wording(
            ("rewrite the text in upper case", "change every letter of the text to a capital",
             "put the whole text in capital letters"),
            ("How is this text written in all caps?", "What is the uppercase version of the text?"),
            ("all caps", "make it uppercase"),
        ),
    ),
    hand_written(
        "lowercase", THEME, Metric.EXACT, _mixed_case, str.lower,
        descriptions=(
            "Convert the text to lowercase.",
            "Write the input using only small letters.",
            "lowercase",
            "What is this text in lower case?",
            'Remove all capital letters by turning them into lowercase letters, e.g. "Big CAT" -> "big cat".',
            "Make it all lower case, please.",
            "Stop shouting: rewrite the words without any capitals.",
            "Change every uppercase letter into the matching lowercase one and keep everything else the same.",
            "Could you rewrite this phrase in small letters only?",
            "to lower case",
            "Return the string with every letter in lowercase.",
            'How would these words look written entirely in lowercase? For example "HELLO There" becomes "hello there".',
            "Decapitalize the whole input.",
        ),
        wording=Wording(
            ("rewrite the text in lower case", "change every capital letter of the text to a small one",
             "put the whole text in small letters"),
            ("What is the lowercase version of the text?", "How is this text written without capitals?"),
            ("all lowercase", "make it lowercase"),
        ),
    ),
    hand_written(
        "capitalize_words", THEME, Metric.EXACT, lambda rng: phrase(rng, 2, 4),
        lambda s: " ".join(w.capitalize() for w in s.split()),
        descriptions=(
            "Capitalize the first letter of every word.",
            "Write the phrase in title case.",
            "title case",
            'Make each word start with a capital letter, e.g. "green apple pie" -> "Green Apple Pie".',
            "What is this phrase with every word capitalized?",
            "Give every word an uppercase initial letter and keep the rest lowercase.",
            "Turn the words into a headline where each word begins with a capital.",
            "Please capitalize each word.",
            "Uppercase the first character of each word in the input.",
            "Rewrite the text so that all words start with a capital letter, the way book titles are often written.",
            "Capitalise every word.",
            'Can you make the first letter of each word a capital? For example "old red barn" becomes "Old Red Barn".',
            "Each word: first letter big, the rest small.",
        ),
        wording=Wording(
            ("start every word of the phrase with a capital letter", "capitalize each word of the phrase",
             "turn the phrase into title case"),
            ("How does the phrase look in title case?", "What is the phrase with a capital at the start of each word?"),
            ("capitalize each word", "title-case the phrase"),
        ),
    ),
    hand_written(
        "first_letter", THEME, Metric.EXACT, word, lambda w: w[0],
        descriptions=(
            "What is the first letter of the word?",
            "Give the first letter of the word.",
            "first letter",
            "Write only the letter that the word starts with.",
            'Return the initial character, e.g. "table" -> "t".',
            "Which letter does this word begin with?",
            "Output the opening letter of the given word and nothing else.",
            "Take the word and keep just its very first character.",
            "Tell me the starting letter.",
            "Look at the word you are given, find the letter at the beginning of it, and answer with that single letter.",
            "Print the leading letter of the input word.",
            'What letter comes first in this word? For example "music" gives "m".',
            "initial letter only",
        ),
        wording=Wording(
            ("give the letter the word begins with", "write just the first letter of the word",
             "return the opening letter of the word"),
            ("What letter does the word start with?", "Which letter is at the start of the word?"),
            ("first letter?", "the word's first letter"),
        ),
    ),
    hand_written(
        "last_letter", THEME, Metric.EXACT, word, lambda w: w[-1],
        descriptions=(
            "What is the last letter of the word?",
            "Give the final letter of the word.",
            "last letter",
            "Write only the letter that the word ends with.",
            'Return the final character, e.g. "table" -> "e".',
            "Which letter does this word end with?",
            "Output the closing letter of the given word and nothing else.",
            "Take the word and keep just its very last character.",
            "Tell me the ending letter.",
            "Look at the word you are given, find the letter at the very end of it, and answer with that single letter.",
            "Print the trailing letter of the input word.",
            'What letter comes last in this word? For example "music" gives "c".',
            "final letter only",
        ),
        wording=Wording(
            ("give the letter the word ends with", "write just the last letter of the word",
             "return the closing letter of the word"),
            ("What letter does the word end with?", "Which letter is at the end of the word?"),
            ("last letter?", "the word's last letter"),
        ),
    ),
    hand_written(
        "count_vowels", THEME, Metric.NORMALIZED, word, _count_vowels,
        descriptions=(
            "How many vowels are in the word?",
            "Count the vowels (a, e, i, o, u) in the word.",
            "vowel count",
            'Return the number of vowels, e.g. "banana" -> "3".',
            "Tell me how many of the letters are vowels.",
            "Count how many times a, e, i, o or u appears in the input and answer with that number.",
            "Number of vowels?",
            "Go through the word letter by letter, keep a tally of every vowel you meet, and write the final tally "
            "as a number.",
            "What is the vowel count of this word?",
            "Give the count of vowel letters.",
            "Count the vowels.",
            'How many vowels does this word contain? For example "orange" gives "3".',
            "Report the total number of a, e, i, o and u letters.",
        ),
        wording=Wording(
            ("count the vowels in the word", "give the number of vowels the word contains",
             "say how many of the word's letters are vowels"),
            ("How many vowels does the word have?", "What is the number of vowels in this word?"),
            ("how many vowels", "count vowels"),
        ),
    ),
    hand_written(
        "remove_vowels", THEME, Metric.EXACT, word, lambda w: "".join(c for c in w if c not in VOWELS),
        descriptions=(
            "Remove all vowels from the word.",
            "Delete the vowels.",
            'Write the word without its vowels, e.g. "garden" -> "grdn".',
            "no vowels",
            "What is left of the word when you take out a, e, i, o and u?",
            "Drop every vowel and keep the consonants in order.",
            "Strip out the vowels from this word.",
            "Rewrite the input with the letters a, e, i, o and u removed, keeping all other letters exactly where "
            "they were.",
            "Could you erase the vowels from this word?",
            "disemvowel the word",
            "Keep only the consonants.",
            'What does this word look like with no vowels? For example "window" becomes "wndw".',
            "Take away each vowel from the input.",
        ),
        wording=Wording(
            ("delete every vowel from the word", "write the word with its vowels removed",
             "take the vowels out of the word"),
            ("What remains of the word without its vowels?", "How is the word spelled with no vowels?"),
            ("remove vowels", "consonants only, please"),
        ),
    ),
    hand_written(
        "double_letters", THEME, Metric.EXACT, short_word, lambda w: "".join(c + c for c in w),
        descriptions=(
            "Double every letter of the word.",
            'Write each letter twice, e.g. "cat" -> "ccaatt".',
            "double letters",
            "Repeat each character of the word two times in a row.",
            "What do you get if every letter of the word is written twice?",
            "Stutter each letter: every character should appear twice.",
            "For each letter in the input, write it and then write it again.",
            "Make every character appear twice in a row.",
            "Duplicate each letter.",
            "Go through the word from left to right and, for every single letter, write that letter two times "
            "before moving on to the next one.",
            "each letter twice",
            'How would the word look with all of its letters doubled? For example "sun" becomes "ssuunn".',
            "Return the word with every character repeated once more right after itself.",
        ),
        wording=Wording(
            ("write every letter of the word twice", "double each letter of the word",
             "repeat every character of the word once more right after itself"),
            ("What is the word with each letter doubled?", "How does the word look if every letter appears twice?"),
            ("double each letter", "letters doubled"),
        ),
    ),
    hand_written(
        "word_length", THEME, Metric.NORMALIZED, word, lambda w: str(len(w)),
        descriptions=(
            "How many letters are in the word?",
            "Count the letters of the word.",
            "word length",
            'Give the length of the word, e.g. "pencil" -> "6".',
            "Return the number of characters in the input.",
            "How long is this word?",
            "Tell me the letter count.",
            "Count every letter of the word from the first to the last and answer with that number.",
            "number of letters",
            "What is the length of the given word in characters?",
            "Measure the word: how many letters?",
            'Write how many letters the word has. For example "tree" gives "4".',
            "Output the size of the word in letters.",
        ),
        wording=Wording(
            ("count the letters in the word", "give the number of letters in the word",
             "say how long the word is, in letters"),
            ("How many letters does the word have?", "What is the length of the word?"),
            ("letter count", "length of the word"),
        ),
    ),
]
