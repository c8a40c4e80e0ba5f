"""Classification from small built-in lexicons and simple properties. Every family answers with one of its choices."""

from __future__ import annotations

from ..format import Metric
from .family import pick
from .lexicons import (
    ALPHABET, ANIMALS, CATEGORY_FRUITS, COLORS, DAYS, FRUITS, MONTHS, NEGATIVE, NEUTRAL_NOUNS, PLANTS, PLURALS,
    POSITIVE, SENTIMENT_TEMPLATES, VEGETABLES, VEHICLES, VOWEL_WORDS, VOWELS, WORDS,
)
from .rows import hand_written
from .wording import Wording

THEME = "classify"

_POLARITY = {**{w: "positive" for w in POSITIVE}, **{w: "negative" for w in NEGATIVE}}
_CATEGORY = {
    **{w: "animal" for w in ANIMALS}, **{w: "fruit" for w in CATEGORY_FRUITS},
    **{w: "color" for w in COLORS}, **{w: "vehicle" for w in VEHICLES},
}
_KINGDOM = {**{w: "animal" for w in ANIMALS}, **{w: "plant" for w in PLANTS}}
_PRODUCE = {**{w: "fruit" for w in FRUITS}, **{w: "vegetable" for w in VEGETABLES}}
_CALENDAR = {**{d.lower(): "day" for d in DAYS}, **{m.lower(): "month" for m in MONTHS}}
_NUMBER = {**{s: "singular" for s, p in PLURALS.items() if s != p}, **{p: "plural" for s, p in PLURALS.items() if s != p}}
_PALINDROMES = tuple("""level radar noon kayak civic madam refer racecar stats rotor tenet solos sagas minim deed
    peep pop wow eye dad mom gag nun pip tot sees""".split())


def _sentiment_input(rng) -> str:
    adj = rng.choice(POSITIVE if rng.random() < 0.5 else NEGATIVE)
    return rng.choice(SENTIMENT_TEMPLATES).format(adj=adj, noun=rng.choice(NEUTRAL_NOUNS))


def _sentiment(text: str) -> str:
    (label,) = {_POLARITY[w] for w in text.split() if w in _POLARITY}
    return label


def _calendar_input(rng) -> str:
    name = rng.choice(DAYS + MONTHS)
    return name if rng.random() < 0.5 else name.lower()


def _palindrome_input(rng) -> str:
    r = rng.random()
    if r < 0.3:
        return rng.choice(_PALINDROMES)
    if r < 0.5:  # a made-up one: some letters and their mirror
        half = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(2, 3)))
        return half + half[-2::-1] if rng.random() < 0.5 else half + half[::-1]
    while True:
        w = rng.choice(WORDS)
        if w != w[::-1]:
            return w


def _balanced(first, second, p_first: float = 0.5):
    """Sampler: from `first` with probability `p_first`, else from `second` (keeps the answers balanced)."""
    first, second = tuple(first), tuple(second)
    return lambda rng: rng.choice(first if rng.random() < p_first else second)


_CONSONANT_WORDS = tuple(w for w in WORDS if w[0] not in VOWELS)
_LETTER_VOWELS = tuple("aeiouAEIOU")
_LETTER_CONSONANTS = tuple(c for c in ALPHABET + ALPHABET.upper() if c.lower() not in VOWELS)


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


FAMILIES = [
    hand_written(
        "sentiment", THEME, Metric.CHOICE, _sentiment_input, _sentiment, choices=("positive", "negative"),
        descriptions=(
            "Is the sentiment positive or negative?",
            "Classify the feeling of the text as positive or negative.",
            "sentiment",
            'Say positive for a good opinion and negative for a bad one, e.g. "the meal was lovely" -> "positive".',
            "Does this phrase sound happy or unhappy? Answer positive or negative.",
            "Label the opinion expressed in the text.",
            "positive/negative",
            "Read the short review and decide whether the writer liked the thing (positive) or disliked it (negative).",
            "What is the tone of this text, positive or negative?",
            "Decide if the words express something good or something bad.",
            "Sentiment analysis: positive or negative?",
            'Tell me whether the phrase is positive or negative. For example "a boring trip" gives "negative".',
            "Rate the mood of the input as positive or negative.",
        ),
        wording=Wording(
            ("say whether the text is positive or negative", "label the feeling of the text as positive or negative",
             "decide if the writer is pleased (positive) or displeased (negative)"),
            ("Is this text positive or negative?", "Does the text express a positive or a negative feeling?"),
            ("positive or negative?", "sentiment label"),
        ),
    ),
    hand_written(
        "animal_or_plant", THEME, Metric.CHOICE, pick(_KINGDOM), _KINGDOM.__getitem__, choices=("animal", "plant"),
        descriptions=(
            "Is it an animal or a plant?",
            "Classify the word as animal or plant.",
            "animal or plant",
            'Answer animal for living creatures that move and plant for things that grow in soil, e.g. "oak" -> "plant".',
            "Does this word name an animal or a plant?",
            "Tell me whether the thing is an animal or a plant.",
            "fauna or flora",
            "Think about what the word refers to; if it is a creature reply animal, if it is a tree, flower or other "
            "greenery reply plant.",
            "Animal? Plant? Which one is it?",
            "Sort the word into animal or plant.",
            "Is this living thing an animal or a plant?",
            'Label the word with animal or plant. For example "tiger" gives "animal".',
            "Decide: animal or plant.",
        ),
        wording=Wording(
            ("say whether the word names an animal or a plant", "label the living thing as animal or plant",
             "decide if the word is an animal or a plant"),
            ("Is the thing named an animal or a plant?", "Animal or plant: which is this?"),
            ("animal/plant?", "plant or animal"),
        ),
    ),
    hand_written(
        "fruit_or_vegetable", THEME, Metric.CHOICE, pick(_PRODUCE), _PRODUCE.__getitem__, choices=("fruit", "vegetable"),
        descriptions=(
            "Is it a fruit or a vegetable?",
            "Classify the food as fruit or vegetable.",
            "fruit or vegetable",
            'Answer fruit for sweet fruits and vegetable for vegetables, e.g. "carrot" -> "vegetable".',
            "Does this word name a fruit or a vegetable?",
            "Tell me whether the item is a fruit or a vegetable.",
            "fruit vs veg",
            "Think about the food the word names; if it is usually eaten as a sweet fruit reply fruit, otherwise "
            "reply vegetable.",
            "Fruit? Vegetable? Which one?",
            "Sort the word into fruit or vegetable.",
            "Is this produce a fruit or a vegetable?",
            'Label the food with fruit or vegetable. For example "mango" gives "fruit".',
            "Decide: fruit or vegetable.",
        ),
        wording=Wording(
            ("say whether the food is a fruit or a vegetable", "label the food as fruit or vegetable",
             "decide if the word names a fruit or a vegetable"),
            ("Is this food a fruit or a vegetable?", "Fruit or vegetable: which is this?"),
            ("fruit/vegetable?", "vegetable or fruit"),
        ),
    ),
    hand_written(
        "word_category", THEME, Metric.CHOICE, pick(_CATEGORY), _CATEGORY.__getitem__,
        choices=("animal", "fruit", "color", "vehicle"),
        descriptions=(
            "Is the word an animal, a fruit, a color or a vehicle?",
            "Classify the word into one of: animal, fruit, color, vehicle.",
            "category: animal / fruit / color / vehicle",
            'Name the category of the word, e.g. "bus" -> "vehicle".',
            "Which group does this word belong to: animal, fruit, color or vehicle?",
            "Tell me what kind of thing the word is (animal, fruit, color or vehicle).",
            "word category",
            "Each word is either a creature, something you eat from a tree or bush, a shade, or a means of "
            "transport; answer animal, fruit, color or vehicle accordingly.",
            "What type of thing is this? Answer animal, fruit, color, or vehicle.",
            "Put the word in its category.",
            "Categorize: animal, fruit, color or vehicle?",
            'Give the category of the item. For example "purple" gives "color".',
            "Decide which of the four groups (animal, fruit, color, vehicle) fits the word.",
        ),
        wording=Wording(
            ("say whether the word is an animal, a fruit, a color or a vehicle",
             "label the word with its category: animal, fruit, color or vehicle",
             "decide which of animal, fruit, color and vehicle the word belongs to"),
            ("Which category is this word: animal, fruit, color or vehicle?",
             "Is this an animal, a fruit, a color or a vehicle?"),
            ("animal/fruit/color/vehicle?", "category of the word"),
        ),
    ),
    hand_written(
        "day_or_month", THEME, Metric.CHOICE, _calendar_input, lambda s: _CALENDAR[s.lower()], choices=("day", "month"),
        descriptions=(
            "Is this the name of a day or a month?",
            "Classify the word as day or month.",
            "day or month",
            'Answer day for days of the week and month for months, e.g. "July" -> "month".',
            "Does the word name a day of the week or a month of the year?",
            "Tell me whether this is a weekday or a month.",
            "weekday vs month",
            "Look at the calendar word; if it is one of the seven days reply day, if it is one of the twelve months "
            "reply month.",
            "Day? Month? Which is it?",
            "Sort the name into day or month.",
            "Weekday or month of the year?",
            'Label the word with day or month. For example "friday" gives "day".',
            "Decide: day or month.",
        ),
        wording=Wording(
            ("say whether the word is a day of the week or a month", "label the calendar word as day or month",
             "decide if the name is a weekday or a month"),
            ("Is this a day or a month?", "Day of the week or month of the year: which is it?"),
            ("day/month?", "month or day"),
        ),
    ),
    hand_written(
        "palindrome", THEME, Metric.CHOICE, _palindrome_input, lambda w: _yes_no(w == w[::-1]), choices=("yes", "no"),
        descriptions=(
            "Is the word a palindrome?",
            "Does the word read the same backwards? Answer yes or no.",
            "palindrome check",
            'Answer yes if the word is the same when reversed and no otherwise, e.g. "level" -> "yes".',
            "Tell me whether this word is a palindrome.",
            "Check if the word reads identically from both ends.",
            "palindrome? yes/no",
            "Spell the word backwards and compare it with the original; reply yes if they match and no if they differ.",
            "Would this word stay the same if you reversed it?",
            "Decide if the input is a palindrome.",
            "Palindrome or not?",
            'Say yes for palindromes and no for other words. For example "house" gives "no".',
            "Is this spelled the same forwards and backwards?",
        ),
        wording=Wording(
            ("say whether the word is a palindrome, answering yes or no",
             "answer yes if the word reads the same backwards and no if it does not",
             "check if the word is spelled the same in both directions and reply yes or no"),
            ("Does this word read the same both ways?", "Is this word a palindrome, yes or no?"),
            ("palindrome: yes/no", "is it a palindrome"),
        ),
    ),
    hand_written(
        "vowel_or_consonant", THEME, Metric.CHOICE, _balanced(_LETTER_VOWELS, _LETTER_CONSONANTS, 0.4),
        lambda c: "vowel" if c.lower() in VOWELS else "consonant", choices=("vowel", "consonant"),
        descriptions=(
            "Is the letter a vowel or a consonant?",
            "Classify the letter as vowel or consonant.",
            "vowel or consonant",
            'Answer vowel for a, e, i, o, u and consonant for any other letter, e.g. "b" -> "consonant".',
            "Does this letter count as a vowel or a consonant?",
            "Tell me whether the letter is a vowel.",
            "vowel?",
            "Look at the single letter; if it is one of a, e, i, o or u reply vowel, otherwise reply consonant.",
            "Vowel or consonant, which is it?",
            "Sort the letter into vowel or consonant.",
            "Letter type: vowel or consonant?",
            'Label the letter. For example "E" gives "vowel".',
            "Decide whether this is a vowel or a consonant.",
        ),
        wording=Wording(
            ("say whether the letter is a vowel or a consonant", "label the letter as vowel or consonant",
             "decide if the letter is a vowel or a consonant"),
            ("Is this letter a vowel or a consonant?", "Vowel or consonant: which is this letter?"),
            ("vowel/consonant?", "consonant or vowel"),
        ),
    ),
    hand_written(
        "starts_with_vowel", THEME, Metric.CHOICE, _balanced(VOWEL_WORDS, _CONSONANT_WORDS),
        lambda w: _yes_no(w[0] in VOWELS), choices=("yes", "no"),
        descriptions=(
            "Does the word start with a vowel?",
            "Answer yes if the first letter is a vowel, otherwise no.",
            "starts with vowel?",
            'Check the first letter for a, e, i, o or u, e.g. "apple" -> "yes".',
            "Is the initial letter of this word a vowel?",
            "Tell me whether the word begins with a vowel.",
            "vowel first? yes or no",
            "Look only at the first letter of the word; reply yes when it is a, e, i, o or u and no when it is any "
            "other letter.",
            "Does this word begin with a, e, i, o or u?",
            "Decide if the word opens with a vowel.",
            "Begins with a vowel?",
            'Say yes or no: does it start with a vowel? For example "table" gives "no".',
            "Check whether the first character is a vowel.",
        ),
        wording=Wording(
            ("say yes if the word starts with a vowel and no if it does not",
             "check whether the first letter of the word is a vowel, answering yes or no",
             "tell whether the word begins with a, e, i, o or u"),
            ("Does the word begin with a vowel?", "Is the first letter a vowel, yes or no?"),
            ("vowel at start?", "starts with a vowel"),
        ),
    ),
    hand_written(
        "singular_or_plural", THEME, Metric.CHOICE, pick(_NUMBER), _NUMBER.__getitem__, choices=("singular", "plural"),
        descriptions=(
            "Is the noun singular or plural?",
            "Classify the word as singular or plural.",
            "singular or plural",
            'Answer singular for one thing and plural for many, e.g. "mice" -> "plural".',
            "Does this word name one thing or several things?",
            "Tell me whether the noun is in the singular or the plural.",
            "one or many",
            "Look at the noun; if it refers to a single item reply singular, if it refers to more than one reply plural.",
            "Singular? Plural? Which is it?",
            "Decide the grammatical number of the noun.",
            "Number of the noun: singular or plural?",
            'Label the noun with singular or plural. For example "box" gives "singular".',
            "Is this the one-item form or the many-items form of the word?",
        ),
        wording=Wording(
            ("say whether the noun is singular or plural", "label the noun as singular or plural",
             "decide if the noun names one thing or several"),
            ("Is this noun singular or plural?", "Singular or plural: which form is this?"),
            ("singular/plural?", "plural or singular"),
        ),
    ),
]
