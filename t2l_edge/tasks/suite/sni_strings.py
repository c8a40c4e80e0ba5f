"""Super-NaturalInstructions tasks as seeded generators: characters and words of a string or sentence: count,
remove, reverse, compare.

Each row implements one SNI task (`Family.sni`): inputs in the task's own input format (shorter, so that a 270M
base and short training sequences fit them), answers in its output format. Its SNI instances are the row's test
vectors (tests/fixtures/sni/<task>.json, checked by tests/test_sni.py).

The sentence tasks (task113, task157, task161-163, task377, task378) keep SNI's "Sentence: '...'." frame; where
SNI's question after it is longer than the input budget allows, the sampler asks it in fewer words ("How many words
contain 'a'?") and the solver reads either form: the parameter (a letter, a length, vowels or consonants) is the
quoted value in the question.
"""

from __future__ import annotations

import random
import re
import string
from collections import Counter
from typing import Callable

from ...errors import InvalidInputError
from ..format import Metric
from .lexicons import ANIMALS, COLORS, VEHICLES, WORDS
from .rows import row
from .wording import Wording

THEME = "sni-strings"
MAX_INPUT = 80  # characters: SNI inputs, shortened to fit short training sequences
MAX_ANSWER = 48
SNI_VOWELS = frozenset("aeiouAEIOU")  # SNI's vowels; "y" is a consonant in every task here


def _source(task: str) -> str:
    return f"Super-NaturalInstructions {task.split('_')[0]} (Apache-2.0)"


def _draw(rng: random.Random, make: Callable[[random.Random], str], ok: Callable[[str], bool]) -> str:
    """`make(rng)` until `ok` accepts it: samplers that must meet a condition (an answer that fits, a unique one)."""
    while True:
        x = make(rng)
        if ok(x):
            return x


# -- captions: short scene sentences in the style of SNI's (lowercase, no punctuation) ------------------------------

def _entries(text: str) -> tuple[str, ...]:
    return tuple(" ".join(e.split()) for e in text.split("|"))


PEOPLE = _entries("""a man|a woman|a boy|a girl|two men|a child|an old man|a player|two kids|a chef|a cook|a rider
    |a skier|the team|a couple|three people|a surfer""")
ACTIONS = _entries("""riding|holding|sitting on|standing by|looking at|walking past|eating|washing|painting|carrying
    |near|next to|behind|under|on top of|parked by|watching|feeding|chasing""")
THINGS = _entries("""bench|table|pizza|kite|horse|boat|clock|train|bike|umbrella|fence|sign|window|plate|bowl|cake
    |dog|cat|bus|truck|tree|beach|wall|field|street|road|couch|desk|laptop|phone|river|hill""")
PLACES = _entries("""in the park|on the beach|in a kitchen|at night|in the snow|on a street|in the rain|at a table
    |in a field|by the lake""")


def _scene(rng: random.Random) -> str:
    thing = rng.choice(THINGS + tuple(ANIMALS[:12]) + tuple(VEHICLES[:8]))
    adjective = rng.choice(("", "", rng.choice(COLORS) + " ", rng.choice(("small ", "large ", "old ", "wooden "))))
    words = [rng.choice(PEOPLE), rng.choice(ACTIONS), rng.choice(("a ", "the ")) + adjective + thing]
    if rng.random() < 0.4:
        words.append(rng.choice(PLACES))
    return " ".join(words).strip().lower().replace("  ", " ")


def _caption(rng: random.Random, most: int) -> str:
    return _draw(rng, _scene, lambda s: 12 <= len(s) <= most)


SENTENCE = re.compile(r"^\s*Sentence:\s*'(.*?)'\.\s+(.*?)\s*$", re.S)  # the sentence ends at the first "'. "


def _sentence_and_question(x: str) -> tuple[str, str]:
    m = SENTENCE.match(x)
    if not m:
        raise InvalidInputError(f"expected \"Sentence: '...'. <question>\", got {x!r}")
    return m.group(1), m.group(2)


def _quoted(question: str) -> str:
    """The last quoted value of the question: the letter or length it asks about."""
    values = re.findall(r"'([^']+)'", question)
    if not values:
        raise InvalidInputError(f"no quoted letter or length in {question!r}")
    return values[-1]


def _sentence_letter(x: str) -> tuple[list[str], str]:
    sentence, question = _sentence_and_question(x)
    return sentence.split(), _quoted(question)


# -- task113: how often a letter occurs in a sentence ---------------------------------------------------------------


def _letter_in(rng: random.Random, text: str, present: float = 0.8) -> str:
    letters = [c for c in text if c.isalpha()]
    return rng.choice(letters) if letters and rng.random() < present else rng.choice(string.ascii_lowercase)


def _letter_frequency_input(rng: random.Random) -> str:
    s = _caption(rng, MAX_INPUT - 46)
    return f"Sentence: '{s}'. Find frequency of the letter '{_letter_in(rng, s, 0.9)}'"


def _letter_frequency(x: str) -> str:
    sentence, question = _sentence_and_question(x)
    return str(sentence.count(_quoted(question)))


# -- task157: vowels or consonants in a sentence --------------------------------------------------------------------


def _vowels_or_consonants_input(rng: random.Random) -> str:
    s = _caption(rng, MAX_INPUT - 35)
    return f"Sentence: '{s}'. Count the {rng.choice(('vowels', 'consonants'))}."


def _vowels_or_consonants(x: str) -> str:
    sentence, question = _sentence_and_question(x)
    letters = [c for c in sentence if c.isalpha()]
    vowels = sum(c in SNI_VOWELS for c in letters)
    if "consonant" in question.lower():
        return str(len(letters) - vowels)
    if "vowel" in question.lower():
        return str(vowels)
    raise InvalidInputError(f"the question asks for neither vowels nor consonants: {question!r}")


# -- task161-163: words that contain / start with / end with a letter ------------------------------------------------

ASKED = {"contain": "contain", "start": "start with", "end": "end with"}  # the shortened question
WORD_TESTS: dict[str, Callable[[str, str], bool]] = {
    "contain": lambda w, c: c in w,
    "start": lambda w, c: w.startswith(c),
    "end": lambda w, c: w.endswith(c),
}


def _words_with_letter_input(test: str, rng: random.Random) -> str:
    def make(r: random.Random) -> str:
        s = _caption(r, MAX_INPUT - 40)
        words = s.split()
        pool = {"contain": s.replace(" ", ""), "start": "".join(w[0] for w in words),
                "end": "".join(w[-1] for w in words)}
        return f"Sentence: '{s}'. How many words {ASKED[test]} '{_letter_in(r, pool[test])}'?"
    return _draw(rng, make, lambda x: len(x) <= MAX_INPUT)


def _count_words_with_letter(test: str, x: str) -> str:
    words, letter = _sentence_letter(x)
    return str(sum(WORD_TESTS[test](w, letter) for w in words))


# -- task377 / task378: remove or reverse the words of a given length -----------------------------------------------


def _words_of_length_input(verb: str, rng: random.Random) -> str:
    def make(r: random.Random) -> str:
        s = _caption(r, MAX_INPUT - 43)
        n = len(r.choice(s.split())) if r.random() < 0.85 else r.randint(1, 9)
        return f"Sentence: '{s}'. {verb} words of length '{n}'."
    return _draw(rng, make, lambda x: bool(SOLVERS[verb](x)))


def _remove_words_of_length(x: str) -> str:
    words, n = _sentence_letter(x)
    return " ".join(w for w in words if len(w) != int(n))


def _reverse_words_of_length(x: str) -> str:
    words, n = _sentence_letter(x)
    return " ".join(w[::-1] if len(w) == int(n) else w for w in words)


SOLVERS = {"Remove": _remove_words_of_length, "Reverse": _reverse_words_of_length}


# -- task079: concatenate a list of strings -------------------------------------------------------------------------


def _python_strings(x: str) -> list[str]:
    items = re.findall(r"'([^']*)'", x)
    if not x.strip().startswith("[") or not items:
        raise InvalidInputError(f"expected a list of quoted strings, got {x!r}")
    return items


def _string_list_input(rng: random.Random) -> str:
    def make(r: random.Random) -> str:
        items = [r.choice(WORDS) if r.random() < 0.4 else r.choice(string.ascii_letters)
                 for _ in range(r.randint(2, 8))]
        return "[" + ", ".join(f"'{w}'" for w in items) + "]"
    return _draw(rng, make, lambda x: len(x) <= MAX_INPUT)


# -- task1148 / task1188 / task1189 / task1316 / task365: random-letter strings -------------------------------------


def _letters(rng: random.Random, lo: int, hi: int, alphabet: str = string.ascii_letters) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def _unique_letters(rng: random.Random) -> str:
    return "".join(rng.sample(string.ascii_letters, rng.randint(4, 18)))


def _most_frequent(x: str) -> str:
    counts = Counter(x.strip())
    return min(counts, key=lambda c: (-counts[c], c))  # ties: the smallest ASCII value


def _repetitive(rng: random.Random) -> str:
    return _letters(rng, 12, 40, string.ascii_lowercase[: rng.randint(8, 26)])


def _string_and_char_input(rng: random.Random) -> str:
    s = _letters(rng, 8, 28)
    c = rng.choice(s) if rng.random() < 0.5 else rng.choice(string.ascii_letters)
    return f"{s},{c}"


def _contains_char(x: str) -> str:
    s, sep, c = x.strip().rpartition(",")
    if not sep or len(c) != 1:
        raise InvalidInputError(f"expected 'STRING,C', got {x!r}")
    return "1" if c in s else "0"


def _dedupe_characters(x: str) -> str:
    return "".join(dict.fromkeys(x.strip()))


def _with_repeats(rng: random.Random) -> str:
    return _draw(rng, lambda r: _letters(r, 8, 30), lambda s: len(set(s)) < len(s))


def _vowel_heavy(rng: random.Random) -> str:
    alphabet = string.ascii_letters + "aeiouAEIOU" * 3
    return _draw(rng, lambda r: _letters(r, 2, 20, alphabet),
                 lambda s: any(c in SNI_VOWELS for c in s) and any(c not in SNI_VOWELS for c in s))


def _remove_sni_vowels(x: str) -> str:
    return "".join(c for c in x.strip() if c not in SNI_VOWELS)


# -- task600 / task755: the longest common substring of two strings -------------------------------------------------


def _two_strings(x: str) -> tuple[str, str]:
    parts = [p.strip() for p in x.split(",")]
    if len(parts) != 2 or not all(parts):
        raise InvalidInputError(f"expected two strings 'A, B', got {x!r}")
    return parts[0], parts[1]


def _common_substrings(a: str, b: str) -> list[tuple[int, int]]:
    """(length, start in a) of the longest common substrings, in the order they end in `a`."""
    best, found = 0, []
    prev = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        cur = [0] * (len(b) + 1)
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best:
                    best, found = cur[j], [(cur[j], i - cur[j])]
                elif cur[j] == best and best:
                    found.append((cur[j], i - cur[j]))
        prev = cur
    return found


def _longest_common(x: str) -> str:
    a, b = _two_strings(x)
    found = _common_substrings(a, b)
    if not found:
        raise InvalidInputError(f"the two strings have no character in common: {x!r}")
    n, start = found[0]
    return a[start:start + n]


def _sorted_common(x: str) -> str:
    """The longest common substring, lowercased and sorted, put back where it stands in each string."""
    a, b = _two_strings(x)
    common = _longest_common(x)
    new = "".join(sorted(common.lower()))
    return f"{a.replace(common, new, 1)}, {b.replace(common, new, 1)}"


def _two_strings_input(longest: int, rng: random.Random) -> str:
    def make(r: random.Random) -> str:
        core = _letters(r, 2, 8)
        return (f"{_letters(r, 1, 6)}{core}{_letters(r, 0, 6)}, "
                f"{_letters(r, 1, 6)}{core}{_letters(r, 0, 6)}")

    def ok(x: str) -> bool:
        a, b = _two_strings(x)
        found = _common_substrings(a, b)
        unique = len({a[s:s + n] for n, s in found}) == 1 and found[0][0] >= 2
        common = a[found[0][1]:found[0][1] + found[0][0]] if found else ""
        return (unique and a.count(common) == 1 and b.count(common) == 1 and len(x) <= MAX_INPUT
                and len(a) + len(b) + 2 <= longest)
    return _draw(rng, make, ok)


# -- task850: the longest palindromic substring ---------------------------------------------------------------------


def _palindromes(s: str) -> list[str]:
    """The longest palindromic substrings of `s`, leftmost first (length 1: the first character)."""
    best: list[str] = []
    for i in range(len(s)):
        for j in range(i + 1, len(s) + 1):
            t = s[i:j]
            if t == t[::-1]:
                if not best or len(t) > len(best[0]):
                    best = [t]
                elif len(t) == len(best[0]):
                    best.append(t)
    return best


def _longest_palindrome(x: str) -> str:
    s = x.strip()
    if not s:
        raise InvalidInputError("expected a non-empty string")
    return _palindromes(s)[0]


def _palindrome_input(rng: random.Random) -> str:
    def make(r: random.Random) -> str:
        return _letters(r, 5, 20, string.ascii_lowercase[r.randint(0, 20):][:r.randint(3, 5)])
    return _draw(rng, make, lambda s: len(_palindromes(s)) == 1 or len(_palindromes(s)[0]) == 1)


# -- task956: LeetCode 420, steps to a strong password --------------------------------------------------------------


def _password(x: str) -> str:
    m = re.match(r"^\s*password\s*=\s*(\S*)\s*$", x)
    if not m:
        raise InvalidInputError(f"expected 'password = ...', got {x!r}")
    return m.group(1)


def _strong_password_steps(x: str) -> str:
    """The fewest insertions, deletions and replacements that make the password 6-20 characters long, with a
    lowercase letter, an uppercase letter and a digit, and no character three times in a row."""
    p = _password(x)
    missing = 3 - any(c.islower() for c in p) - any(c.isupper() for c in p) - any(c.isdigit() for c in p)
    runs = [len(m.group(0)) for m in re.finditer(r"(.)\1*", p)]
    if len(p) < 6:
        return str(max(missing, 6 - len(p)))
    replace = sum(r // 3 for r in runs)
    if len(p) <= 20:
        return str(max(missing, replace))
    delete = len(p) - 20
    left = delete
    runs = [r for r in runs if r >= 3]
    for mod in (0, 1):  # deleting 1 (then 2) characters from runs of length 3k (then 3k+1) saves a replacement each
        for i, r in enumerate(runs):
            need = mod + 1
            if r >= 3 and r % 3 == mod and left >= need:
                runs[i] -= need
                left -= need
    replace = 0
    for r in runs:
        if r >= 3:
            cut = min(left, r - 2)
            left -= cut
            replace += (r - cut) // 3
    return str(delete + max(missing, replace))


def _password_input(rng: random.Random) -> str:
    kinds = rng.choice((string.ascii_letters + string.digits, string.ascii_lowercase, string.ascii_letters + "!.",
                        string.ascii_lowercase + string.digits))
    p = _letters(rng, 1, 28, kinds)
    if rng.random() < 0.3 and p:
        i = rng.randrange(len(p))
        p = p[:i] + p[i] * rng.randint(3, 5) + p[i + 1:]
    return f"password = {p[:30]}"


# -- the rows -------------------------------------------------------------------------------------------------------


def sni_row(name: str, task: str, metric: Metric, sample, solve, wording: Wording, **kw):
    return row(name, THEME, metric, sample, solve, wording, source=_source(task), sni=task, **kw)


def _partial(f, arg):
    return lambda x: f(arg, x)


FAMILIES = [
    sni_row("concatenate_string_list", "task079_conala_concat_strings", Metric.EXACT, _string_list_input,
            lambda x: "".join(_python_strings(x)), Wording(
                ("join all the strings in the list into one string with nothing between them",
                 "glue the list items together without spaces", "concatenate the strings of the list in order",
                 "merge every element of the list into a single string, keeping the order",
                 "write the list's strings back to back as one word", "combine the quoted pieces into one string"),
                ("What single string do you get by joining the list items?",
                 "What does the list look like when all its strings are stuck together?",
                 "Can you concatenate these strings for me?", "What is the concatenation of the list?"),
                ("concatenate the list", "join without separator", "list to one string"))),
    sni_row("letter_frequency_in_sentence", "task113_count_frequency_of_letter", Metric.NORMALIZED,
            _letter_frequency_input, _letter_frequency, Wording(
                ("count how many times the given letter occurs in the sentence",
                 "tell how often the letter appears in the sentence",
                 "give the number of occurrences of the requested letter in the sentence",
                 "tally every appearance of the letter in the quoted sentence",
                 "report the frequency of the named letter in the sentence",
                 "find how many copies of that letter the sentence has"),
                ("How many times does the letter appear in the sentence?",
                 "What is the frequency of the given letter in this sentence?",
                 "How often is that letter used in the sentence?", "Can you count that letter in the sentence?"),
                ("letter frequency", "count that letter", "occurrences of the letter"))),
    sni_row("max_ascii_character", "task1148_maximum_ascii_value", Metric.EXACT, _unique_letters,
            lambda x: max(x.strip()), Wording(
                ("return the character of the string with the highest ASCII code",
                 "pick the letter whose ASCII value is the largest", "find the character with the greatest code point",
                 "output the character that comes last in ASCII order",
                 "give the single character with the maximum ASCII value",
                 "select the highest-valued character, treating lowercase as above uppercase"),
                ("Which character of the string has the largest ASCII value?",
                 "What is the character with the maximum ASCII code?",
                 "Which letter ranks highest in the ASCII table?", "Can you find the max-ASCII character?"),
                ("max ASCII character", "highest ASCII char", "largest character code"))),
    sni_row("most_frequent_character", "task1188_count_max_freq_char", Metric.EXACT, _repetitive, _most_frequent,
            Wording(
                ("return the character that occurs most often in the string, breaking ties by the lowest ASCII value",
                 "find the most common character, taking the smallest one when counts are equal",
                 "give the letter with the highest count in the string",
                 "report the character repeated the most times (ties go to the alphabetically first)",
                 "pick the mode of the string's characters", "output the most frequent letter of the text"),
                ("Which character appears most often in the string?",
                 "What is the most frequent letter here, with ties going to the smaller ASCII value?",
                 "Which letter has the highest count?", "Can you tell me the most repeated character?"),
                ("most frequent character", "commonest letter", "mode character"))),
    sni_row("string_contains_character", "task1189_check_char_in_string", Metric.CHOICE, _string_and_char_input,
            _contains_char, Wording(
                ("answer 1 if the character after the comma occurs in the string before it, otherwise 0",
                 "check whether the given character is present in the string and reply 1 or 0",
                 "say 1 when the string contains the character and 0 when it does not",
                 "test if the single character shows up in the string, answering with 1 for yes and 0 for no",
                 "output 1 for present and 0 for absent, for the character following the comma",
                 "look for the character in the string and give 1 or 0"),
                ("Is the character in the string (1 or 0)?", "Does the string contain that character, 1 or 0?",
                 "Can the character after the comma be found in the string?",
                 "Is the last character present in the text before the comma?"),
                ("character present? 1/0", "contains character", "1 if found else 0")), choices=("1", "0")),
    sni_row("remove_duplicate_characters", "task1316_remove_duplicates_string", Metric.EXACT, _with_repeats,
            _dedupe_characters, Wording(
                ("remove repeated characters from the string, keeping each one's first occurrence",
                 "drop every character that already appeared earlier in the string",
                 "keep only the first copy of each character, case-sensitively",
                 "delete duplicate letters while preserving the order of first appearance",
                 "strip out characters that occur a second time or later",
                 "return the string with all duplicate characters removed"),
                ("What is the string without its duplicate characters?",
                 "What remains after removing repeated letters?",
                 "Can you keep only the first occurrence of every character?",
                 "Which string do you get once duplicates are deleted?"),
                ("remove duplicate characters", "dedupe the letters", "unique characters in order"))),
    sni_row("count_vowels_or_consonants_in_sentence", "task157_count_vowels_and_consonants", Metric.NORMALIZED,
            _vowels_or_consonants_input, _vowels_or_consonants, Wording(
                ("count the vowels or the consonants in the sentence, whichever the question asks for",
                 "give the number of vowel letters (a, e, i, o, u) or of consonant letters, as requested",
                 "tally the requested kind of letter in the sentence, vowels or consonants",
                 "report how many vowels or how many consonants the sentence contains",
                 "count letters of the kind named after the sentence, treating y as a consonant",
                 "compute the vowel count or the consonant count of the quoted sentence"),
                ("How many vowels or consonants, as asked, does the sentence have?",
                 "What is the requested vowel or consonant count?",
                 "Can you count the vowels or consonants in this sentence?",
                 "How many letters of the asked kind are in the sentence?"),
                ("vowel or consonant count", "count vowels/consonants", "letters of that kind"))),
    sni_row("count_words_containing_letter", "task161_count_words_containing_letter", Metric.NORMALIZED,
            lambda rng: _words_with_letter_input("contain", rng), _partial(_count_words_with_letter, "contain"),
            Wording(
                ("count the words of the sentence that contain the given letter",
                 "tell how many words in the sentence include that letter anywhere",
                 "give the number of words having the letter in them",
                 "tally the words that use the requested letter at least once",
                 "report how many of the sentence's words contain the letter",
                 "find the count of words with the letter somewhere inside"),
                ("How many words contain the letter?", "In how many words does that letter occur?",
                 "Can you count the words with that letter in them?",
                 "What number of words in the sentence include the letter?"),
                ("words containing letter", "count words with it", "words that include it"))),
    sni_row("count_words_starting_with_letter", "task162_count_words_starting_with_letter", Metric.NORMALIZED,
            lambda rng: _words_with_letter_input("start", rng), _partial(_count_words_with_letter, "start"), Wording(
                ("count the words of the sentence that begin with the given letter",
                 "tell how many words start with that letter, answering with digits",
                 "give the number of words whose first letter is the one asked about",
                 "tally the words beginning with the requested letter",
                 "report how many words in the sentence open with that letter",
                 "find the count of words starting with the letter"),
                ("How many words start with the letter?", "How many words begin with that letter?",
                 "Can you count the words whose first letter is that one?",
                 "What number of words in the sentence start with it?"),
                ("words starting with letter", "count initial letter", "words beginning with it"))),
    sni_row("count_words_ending_with_letter", "task163_count_words_ending_with_letter", Metric.NORMALIZED,
            lambda rng: _words_with_letter_input("end", rng), _partial(_count_words_with_letter, "end"), Wording(
                ("count the words of the sentence that end with the given letter",
                 "tell how many words finish with that letter, answering with digits",
                 "give the number of words whose last letter is the one asked about",
                 "tally the words ending in the requested letter",
                 "report how many words in the sentence close with that letter",
                 "find the count of words ending with the letter"),
                ("How many words end with the letter?", "How many words finish with that letter?",
                 "Can you count the words whose last letter is that one?",
                 "What number of words in the sentence end in it?"),
                ("words ending with letter", "count final letter", "words ending in it"))),
    sni_row("remove_all_vowels_keep_y", "task365_synthetic_remove_vowels", Metric.EXACT, _vowel_heavy,
            _remove_sni_vowels, Wording(
                ("delete every vowel (a, e, i, o, u in either case) from the string, keeping y",
                 "strip the upper- and lowercase vowels out of the characters",
                 "remove all vowels but leave y and Y in place",
                 "drop each a, e, i, o and u, capital or not, from the text",
                 "return the string with its vowels taken out", "erase the vowels and keep every other character"),
                ("What is the string without its vowels?", "What is left after removing a, e, i, o and u?",
                 "Can you take the vowels out of this string?", "Which characters remain once vowels are deleted?"),
                ("remove vowels, keep y", "devowel the string", "strip vowels"))),
    sni_row("remove_words_of_length", "task377_remove_words_of_given_length", Metric.NORMALIZED,
            lambda rng: _words_of_length_input("Remove", rng), _remove_words_of_length, Wording(
                ("remove every word of the given length from the sentence",
                 "delete the words whose number of letters equals the length asked for",
                 "drop all words of exactly that length and keep the rest in order",
                 "filter out the words having the specified length",
                 "return the sentence without its words of the requested length",
                 "take out each word as long as the given number"),
                ("What is the sentence without the words of that length?",
                 "Which words remain after removing those of the given length?",
                 "Can you delete the words with that many letters?",
                 "What do you get once words of that length are removed?"),
                ("remove words of length", "drop n-letter words", "filter by word length"))),
    sni_row("reverse_words_of_length", "task378_reverse_words_of_given_length", Metric.NORMALIZED,
            lambda rng: _words_of_length_input("Reverse", rng), _reverse_words_of_length, Wording(
                ("reverse the letters of every word that has the given length, leaving the other words alone",
                 "spell backwards each word of exactly that length",
                 "flip the words whose length matches the number asked for",
                 "mirror the words of the specified length and keep the word order",
                 "return the sentence with its words of that length written in reverse",
                 "turn around each word having that many letters"),
                ("What is the sentence with the words of that length reversed?",
                 "Which sentence do you get after reversing the words of the given length?",
                 "Can you write the words with that many letters backwards?",
                 "What does the sentence look like with those words flipped?"),
                ("reverse words of length", "flip n-letter words", "backwards by length"))),
    sni_row("longest_common_substring", "task600_find_the_longest_common_substring_in_two_strings",
            Metric.EXACT, lambda rng: _two_strings_input(MAX_INPUT, rng), _longest_common, Wording(
                ("find the longest substring shared by the two strings",
                 "return the longest run of characters that appears in both strings",
                 "give the longest common contiguous piece of the two strings",
                 "extract the longest stretch of text found in both A and B",
                 "output the longest substring common to the two comma-separated strings",
                 "report the biggest shared substring, case-sensitive"),
                ("What is the longest common substring of the two strings?",
                 "Which longest piece of text do both strings contain?",
                 "Can you find the longest substring they share?",
                 "What is the longest run of characters found in A and in B?"),
                ("longest common substring", "shared substring", "LCS of strings"))),
    sni_row("sort_longest_common_substring",
            "task755_find_longest_substring_and_replace_its_sorted_lowercase_version_in_both_lists", Metric.EXACT,
            lambda rng: _two_strings_input(MAX_ANSWER, rng), _sorted_common, Wording(
                ("replace the longest common substring of both strings by its letters lowercased and sorted",
                 "find the substring the two strings share, lowercase it, sort its letters and put it back in both",
                 "rewrite both strings with their longest shared part turned into sorted lowercase letters",
                 "sort and lowercase the longest common substring in place in each string",
                 "return the two strings after normalizing their longest common substring to sorted lowercase",
                 "put the sorted lowercase form of the shared substring back where it was in A and B"),
                ("What are the two strings after sorting their longest common substring in lowercase?",
                 "How do A and B read once the shared part is lowercased and sorted?",
                 "Can you sort the longest common substring inside both strings?",
                 "What do the strings become with their common part sorted?"),
                ("sort common substring", "lowercase-sort shared part", "fix shared substring"))),
    sni_row("longest_palindromic_substring", "task850_synthetic_longest_palindrome", Metric.EXACT,
            _palindrome_input, _longest_palindrome, Wording(
                ("find the longest substring that reads the same forwards and backwards",
                 "return the longest palindrome inside the string, or its first character if none is longer than one",
                 "extract the longest palindromic run of characters",
                 "give the biggest piece of the string that is a palindrome",
                 "output the longest mirror-symmetric substring",
                 "search the text for its longest palindrome and write it"),
                ("What is the longest palindromic substring?", "Which substring is the longest palindrome?",
                 "Can you find the longest palindrome in this string?",
                 "What is the longest part that reads the same both ways?"),
                ("longest palindrome", "longest palindromic substring", "biggest palindrome"))),
    sni_row("strong_password_steps", "task956_leetcode_420_strong_password_check", Metric.NORMALIZED,
            _password_input, _strong_password_steps, Wording(
                ("count the fewest edits that turn the password into a strong one",
                 "give the minimum number of insertions, deletions or replacements to make the password strong",
                 "compute how many steps the password needs to be 6 to 20 characters with lower, upper, digit and no "
                 "triple repeats",
                 "report the smallest number of single-character changes that make the password strong",
                 "work out the steps needed to satisfy the strong-password rules",
                 "tell how many one-character edits fix the password"),
                ("How many steps make this password strong?",
                 "What is the minimum number of changes to a strong password?",
                 "Can you count the edits this password needs?", "How far is the password from being strong?"),
                ("strong password steps", "edits to strong password", "password fix count"))),
]
