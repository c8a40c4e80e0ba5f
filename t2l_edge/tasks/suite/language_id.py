"""Which language is this word? Common words of seven languages (pyspellchecker's frequency lists), each used
only when no other of the seven lists it at all, so the answer is one language."""

from __future__ import annotations

import functools

from ..format import Metric
from .realdata import Param, balanced, common_words, from_table, param_rows, source, table_family, word_frequencies
from .wording import Wording

THEME = "language_id"
SRC = source("pyspellchecker")
LANGUAGES = {"English": "en", "French": "fr", "German": "de", "Spanish": "es", "Italian": "it",
             "Portuguese": "pt", "Dutch": "nl"}
TOP_WORDS, MIN_LETTERS = 3000, 4
YES_NO = ("yes", "no")


@functools.cache
def _words() -> dict[str, str]:
    """word -> the one language (English name) whose list has it."""
    lists = {code: word_frequencies(code) for code in LANGUAGES.values()}
    out = {}
    for name, code in LANGUAGES.items():
        for w in common_words(code, TOP_WORDS):
            if len(w) >= MIN_LETTERS and not any(w in lists[o] for o in lists if o != code):
                out[w] = name
    return out


def _is_in(code: str) -> dict[str, str]:
    name = next(n for n, c in LANGUAGES.items() if c == code)
    return {w: "yes" if lang == name else "no" for w, lang in _words().items()}




IS_IN_EXAMPLES = {
    "English": ("health", "yes"), "French": ("vitesse", "yes"), "German": ("gevaarlijk", "no"),
    "Spanish": ("carretera", "yes"), "Italian": ("trinta", "no"), "Portuguese": ("aldeia", "yes"),
    "Dutch": ("unhöflich", "no"),
}
IS_IN_TEMPLATES = (
    "Is this {a} {p} word?",
    "Answer yes if the word is {p}, otherwise no.",
    "{p} word? yes/no",
    'Say whether the word belongs to {p}, e.g. "{x}" -> "{y}".',
    "Check if the word comes from {p}.",
    "The input is one common word from a European language; answer yes when it is {a} {p} word and no when it is not.",
    "in {p} or not",
    'Does {p} have this word? For example "{x}" gives "{y}".',
    "Could this word appear in {a} {p} text?",
    "Tell me yes or no: is it {p}?",
    "Belongs to {p}?",
    "Decide whether {a} {p} dictionary would list this everyday word, and reply with yes or with no, nothing else.",
)

# How people ask for each row's operation, poured into the training frames beside its own descriptions
# (realdata.worded) ({p}: the parameter value, {a}: its article).
WORDINGS = {
    "word_language": Wording(
        ("say which language the word comes from", "name the language of the word in English",
         "identify which European language the word belongs to"),
        ("What language is this word in?", "Which language does this word belong to?"),
        ("which language", "word's language"),
    ),
    "is_word_in_language": Wording(
        ("say yes if the word is {p} and no if it is not",
         "check whether the word is {a} {p} word, answering yes or no",
         "tell whether the word belongs to the {p} language"),
        ("Is this word {p}?", "Does this word come from {p}, yes or no?"),
        ("{p}: yes/no", "is it {p}"),
    ),
}

FAMILIES = [
    table_family("word_language", THEME, Metric.CHOICE, _words, (
        "Which language is this word from?",
        "Name the language of the word.",
        "language of the word",
        'Say which of English, French, German, Spanish, Italian, Portuguese or Dutch the word is, e.g. "vitesse" -> "French".',
        "Identify the word's language.",
        "The input is one common word of a European language; answer with that language's English name.",
        "word -> language",
        'What language is it? For example "twintig" becomes "Dutch".',
        "Could you tell me what language this word is in?",
        "Language?",
        "Detect the language of the single word.",
        "Look at the spelling of the word and say which of seven western European languages it belongs to, by its English name.",
    ), SRC, choices=tuple(LANGUAGES), sample=balanced, wording=WORDINGS["word_language"]),
    *param_rows("is_word_in_language", THEME, Metric.CHOICE,
                tuple(Param(n, LANGUAGES[n], ex) for n, ex in IS_IN_EXAMPLES.items()), IS_IN_TEMPLATES,
                from_table(_is_in, "is_word_in_language", balanced), SRC, choices=YES_NO,
                wording=WORDINGS["is_word_in_language"]),
]
