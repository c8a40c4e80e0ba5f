"""English inflection of common words: verb forms and adjective degrees (lemminflect), plurals, articles, ordinals
and counted nouns (inflect). A word is used only when its form has one accepted spelling: lemminflect lists every
form it knows, and words with two (dived / dove, older / elder, fishes / fish) are left out."""

from __future__ import annotations

import functools
import random

from ..format import Metric
from .family import Family
from .realdata import Table, common_words, need, source, table_family, unique_inverse

THEME = "inflection"
LEMM = source("lemminflect", "pyspellchecker")
INFL = source("inflect", "lemminflect", "pyspellchecker")
VOCABULARY = 8000  # the most frequent English words (pyspellchecker's list) that the lemmas are drawn from
# An inflected form must itself be among this many most frequent words: it keeps real uses ("walked") and drops
# forms that exist only on paper ("sited", "leafs", "remoter"), so the lemma is common in that part of speech.
FORM_VOCABULARY = 40000


@functools.cache
def _frequent_forms() -> frozenset[str]:
    return frozenset(common_words("en", FORM_VOCABULARY))


@functools.cache
def _lemmas(upos: str) -> tuple[str, ...]:
    """Common words that are their own lemma for this part of speech and for no other lemma of it."""
    lemm = need("lemminflect")
    return tuple(w for w in common_words("en", VOCABULARY) if lemm.getAllLemmas(w, upos=upos).get(upos) == (w,))


@functools.cache
def _forms(upos: str, tag: str) -> dict[str, str]:
    """Lemma -> its one form with Penn tag `tag` (lemmas with two accepted forms, or only a periphrastic one, are
    left out)."""
    lemm, frequent = need("lemminflect"), _frequent_forms()
    out = {}
    for w in _lemmas(upos):
        forms = lemm.getAllInflections(w, upos=upos).get(tag, ())
        if len(forms) == 1 and forms[0] in frequent and forms[0] != w:
            out[w] = forms[0]
    return out


def _irregular_participles() -> dict[str, str]:
    """lemminflect lists a separate participle mostly for irregular verbs, but also a few dated ones ("blent" for
    "blended"): keep the verbs whose past tense is irregular too."""
    past = _forms("VERB", "VBD")
    return {w: p for w, p in _forms("VERB", "VBN").items() if w in past and not past[w].endswith("ed")}


def _to_lemma(upos: str, tag: str) -> dict[str, str]:
    """Form -> lemma, for forms that are no lemma themselves and belong to one lemma only."""
    lemm = need("lemminflect")
    lemmas = set(_lemmas(upos))
    table = unique_inverse(_forms(upos, tag))
    return {f: w for f, w in table.items() if f not in lemmas and lemm.getAllLemmas(f, upos=upos).get(upos) == (w,)}


@functools.cache
def _plurals() -> dict[str, str]:
    """Noun -> plural, where inflect's plural is lemminflect's one and only plural."""
    eng, lemm, frequent = need("inflect").engine(), need("lemminflect"), _frequent_forms()
    out = {}
    for w in _lemmas("NOUN"):
        plural = eng.plural_noun(w)
        if lemm.getAllInflections(w, upos="NOUN").get("NNS") == (plural,) and plural != w and plural in frequent:
            out[w] = plural
    return out


def _articles() -> dict[str, str]:
    eng = need("inflect").engine()
    return {w: eng.a(w) for w in _plurals()}


def _ordinals() -> dict[str, str]:
    eng = need("inflect").engine()
    return {str(n): eng.ordinal(n) for n in range(1, 1001)}


COUNTS = tuple(range(0, 13))


def _counted_sample(t: Table, rng: random.Random) -> str:
    return f"{rng.choice(COUNTS)} {rng.choice(t.keys)}"


def _count_noun(x: str) -> str:
    n, noun = x.split(" ", 1)
    return need("inflect").engine().no(noun, int(n))


def _family(name, load, descriptions, src=LEMM, metric=Metric.EXACT, operation=""):
    return table_family(name, THEME, metric, load, descriptions, src, operation=operation)


FAMILIES = [
    _family("verb_past_tense", lambda: _forms("VERB", "VBD"), (
        "Put the verb into the simple past.",
        "What is the past tense of this verb?",
        "past simple form",
        'Write the past simple form, e.g. "bring" -> "brought".',
        "Conjugate the verb in the past tense.",
        "The input is an English verb in its base form; answer with the form used for something that already happened, as in yesterday I ...",
        "verb -> past",
        'Change the verb to the past. For example "stop" becomes "stopped".',
        "Could you give me the preterite of this verb?",
        "Yesterday form of the verb?",
        "Past form only.",
        "Give the single-word past tense that completes a sentence like 'Last week they ... it', for the given verb.",
    ), operation="past_tense"),
    _family("past_participle", _irregular_participles, (
        "Write the past participle of the verb.",
        "What is the past participle of this verb?",
        "past participle",
        'Give the form used after "have", e.g. "go" -> "gone".',
        "Turn the verb into its participle.",
        "The input is an English verb in its base form; answer with the form that completes 'I have ...', the perfect participle.",
        "verb -> participle",
        'Third principal part of the verb? For example "write" becomes "written".',
        "Could you write the -ed/-en form of this verb?",
        "Perfect-tense form, please.",
        "Participle of the verb.",
        "Say which form of the verb goes into a present perfect sentence such as 'She has ... it already'.",
    )),
    _family("ing_form", lambda: _forms("VERB", "VBG"), (
        "Write the -ing form of the verb.",
        "What is the present participle of this verb?",
        "gerund",
        'Add -ing the right way, e.g. "run" -> "running".',
        "Make the continuous form of the verb.",
        "The input is an English verb in its base form; answer with its present participle, spelled correctly with -ing.",
        "verb -> -ing",
        'Turn it into the progressive form. For example "make" becomes "making".',
        "Could you give me the gerund of this verb?",
        "ing form?",
        "Progressive form, one word.",
        "Give the word that fills 'They are ... right now' for this verb, minding doubled consonants and dropped e.",
    )),
    _family("third_person_singular", lambda: _forms("VERB", "VBZ"), (
        "Write the verb for he, she or it in the present.",
        "What is the third person singular of this verb?",
        "he/she/it form",
        'Conjugate for "she", e.g. "go" -> "goes".',
        "Add the present-tense -s ending correctly.",
        "The input is an English verb in its base form; answer with the simple present form used with a singular third-person subject.",
        "verb -> -s form",
        'Form for he, present tense. For example "carry" becomes "carries".',
        "Could you give the third-person present of the verb?",
        "Third person, please.",
        "Which form does 'it' take?",
        "Write the form of the verb that completes 'Every day she ...', with the spelling changes the -s ending needs.",
    )),
    _family("past_to_base_verb", lambda: _to_lemma("VERB", "VBD"), (
        "Give the base form of the past-tense verb.",
        "Which verb is this the past tense of?",
        "past -> infinitive",
        'Undo the past tense, e.g. "brought" -> "bring".',
        "Write the dictionary form of the verb.",
        "The input is an English verb in the simple past; answer with its bare infinitive, the form a dictionary lists it under.",
        "past to base",
        'What is the present form? For example "stopped" becomes "stop".',
        "Could you find the infinitive of this past form?",
        "Lemma of the verb?",
        "Base verb only.",
        "Take the past-tense verb back to the plain form that follows 'to' in an infinitive like 'to ...'.",
    )),
    _family("ing_to_base_verb", lambda: _to_lemma("VERB", "VBG"), (
        "Remove the -ing and give the verb's base form.",
        "Which verb does this -ing word come from?",
        "-ing -> base",
        'Turn the gerund back into the verb, e.g. "running" -> "run".',
        "Write the infinitive of the -ing form.",
        "The input is an English present participle ending in -ing; answer with the bare verb, fixing doubled letters and lost e.",
        "gerund to verb",
        'Strip the progressive. For example "making" becomes "make".',
        "Could you give me the plain verb for this -ing form?",
        "Base form of the participle?",
        "Verb without -ing.",
        "Write the word you would look up in a dictionary to find this -ing form, spelled the way the dictionary spells it.",
    )),
    _family("comparative", lambda: _forms("ADJ", "JJR"), (
        "Write the comparative of the adjective.",
        "What is the comparative form of this adjective?",
        "comparative",
        'Compare one step up, e.g. "big" -> "bigger".',
        "Make the -er form of the adjective.",
        "The input is an English adjective; answer with its one-word comparative, the form that goes before 'than'.",
        "adjective -> comparative",
        'How do you say more of it in one word? For example "good" becomes "better".',
        "Could you give me the comparative degree?",
        "-er form please.",
        "Adjective, compared.",
        "Fill in 'This one is ... than that one' with the right form of the adjective, spelled correctly.",
    )),
    _family("superlative", lambda: _forms("ADJ", "JJS"), (
        "Write the superlative of the adjective.",
        "What is the superlative form of this adjective?",
        "superlative",
        'Go to the top degree, e.g. "big" -> "biggest".',
        "Make the -est form of the adjective.",
        "The input is an English adjective; answer with its one-word superlative, the form used with 'the' for the most of all.",
        "adjective -> superlative",
        'Say the most of it in one word. For example "bad" becomes "worst".',
        "Could you give me the superlative degree?",
        "-est form please.",
        "Highest degree of the adjective.",
        "Fill in 'It is the ... of them all' with the right form of the adjective, with any spelling change it needs.",
    )),
    _family("comparative_to_base", lambda: _to_lemma("ADJ", "JJR"), (
        "Give the plain adjective of this comparative.",
        "Which adjective is this the comparative of?",
        "comparative -> adjective",
        'Remove the degree, e.g. "bigger" -> "big".',
        "Write the positive form of the adjective.",
        "The input is an English adjective in the comparative; answer with the plain adjective it was made from.",
        "undo -er",
        'What is the base adjective? For example "happier" becomes "happy".',
        "Could you take this comparative back to its adjective?",
        "Plain form please.",
        "Adjective without comparison.",
        "Write the dictionary form of the adjective whose comparative degree is given, undoing any doubled consonant or y to i.",
    )),
    _family("noun_plural", _plurals, (
        "Write the plural of the noun.",
        "What is the plural of this noun?",
        "plural form",
        'Make the noun plural, e.g. "child" -> "children".',
        "Give the form for more than one.",
        "The input is an English noun in the singular; answer with its plural, which may be irregular or change the spelling.",
        "noun -> plurals",
        'Several of them: what is the word? For example "city" becomes "cities".',
        "Could you pluralize this noun?",
        "Plural, one word.",
        "More than one of these is called?",
        "Complete 'two ...' with the noun in the plural, using the standard English plural of this noun.",
    ), src=INFL, operation="plural"),
    _family("noun_singular", lambda: unique_inverse(_plurals()), (
        "Write the singular of the plural noun.",
        "What is the singular of this noun?",
        "singular form",
        'Make the noun singular, e.g. "children" -> "child".',
        "Give the form for exactly one.",
        "The input is an English noun in the plural; answer with its singular, undoing irregular plurals and spelling changes.",
        "plural -> singular",
        'Just one of them: what is the word? For example "cities" becomes "city".',
        "Could you singularize this noun?",
        "Singular, one word.",
        "One of these is called?",
        "Complete 'one ...' with the noun in the singular, the form a dictionary entry would be listed under.",
    ), src=INFL, operation="singular"),
    _family("indefinite_article", _articles, (
        "Put a or an in front of the word.",
        "Does this word take a or an?",
        "a or an",
        'Add the right indefinite article, e.g. "hour" -> "an hour".',
        "Prefix the noun with its article.",
        "The input is an English noun; write it after the indefinite article it takes, choosing by its first sound, not its letter.",
        "word -> a/an word",
        'Which article goes before it? For example "unit" becomes "a unit".',
        "Could you add the correct article?",
        "Article plus noun.",
        "a/an + word",
        "Write the noun as it would appear after 'I saw ...', picking 'a' before a consonant sound and 'an' before a vowel sound.",
    ), src=INFL),
    _family("ordinal_suffix", _ordinals, (
        "Add the ordinal suffix to the number.",
        "What is the ordinal form of this number, in digits?",
        "1st 2nd 3rd",
        'Write the number with st, nd, rd or th, e.g. "21" -> "21st".',
        "Turn the number into an ordinal numeral.",
        "The input is a whole number; answer with the same digits followed by the English ordinal ending they take, like 1st or 12th.",
        "n -> nth",
        'Number as a rank. For example "103" becomes "103rd".',
        "Could you write the ordinal abbreviation of this number?",
        "Ordinal with digits.",
        "Append st/nd/rd/th.",
        "Write the position number the way a race result would, digits with the correct two-letter suffix, watching 11, 12 and 13.",
    ), src=source("inflect")),
]
_NOUNS = Table(_plurals, "count_the_noun")
FAMILIES.append(
    Family("count_the_noun", THEME, Metric.EXACT, functools.partial(_counted_sample, _NOUNS), _count_noun, (
        "Write the count with the noun in the right number.",
        "How do you say this many of the noun?",
        "count + noun",
        'Agree the noun with the count, e.g. "3 mouse" -> "3 mice".',
        "Make the noun fit the number before it.",
        "The input is a count and an English noun; write the count with the noun in singular or plural as needed, and 'no' for zero.",
        "n noun -> n nouns",
        'Put the noun in the number the count needs. For example "0 child" becomes "no children".',
        "Could you fix the noun after the number?",
        "Number agreement.",
        "Pluralize when needed.",
        "Say the quantity of the thing correctly: one keeps the singular, zero becomes 'no' with a plural, more takes the plural.",
    ), source=INFL)
)
