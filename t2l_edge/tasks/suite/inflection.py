"""English inflection of common words: verb forms and adjective degrees (lemminflect), plurals, articles, ordinals
and counted nouns (inflect). A word is used only when its form has one accepted spelling: lemminflect lists every
form it knows, and words with two (dived / dove, older / elder, fishes / fish) are left out."""

from __future__ import annotations

import functools
import random

from ..format import Metric
from .family import Family
from .realdata import Table, common_words, need, source, table_family, unique_inverse, worded
from .wording import Wording

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


def _family(name, load, descriptions, src=LEMM, metric=Metric.EXACT, operation="", wording=None):
    return table_family(name, THEME, metric, load, descriptions, src, operation=operation, wording=wording)


# How people ask for each row's operation, poured into the training frames beside its own descriptions
# (realdata.worded).
WORDINGS = {
    "verb_past_tense": Wording(
        ("write the simple past of the verb", "turn the base verb into its past simple form",
         "change the verb to the form for something that already happened"),
        ("What is the simple past of this verb?", "How is this verb written in the past simple?"),
        ("past simple", "verb in the past"),
    ),
    "past_participle": Wording(
        ("give the past participle of the verb", "write the form of the verb that follows \"have\"",
         "turn the verb into its perfect participle"),
        ("Which form of this verb comes after \"have\"?", "What is this verb's past participle?"),
        ("participle form", "perfect participle"),
    ),
    "ing_form": Wording(
        ("add -ing to the verb with the right spelling", "give the present participle of the verb",
         "turn the verb into its -ing form"),
        ("What is the -ing form of this verb?", "How is this verb spelled with -ing?"),
        ("-ing form", "verb + ing"),
    ),
    "third_person_singular": Wording(
        ("give the form of the verb used with he, she or it", "write the third person singular present of the verb",
         "add the present-tense -s ending to the verb, spelled correctly"),
        ("What form does the verb take after \"she\"?", "How is this verb written for he or she?"),
        ("third person -s", "she form"),
    ),
    "past_to_base_verb": Wording(
        ("turn the past-tense verb back into its base form", "write the infinitive of the verb in the past tense",
         "undo the past tense and give the plain verb"),
        ("What is the base form of this past-tense verb?", "Which plain verb is this the past of?"),
        ("past to infinitive", "base verb"),
    ),
    "ing_to_base_verb": Wording(
        ("turn the -ing form back into the plain verb", "write the base verb of the present participle",
         "strip the -ing and fix the spelling of the verb"),
        ("What is the base verb of this -ing form?", "Which verb is this -ing word made from?"),
        ("-ing to verb", "plain verb"),
    ),
    "comparative": Wording(
        ("give the comparative of the adjective", "write the -er form of the adjective, or its irregular comparative",
         "turn the adjective into its one-word comparative"),
        ("What is the comparative of this adjective?", "How do you say more of this adjective in one word?"),
        ("comparative form", "adjective + er"),
    ),
    "superlative": Wording(
        ("give the superlative of the adjective",
         "write the -est form of the adjective, or its irregular superlative",
         "turn the adjective into its one-word superlative"),
        ("What is the superlative of this adjective?", "How do you say the most of this adjective in one word?"),
        ("superlative form", "adjective + est"),
    ),
    "comparative_to_base": Wording(
        ("give the plain adjective the comparative is made from", "turn the comparative back into the base adjective",
         "undo the comparative and write the adjective"),
        ("What is the plain form of this comparative?", "Which adjective does this comparative come from?"),
        ("comparative to base", "plain adjective"),
    ),
    "noun_plural": Wording(
        ("make the noun plural, even when the plural is irregular", "write the form of the noun for more than one",
         "pluralize the noun"),
        ("What is the plural form of this noun?", "How do you say several of these?"),
        ("noun plural", "pluralize it"),
    ),
    "noun_singular": Wording(
        ("make the noun singular, even when the plural is irregular", "write the form of the noun for just one",
         "singularize the noun"),
        ("What is the singular form of this noun?", "How do you say just one of these?"),
        ("noun singular", "singularize it"),
    ),
    "indefinite_article": Wording(
        ("put a or an before the word, whichever it takes", "write the word with its indefinite article",
         "add the right article, a or an, in front of the noun"),
        ("Does the word need a or an in front?", "Which article, a or an, goes with this word?"),
        ("a/an + noun", "add a or an"),
    ),
    "ordinal_suffix": Wording(
        ("add st, nd, rd or th to the number", "write the number as an ordinal with digits, like 21st",
         "give the number with its ordinal ending"),
        ("How is this number written as an ordinal, like 1st or 2nd?", "Which ordinal ending does this number take?"),
        ("add the suffix", "nth form"),
    ),
    "count_the_noun": Wording(
        ("write the count with the noun in singular or plural as the count needs",
         "make the noun agree with the number in front of it",
         "put the noun in the right number for the count, with \"no\" for zero"),
        ("How do you write this count of the noun correctly?", "What is the count with the noun made to agree?"),
        ("count agreement", "fix the noun"),
    ),
}

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
    ), operation="past_tense", wording=WORDINGS["verb_past_tense"]),
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
    ), wording=WORDINGS["past_participle"]),
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
    ), wording=WORDINGS["ing_form"]),
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
    ), wording=WORDINGS["third_person_singular"]),
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
    ), wording=WORDINGS["past_to_base_verb"]),
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
    ), wording=WORDINGS["ing_to_base_verb"]),
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
    ), wording=WORDINGS["comparative"]),
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
    ), wording=WORDINGS["superlative"]),
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
    ), wording=WORDINGS["comparative_to_base"]),
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
    ), src=INFL, operation="plural", wording=WORDINGS["noun_plural"]),
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
    ), src=INFL, operation="singular", wording=WORDINGS["noun_singular"]),
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
    ), src=INFL, wording=WORDINGS["indefinite_article"]),
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
    ), src=source("inflect"), wording=WORDINGS["ordinal_suffix"]),
]
_NOUNS = Table(_plurals, "count_the_noun")
FAMILIES.append(
    Family("count_the_noun", THEME, Metric.EXACT, functools.partial(_counted_sample, _NOUNS), _count_noun,
           worded("count_the_noun", (
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
    ), WORDINGS["count_the_noun"]), source=INFL)
)
