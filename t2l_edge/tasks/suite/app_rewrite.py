"""Rewrite a simple English sentence: present to past and back, future with "will", the present continuous, the
negative (with "does not" / "did not" written in full), a yes/no question, the passive voice, and the subject made
plural or singular.

Sentences are subject + verb + complement: subjects are noun phrases, pronouns or first names (Faker), verbs and
complements a hand-written table, verb forms from lemminflect and plurals from inflect. Every verb's base, -s and past
forms differ (no "read", "put", "cut"), so a sentence's tense and number are read off its words, and each rewrite has
one answer."""

from __future__ import annotations

import functools
import random
import re
from dataclasses import dataclass

from ...errors import InvalidInputError
from ..format import Metric
from .appdata import FAKER, PATTERNS, first_name
from .realdata import need, source
from .rows import row
from .sentences import short_answers
from .wording import Wording

THEME = "rewrite"
SRC = "; ".join((source("lemminflect", "inflect"), FAKER, "hand-written verb table (t2l-edge, Apache-2.0)"))

# verb -> complements that read well in every tense and aspect (no "every day": "is walking every day" is odd)
COMPLEMENTS = {
    "walk": ("to the station", "home after work"), "drink": ("a glass of water", "hot chocolate"),
    "play": ("chess with the neighbours", "the piano"), "cook": ("dinner for the family", "a big pot of soup"),
    "write": ("a long letter", "a short story"), "drive": ("to the coast", "the kids to school"),
    "eat": ("a sandwich", "lunch in the garden"), "watch": ("a film", "the news on TV"),
    "visit": ("the museum", "the old castle"), "buy": ("fresh bread", "a new phone"),
    "sing": ("in the choir", "a folk song"), "clean": ("the kitchen", "the windows"),
    "open": ("the window", "a bank account"), "carry": ("a heavy bag", "the shopping upstairs"),
    "teach": ("history", "a yoga class"), "fix": ("the old bike", "the leaking tap"),
    "paint": ("the fence", "a portrait"), "bring": ("some snacks", "flowers for the host"),
    "catch": ("the early train", "a cold"), "wash": ("the car", "the dishes"), "study": ("maths", "for the exam"),
    "call": ("the office", "a taxi"), "take": ("the bus", "a photo"), "make": ("tea", "a cake"),
    "speak": ("French", "to the manager"), "build": ("a sandcastle", "a wooden shed"),
    "feed": ("the ducks", "the cat"), "climb": ("the hill", "a tall tree"), "find": ("a coin", "the lost keys"),
    "send": ("a postcard", "an email to the team"), "swim": ("in the lake", "across the river"),
    "run": ("in the park", "a marathon"), "wait": ("for the bus", "outside the shop"),
    "listen": ("to the radio", "to a podcast"), "sleep": ("on the sofa", "in the tent"),
    "ride": ("a horse", "a bike to work"), "draw": ("a map", "a cartoon"), "sell": ("old books", "fresh fruit"),
    "grow": ("tomatoes", "herbs on the balcony"),
}
# verb -> (a singular object, a plural one) for the passive
OBJECTS = {
    "cook": ("the dinner", "the vegetables"), "write": ("the report", "the letters"),
    "paint": ("the fence", "the walls"), "clean": ("the kitchen", "the windows"), "fix": ("the bike", "the lights"),
    "open": ("the door", "the boxes"), "build": ("the shed", "the houses"), "wash": ("the car", "the dishes"),
    "feed": ("the cat", "the ducks"), "sign": ("the contract", "the forms"),
    "send": ("the package", "the invitations"), "bake": ("the bread", "the cookies"),
    "find": ("the wallet", "the keys"), "break": ("the vase", "the glasses"), "plant": ("the tree", "the roses"),
    "sell": ("the boat", "the tickets"), "deliver": ("the parcel", "the newspapers"),
    "repair": ("the roof", "the chairs"), "win": ("the match", "the prizes"), "catch": ("the ball", "the thieves"),
}
# Noun-phrase subjects: a determiner and a noun; the plural takes inflect's plural noun and these determiners
DETERMINERS = {"The": "The", "My": "My", "Our": "Our", "This": "These"}
NOUN_PHRASES = ("The teacher", "My sister", "Our neighbour", "The pilot", "My brother", "The doctor", "This student",
                "The child", "The farmer", "The woman", "This nurse", "Our cousin")
PRONOUNS = {"She": "singular", "He": "singular", "They": "plural", "We": "plural"}


@dataclass(frozen=True)
class Forms:
    base: str
    s: str  # third person singular present
    past: str
    participle: str
    ing: str


@functools.cache
def forms(verb: str) -> Forms:
    lemm = need("lemminflect")

    def one(tag: str) -> str:
        return lemm.getInflection(verb, tag=tag)[0]

    return Forms(verb, one("VBZ"), one("VBD"), one("VBN"), one("VBG"))


@functools.cache
def plural_np(np: str) -> str:
    det, noun = np.split(" ")
    return f"{DETERMINERS[det]} {need('inflect').engine().plural_noun(noun)}"


@functools.cache
def _subjects() -> dict[str, str]:
    """Subject noun phrase -> "singular" / "plural" (first names are read by their pattern)."""
    out = dict(PRONOUNS)
    for np in NOUN_PHRASES:
        out[np], out[plural_np(np)] = "singular", "plural"
    return out


@functools.cache
def _verb_forms() -> dict[str, tuple[str, str]]:
    """A finite verb form -> (verb, tense: "present-s", "present", "past")."""
    out: dict[str, tuple[str, str]] = {}
    for verb in sorted(set(COMPLEMENTS) | set(OBJECTS)):
        f = forms(verb)
        for form, tense in ((f.s, "present-s"), (f.base, "present"), (f.past, "past")):
            if out.setdefault(form, (verb, tense)) != (verb, tense):
                raise ValueError(f"verb form {form!r} is ambiguous")
    return out


def _alternation(items) -> str:
    return "|".join(re.escape(i) for i in sorted(items, key=len, reverse=True))


@functools.cache
def _sentence_pattern() -> re.Pattern:
    return re.compile(rf"(?P<subject>{_alternation(_subjects())}|{PATTERNS['first_name']}) "
                      rf"(?P<verb>{_alternation(_verb_forms())}) (?P<rest>[^.?!]+)\.")


@dataclass(frozen=True)
class Clause:
    subject: str
    plural: bool
    verb: str
    tense: str  # "present" or "past"
    rest: str

    @property
    def subject_inside(self) -> str:
        """The subject after an auxiliary: "Does she", "Did my sister", "Does Emma"."""
        if self.subject in PRONOUNS or self.subject.split(" ")[0] in {*DETERMINERS, *DETERMINERS.values()}:
            return self.subject[0].lower() + self.subject[1:]
        return self.subject


def parse(sentence: str) -> Clause:
    m = _sentence_pattern().fullmatch(sentence)
    if not m:
        raise InvalidInputError(f"not a sentence of the rewrite table: {sentence!r}")
    subject, form, rest = m.group("subject", "verb", "rest")
    verb, tense = _verb_forms()[form]
    number = _subjects().get(subject, "singular")  # a first name
    if tense != "past" and (tense == "present-s") != (number == "singular"):
        raise InvalidInputError(f"the verb does not agree with the subject: {sentence!r}")
    return Clause(subject, number == "plural", verb, "past" if tense == "past" else "present", rest)


def _finite(verb: str, tense: str, plural: bool) -> str:
    f = forms(verb)
    return f.past if tense == "past" else f.base if plural else f.s


def _subject(rng: random.Random, kinds=("pronoun", "noun", "name")) -> tuple[str, bool]:
    kind = rng.choice(kinds)
    if kind == "pronoun":
        p = rng.choice(tuple(PRONOUNS))
        return p, PRONOUNS[p] == "plural"
    if kind == "noun":
        np = rng.choice(NOUN_PHRASES)
        return (plural_np(np), True) if rng.random() < 0.5 else (np, False)
    return first_name(rng), False


def _sentence(tenses: tuple[str, ...], kinds=("pronoun", "noun", "name")):
    def sample(rng: random.Random) -> str:
        subject, plural = _subject(rng, kinds)
        verb = rng.choice(sorted(COMPLEMENTS))
        return f"{subject} {_finite(verb, rng.choice(tenses), plural)} {rng.choice(COMPLEMENTS[verb])}."
    return sample


def _retense(tense: str, sentence: str) -> str:
    c = parse(sentence)
    return f"{c.subject} {_finite(c.verb, tense, c.plural)} {c.rest}."


def _future(sentence: str) -> str:
    c = parse(sentence)
    return f"{c.subject} will {c.verb} {c.rest}."


def _continuous(sentence: str) -> str:
    c = parse(sentence)
    return f"{c.subject} {'are' if c.plural else 'is'} {forms(c.verb).ing} {c.rest}."


def _auxiliary(c: Clause) -> str:
    return "did" if c.tense == "past" else "do" if c.plural else "does"


def _negative(sentence: str) -> str:
    c = parse(sentence)
    return f"{c.subject} {_auxiliary(c)} not {c.verb} {c.rest}."


def _question(sentence: str) -> str:
    c = parse(sentence)
    return f"{_auxiliary(c).capitalize()} {c.subject_inside} {c.verb} {c.rest}?"


def _renumber(plural: bool, sentence: str) -> str:
    """The sentence with its noun-phrase subject made plural (or singular) and the verb agreeing."""
    c = parse(sentence)
    singular_of = {plural_np(np): np for np in NOUN_PHRASES}
    subject = plural_np(c.subject) if plural and c.subject in NOUN_PHRASES else singular_of.get(c.subject, c.subject)
    if subject == c.subject:
        raise InvalidInputError(f"the subject is already {'plural' if plural else 'singular'}: {sentence!r}")
    return f"{subject} {_finite(c.verb, c.tense, plural)} {c.rest}."


def _np_sentence(plural: bool):
    def sample(rng: random.Random) -> str:
        np = rng.choice(NOUN_PHRASES)
        verb = rng.choice(sorted(COMPLEMENTS))
        tense = rng.choice(("present", "present", "past"))
        subject = plural_np(np) if plural else np
        return f"{subject} {_finite(verb, tense, plural)} {rng.choice(COMPLEMENTS[verb])}."
    return sample


def _active(rng: random.Random) -> str:
    subject, plural = _subject(rng, ("noun", "name"))
    verb = rng.choice(sorted(OBJECTS))
    return f"{subject} {_finite(verb, rng.choice(('present', 'past')), plural)} {rng.choice(OBJECTS[verb])}."


def _passive(sentence: str) -> str:
    c = parse(sentence)
    if c.subject in PRONOUNS:
        raise InvalidInputError(f"the passive of a pronoun subject is not drawn: {sentence!r}")
    plural_object = c.rest in {p for _, p in OBJECTS.values()}
    be = {("past", False): "was", ("past", True): "were", ("present", False): "is", ("present", True): "are"}
    obj = c.rest[0].upper() + c.rest[1:]
    return f"{obj} {be[c.tense, plural_object]} {forms(c.verb).participle} by {c.subject_inside}."


# what the descriptions show, hand-written (their answers read package data: not at import)
EXAMPLES = {
    "present_to_past": (("She walks to the station.", "She walked to the station."),
                        ("My brothers eat a sandwich.", "My brothers ate a sandwich.")),
    "past_to_present": (("He wrote a long letter.", "He writes a long letter."),
                        ("They drank hot chocolate.", "They drink hot chocolate.")),
    "future_with_will": (("The doctor swims in the lake.", "The doctor will swim in the lake."),
                         ("We take the bus.", "We will take the bus.")),
    "present_continuous": (("She runs in the park.", "She is running in the park."),
                           ("They make tea.", "They are making tea.")),
    "negate_sentence": (("He speaks French.", "He does not speak French."),
                        ("We caught the early train.", "We did not catch the early train.")),
    "yes_no_question": (("The teacher teaches history.", "Does the teacher teach history?"),
                        ("They visited the museum.", "Did they visit the museum?")),
    "active_to_passive": (("The farmer fixed the lights.", "The lights were fixed by the farmer."),
                          ("My sister writes the report.", "The report is written by my sister.")),
    "subject_to_plural": (("The child plays the piano.", "The children play the piano."),
                          ("This nurse watched a film.", "These nurses watched a film.")),
    "subject_to_singular": (("The women study maths.", "The woman studies maths."),
                            ("These students bought a new phone.", "This student bought a new phone.")),
}


def _row(name: str, sample, solve, wording: Wording):
    """A rewrite row: its sampler keeps to answers within the output limit."""
    return row(name, THEME, Metric.NORMALIZED, short_answers(sample, solve), solve, wording, source=SRC,
               examples=EXAMPLES[name])


PRESENT, PAST = ("present",), ("past",)

FAMILIES = [
    _row("present_to_past", _sentence(PRESENT), functools.partial(_retense, "past"), Wording(
        ("rewrite the sentence in the simple past", "change the sentence from present to past tense",
         "put the verb of the sentence into the past", "turn this present-tense sentence into the past tense",
         "make the sentence describe the past instead of now", "convert the sentence to the past simple"),
        ("How does this sentence read in the past tense?", "What is this sentence in the simple past?",
         "Can you put this sentence into the past?", "How would you say this if it happened yesterday?"),
        ("present to past", "past tense, please", "make it past tense"))),
    _row("past_to_present", _sentence(PAST), functools.partial(_retense, "present"), Wording(
        ("rewrite the sentence in the simple present", "change the sentence from past to present tense",
         "put the verb of the sentence into the present", "turn this past-tense sentence into the present tense",
         "make the sentence describe now instead of the past", "convert the sentence to the present simple"),
        ("How does this sentence read in the present tense?", "What is this sentence in the simple present?",
         "Can you put this sentence into the present?", "How would you say this as a habit, in the present?"),
        ("past to present", "present tense, please", "make it present tense"))),
    _row("future_with_will", _sentence(PRESENT), _future, Wording(
        ("rewrite the sentence in the future with will", "change the sentence to the future tense using will",
         "put the sentence into the future: will plus the base verb", "turn this sentence into a will-future",
         "make the sentence talk about the future, with will", "convert the verb to the simple future with will"),
        ("How does this sentence read in the future with will?", "What is this sentence in the future tense?",
         "Can you put this sentence into the future with will?", "How would you say this will happen tomorrow?"),
        ("future with will", "make it future", "will-future"))),
    _row("present_continuous", _sentence(PRESENT), _continuous, Wording(
        ("rewrite the sentence in the present continuous", "change the verb to is/are plus -ing",
         "put the sentence into the present progressive", "turn this sentence into the continuous form",
         "make the sentence say it is happening right now, with the -ing form", "convert the verb to the "
         "present continuous"),
        ("How does this sentence read in the present continuous?", "What is this sentence in the progressive form?",
         "Can you put this sentence into the -ing form?", "How would you say this is happening right now?"),
        ("present continuous", "make it -ing", "progressive form"))),
    _row("negate_sentence", _sentence(PRESENT + PAST), _negative, Wording(
        ("make the sentence negative, writing does not / do not / did not in full",
         "negate the sentence without contractions", "turn the statement into its negative form with not",
         "rewrite the sentence so it says the opposite, using do not, does not or did not",
         "add not to the sentence and fix the verb, keeping the tense", "write the negative of the sentence in full"),
        ("How does this sentence read in the negative?", "What is the negative form of this sentence?",
         "Can you negate this sentence, without contractions?", "How would you say that this did not happen?"),
        ("negate it", "negative form", "make it negative"))),
    _row("yes_no_question", _sentence(PRESENT + PAST), _question, Wording(
        ("turn the statement into a yes/no question", "rewrite the sentence as a question with do, does or did",
         "make a question out of the sentence, keeping its tense", "change the statement into a yes-no question",
         "ask the sentence as a question that can be answered yes or no",
         "form the question that this sentence answers with yes"),
        ("How does this sentence read as a question?", "What is the yes/no question for this statement?",
         "Can you turn this into a question?", "What would you ask to check whether this is true?"),
        ("make it a question", "yes/no question", "statement to question"))),
    _row("active_to_passive", _active, _passive, Wording(
        ("rewrite the sentence in the passive voice", "change the active sentence into the passive",
         "make the object the subject: passive voice with by", "turn this sentence into the passive, keeping the tense",
         "convert the sentence from active to passive voice", "put the sentence in the passive, naming the doer "
         "after by"),
        ("How does this sentence read in the passive voice?", "What is the passive form of this sentence?",
         "Can you make this sentence passive?", "How would you say this with the object first?"),
        ("active to passive", "passive voice", "make it passive"))),
    _row("subject_to_plural", _np_sentence(False), functools.partial(_renumber, True),
        Wording(
        ("make the subject of the sentence plural and fix the verb", "rewrite the sentence with a plural subject",
         "change the sentence so it is about more than one", "pluralize the subject and make the verb agree",
         "turn the singular subject into a plural one, keeping the rest", "write the sentence for several of them"),
        ("How does this sentence read with a plural subject?", "What is this sentence in the plural?",
         "Can you make the subject plural?", "How would you say this about more than one?"),
        ("plural subject", "subject to plural", "singular to plural"))),
    _row("subject_to_singular", _np_sentence(True), functools.partial(_renumber, False),
        Wording(
        ("make the subject of the sentence singular and fix the verb", "rewrite the sentence with a singular subject",
         "change the sentence so it is about just one", "singularize the subject and make the verb agree",
         "turn the plural subject into a singular one, keeping the rest", "write the sentence for only one of them"),
        ("How does this sentence read with a singular subject?", "What is this sentence in the singular?",
         "Can you make the subject singular?", "How would you say this about just one?"),
        ("singular subject", "subject to singular", "plural to singular"))),
]
