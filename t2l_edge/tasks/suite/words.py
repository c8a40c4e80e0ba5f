"""Word-level operations on a short phrase."""

from __future__ import annotations

from ..format import Metric
from .lexicons import SHORT_WORDS, phrase
from .rows import hand_written
from .wording import Wording

THEME = "words"


def _phrase(rng) -> str:
    return phrase(rng, 2, 5)


def _unique_longest(rng) -> str:
    while True:
        text = phrase(rng, 2, 5)
        lengths = sorted((len(w) for w in text.split()), reverse=True)
        if lengths[0] > lengths[1]:
            return text


def _repeat_input(rng) -> str:
    return f"{rng.choice(SHORT_WORDS)} {rng.randint(2, 4)}"


def _repeat(text: str) -> str:
    w, n = text.split()
    return " ".join([w] * int(n))


FAMILIES = [
    hand_written(
        "reverse_words", THEME, Metric.EXACT, _phrase, lambda s: " ".join(s.split()[::-1]),
        descriptions=(
            "Reverse the order of the words.",
            "Write the words in the opposite order.",
            "reverse word order",
            'Put the last word first and the first word last, e.g. "red green blue" -> "blue green red".',
            "What is the sentence with its words in reverse order?",
            "Read the words from right to left and write them down in that order, keeping each word itself unchanged.",
            "Flip the sequence of words.",
            "Could you list these words backwards, word by word?",
            "words backwards (not letters)",
            "Rearrange the words so they appear from the last one to the first one.",
            "Invert the word order of the input.",
            'Reverse the words but not the letters inside them. For example "sun and moon" becomes "moon and sun".',
            "Give me the same words, just in reverse sequence.",
        ),
        wording=Wording(
            ("reverse the order of the words, keeping each word as it is",
             "write the words from the last one to the first one", "put the words of the text in the opposite order"),
            ("What are the words in the opposite order?", "How does the text read with its word order reversed?"),
            ("words in reverse order", "reverse the words"),
        ),
    ),
    hand_written(
        "first_word", THEME, Metric.EXACT, _phrase, lambda s: s.split()[0],
        descriptions=(
            "What is the first word?",
            "Return the first word of the text.",
            "first word",
            'Keep only the opening word, e.g. "cold blue lake" -> "cold".',
            "Which word comes first in this phrase?",
            "Write the word the phrase starts with and drop everything after it.",
            "Give me just the initial word.",
            "Output the word that appears at the very beginning of the input and nothing else.",
            "Pick out the first of the words.",
            "Delete all words except the first one.",
            "Print word number one.",
            'Tell me the word at the start of the input. For example "lamp door key" gives "lamp".',
            "leading word only",
        ),
        wording=Wording(
            ("give the first word of the text", "keep only the word the text starts with",
             "write the opening word and drop the rest"),
            ("Which word does the text start with?", "What is the opening word?"),
            ("opening word", "first word only"),
        ),
    ),
    hand_written(
        "last_word", THEME, Metric.EXACT, _phrase, lambda s: s.split()[-1],
        descriptions=(
            "What is the last word?",
            "Return the final word of the text.",
            "last word",
            'Keep only the closing word, e.g. "cold blue lake" -> "lake".',
            "Which word comes last in this phrase?",
            "Write the word the phrase ends with and drop everything before it.",
            "Give me just the final word.",
            "Output the word that appears at the very end of the input and nothing else.",
            "Pick out the last of the words.",
            "Delete all words except the last one.",
            "Print the word at the end.",
            'Tell me the word at the end of the input. For example "lamp door key" gives "key".',
            "trailing word only",
        ),
        wording=Wording(
            ("give the last word of the text", "keep only the word the text ends with",
             "write the closing word and drop the rest"),
            ("Which word does the text end with?", "What is the closing word?"),
            ("closing word", "last word only"),
        ),
    ),
    hand_written(
        "count_words", THEME, Metric.NORMALIZED, _phrase, lambda s: str(len(s.split())),
        descriptions=(
            "How many words are there?",
            "Count the words in the text.",
            "word count",
            'Return the number of words, e.g. "the big red kite" -> "4".',
            "Tell me how many words this phrase has.",
            "Count the words separated by spaces and answer with a number.",
            "Number of words?",
            "Go through the input, count each word once, and write down how many words you counted in total.",
            "What is the word count of the input?",
            "Give the total count of words.",
            "Count the words.",
            'How many words does the input contain? For example "sun moon" gives "2".',
            "Report the length of the phrase in words.",
        ),
        wording=Wording(
            ("count the words in the text", "give the number of words in the phrase",
             "say how many words the input has"),
            ("How many words does the text have?", "What is the number of words here?"),
            ("how many words", "count the words, please"),
        ),
    ),
    hand_written(
        "sort_words", THEME, Metric.EXACT, _phrase, lambda s: " ".join(sorted(s.split())),
        descriptions=(
            "Sort the words alphabetically.",
            "Put the words in alphabetical order.",
            "alphabetize",
            'Arrange the words from A to Z, e.g. "pear apple fig" -> "apple fig pear".',
            "What do the words look like sorted in dictionary order?",
            "Reorder the words so they follow the order of the alphabet.",
            "Sort these words a to z.",
            "Take all the words, order them the way they would appear in a dictionary, and write them separated by spaces.",
            "words in abc order",
            "Could you alphabetize this list of words?",
            "Return the words sorted alphabetically.",
            'List the words in alphabetical order. For example "dog cat bird" becomes "bird cat dog".',
            "Order the words by their spelling, A first.",
        ),
        wording=Wording(
            ("sort the words in alphabetical order", "arrange the words from A to Z",
             "put the words in the order a dictionary would list them"),
            ("What are the words in alphabetical order?", "How do the words look when sorted from A to Z?"),
            ("sort alphabetically", "A to Z order"),
        ),
    ),
    hand_written(
        "double_each_word", THEME, Metric.EXACT, lambda rng: phrase(rng, 2, 3, SHORT_WORDS),
        lambda s: " ".join(f"{w} {w}" for w in s.split()),
        descriptions=(
            "Repeat every word twice.",
            'Write each word two times, e.g. "big dog" -> "big big dog dog".',
            "double each word",
            "Say every word twice in a row.",
            "What does the phrase look like when each word is doubled?",
            "After each word, write the same word again.",
            "Duplicate all the words in place.",
            "Go through the words one by one and write every word two times before moving to the next word.",
            "each word x2",
            "Echo every word once.",
            "Double the words.",
            'Can you repeat each of the words? For example "hot tea" becomes "hot hot tea tea".',
            "Return the phrase with every word written twice in a row.",
        ),
        wording=Wording(
            ("write every word of the phrase twice in a row", "repeat each word once more right after itself",
             "double each word of the text"),
            ("What is the phrase with every word doubled?", "How does the text look with each word said twice?"),
            ("every word twice", "double the words, please"),
        ),
    ),
    hand_written(
        "longest_word", THEME, Metric.EXACT, _unique_longest, lambda s: max(s.split(), key=len),
        descriptions=(
            "What is the longest word?",
            "Return the longest word in the text.",
            "longest word",
            'Find the word with the most letters, e.g. "sky rocket map" -> "rocket".',
            "Which of these words is the longest?",
            "Compare the lengths of the words and write the one with the most characters.",
            "Give me the biggest word.",
            "Look at every word, count its letters, and answer with the word whose count is the highest.",
            "Pick the longest one.",
            "Output the word that has the greatest number of letters.",
            "Find the longest word.",
            'Tell me which word is the longest. For example "cat garden sun" gives "garden".',
            "the word with the most characters",
        ),
        wording=Wording(
            ("give the longest word of the text", "write the word with the most letters",
             "pick out the word that has more letters than any other"),
            ("Which word has the most letters?", "What is the longest word here?"),
            ("the longest one", "longest word, please"),
        ),
    ),
    hand_written(
        "acronym", THEME, Metric.EXACT, lambda rng: phrase(rng, 2, 4), lambda s: "".join(w[0].upper() for w in s.split()),
        descriptions=(
            "Make an acronym from the words.",
            "Write the first letter of each word in capitals.",
            "acronym",
            'Abbreviate the phrase with its initials, e.g. "portable network graphics" -> "PNG".',
            "What is the acronym of this phrase?",
            "Take the first letter of every word, capitalize it, and join them without spaces.",
            "Give me the initials as one uppercase word.",
            "Shorten the phrase to the capitalized first letters of its words.",
            "initials in caps",
            "Turn the words into an abbreviation made of their first letters.",
            "Form an acronym.",
            'Could you build an acronym from these words? For example "as soon as possible" becomes "ASAP".',
            "Return the uppercase initial letters of all words, joined together.",
        ),
        wording=Wording(
            ("make an acronym out of the first letters of the words", "write the initials of the words in capitals",
             "abbreviate the phrase to the capitalized first letter of each word"),
            ("What acronym do these words make?", "What are the capitalized initials of the phrase?"),
            ("make an acronym", "initials as acronym"),
        ),
    ),
    hand_written(
        "repeat_word", THEME, Metric.EXACT, _repeat_input, _repeat,
        descriptions=(
            "Repeat the word the given number of times.",
            'Write the word as many times as the number says, e.g. "cat 3" -> "cat cat cat".',
            "repeat word n times",
            "The input is a word and a number: say the word that many times.",
            "How does the word look when it is repeated the number of times shown?",
            "Print the word again and again, separated by spaces, exactly as many times as the number after it.",
            "word times number",
            "Copy the word N times, where N is the number given.",
            "n copies of the word",
            "Take the word and the count, then write the word count times with spaces between.",
            "Output the word repeated according to the number.",
            'Echo the word the requested number of times. For example "sun 2" becomes "sun sun".',
            "Say the word as often as the number tells you.",
        ),
        wording=Wording(
            ("write the word as many times as the number after it says, separated by spaces",
             "repeat the word the number of times given after it",
             "say the word again and again, as many times as the number asks"),
            ("What is the word repeated as many times as the number says?",
             "How does the word look when written out that many times?"),
            ("repeat it n times", "word times n"),
        ),
    ),
]
