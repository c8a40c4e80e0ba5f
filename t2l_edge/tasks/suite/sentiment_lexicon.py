"""Word sentiment from the VADER lexicon (human ratings from -4 to +4, averaged over ten raters): polarity, strength,
and which of two words is more positive or more negative. Only clear cases: a gap separates every two classes."""

from __future__ import annotations

import functools
import random

from ..format import Metric
from .family import Family
from .realdata import balanced, common_words, package_file, source, table_family, worded
from .wording import Wording

THEME = "sentiment_lexicon"
SRC = source("vadersentiment", "pyspellchecker")
VOCABULARY = 20000  # words also among the most frequent English words (VADER also rates slang and emoticons)
POLARITY = ("positive", "negative")
STRENGTHS = ("very positive", "somewhat positive", "somewhat negative", "very negative")
# (low, high) bounds of the mean rating for each strength class; the gaps between them are left out
STRENGTH_BOUNDS = {"very positive": (2.5, 4.0), "somewhat positive": (0.8, 1.8),
                   "somewhat negative": (-1.8, -0.8), "very negative": (-4.0, -2.5)}
CLEAR_POLARITY = 1.5  # |mean| at least this for the polarity family
COMPARE_GAP = 1.5  # the two words of a comparison differ by at least this much


@functools.cache
def _ratings() -> dict[str, float]:
    words = set(common_words("en", VOCABULARY))
    out = {}
    with open(package_file("vadersentiment", "vader_lexicon.txt"), encoding="utf-8") as f:
        for line in f:
            token, mean, *_ = line.rstrip("\n").split("\t")
            if token in words:
                out[token] = float(mean)
    return out


def _polarity() -> dict[str, str]:
    return {w: "positive" if m > 0 else "negative" for w, m in _ratings().items() if abs(m) >= CLEAR_POLARITY}


def _strength() -> dict[str, str]:
    return {w: label for w, m in _ratings().items() for label, (lo, hi) in STRENGTH_BOUNDS.items() if lo <= m <= hi}




def _pair_sample(rng: random.Random) -> str:
    ratings = _ratings()
    words = sorted(ratings)
    while True:
        a, b = rng.sample(words, 2)
        if abs(ratings[a] - ratings[b]) >= COMPARE_GAP:
            return f"{a} or {b}"


def _more(sign: int):
    def solve(x: str) -> str:
        a, b = x.split(" or ")
        ratings = _ratings()
        return max((a, b), key=lambda w: sign * ratings[w])
    return solve


# How people ask for each row's operation, poured into the training frames beside its own descriptions
# (realdata.worded).
WORDINGS = {
    "word_polarity": Wording(
        ("say whether the word is positive or negative", "label the word positive or negative",
         "decide if the word carries a good or a bad feeling, answering positive or negative"),
        ("Is the feeling of this word positive or negative?", "Does this word feel good or bad?"),
        ("word polarity", "positive/negative word"),
    ),
    "sentiment_strength": Wording(
        ("rate how strongly positive or negative the word is",
         "say if the word is very positive, somewhat positive, somewhat negative or very negative",
         "grade the word's feeling on a four-step scale from very negative to very positive"),
        ("How strong is the feeling of this word, and is it good or bad?",
         "Is the word very or somewhat positive or negative?"),
        ("sentiment strength", "rate the word"),
    ),
    "more_positive_word": Wording(
        ("pick whichever of the two words is more positive", "write the word with the more pleasant meaning",
         "choose the happier of the two words"),
        ("Which word is more pleasant?", "Which of these two feels better?"),
        ("the nicer word", "more positive?"),
    ),
    "more_negative_word": Wording(
        ("pick whichever of the two words is more negative", "write the word with the more unpleasant meaning",
         "choose the harsher of the two words"),
        ("Which word is more unpleasant?", "Which of these two feels worse?"),
        ("the nastier word", "more negative?"),
    ),
}

FAMILIES = [
    table_family("word_polarity", THEME, Metric.CHOICE, _polarity, (
        "Is this word positive or negative?",
        "Classify the word's sentiment.",
        "polarity",
        'Answer positive or negative for the feeling the word carries, e.g. "wonderful" -> "positive".',
        "Does the word sound good or bad? Say positive or negative.",
        "The input is one English word with a clear emotional tone; answer positive if it expresses something good, else negative.",
        "word -> positive/negative",
        'Label the word. For example "disaster" gives "negative".',
        "Could you tell me if this word is positive?",
        "Good or bad word?",
        "Sentiment of the word, please.",
        "Decide whether people reading this single word would feel it as pleasant or unpleasant, and answer positive or negative.",
    ), SRC, choices=POLARITY, sample=balanced, wording=WORDINGS["word_polarity"]),
    table_family("sentiment_strength", THEME, Metric.CHOICE, _strength, (
        "How positive or negative is the word: very or somewhat?",
        "Rate the word's sentiment strength.",
        "sentiment intensity",
        'Answer very positive, somewhat positive, somewhat negative or very negative, e.g. "excellent" -> "very positive".',
        "Grade how strongly the word feels good or bad.",
        "The input is one English word; answer how strong its emotional tone is, choosing among very positive, somewhat positive, somewhat negative, very negative.",
        "word -> tone strength",
        'Intensity and direction of the feeling? For example "murder" gives "very negative".',
        "Could you rate this word from very negative to very positive?",
        "Strength of sentiment.",
        "Mild or strong, good or bad?",
        "Place the word on a four-step scale of feeling, from very negative through somewhat negative and somewhat positive to very positive.",
    ), SRC, choices=STRENGTHS, sample=balanced, wording=WORDINGS["sentiment_strength"]),
    Family("more_positive_word", THEME, Metric.EXACT, _pair_sample, _more(+1), worded("more_positive_word", (
        "Which of the two words is more positive?",
        "Pick the more positive word.",
        "more positive one",
        'Write whichever word feels better, e.g. "okay or great" -> "great".',
        "Choose the word with the happier meaning.",
        "The input is two English words joined by 'or'; answer with the one that people rate as more pleasant or positive.",
        "A or B -> more positive",
        'Say which one is nicer. For example "war or peace" gives "peace".',
        "Could you tell me which word sounds more positive?",
        "The more pleasant word.",
        "Which is better?",
        "Compare the feelings the two words carry and reply with the word whose tone is the more positive of the two.",
    ), WORDINGS["more_positive_word"]), source=SRC),
    Family("more_negative_word", THEME, Metric.EXACT, _pair_sample, _more(-1), worded("more_negative_word", (
        "Which of the two words is more negative?",
        "Pick the more negative word.",
        "more negative one",
        'Write whichever word feels worse, e.g. "boring or horrible" -> "horrible".',
        "Choose the word with the sadder or harsher meaning.",
        "The input is two English words joined by 'or'; answer with the one that people rate as more unpleasant or negative.",
        "A or B -> more negative",
        'Say which one is nastier. For example "war or peace" gives "war".',
        "Could you tell me which word sounds more negative?",
        "The more unpleasant word.",
        "Which is worse?",
        "Compare the feelings the two words carry and reply with the word whose tone is the more negative of the two.",
    ), WORDINGS["more_negative_word"]), source=SRC),
]
