"""Formatting and extraction: identifier cases, numbers in text, e-mail addresses, file names, names."""

from __future__ import annotations

import re

from ..format import Metric
from .lexicons import DOMAINS, EXTENSIONS, FIRST_NAMES, LAST_NAMES, SHORT_WORDS, WORDS, number_list, phrase
from .rows import hand_written
from .wording import Wording

THEME = "formatting"


def _snake(rng) -> str:
    return "_".join(rng.sample(SHORT_WORDS, rng.randint(2, 3)))


def _camel(rng) -> str:
    return _snake_to_camel(_snake(rng))


def _snake_to_camel(s: str) -> str:
    first, *rest = s.split("_")
    return first + "".join(w.capitalize() for w in rest)


def _camel_to_snake(s: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", s).lower()


def _text_with_numbers(rng) -> str:
    while True:
        tokens = rng.sample(WORDS, rng.randint(2, 4)) + [str(rng.randint(0, 999)) for _ in range(rng.randint(1, 3))]
        rng.shuffle(tokens)
        text = " ".join(tokens)
        if len(text) <= 40:
            return text


def _email(rng) -> str:
    user = rng.choice(FIRST_NAMES) + rng.choice(("", ".", "_")) + rng.choice(LAST_NAMES)
    return f"{user}@{rng.choice(DOMAINS)}"


def _file_name(rng) -> str:
    stem = "_".join(rng.sample(SHORT_WORDS, rng.randint(1, 2)))
    return f"{stem}.{rng.choice(EXTENSIONS)}"


def _full_name(rng) -> str:
    parts = [rng.choice(FIRST_NAMES)] + ([rng.choice(FIRST_NAMES)] if rng.random() < 0.3 else []) + [rng.choice(LAST_NAMES)]
    return " ".join(p.capitalize() for p in parts)


def _last_name_first(s: str) -> str:
    *given, last = s.split()
    return f"{last}, {' '.join(given)}"


FAMILIES = [
    hand_written(
        "snake_to_camel", THEME, Metric.EXACT, _snake, _snake_to_camel,
        descriptions=(
            "Convert snake_case to camelCase.",
            "Rewrite the identifier in camel case.",
            "snake to camel",
            'Remove the underscores and capitalize the words after them, e.g. "big_red_box" -> "bigRedBox".',
            "What is this variable name in camelCase?",
            "Turn the underscore-separated name into lower camel case.",
            "camelCase it",
            "Take the words joined by underscores, keep the first word lowercase, capitalize the first letter of every "
            "following word, and glue them together without underscores.",
            "How would a Java programmer write this snake_case name?",
            "Change underscores into camel humps.",
            "Make it camelCase.",
            'Convert the name from snake case to camel case. For example "user_id" becomes "userId".',
            "snake_case in, camelCase out",
        ),
        wording=Wording(
            ("convert the snake_case name to camelCase", "rewrite the identifier in camelCase",
             "turn the underscore-separated name into camelCase"),
            ("What is this name in camelCase?", "How is this identifier written in camel case?"),
            ("to camelCase", "snake_case to camelCase"),
        ),
    ),
    hand_written(
        "camel_to_snake", THEME, Metric.EXACT, _camel, _camel_to_snake,
        descriptions=(
            "Convert camelCase to snake_case.",
            "Rewrite the identifier in snake case.",
            "camel to snake",
            'Put an underscore before each capital and lowercase everything, e.g. "bigRedBox" -> "big_red_box".',
            "What is this variable name in snake_case?",
            "Turn the camel case name into lowercase words joined by underscores.",
            "snake_case it",
            "Split the name wherever a capital letter starts a new word, make every word lowercase, and join the "
            "words with underscores.",
            "How would a Python programmer write this camelCase name?",
            "Change camel humps into underscores.",
            "Make it snake_case.",
            'Convert the name from camel case to snake case. For example "userId" becomes "user_id".',
            "camelCase in, snake_case out",
        ),
        wording=Wording(
            ("convert the camelCase name to snake_case", "rewrite the identifier in snake_case",
             "turn the camelCase name into lowercase words joined by underscores"),
            ("What is this name in snake_case?", "How is this identifier written in snake case?"),
            ("to snake_case", "camelCase to snake_case"),
        ),
    ),
    hand_written(
        "words_to_snake", THEME, Metric.EXACT, lambda rng: phrase(rng, 2, 4, SHORT_WORDS), lambda s: "_".join(s.split()),
        descriptions=(
            "Join the words with underscores.",
            "Turn the phrase into a snake_case identifier.",
            "spaces to underscores",
            'Replace every space with an underscore, e.g. "big red dog" -> "big_red_dog".',
            "What is this phrase as a snake_case name?",
            "Make a variable name out of the words by linking them with underscores.",
            "snake case",
            "Take the words separated by spaces and write them as one token, putting a single underscore where each "
            "space was.",
            "Can you connect these words with underscores?",
            "Return the words joined by underscores.",
            "Underscore the spaces.",
            'Write the phrase in snake case. For example "hot tea" becomes "hot_tea".',
            "words → snake_case",
        ),
        wording=Wording(
            ("join the words with underscores", "turn the phrase into a snake_case name",
             "replace each space in the phrase with an underscore"),
            ("What is the phrase with underscores instead of spaces?", "How does the phrase look in snake_case?"),
            ("underscores for spaces", "make it snake_case"),
        ),
    ),
    hand_written(
        "extract_numbers", THEME, Metric.NORMALIZED, _text_with_numbers, lambda s: number_list(re.findall(r"\d+", s)),
        descriptions=(
            "Extract all the numbers from the text.",
            "List the numbers that appear in the input, separated by commas.",
            "extract numbers",
            'Pull out every number in order, e.g. "i have 3 cats and 12 dogs" -> "3, 12".',
            "Which numbers are mentioned in this text?",
            "Return only the numbers, in the order they appear.",
            "numbers only",
            "Read the text, ignore all the words, and write down every number you find, keeping their order and "
            "separating them with commas.",
            "Can you find the numbers in this sentence?",
            "Keep the digits, drop the words.",
            "Get the numbers.",
            'Write the numbers found in the text. For example "red 7 blue 40" gives "7, 40".',
            "What numbers does the input contain?",
        ),
        wording=Wording(
            ("list the numbers that appear in the text, separated by commas",
             "pull every number out of the text, in order", "keep only the numbers of the text"),
            ("What numbers appear in the text?", "Which numbers does this text mention, in order?"),
            ("numbers in the text", "pull out the numbers"),
        ),
    ),
    hand_written(
        "email_domain", THEME, Metric.NORMALIZED, _email, lambda s: s.split("@", 1)[1],
        descriptions=(
            "What is the domain of the e-mail address?",
            "Return the part of the e-mail after the @ sign.",
            "email domain",
            'Extract the domain name, e.g. "anna@example.com" -> "example.com".',
            "Which domain does this e-mail address belong to?",
            "Give everything that comes after the at sign.",
            "domain only",
            "Look at the e-mail address, find the @ character, and write the text that follows it.",
            "Where is this e-mail hosted? Give the domain.",
            "Strip the user name and keep the domain.",
            "Domain of the address?",
            'Pull the domain out of the address. For example "tom_king@mail.org" gives "mail.org".',
            "Get the mail server part of the address.",
        ),
        wording=Wording(
            ("give the domain of the e-mail address", "write the part of the address after the @ sign",
             "extract the domain from the e-mail address"),
            ("What is the domain of this address?", "Which part of the e-mail comes after the @?"),
            ("the domain", "domain of the e-mail"),
        ),
    ),
    hand_written(
        "file_extension", THEME, Metric.NORMALIZED, _file_name, lambda s: s.rsplit(".", 1)[1],
        descriptions=(
            "What is the file extension?",
            "Return the extension of the file name, without the dot.",
            "file extension",
            'Give the part after the last dot, e.g. "report.pdf" -> "pdf".',
            "Which type of file is this, judging by its extension?",
            "Extract the suffix of the file name.",
            "extension only",
            "Look at the file name, find the final dot, and write the letters that come after it.",
            "What kind of file is it? Answer with the extension.",
            "Strip the name and keep the extension.",
            "Extension?",
            'Tell me the file extension. For example "photo_cat.jpg" gives "jpg".',
            "Get the file type suffix.",
        ),
        wording=Wording(
            ("give the extension of the file name, without the dot",
             "write the part of the file name after the last dot", "extract the file extension"),
            ("What is the extension of this file?", "Which extension does this file name have?"),
            ("the extension", "file type"),
        ),
    ),
    hand_written(
        "initials", THEME, Metric.EXACT, _full_name, lambda s: "".join(w[0].upper() + "." for w in s.split()),
        descriptions=(
            "Write the initials of the name.",
            "Give the person's initials, each followed by a period.",
            "initials",
            'Abbreviate the name to its initials, e.g. "John Smith" -> "J.S.".',
            "What are the initials of this person?",
            "Take the first letter of each part of the name and put a dot after it.",
            "name to initials",
            "For every part of the full name, write its first letter in capitals followed by a full stop, with no "
            "spaces in between.",
            "Can you shorten this name to initials?",
            "Return the capital initial letters with dots.",
            "Initials, please.",
            'Turn the full name into initials. For example "Anna Lopez" becomes "A.L.".',
            "Just the initials.",
        ),
        wording=Wording(
            ("give the initials of the name, each followed by a period",
             "abbreviate the name to its initials with dots", "write the first letter of each name, each with a dot"),
            ("What are this person's initials?", "How is this name written as initials?"),
            ("initials only", "name as initials"),
        ),
    ),
    hand_written(
        "last_name_first", THEME, Metric.EXACT, _full_name, _last_name_first,
        descriptions=(
            "Write the name as last name, comma, first name.",
            "Put the surname first, followed by a comma and the given names.",
            "last, first",
            'Reorder the name for a list, e.g. "John Smith" -> "Smith, John".',
            "How would this name appear in a phone book?",
            "Move the family name to the front and add a comma after it.",
            "surname first",
            "Take the last word of the name, write it first, then a comma and a space, then the remaining names in "
            "their original order.",
            "Can you format the name as Surname, Given name?",
            "Return the name in last-name-first order.",
            "Flip the name for an index.",
            'Rewrite the name with the last name first. For example "Anna Lopez" becomes "Lopez, Anna".',
            "Family name, then first name.",
        ),
        wording=Wording(
            ("write the name with the last name first, then a comma and the other names",
             "put the surname in front, followed by a comma and the given names",
             "reorder the name as surname, comma, first names"),
            ("How is this name written surname first?", "What is the name in last-name-first order?"),
            ("surname, given names", "last name first"),
        ),
    ),
    hand_written(
        "thousands_separator", THEME, Metric.EXACT, lambda rng: str(rng.randint(1000, 9_999_999)), lambda s: f"{int(s):,}",
        descriptions=(
            "Add commas as thousands separators.",
            "Format the number with commas between groups of three digits.",
            "thousands separator",
            'Group the digits by threes with commas, e.g. "1234567" -> "1,234,567".',
            "How is this number written with thousands separators?",
            "Insert a comma every three digits, counting from the right.",
            "add commas",
            "Starting from the last digit and moving left, put a comma after every third digit, but never at the "
            "very start.",
            "Can you make this large number easier to read with commas?",
            "Return the number with digit grouping.",
            "Comma-format the number.",
            'Write the number with commas. For example "45000" becomes "45,000".',
            "Digits grouped in threes, please.",
        ),
        wording=Wording(
            ("add commas between groups of three digits", "write the number with thousands separators",
             "format the number with a comma every three digits from the right"),
            ("What is the number with commas as thousands separators?",
             "How is this number written with digit grouping?"),
            ("commas every 3 digits", "group the digits"),
        ),
    ),
]
