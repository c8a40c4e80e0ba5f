"""The real-data task families (t2l_edge/tasks/suite/realdata.py and the theme modules that use it): counts, seeded
samplers, descriptions that name their parameter, answers checked against hand-written facts, scorers that accept
a family's own answers and reject near misses, pinned sources, and a suite that imports without the packages."""

from __future__ import annotations

import importlib.metadata
import json
import random
import re
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from t2l_edge.errors import InvalidInputError
from t2l_edge.tasks import FAMILIES, Metric, score
from t2l_edge.tasks.metrics import normalize
from t2l_edge.tasks.suite import REAL_DATA_MODULES, realdata
from t2l_edge.tasks.suite.family import MAX_INPUT_CHARS, MAX_OUTPUT_CHARS

ROOT = Path(__file__).resolve().parents[1]
REAL = {f.name: f for m in REAL_DATA_MODULES for f in m.FAMILIES}  # not the generated rows (test_corpus.py)
HAND_WRITTEN_OPS = {f.op for f in FAMILIES.values() if f.source == "hand-written"}
BY_OP: dict[str, list] = defaultdict(list)
for _f in REAL.values():
    BY_OP[_f.op].append(_f)


def samples(f, seed: int, n: int = 40) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    return [f.make(rng) for _ in range(n)]


# -- counts ---------------------------------------------------------------------------------------------------------


def test_at_least_130_rows_and_45_new_operations():
    # 199 rows once; the calendar operations keep four values each since, for balance (issue 19, test_corpus.py)
    assert len(REAL) >= 130, len(REAL)
    new_ops = set(BY_OP) - HAND_WRITTEN_OPS
    assert len(new_ops) >= 45, sorted(new_ops)
    # a parameterized operation counts once per value, at most ten times, and its rows name distinct values
    for op, rows in BY_OP.items():
        assert len(rows) <= 10, op
        if len(rows) > 1:
            values = [r.parameter for r in rows]
            assert None not in values and len(set(values)) == len(values), op


# -- every family ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(REAL))
def test_sampler_deterministic_per_seed_and_outputs_short_one_line(name):
    f = REAL[name]
    first = samples(f, 11)
    assert first == samples(f, 11)
    assert first != samples(f, 12)
    assert len({x for x, _ in samples(f, 13, 60)}) >= 8
    for x, y in samples(f, 14, 150):
        assert 0 < len(x) <= MAX_INPUT_CHARS and x.strip() == x and "\n" not in x, x
        assert 0 < len(y) <= MAX_OUTPUT_CHARS and y.strip() == y and not re.search(r"[\n\r\t\u00a0\u202f]", y), y
        assert f.solve(x) == y
        if f.choices:
            assert y in f.choices


@pytest.mark.parametrize("name", list(REAL))
def test_descriptions_many_distinct_and_name_the_parameter(name):
    f = REAL[name]
    assert len(f.descriptions) >= 32 and len({d.casefold() for d in f.descriptions}) == len(f.descriptions)
    if f.parameter is not None:
        assert all(f.parameter in d for d in f.descriptions), [d for d in f.descriptions if f.parameter not in d]
        # and no sibling's value outside a quoted example: "Danish" in a row about Spanish would mislead
        others = {r.parameter for r in BY_OP[f.op]} - {f.parameter}
        unquoted = [re.sub(r'"[^"]*"', "", d) for d in f.descriptions]
        assert not [d for d in unquoted for o in others if re.search(rf"\b{re.escape(o)}\b", d)
                    and o not in f.parameter]


def _near_misses(f, x: str, y: str) -> list[str]:
    """Wrong answers that look right: another input's answer, a sibling row's (another language's) answer to the
    same input, a number one off."""
    out = [o for _, o in samples(f, 21, 30) if normalize(o) != normalize(y)][:3]
    for sibling in BY_OP[f.op]:
        if sibling is not f:
            try:
                other = sibling.solve(x)
            except InvalidInputError:
                continue
            if normalize(other) != normalize(y):
                out.append(other)
    if re.fullmatch(r"-?\d+", y):
        out += [str(int(y) + 1), str(int(y) - 1)]
    return out


@pytest.mark.parametrize("name", list(REAL))
def test_scorer_accepts_own_answers_and_rejects_near_misses(name):
    f = REAL[name]
    pairs = samples(f, 20, 30)
    for x, y in pairs[:10]:
        assert score(f.metric, y, y, f.choices) == 1.0
        assert score(f.metric, " " + y + "\n", y, f.choices) == 1.0
        misses = _near_misses(f, x, y)
        assert misses, x
        for wrong in misses:
            assert score(f.metric, wrong, y, f.choices) == 0.0, (x, y, wrong)
        assert score(f.metric, "", y, f.choices) == 0.0


@pytest.mark.parametrize("name", list(REAL))
def test_source_names_installed_pinned_packages(name):
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["train"]
    entries = re.findall(r"([A-Za-z0-9_.-]+)==([0-9][^ ]*) \(([^)]+)\)", REAL[name].source)
    assert entries, REAL[name].source
    for dist, version, licence in entries:
        assert importlib.metadata.version(dist) == version
        assert f"{dist}=={version}" in deps
        assert licence.strip()


def test_metrics_fit_the_answers():
    assert all((f.metric is Metric.CHOICE) == (f.choices is not None) for f in REAL.values())
    # a classification's answers are balanced enough that "always say X" does not pass
    for f in REAL.values():
        if f.choices:
            counts = Counter(y for _, y in samples(f, 5, 200))
            assert max(counts.values()) <= 0.75 * 200, (f.name, counts)


# -- answers against facts written by hand (not produced by the code) -----------------------------------------------

P = {  # operation -> parameter value -> (input, answer)
    "weekday_to_language": {
        "French": ("Friday", "vendredi"), "German": ("Sunday", "Sonntag"), "Spanish": ("Saturday", "sábado"),
        "Italian": ("monday", "lunedì"), "Portuguese": ("Sunday", "domingo"), "Dutch": ("WEDNESDAY", "woensdag"),
        "Swedish": ("Monday", "måndag"), "Polish": ("Thursday", "czwartek"), "Turkish": ("Monday", "Pazartesi"),
        "Indonesian": ("Saturday", "Sabtu"),
    },
    "weekday_from_language": {
        "French": ("MARDI", "Tuesday"), "German": ("Samstag", "Saturday"), "Spanish": ("jueves", "Thursday"),
        "Italian": ("domenica", "Sunday"), "Portuguese": ("sexta-feira", "Friday"), "Dutch": ("vrijdag", "Friday"),
        "Swedish": ("tisdag", "Tuesday"), "Polish": ("piątek", "Friday"), "Turkish": ("Salı", "Tuesday"),
        "Indonesian": ("Minggu", "Sunday"),
    },
    "month_to_language": {
        "French": ("January", "janvier"), "German": ("May", "Mai"), "Spanish": ("September", "septiembre"),
        "Italian": ("July", "luglio"), "Portuguese": ("March", "março"), "Dutch": ("August", "augustus"),
        "Swedish": ("May", "maj"), "Polish": ("December", "grudzień"), "Turkish": ("April", "Nisan"),
        "Indonesian": ("August", "Agustus"),
    },
    "month_from_language": {
        "French": ("juillet", "July"), "German": ("Oktober", "October"), "Spanish": ("enero", "January"),
        "Italian": ("settembre", "September"), "Portuguese": ("outubro", "October"), "Dutch": ("mei", "May"),
        "Swedish": ("januari", "January"), "Polish": ("lipiec", "July"), "Turkish": ("Haziran", "June"),
        "Indonesian": ("Desember", "December"),
    },
    "month_number_to_language": {
        "French": ("12", "décembre"), "German": ("03", "März"), "Spanish": ("7", "julio"), "Italian": ("1", "gennaio"),
        "Portuguese": ("4", "abril"), "Dutch": ("11", "november"), "Swedish": ("8", "augusti"), "Polish": ("5", "maj"),
        "Turkish": ("1", "Ocak"), "Indonesian": ("6", "Juni"),
    },
    "country_name_in_language": {
        "French": ("Spain", "Espagne"), "German": ("Italy", "Italien"), "Spanish": ("Germany", "Alemania"),
        "Italian": ("France", "Francia"), "Portuguese": ("Japan", "Japão"), "Dutch": ("Belgium", "België"),
        "Swedish": ("Germany", "Tyskland"), "Polish": ("Germany", "Niemcy"), "Turkish": ("Japan", "Japonya"),
        "Indonesian": ("Japan", "Jepang"),
    },
    "language_name_in_language": {
        "French": ("English", "anglais"), "German": ("Spanish", "Spanisch"), "Spanish": ("German", "alemán"),
        "Italian": ("English", "inglese"), "Portuguese": ("German", "alemão"), "Dutch": ("English", "Engels"),
        "Swedish": ("German", "tyska"), "Polish": ("English", "angielski"), "Turkish": ("English", "İngilizce"),
        "Indonesian": ("English", "Inggris"),
    },
    "long_date_in_locale": {
        "US English": ("2000-01-01", "January 1, 2000"), "British English": ("1999-12-25", "25 December 1999"),
        "French": ("2010-07-14", "14 juillet 2010"), "German": ("1989-11-09", "9. November 1989"),
        "Spanish": ("1992-07-25", "25 de julio de 1992"), "Italian": ("1966-11-04", "4 novembre 1966"),
        "Portuguese": ("1974-04-25", "25 de abril de 1974"), "Dutch": ("1953-02-01", "1 februari 1953"),
        "Swedish": ("1995-01-01", "1 januari 1995"), "Polish": ("1980-08-31", "31 sierpnia 1980"),
    },
    "number_in_locale": {
        "US English": ("1000", "1,000"), "German": ("1000000", "1.000.000"), "French": ("1234.5", "1 234,5"),
        "Indian English": ("100000", "1,00,000"), "Spanish": ("12345", "12.345"),
        "Swedish": ("1000000", "1 000 000"), "Italian": ("1234.56", "1.234,56"),
    },
    "list_in_locale": {
        "English": ("sun moon", "sun and moon"), "French": ("red blue gold", "red, blue et gold"),
        "German": ("tea milk", "tea und milk"), "Spanish": ("cat dog bird", "cat, dog y bird"),
        "Italian": ("sun sky", "sun e sky"), "Portuguese": ("cat dog", "cat e dog"),
        "Dutch": ("cat dog bird", "cat, dog en bird"), "Swedish": ("tea milk", "tea och milk"),
        "Polish": ("cat dog bird", "cat, dog i bird"), "Turkish": ("tea milk", "tea ve milk"),
    },
    "number_to_words": {
        "English": ("115", "one hundred and fifteen"), "French": ("80", "quatre-vingts"),
        "German": ("21", "einundzwanzig"), "Spanish": ("100", "cien"), "Italian": ("21", "ventuno"),
        "Portuguese": ("100", "cem"), "Dutch": ("21", "eenentwintig"), "Polish": ("100", "sto"),
        "Swedish": ("21", "tjugoett"), "Danish": ("70", "halvfjerds"),
    },
    "words_to_number": {
        "English": ("ninety-nine", "99"), "French": ("quatre-vingt-dix", "90"), "German": ("zweihundert", "200"),
        "Spanish": ("quinientos", "500"), "Italian": ("cento", "100"), "Portuguese": ("dez", "10"),
        "Dutch": ("honderd", "100"), "Polish": ("dziesięć", "10"), "Swedish": ("tio", "10"), "Danish": ("ti", "10"),
    },
    "number_to_ordinal_words": {
        "English": ("12", "twelfth"), "French": ("1", "premier"), "German": ("1", "erste"), "Spanish": ("3", "tercero"),
        "Italian": ("1", "primo"), "Dutch": ("1", "eerste"), "Swedish": ("1", "första"), "Portuguese": ("3", "terceiro"),
    },
    "ordinal_words_to_number": {
        "English": ("fortieth", "40"), "French": ("deuxième", "2"), "German": ("dritte", "3"), "Spanish": ("quinto", "5"),
        "Italian": ("terzo", "3"), "Dutch": ("tweede", "2"), "Swedish": ("andra", "2"), "Portuguese": ("segundo", "2"),
    },
    "is_word_in_language": {
        "English": ("vitesse", "no"), "French": ("chien", "yes"), "German": ("gefährlich", "yes"),
        "Spanish": ("chien", "no"), "Italian": ("finora", "yes"), "Portuguese": ("trinta", "yes"),
        "Dutch": ("twintig", "yes"),
    },
}
PLURAL_CATEGORY = {  # CLDR plural rules, from the CLDR charts
    "English": [("1", "one"), ("2", "other"), ("0", "other")],
    "French": [("1", "one"), ("0", "one"), ("2", "other")],
    "Polish": [("1", "one"), ("22", "few"), ("12", "many"), ("5", "many")],
    "Russian": [("21", "one"), ("11", "many"), ("3", "few")],
    "Czech": [("1", "one"), ("3", "few"), ("5", "other")],
    "Arabic": [("0", "zero"), ("3", "few"), ("11", "many"), ("100", "other")],
    "Welsh": [("0", "zero"), ("2", "two"), ("6", "many"), ("4", "other")],
    "Irish": [("2", "two"), ("3", "few"), ("11", "other")],
    "Slovenian": [("1", "one"), ("3", "few"), ("101", "one"), ("5", "other")],
    "Lithuanian": [("1", "one"), ("2", "few"), ("10", "other"), ("21", "one")],
}
HAND = {  # family -> (input, answer)
    "year_to_words": [("1776", "seventeen seventy-six"), ("1984", "nineteen eighty-four")],
    "country_to_alpha2": [("Germany", "DE")],
    "alpha2_to_country": [("ES", "Spain")],
    "country_to_alpha3": [("Japan", "JPN")],
    "alpha3_to_country": [("DEU", "Germany")],
    "country_to_numeric_code": [("Germany", "276")],
    "country_to_currency_code": [("Switzerland", "CHF"), ("Germany", "EUR")],
    "currency_code_to_name": [("EUR", "Euro"), ("USD", "US Dollar")],
    "currency_name_to_code": [("Japanese Yen", "JPY")],
    "currency_symbol": [("JPY", "¥"), ("USD", "$")],
    "country_official_language": [("France", "French")],
    "country_capital": [("Canada", "Ottawa"), ("Australia", "Canberra"), ("Egypt", "Cairo")],
    "capital_to_country": [("Canberra", "Australia"), ("Ottawa", "Canada")],
    "country_region": [("Japan", "Asia"), ("Brazil", "Americas"), ("Fiji", "Oceania"), ("Kenya", "Africa")],
    "country_calling_code": [("Germany", "+49"), ("United States", "+1"), ("Japan", "+81")],
    "country_demonym": [("France", "French"), ("Netherlands", "Dutch")],
    "language_to_iso639": [("French", "fr")],
    "iso639_to_language": [("de", "German")],
    "script_code_to_name": [("Latn", "Latin"), ("Arab", "Arabic")],
    "script_name_to_code": [("Cyrillic", "Cyrl")],
    "verb_past_tense": [("go", "went"), ("teach", "taught")],
    "past_participle": [("write", "written"), ("go", "gone")],
    "ing_form": [("run", "running"), ("make", "making")],
    "third_person_singular": [("go", "goes"), ("carry", "carries")],
    "past_to_base_verb": [("taught", "teach")],
    "ing_to_base_verb": [("swimming", "swim")],
    "comparative": [("happy", "happier"), ("good", "better")],
    "superlative": [("good", "best")],
    "comparative_to_base": [("bigger", "big")],
    "noun_plural": [("child", "children"), ("city", "cities")],
    "noun_singular": [("children", "child")],
    "indefinite_article": [("hour", "an hour"), ("apple", "an apple"), ("car", "a car")],
    "ordinal_suffix": [("11", "11th"), ("2", "2nd"), ("23", "23rd")],
    "count_the_noun": [("1 child", "1 child"), ("0 city", "no cities"), ("2 child", "2 children")],
    "syllable_count": [("banana", "3"), ("strength", "1")],
    "stressed_syllable": [("banana", "2"), ("hotel", "2"), ("happy", "1")],
    "pick_the_rhyme": [("cat: dog hat sun", "hat")],
    "do_they_rhyme": [("cat hat", "yes"), ("moon table", "no")],
    "arpabet": [("cat", "K AE T"), ("ship", "SH IH P")],
    "homophone": [("knight", "night")],
    "word_polarity": [("wonderful", "positive"), ("disaster", "negative")],
    "sentiment_strength": [("excellent", "very positive")],
    "more_positive_word": [("war or peace", "peace")],
    "more_negative_word": [("war or peace", "war")],
    "emoji_to_name": [("🦓", "zebra"), ("🌵", "cactus")],
    "name_to_emoji": [("zebra", "🦓")],
    "flag_to_country": [("🇩🇪", "Germany")],
    "country_to_flag": [("Italy", "🇮🇹")],
    "word_language": [("chien", "French"), ("twintig", "Dutch")],
}


def _hand_cases() -> list[tuple[str, str, str]]:
    cases = [(n, x, y) for n, pairs in HAND.items() for x, y in pairs]
    for op, values in P.items():
        for f in BY_OP[op]:
            cases.append((f.name, *values[f.parameter]))
    for f in BY_OP["plural_category"]:
        cases += [(f.name, x, y) for x, y in PLURAL_CATEGORY[f.parameter]]
    return cases


def test_every_real_data_family_has_hand_written_cases():
    assert {n for n, _, _ in _hand_cases()} == set(REAL)


@pytest.mark.parametrize("name,given,expected", _hand_cases())
def test_family_against_hand_written_facts(name, given, expected):
    f = REAL[name]
    assert f.solve(given) == expected
    assert score(f.metric, expected, f.solve(given), f.choices) == 1.0


# -- unambiguous answers: inputs with two accepted answers are left out --------------------------------------------


@pytest.mark.parametrize("name,given", [
    ("noun_plural", "fish"),  # fish / fishes
    ("noun_plural", "index"),  # indexes / indices
    ("verb_past_tense", "hang"),  # hung / hanged
    ("verb_past_tense", "dive"),  # dived / dove
    ("comparative", "old"),  # older / elder
    ("comparative", "far"),  # farther / further
    ("country_to_currency_code", "Panama"),  # balboa and US dollar
    ("country_capital", "South Africa"),  # Pretoria, Cape Town, Bloemfontein
    ("country_capital", "Bolivia"),  # Sucre, La Paz
    ("country_capital", "Netherlands"),  # Amsterdam, The Hague
    ("country_capital", "Singapore"),  # a city-state: the question has no content
    ("syllable_count", "fire"),  # one or two syllables in CMUdict
    ("word_language", "piano"),  # in several of the seven lists
    ("past_to_base_verb", "found"),  # find, or the verb found
])
def test_ambiguous_inputs_are_left_out(name, given):
    f = REAL[name]
    with pytest.raises(InvalidInputError):
        f.solve(given)
    assert given not in {x for x, _ in samples(f, 3, 300)}


def test_reverse_directions_agree_with_forward_ones():
    pairs = [("alpha2_to_country", "country_to_alpha2"), ("alpha3_to_country", "country_to_alpha3"),
             ("currency_name_to_code", "currency_code_to_name"), ("iso639_to_language", "language_to_iso639"),
             ("script_name_to_code", "script_code_to_name"), ("name_to_emoji", "emoji_to_name"),
             ("country_to_flag", "flag_to_country"), ("noun_singular", "noun_plural"),
             ("capital_to_country", "country_capital"),
             ("comparative_to_base", "comparative"), ("past_to_base_verb", "verb_past_tense")]
    for back, forth in (("words_to_number", "number_to_words"), ("month_from_language", "month_to_language"),
                        ("weekday_from_language", "weekday_to_language")):
        same = [(a.name, b.name) for a in BY_OP[back] for b in BY_OP[forth] if a.parameter == b.parameter]
        assert len(same) == len(BY_OP[back]) >= 4, back  # each value in both directions
        pairs += same
    for back, forth in pairs:  # back's answer, there and back again (inputs may be abbreviated: "avr." -> April)
        for x, y in samples(REAL[back], 7, 50):
            assert REAL[back].solve(REAL[forth].solve(y)) == y, (back, x, y)


# -- the packages are optional, lazy and pinned ---------------------------------------------------------------------

BLOCKED = {"babel", "num2words", "pycountry", "inflect", "lemminflect", "cmudict", "vaderSentiment", "emoji",
           "spellchecker", "countryinfo", "wn", "faker", "pint", "periodictable"}
WITHOUT_PACKAGES = """
import importlib.abc, importlib.metadata, json, random, sys
BLOCKED = set(sys.argv[1].split(","))
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}")
sys.meta_path.insert(0, Block())
real_version = importlib.metadata.version
def version(dist):
    if dist.lower() in {b.lower() for b in sys.argv[2].split(",")}:
        raise importlib.metadata.PackageNotFoundError(dist)
    return real_version(dist)
importlib.metadata.version = version
from t2l_edge.tasks import FAMILIES
from t2l_edge.tasks.suite.realdata import MissingDataPackageError
errors = {}
for name in ("weekday_to_language_swedish", "noun_plural", "arpabet", "word_language", "country_capital", "add"):
    try:
        FAMILIES[name].make(random.Random(0))
        errors[name] = None
    except MissingDataPackageError as e:
        errors[name] = str(e)
import contextlib, io
from t2l_edge.cli import main
listing = io.StringIO()
with contextlib.redirect_stdout(listing):
    try:
        main(["tasks", "list", "--json"])
    except SystemExit as e:
        assert e.code == 0, e.code
rows = {r["name"]: r["output"] for r in json.loads(listing.getvalue())}
print(json.dumps({"n": len(FAMILIES), "errors": errors, "listed": rows,
                  "loaded": sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)}))
"""


def test_suite_imports_without_the_packages_and_says_what_is_missing():
    dists = ",".join(realdata.PINS)
    out = subprocess.run([sys.executable, "-c", WITHOUT_PACKAGES, ",".join(BLOCKED), dists], capture_output=True,
                         text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["n"] == len(FAMILIES) and result["loaded"] == []
    assert result["errors"]["add"] is None  # the hand-written families work as before
    for name in ("weekday_to_language_swedish", "noun_plural", "arpabet", "word_language", "country_capital"):
        message = result["errors"][name]
        assert message and "\n" not in message and "t2l-edge[train]" in message, message
    # `tasks list` on a device install: every family listed, the real-data ones without a sample
    assert list(result["listed"]) == list(FAMILIES)
    assert result["listed"]["add"] == FAMILIES["add"].make(random.Random("sample:0:add"))[1]
    assert {result["listed"][n] for n in REAL} == {realdata.NEEDS_TRAIN_EXTRA}


def test_importing_the_suite_reads_no_package_data():
    code = ("import sys; import t2l_edge.tasks; "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(BLOCKED)!r}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stdout + out.stderr


def test_another_version_of_a_data_package_is_refused(monkeypatch):
    monkeypatch.setitem(realdata.PINS, "emoji", "0.0.1")
    with pytest.raises(realdata.MissingDataPackageError, match="0.0.1"):
        realdata.need("emoji")


def test_pins_match_pyproject():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["train"]
    for dist, version in realdata.PINS.items():
        assert f"{dist}=={version}" in deps
        assert importlib.metadata.version(dist) == version
