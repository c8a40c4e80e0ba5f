"""The app-task rows (t2l_edge/tasks/suite/app_*.py): what app developers ask an on-device model for. Answers against
hand-computed cases, each answer the only one that fits (checked with patterns, tables and references written here,
not taken from the code), seeded and reproducible samplers, limits, sources, and the corpus targets.

The generic checks on every registry row (descriptions, scorers, splits) are in test_tasks.py and test_corpus.py."""

from __future__ import annotations

import http
import json
import random
import re
import subprocess
import sys
import tomllib
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from t2l_edge.errors import InvalidInputError
from t2l_edge.tasks import FAMILIES, Metric, score
from t2l_edge.tasks.splits import Split, split_families
from t2l_edge.tasks.suite import APP_MODULES, THEME_MODULES, realdata
from t2l_edge.tasks.suite import app_classify, app_extract, app_lists, app_rewrite, app_translate, app_units
from t2l_edge.tasks.suite.family import MAX_INPUT_CHARS, MAX_INPUT_WORDS, MAX_OUTPUT_CHARS

ROOT = Path(__file__).resolve().parents[1]
APP = {f.name: f for m in APP_MODULES for f in m.FAMILIES}


def samples(f, seed, n: int = 40) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    return [f.make(rng) for _ in range(n)]


# -- answers computed by hand (not by the code); every row needs some (coverage guard) -----------------------------

HAND = {
    # extract_fields
    "extract_email": [("Reply to mo.diaz@example.net by 9 March 2026 to keep your 10% discount.", "mo.diaz@example.net"),
                      ("Lost your card? Call 020 7946 0000 or write to help@bank.co.uk.", "help@bank.co.uk")],
    "extract_phone_number": [("Text Ravi Shah on (020) 7946-0011 when you land in Delhi.", "(020) 7946-0011"),
                             ("Reminder: dentist on 2026-02-03 at 8:00 AM. To cancel call 555.201.3344.",
                              "555.201.3344")],
    "extract_url": [("Our Paris store opens at 09:00, see https://shop.fr/ for the map.", "https://shop.fr/"),
                    ("Your $9.99 payment to http://www.stream.tv/ is due at 23:59.", "http://www.stream.tv/")],
    "extract_date": [("A refund of $40.00 was sent to li@example.com on 2025-12-24.", "2025-12-24"),
                     ("Sign up at https://run.org/ by October 1, 2025 to meet Ada King in Rome.", "October 1, 2025")],
    "extract_date_iso": [("Rents in Lima rose 8% since 15 August 2022.", "2022-08-15"),
                         ("Sign up at https://run.org/ by October 1, 2025 to meet Ada King in Rome.", "2025-10-01")],
    "extract_time": [("Book at https://spa.com/ before 6:45 PM and save 30%.", "6:45 PM"),
                     ("Otto Berg moved the call with the Vienna team to 16:15.", "16:15")],
    "extract_amount": [("Otto Berg will pay 25% of the €1,200.00 bill.", "€1,200.00"),
                       ("Hi Ana Ruiz, your order of $59.95 ships on May 2, 2025.", "$59.95")],
    "extract_person_name": [("Otto Berg paid £12.00 on 2024-06-30.", "Otto Berg"),
                            ("Contact Chloé Martin (chloe@example.fr) about the Brussels office.", "Chloé Martin")],
    "extract_city": [("Please email ops@example.com to confirm your stay in Kuala Lumpur.", "Kuala Lumpur"),
                     ("The Nairobi hotel costs $80.00 a night from 3 March 2026.", "Nairobi")],
    "extract_percentage": [("Interest is 3.9% a year on loans over £5,000.00.", "3.9%"),
                           ("Book at https://spa.com/ before 6:45 PM and save 30%.", "30%")],
    # app_classify
    "request_intent": [("Wake me up at 6:30 AM.", "alarm"), ("Play some jazz.", "music"), ("Give Sofia a call.", "call"),
                       ("Remind me to pay the rent at 18:00.", "reminder"), ("Message Liam: I'm outside.", "message"),
                       ("Navigate to Oslo avoiding tolls.", "navigation")],
    "message_priority": [("Critical: the checkout keeps crashing for everyone since 09:10.", "high"),
                         ("Low priority: the lift is slow, fix it whenever you can.", "low")],
    "ticket_category": [("Where is my order? It was due on 4 April 2025.", "delivery"),
                        ("The page shows error 502 when I open settings.", "technical"),
                        ("My account was locked after three wrong passwords.", "account")],
    "review_sentiment": [("Best toaster I have owned, would buy again.", "positive"),
                         ("The drill is loud, flimsy and overpriced.", "negative")],
    "value_type": [("https://example.org/", "URL"), ("7:05 PM", "time"), ("£4.99", "money"), ("12.5%", "percentage"),
                   ("+1-202-555-0147", "phone number"), ("March 3, 2025", "date"), ("bo@example.com", "email")],
    "greeting_language": [("Bonjour, Claire!", "French"), ("Dank je wel!", "Dutch"), ("Até amanhã, João!", "Portuguese"),
                          ("Buonanotte!", "Italian")],
    # reformat
    "us_date_to_iso": [("01/02/2023", "2023-01-02"), ("10/31/2027", "2027-10-31")],
    "iso_to_us_date": [("2023-01-02", "01/02/2023"), ("2027-10-31", "10/31/2027")],
    "written_date_to_iso": [("January 9, 2021", "2021-01-09"), ("1 December 2020", "2020-12-01")],
    "phone_to_us_format": [("+1 650 253 0000", "(650) 253-0000"), ("1-800-555-0199", "(800) 555-0199")],
    "phone_to_e164": [("650-253-0000", "+16502530000"), ("(800) 555-0199", "+18005550199")],
    "last_name_initial": [("Grégoire Colas", "Colas, G."), ("Ana Ruiz", "Ruiz, A.")],
    "slugify_title": [("10 Ways to Seize Proactive Bandwidth", "10-ways-to-seize-proactive-bandwidth"),
                      ("Focused Holistic Implementation: 7 Tips", "focused-holistic-implementation-7-tips")],
    "format_money_usd": [("0.5", "$0.50"), ("12345.67", "$12,345.67")],
    "format_money_gbp": [("12345.67", "£12,345.67"), ("0.5", "£0.50")],
    "format_money_eur_de": [("12345.67", "12.345,67 €"), ("0.5", "0,50 €")],
    "format_money_eur_fr": [("12345.67", "12 345,67 €"), ("0.5", "0,50 €")],
    # units
    "km_to_miles": [("5 km", "3.1"), ("100 km", "62.1")], "miles_to_km": [("1 mi", "1.6"), ("100 mi", "160.9")],
    "kg_to_pounds": [("1 kg", "2.2"), ("100 kg", "220.5")], "pounds_to_kg": [("1 lb", "0.5"), ("200 lb", "90.7")],
    "cm_to_inches": [("254 cm", "100.0"), ("10 cm", "3.9")], "inches_to_cm": [("1 in", "2.5"), ("10 in", "25.4")],
    "feet_to_metres": [("1 ft", "0.3"), ("10 ft", "3.0")], "metres_to_feet": [("1 m", "3.3"), ("100 m", "328.1")],
    "litres_to_us_gallons": [("10 L", "2.6"), ("100 L", "26.4")],
    "us_gallons_to_litres": [("10 gal", "37.9"), ("2 gal", "7.6")],
    "kmh_to_mph": [("120 km/h", "74.6"), ("30 km/h", "18.6")], "mph_to_kmh": [("70 mph", "112.7"), ("1 mph", "1.6")],
    "ounces_to_grams": [("16 oz", "453.6"), ("2 oz", "56.7")], "grams_to_ounces": [("1000 g", "35.3"), ("28 g", "1.0")],
    # lookup
    "element_symbol": [("gold", "Au"), ("Potassium", "K"), ("TUNGSTEN", "W")],
    "element_from_symbol": [("Fe", "Iron"), ("Pb", "Lead"), ("U", "Uranium")],
    "atomic_number": [("hydrogen", "1"), ("Uranium", "92"), ("iron", "26")],
    "unit_symbol": [("newton", "N"), ("kilowatt hour", "kWh"), ("millimetre", "mm"), ("gigahertz", "GHz"),
                    ("pascal", "Pa")],
    "http_status_phrase": [("200", "OK"), ("301", "Moved Permanently"), ("500", "Internal Server Error")],
    "http_status_code": [("Bad Gateway", "502"), ("forbidden", "403")],
    "country_currency_name": [("Switzerland", "Swiss Franc"), ("United States", "US Dollar"),
                              ("United Kingdom", "British Pound")],
    "date_weekday": [("2000-01-01", "Saturday"), ("25 December 2025", "Thursday"), ("January 1, 1970", "Thursday")],
    "days_in_month": [("February 1900", "28"), ("February 2000", "29"), ("September 2030", "30"),
                      ("December 2031", "31")],
    # translate_words
    "translate_word_to_spanish": [("cat", "gato"), ("cheese", "queso"), ("I am hungry", "tengo hambre")],
    "translate_word_to_french": [("dog", "chien"), ("summer", "été"), ("coffee", "café")],
    "translate_word_to_german": [("butterfly", "Schmetterling"), ("white", "weiß"), ("good luck", "viel Glück")],
    "translate_word_to_italian": [("bee", "ape"), ("milk", "latte"), ("thank you", "grazie")],
    "translate_word_from_spanish": [("rana", "frog"), ("azúcar", "sugar")],
    "translate_word_from_french": [("abeille", "bee"), ("bonne chance", "good luck")],
    "translate_word_from_german": [("Käse", "cheese"), ("Bär", "bear")],
    "translate_word_from_italian": [("ape", "bee"), ("latte", "milk")],
    # rewrite
    "present_to_past": [("The children swim across the river.", "The children swam across the river."),
                        ("He teaches a yoga class.", "He taught a yoga class.")],
    "past_to_present": [("She studied for the exam.", "She studies for the exam."),
                        ("Our neighbours caught a cold.", "Our neighbours catch a cold.")],
    "future_with_will": [("He carries a heavy bag.", "He will carry a heavy bag.")],
    "present_continuous": [("He swims in the lake.", "He is swimming in the lake."),
                           ("We ride a horse.", "We are riding a horse.")],
    "negate_sentence": [("She watches a film.", "She does not watch a film."),
                        ("They build a wooden shed.", "They do not build a wooden shed.")],
    "yes_no_question": [("We drove to the coast.", "Did we drive to the coast?"),
                        ("My sister fixes the old bike.", "Does my sister fix the old bike?"),
                        ("Emma makes tea.", "Does Emma make tea?")],
    "active_to_passive": [("These nurses sent the invitations.", "The invitations were sent by these nurses."),
                          ("Emma bakes the bread.", "The bread is baked by Emma."),
                          ("The pilot broke the glasses.", "The glasses were broken by the pilot.")],
    "subject_to_plural": [("Our cousin sleeps on the sofa.", "Our cousins sleep on the sofa."),
                          ("This student studied maths.", "These students studied maths.")],
    "subject_to_singular": [("The children wash the car.", "The child washes the car."),
                            ("My brothers carry a heavy bag.", "My brother carries a heavy bag.")],
    # answer_from_list
    "pick_the_fruit": [("tiger, kiwi, bus", "kiwi")], "pick_the_animal": [("lamp, camel, beet", "camel")],
    "pick_the_colour": [("magenta, fig, van", "magenta")], "pick_the_vehicle": [("helicopter, shark, chair", "helicopter")],
    "pick_the_vegetable": [("radish, guitar, owl", "radish")],
    "cheapest_item": [("pizza €12.00, pasta €11.50, salad €11.95", "pasta")],
    "most_expensive_item": [("pizza €12.00, pasta €11.50, salad €11.95", "pizza")],
    "total_price": [("pizza €12.00, pasta €11.50, salad €11.95", "€35.45"),
                    ("tea $1.05, toast $2.10, juice $3.20, water $0.99", "$7.34")],
    "earliest_date": [("29 Feb 2024, 28 Feb 2024, 1 Mar 2024", "28 Feb 2024")],
    "latest_date": [("29 Feb 2024, 28 Feb 2024, 1 Mar 2024", "1 Mar 2024"),
                    ("31 Dec 2025, 1 Jan 2026, 30 Dec 2025", "1 Jan 2026")],
    "oldest_person": [("Lena 40, Omar 41, Ivy 39", "Omar")],
    "youngest_person": [("Lena 40, Omar 41, Ivy 39", "Ivy")],
}


def test_every_app_row_has_hand_written_cases():
    assert set(HAND) == set(APP)


@pytest.mark.parametrize("name,given,expected", [(n, g, e) for n, cases in HAND.items() for g, e in cases])
def test_app_rows_against_hand_computed_answers(name, given, expected):
    f = APP[name]
    assert f.solve(given) == expected
    assert score(f.metric, expected, f.solve(given), f.choices) == 1.0


def test_inputs_not_made_by_a_row_are_refused_with_one_line():
    for name, text in (("extract_email", "no address here"), ("request_intent", "Order a pizza."),
                       ("present_to_past", "She reads a book."), ("km_to_miles", "12 miles"),
                       ("http_status_phrase", "418"), ("translate_word_from_french", "livre")):
        with pytest.raises(InvalidInputError) as e:
            APP[name].solve(text)
        assert "\n" not in str(e.value)


# -- corpus targets ------------------------------------------------------------------------------------------------


def test_at_least_60_rows_across_6_new_themes_each_under_15_percent_of_training():
    themes = Counter(f.theme for f in APP.values())
    assert len(APP) >= 60 and len(themes) >= 6, themes
    assert THEME_MODULES[-len(APP_MODULES):] == APP_MODULES  # appended after the SNI modules
    earlier = {t for m in THEME_MODULES[:-len(APP_MODULES)] for t in getattr(m, "THEMES", (getattr(m, "THEME", None),))}
    assert earlier.isdisjoint(themes)  # new themes, one module each
    train = split_families(Split.TRAIN)
    per_theme = Counter(f.theme for f in train)
    for theme in themes:
        assert per_theme[theme] <= 0.15 * len(train), (theme, per_theme[theme], len(train))
    assert sum(per_theme[t] for t in themes) >= 40  # most of them train


# -- every app row: seeded, reproducible, within the limits --------------------------------------------------------


@pytest.mark.parametrize("name", list(APP))
def test_sampler_seeded_within_limits_and_solver_pure(name):
    f = APP[name]
    first = samples(f, 31)
    assert first == samples(f, 31) and first != samples(f, 32)
    for x, y in samples(f, 33, 150):
        assert 0 < len(x) <= MAX_INPUT_CHARS and len(x.split()) <= MAX_INPUT_WORDS and x.strip() == x, x
        assert 0 < len(y) <= MAX_OUTPUT_CHARS and y.strip() == y, (x, y)
        assert not re.search(r"[\n\r\t\u00a0\u202f]", x + y), (x, y)
        assert f.solve(x) == y
        if f.choices:
            assert y in f.choices
    if f.choices:  # every class is drawn, none nearly always
        counts = Counter(y for _, y in samples(f, 34, 300))
        assert set(counts) == set(f.choices) and max(counts.values()) <= 0.6 * 300, counts


DRAW_ELSEWHERE = """
import json, random, sys
from t2l_edge.tasks import FAMILIES
rng = random.Random(7)
print(json.dumps({n: [FAMILIES[n].make(rng) for _ in range(5)] for n in sys.argv[1:]}))
"""


def test_draws_are_the_same_in_another_process_with_another_hash_seed():
    names = ["extract_email", "extract_person_name", "greeting_language", "slugify_title", "oldest_person",
             "active_to_passive"]
    out = subprocess.run([sys.executable, "-c", DRAW_ELSEWHERE, *names], capture_output=True, text=True, timeout=120,
                         cwd=ROOT, env={"PYTHONHASHSEED": "123", "PATH": ""})
    assert out.returncode == 0, out.stderr
    rng = random.Random(7)
    here = {n: [list(FAMILIES[n].make(rng)) for _ in range(5)] for n in names}
    assert json.loads(out.stdout) == here


# -- one answer per input --------------------------------------------------------------------------------------------

MONTH = "(?:January|February|March|April|May|June|July|August|September|October|November|December)"
# Patterns written here, independent of appdata.PATTERNS: each kind of field found anywhere in the message
FREE_PATTERNS = {
    "email": r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    "url": r"https?://\S+/",
    "amount": r"[$£€][\d,]+\.\d\d",
    "percent": r"\d+(?:\.\d+)?%",
    "time": r"\b\d{1,2}:\d\d(?: [AP]M)?",
    "date": rf"\b(?:\d{{4}}-\d\d-\d\d|\d{{1,2}} {MONTH} \d{{4}}|{MONTH} \d{{1,2}}, \d{{4}})",
}
EXTRACTS = {"extract_email": "email", "extract_url": "url", "extract_amount": "amount",
            "extract_percentage": "percent", "extract_time": "time", "extract_date": "date"}


@pytest.mark.parametrize("name", [f.name for f in app_extract.FAMILIES])
def test_each_message_holds_one_field_of_each_kind(name):
    f = APP[name]
    for x, y in samples(f, 41, 120):
        found = {kind: re.findall(p, x) for kind, p in FREE_PATTERNS.items()}
        assert all(len(v) <= 1 for v in found.values()), (x, found)  # never two of a kind
        if name in EXTRACTS:
            assert found[EXTRACTS[name]] == [y], (x, y)
        elif name != "extract_date_iso":
            assert x.count(y) == 1, (x, y)  # the name, city or phone number occurs once
        assert len(app_extract.MESSAGES.matches(x)) == 1, x  # and the message reads one way only


@pytest.mark.parametrize("texts", [app_classify.REQUESTS, app_classify.MESSAGES, app_classify.TICKET_TEXTS,
                                   app_classify.REVIEW_TEXTS], ids=lambda s: s.what)
def test_each_classified_text_matches_one_template_of_one_class(texts):
    f = next(f for f in app_classify.FAMILIES if f.solve.__self__ is texts)
    for x, y in samples(f, 43, 200):
        (match,) = texts.matches(x)
        assert match[0].label == y


def test_each_greeting_belongs_to_one_language_and_each_value_to_one_kind():
    every = [(g, lang) for lang, gs in app_classify.GREETINGS.items() for g in gs]
    for g, lang in every:
        owners = {other for h, other in every if re.search(rf"(?<!\w){re.escape(h)}(?!\w)", g)}
        assert owners == {lang}, g
    kinds = {"email": FREE_PATTERNS["email"], "URL": FREE_PATTERNS["url"], "money": FREE_PATTERNS["amount"],
             "percentage": FREE_PATTERNS["percent"], "time": FREE_PATTERNS["time"], "date": FREE_PATTERNS["date"]}
    for x, y in samples(APP["value_type"], 44, 300):
        fits = {k for k, p in kinds.items() if re.fullmatch(p, x)}
        assert fits == ({y} if y != "phone number" else set()), (x, y)
        if y == "phone number":
            assert len(re.sub(r"\D", "", x)) >= 7


def test_translation_tables_have_one_answer_each_way():
    for i, language in enumerate(app_translate.LANGUAGES):
        both = [words[i] for words in app_translate.BOTH_WAYS.values()]
        one_way = {words[i] for words in app_translate.ONE_WAY.values()}
        assert len({w.casefold() for w in both}) == len(both), language  # no two English words share a translation
        reverse = APP[f"translate_word_from_{language.lower()}"]
        assert len(reverse.solve.__self__.items) == len(both)
        for word in one_way - set(both):  # "livre" is book or pound: not asked the other way
            with pytest.raises(InvalidInputError):
                reverse.solve(word)
    assert set(app_translate.BOTH_WAYS).isdisjoint(app_translate.ONE_WAY)


def test_rewrite_tables_read_one_way():
    for verb in set(app_rewrite.COMPLEMENTS) | set(app_rewrite.OBJECTS):
        f = app_rewrite.forms(verb)
        assert len({f.base, f.s, f.past}) == 3, verb  # tense is read off the verb
    singular = {s for s, _ in app_rewrite.OBJECTS.values()}
    plural = {p for _, p in app_rewrite.OBJECTS.values()}
    assert singular.isdisjoint(plural)
    nps = set(app_rewrite.NOUN_PHRASES) | {app_rewrite.plural_np(n) for n in app_rewrite.NOUN_PHRASES}
    assert len(nps) == 2 * len(app_rewrite.NOUN_PHRASES) and nps.isdisjoint(app_rewrite.PRONOUNS)


def test_list_questions_have_one_right_item():
    pools = app_lists.POOLS
    for a in pools:
        for b in pools:
            if a < b:
                assert set(pools[a]).isdisjoint(pools[b]), (a, b)
    for name in ("cheapest_item", "earliest_date", "oldest_person"):
        for x, _ in samples(APP[name], 45, 100):
            values = [e.rsplit(" ", 1)[1] if name != "earliest_date" else e for e in x.split(", ")]
            assert len(set(values)) == len(values), x  # no tie


# -- references written here -----------------------------------------------------------------------------------------

# The international definitions (1959 yard and pound; the US gallon is 231 cubic inches): units per `to`
EXACT = {("km", "mi"): 1 / Decimal("1.609344"), ("kg", "lb"): 1 / Decimal("0.45359237"), ("cm", "in"): 1 / Decimal("2.54"),
         ("ft", "m"): Decimal("0.3048"), ("L", "gal"): 1 / Decimal("3.785411784"),
         ("km/h", "mph"): 1 / Decimal("1.609344"), ("oz", "g"): Decimal("28.349523125")}


@pytest.mark.parametrize("f", app_units.FAMILIES, ids=lambda f: f.name)
def test_unit_answers_agree_with_the_definitions(f):
    src = f.sample(random.Random(0)).split(" ", 1)[1]
    dst = next(b if a == src else a for a, b in EXACT if src in (a, b))
    factor = EXACT[src, dst] if (src, dst) in EXACT else 1 / EXACT[dst, src]
    for x, y in samples(f, 46, 100):
        exact = Decimal(x.split(" ")[0]) * factor
        assert y == str(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)), (x, y)
        tenths = exact * 10 % 1
        assert abs(tenths - Decimal("0.5")) > Decimal("0.001"), x  # never a near tie


def test_http_phrases_agree_with_the_standard_library():
    from t2l_edge.tasks.suite.app_lookup import HTTP_STATUS

    assert len(HTTP_STATUS) >= 30
    for code, phrase in HTTP_STATUS.items():
        assert http.HTTPStatus(int(code)).phrase == phrase, code


# -- provenance and descriptions ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(APP))
def test_source_names_pinned_packages_or_hand_written_data(name):
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["train"]
    src = APP[name].source
    entries = re.findall(r"([A-Za-z0-9_.-]+)==([0-9][^ ]*) \(([^)]+)\)", src)
    for dist, version, licence in entries:
        assert realdata.PINS[dist] == version and realdata.LICENCES[dist] == licence
        assert f"{dist}=={version}" in deps
    assert entries or "hand" in src or src.startswith("generated"), src
    assert src != "hand-written"  # that marks the first suite (test_corpus counts it)


@pytest.mark.parametrize("op", sorted({f.op for f in APP.values() if f.parameter is not None}))
def test_parameterized_rows_name_their_value_and_no_other(op):
    rows = [f for f in APP.values() if f.op == op]
    assert len(rows) >= 2
    for f in rows:
        assert all(f.parameter in d for d in f.descriptions), f.name
        others = {r.parameter for r in rows} - {f.parameter}
        unquoted = [re.sub(r'"[^"]*"', "", d) for d in f.descriptions]
        assert not [d for d in unquoted for o in others if re.search(rf"\b{re.escape(o)}\b", d)], f.name


def test_metrics_suit_the_answers():
    for f in APP.values():
        if f.name.startswith(("format_money", "extract_date_iso", "element_symbol", "unit_symbol")):
            assert f.metric is Metric.EXACT, f.name  # "mW" is not "MW", "$8.00" is not "$8"
        assert (f.metric is Metric.CHOICE) == (f.choices is not None)
