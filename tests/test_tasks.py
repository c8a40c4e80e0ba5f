"""Task formats, metrics, the built-in suite and its splits, and the `tasks` CLI."""

from __future__ import annotations

import hashlib
import json
import random
import re
import subprocess
import sys
from collections import Counter

import pytest

from t2l_edge.errors import CorruptFileError, InvalidInputError, MissingFileError
from t2l_edge.tasks import (
    FAMILIES, HELDOUT_FAMILIES, THEMES, Example, Metric, Split, Task, build_split, load_tasks, save_tasks, score,
)
from t2l_edge.tasks.metrics import normalize, pick_choice
from t2l_edge.tasks.splits import (
    FIRST_SUITE, HELDOUT_DESCRIPTIONS_PER_FAMILY, HELDOUT_FAMILIES_V1, ROW_SPLITS, instances, is_heldout_instance,
    split_descriptions, split_families,
)
from t2l_edge.tasks.suite import lexicons
from t2l_edge.tasks.suite.wording import FRAMES, Wording, describe
from t2l_edge.tasks.suite.family import MAX_INPUT_CHARS, MAX_INPUT_WORDS
from cli_helpers import run, assert_one_line_error




SNI_INPUT_CHARS = 80


def samples(family, seed: int, n: int = 20) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    return [family.make(rng) for _ in range(n)]


# -- the suite: coverage --------------------------------------------------------------------------------------------


def test_suite_size_and_themes():
    assert len(FAMILIES) >= 60
    per_theme = Counter(f.theme for f in FAMILIES.values())
    assert set(per_theme) == set(THEMES) and len(THEMES) >= 7
    assert all(n >= 4 for n in per_theme.values()), per_theme


# The styles people write a task in (issue 19), each of which every row's training descriptions must have.
STYLES = {
    "a question": lambda d: d.endswith("?"),
    "a terse form": lambda d: len(d.split()) <= 4,
    "a long-winded one": lambda d: len(d.split()) >= 15,
    'a "Given …" form': lambda d: d.startswith("Given "),
    "a second-person form": lambda d: re.match(r"(You|Your) ", d) is not None,
    "a polite one": lambda d: re.search(r"\b(please|could you|would you)\b", d, re.I) is not None,
    "an app developer's request": lambda d: re.search(r"\bmy app\b|\ban app\b", d, re.I) is not None,
    "lowercase chat": lambda d: d[0].islower() and len(d.split()) >= 5,
}


@pytest.mark.parametrize("name", list(FAMILIES))
def test_family_descriptions_are_many_distinct_and_varied(name):
    f = FAMILIES[name]
    assert len(f.descriptions) >= 32 and len({d.casefold() for d in f.descriptions}) == len(f.descriptions)
    assert all(d.strip() == d and d and "\n" not in d for d in f.descriptions)
    train = split_descriptions(f, Split.TRAIN)  # the styles are trained on, not only held out
    missing = [style for style, has in STYLES.items() if not any(map(has, train))]
    assert missing == [], f"no {', no '.join(missing)}"
    assert sum('"' in d for d in train) >= 2, "fewer than two with an inline example"
    # the held-out descriptions are themselves varied, not three of one style
    held = split_descriptions(f, Split.HELDOUT_DESCRIPTIONS)
    assert len(held) == 3 and len({len(d.split()) for d in held}) > 1


@pytest.mark.parametrize("name", sorted(FIRST_SUITE))
def test_first_suite_rows_keep_their_own_descriptions_for_v1_and_held_out(name):
    """A first-suite row's v1 view is its 13 hand-written descriptions, exactly; the ones added since only train: its
    held-out descriptions are still its hand-written last three."""
    f = FAMILIES[name]
    v1, k = f.descriptions_v1, HELDOUT_DESCRIPTIONS_PER_FAMILY
    assert v1 is not None and len(v1) == 13 and len(f.descriptions) >= 32
    assert f.descriptions[:len(v1) - k] == v1[:-k] and f.descriptions[-k:] == v1[-k:]
    assert split_descriptions(f, Split.TRAIN_V1) == v1[:-k]
    assert split_descriptions(f, Split.HELDOUT_DESCRIPTIONS_V1) == v1[-k:]
    assert set(split_descriptions(f, Split.TRAIN)) > set(v1[:-k])


def test_only_first_suite_rows_have_a_v1_view():
    assert {f.name for f in FAMILIES.values() if f.descriptions_v1 is not None} == set(FIRST_SUITE)


def test_generated_descriptions_hold_out_their_last_question_terse_form_and_example():
    """A generated row's held-out frames use its wording's last question and terse form and a worked example that no
    training description shows; its training frames cycle through the others."""
    wording = Wording(("add 3 to the number", "increase the number by 3", "write the number plus 3"),
                      ("What is the number plus 3?", "What do you get after adding 3?"), ("plus 3", "n+3"))
    out = describe("add_three", wording, lambda rng: str(rng.randint(0, 999)), lambda x: str(int(x) + 3))
    k = HELDOUT_DESCRIPTIONS_PER_FAMILY
    train, held = out[:-k], out[-k:]
    assert len(out) == len(FRAMES) >= 35 and "What do you get after adding 3?" in held and "n+3" in held
    assert not any("adding 3" in d or "n+3" in d for d in train)
    (shown_x, shown_y), = [p for d in held for p in INLINE_EXAMPLE.findall(d)]
    assert int(shown_y) == int(shown_x) + 3 and not any(f'"{shown_x}"' in d for d in train)
    trained_examples = {p for d in train for p in INLINE_EXAMPLE.findall(d)}
    assert len(trained_examples) == 2 and all(int(y) == int(x) + 3 for x, y in trained_examples)
    assert {p for p in wording.phrases if any(p in d.casefold() for d in train)} == set(wording.phrases)


def test_no_description_is_shared_between_families():
    counts = Counter(d.casefold() for f in FAMILIES.values() for d in f.descriptions)
    assert [d for d, n in counts.items() if n > 1] == []


INLINE_EXAMPLE = re.compile(r'"([^"]+)"\s*(?:->|→|becomes|gives|turns into)\s*"([^"]+)"')


@pytest.mark.parametrize("name", list(FAMILIES))
def test_inline_examples_in_descriptions_are_right(name):
    """Examples written into the descriptions by hand agree with the family's answers."""
    f = FAMILIES[name]
    pairs = [p for d in f.descriptions for p in INLINE_EXAMPLE.findall(d)]
    assert pairs, "no checkable inline example"
    for given, expected in pairs:
        assert f.solve(given) == expected, (given, expected)


@pytest.mark.parametrize("name", list(FAMILIES))
def test_generator_deterministic_varied_short_single_line(name):
    f = FAMILIES[name]
    first = samples(f, 1)
    assert first == samples(f, 1)
    assert first != samples(f, 2)
    assert len({x for x, _ in samples(f, 3, 60)}) >= 8, "too few distinct inputs"
    # an SNI row keeps its task's input format, so it may take up to 80 characters (tests/test_sni.py)
    longest, most_words = (SNI_INPUT_CHARS, SNI_INPUT_CHARS) if f.sni else (MAX_INPUT_CHARS, MAX_INPUT_WORDS)
    for x, y in samples(f, 4, 200):
        assert isinstance(x, str) and isinstance(y, str)
        assert x.strip() and len(x) <= longest and len(x.split()) <= most_words and "\n" not in x, x
        assert y.strip() == y and y and len(y) <= 48 and "\n" not in y and "\r" not in y, (x, y)
        assert f.solve(x) == y  # the answer is a function of the input alone
        if f.choices:
            assert y in f.choices


@pytest.mark.parametrize("name", list(FAMILIES))
def test_scorer_accepts_the_answer_and_rejects_a_wrong_one(name):
    f = FAMILIES[name]
    pairs = samples(f, 5, 80)
    for x, y in pairs[:10]:
        assert score(f.metric, y, y, f.choices) == 1.0
        assert score(f.metric, " " + y + "\n", y, f.choices) == 1.0  # the prompt's answer prefix and stop
    x, y = pairs[0]
    if f.choices:
        wrong = next(c for c in f.choices if c != y)
    else:
        wrong = next(o for _, o in pairs if normalize(o) != normalize(y))
    assert score(f.metric, wrong, y, f.choices) == 0.0
    assert score(f.metric, "", y, f.choices) == 0.0


# Written by hand from the task's meaning, not produced by the code. Every family needs a row (coverage guard).
HAND_CASES = {
    "reverse_characters": [("rocket", "tekcor")],
    "uppercase": [("blue sky", "BLUE SKY")],
    "lowercase": [("Green TREE", "green tree")],
    "capitalize_words": [("red kite song", "Red Kite Song")],
    "first_letter": [("zebra", "z")],
    "last_letter": [("zebra", "a")],
    "count_vowels": [("education", "5"), ("rhythm", "0")],
    "remove_vowels": [("banana", "bnn")],
    "double_letters": [("dog", "ddoogg")],
    "word_length": [("elephant", "8")],
    "next_letter": [("y", "z"), ("G", "H")],
    "previous_letter": [("b", "a"), ("Q", "P")],
    "letter_position": [("z", "26"), ("J", "10"), ("a", "1")],
    "shift_letters": [("zoo", "app")],
    "reverse_words": [("one two three", "three two one")],
    "first_word": [("map cup hat", "map")],
    "last_word": [("map cup hat", "hat")],
    "count_words": [("a b c d e", "5")],
    "sort_words": [("zebra apple mango", "apple mango zebra")],
    "double_each_word": [("go now", "go go now now")],
    "longest_word": [("a bb ccc", "ccc")],
    "acronym": [("british broadcasting corporation", "BBC")],
    "repeat_word": [("ha 3", "ha ha ha")],
    "add": [("19 23", "42"), ("99 99", "198")],
    "subtract": [("100 1", "99"), ("7 7", "0")],
    "multiply": [("12 7", "84")],
    "parity": [("0", "even"), ("15", "odd")],
    "greater_of_two": [("5 50", "50")],
    "smaller_of_two": [("5 50", "5")],
    "compare_numbers": [("5 50", "smaller"), ("60 50", "greater")],
    "next_number": [("199", "200")],
    "double_number": [("25", "50")],
    "digit_sum": [("999", "27"), ("10", "1")],
    "sort_numbers": [("10, 9, 100", "9, 10, 100")],  # numeric order, not text order
    "sort_numbers_descending": [("10, 9, 100", "100, 10, 9")],
    "max_of_list": [("10, 9, 100", "100")],
    "min_of_list": [("10, 9, 100", "9")],
    "list_length": [("a, b, c, d", "4")],
    "remove_duplicates": [("5, 1, 5, 1, 2", "5, 1, 2")],
    "reverse_list": [("x, y, z", "z, y, x")],
    "join_with_dashes": [("one, two", "one-two")],
    "sum_of_list": [("9, 9, 9", "27")],
    "sentiment": [("the show was awful", "negative"), ("such a lovely visit", "positive")],
    "animal_or_plant": [("owl", "animal"), ("fern", "plant")],
    "fruit_or_vegetable": [("kiwi", "fruit"), ("leek", "vegetable")],
    "word_category": [("tram", "vehicle"), ("indigo", "color"), ("fig", "fruit"), ("otter", "animal")],
    "day_or_month": [("Tuesday", "day"), ("may", "month")],
    "palindrome": [("racecar", "yes"), ("river", "no")],
    "vowel_or_consonant": [("u", "vowel"), ("Y", "consonant")],
    "starts_with_vowel": [("igloo", "yes"), ("pencil", "no")],
    "singular_or_plural": [("geese", "plural"), ("knife", "singular")],
    "plural": [("mouse", "mice"), ("baby", "babies")],
    "singular": [("teeth", "tooth"), ("wolves", "wolf")],
    "antonym": [("north", "south")],
    "capital_of_country": [("Canada", "Ottawa")],
    "past_tense": [("teach", "taught"), ("stop", "stopped")],
    "spell_number": [("0", "zero"), ("90", "ninety"), ("13", "thirteen"), ("21", "twenty-one")],
    "month_number": [("Dec", "12"), ("january", "1")],
    "month_name": [("07", "July")],
    "next_day": [("sunday", "Monday")],
    "snake_to_camel": [("max_speed_limit", "maxSpeedLimit")],
    "camel_to_snake": [("maxSpeedLimit", "max_speed_limit")],
    "words_to_snake": [("blue fish", "blue_fish")],
    "extract_numbers": [("gate 12 room 305", "12, 305"), ("0 sun 7", "0, 7")],
    "email_domain": [("zoe.king@lab.science", "lab.science")],
    "file_extension": [("my_song.mp3", "mp3")],
    "initials": [("Mary Ann Lee", "M.A.L.")],
    "last_name_first": [("Mary Ann Lee", "Lee, Mary Ann")],
    "thousands_separator": [("1000", "1,000"), ("1000000", "1,000,000")],
    "ymd_to_dmy": [("2000-02-29", "29/02/2000")],
    "dmy_to_ymd": [("01/12/1985", "1985-12-01")],
    "celsius_to_fahrenheit": [("-40", "-40"), ("35", "95"), ("0", "32")],
    "km_to_m": [("0.5", "500"), ("12", "12000")],
    "minutes_to_hours": [("59", "0:59"), ("60", "1:00")],
    "hours_to_minutes": [("2.5", "150"), ("24", "1440")],
    "weeks_to_days": [("52", "364")],
    "to_roman": [("44", "XLIV"), ("4", "IV"), ("50", "L"), ("39", "XXXIX")],
    "from_roman": [("XXIX", "29"), ("XL", "40")],
    "time_24_to_12": [("12:00", "12:00 PM"), ("00:00", "12:00 AM"), ("23:55", "11:55 PM")],
}


def test_every_family_has_hand_written_cases():
    # the real-data and generated families have theirs in test_suite_realdata.py and test_corpus.py
    assert sorted(HAND_CASES) == sorted(n for n, f in FAMILIES.items() if f.source == "hand-written")


@pytest.mark.parametrize("name,given,expected", [(n, g, e) for n, cases in HAND_CASES.items() for g, e in cases])
def test_family_against_hand_computed_answers(name, given, expected):
    assert FAMILIES[name].solve(given) == expected


def test_lexicons_have_no_word_in_two_classes():
    for a, b in [(lexicons.ANIMALS, lexicons.PLANTS), (lexicons.FRUITS, lexicons.VEGETABLES),
                 (lexicons.POSITIVE, lexicons.NEGATIVE)]:
        assert not set(a) & set(b)
    groups = [lexicons.ANIMALS, lexicons.CATEGORY_FRUITS, lexicons.COLORS, lexicons.VEHICLES]
    assert sum(map(len, groups)) == len(set().union(*groups))
    assert len(set(lexicons.WORDS)) == len(lexicons.WORDS)


# -- splits ---------------------------------------------------------------------------------------------------------


# sha256 of `dumps_tasks(build_split(split, 8))` for the first suite's splits, recorded with the code of 0f6a5c2
# (before the corpus grew): the v1 splits must reproduce them exactly.
FIRST_SUITE_SPLITS = {
    Split.TRAIN_V1: ("train", 67, "cfb9a09357f286d8dfb2342593648af5959e1833a54ff3d0eb82712194ff245b"),
    Split.HELDOUT_DESCRIPTIONS_V1: ("heldout-descriptions", 67,
                                    "b903b1177dc1665e7a52f15096f01a81d28214c88aa4b1852914c35de813b3b9"),
    Split.HELDOUT_FAMILIES_V1: ("heldout-families", 12,
                                "0e5012d489bfe0af45d5e7a835cb5f48e39b08f2decfc29d19e5d033f5ee8e3d"),
}


@pytest.mark.parametrize("split", list(FIRST_SUITE_SPLITS))
def test_the_first_suites_splits_are_reproduced_exactly(split):
    from t2l_edge.tasks.format import dumps_tasks

    _, n, digest = FIRST_SUITE_SPLITS[split]
    tasks = build_split(split, 8)
    assert len(tasks) == n and all(FAMILIES[t.name].source == "hand-written" for t in tasks)
    assert hashlib.sha256(dumps_tasks(tasks).encode()).hexdigest() == digest


def test_the_first_suites_heldout_families_stay_held_out_across_its_themes():
    assert set(HELDOUT_FAMILIES_V1) <= set(HELDOUT_FAMILIES)
    assert len({FAMILIES[n].theme for n in HELDOUT_FAMILIES_V1}) >= 7


def test_splits_disjoint_families_descriptions_instances():
    train, held_desc = (build_split(s, n_instances=40) for s in (Split.TRAIN, Split.HELDOUT_DESCRIPTIONS))
    whole = {s: build_split(s, n_instances=40) for s in ROW_SPLITS[1:]}
    names = {s: [t.name for t in ts] for s, ts in whole.items()}
    assert [t.name for t in train] == [t.name for t in held_desc]
    row_sets = [set(t.name for t in train), *map(set, names.values())]
    assert sum(map(len, row_sets)) == len(FAMILIES) and set().union(*row_sets) == set(FAMILIES)  # a partition
    assert sorted(names[Split.HELDOUT_FAMILIES]) == sorted(HELDOUT_FAMILIES)
    for a, b in zip(train, held_desc):
        assert set(a.descriptions).isdisjoint(b.descriptions)
        assert set(a.descriptions) | set(b.descriptions) == set(FAMILIES[a.name].descriptions)
        assert {e.input for e in a.examples}.isdisjoint(e.input for e in b.examples), a.name
        assert all(not is_heldout_instance(a.name, e.input) for e in a.examples)
        assert len(b.examples) >= 3, f"{a.name}: too few held-out instances"
    for t in train + held_desc + [t for tasks in whole.values() for t in tasks]:
        assert len({e.input for e in t.examples}) == len(t.examples)  # no repeated instance
        assert t.metric is FAMILIES[t.name].metric
    for t in (t for tasks in whole.values() for t in tasks):
        assert len(t.examples) >= 12, t.name  # all 40 unless a family has fewer inputs
        assert t.descriptions == FAMILIES[t.name].descriptions


def test_splits_deterministic_and_seeded():
    assert build_split("train", 8, seed=3) == build_split(Split.TRAIN, 8, seed=3)
    assert build_split("train", 8, seed=3) != build_split("train", 8, seed=4)
    f = FAMILIES["add"]
    assert instances(f, "train", 16, 0)[:8] == instances(f, "train", 8, 0)  # asking for more extends, not reshuffles


def test_split_same_in_another_process_with_another_hash_seed():
    code = ("import hashlib,sys; from t2l_edge.tasks import build_split; from t2l_edge.tasks.format import dumps_tasks;"
            "print(hashlib.sha256(dumps_tasks(build_split(sys.argv[1], 8)).encode()).hexdigest());"
            "print(sorted(m for m in ('torch', 'transformers', 'onnxruntime') if m in sys.modules))")
    from t2l_edge.tasks.format import dumps_tasks

    here = hashlib.sha256(dumps_tasks(build_split("heldout-descriptions", 8)).encode()).hexdigest()
    out = subprocess.run([sys.executable, "-c", code, "heldout-descriptions"], capture_output=True, text=True,
                         env={"PYTHONHASHSEED": "12345", "PATH": ""}, check=True)
    digest, heavy = out.stdout.split("\n")[:2]
    assert digest == here
    assert heavy == "[]"  # the task code is torch-free


def test_unknown_split_and_bad_count():
    with pytest.raises(InvalidInputError, match="split must be one of train, heldout-descriptions, heldout-families, heldout-compositions, .*, got 'dev'"):
        build_split("dev")
    with pytest.raises(InvalidInputError, match="n_instances"):
        build_split("train", n_instances=0)
    assert {f.name for f in split_families("heldout-families")} == set(HELDOUT_FAMILIES)


# -- format: round trip, Super-NaturalInstructions ------------------------------------------------------------------


def test_jsonl_export_load_round_trip(tmp_path):
    tasks = build_split("heldout-families", n_instances=5) + build_split("train", n_instances=3)[:5]
    path = save_tasks(tasks, tmp_path / "out" / "tasks.jsonl")
    assert load_tasks(path) == tasks
    lines = path.read_text().splitlines()
    assert len(lines) == len(tasks)
    first = json.loads(lines[0])
    assert set(first) >= {"name", "descriptions", "examples", "metric"}
    assert set(first["examples"][0]) == {"input", "output"}
    assert not list((tmp_path / "out").glob(".*.tmp"))  # atomic write left nothing behind


def test_json_single_object_and_list(tmp_path):
    t = Task("shout", ["Shout it."], [Example("hi", "HI")])
    (tmp_path / "one.json").write_text(json.dumps(t.to_dict()))
    (tmp_path / "many.json").write_text(json.dumps([{**t.to_dict(), "name": "a"}, {**t.to_dict(), "name": "b"}]))
    assert load_tasks(tmp_path / "one.json") == [t]
    assert [x.name for x in load_tasks(tmp_path)] == ["a", "b", "shout"]  # a folder: files in sorted order
    assert t.metric is Metric.EXACT and t.allowed_choices is None


SUPER_NI = {
    "Contributors": ["someone"],
    "Source": ["synthetic"],
    "Categories": ["Sentiment Analysis"],
    "Definition": ["Given a short review, answer \"positive\" or \"negative\"."],
    "Positive Examples": [{"input": "I loved it.", "output": "positive", "explanation": "loved is positive"}],
    "Negative Examples": [{"input": "Awful.", "output": "good", "explanation": "wrong label"}],
    "Instances": [
        {"id": "task999-1", "input": "Great film!", "output": ["positive"]},
        {"id": "task999-2", "input": "Boring plot.", "output": ["negative", "neg"]},
        {"id": "task999-3", "input": "Two lines?", "output": ["first\nsecond"]},  # cannot be generated: skipped
        {"id": "task999-4", "input": "Meh.", "output": ["line one\nline two", "negative"]},  # keeps the one-liner
    ],
}


def test_super_natural_instructions_file_loads(tmp_path):
    path = tmp_path / "task999_review_sentiment.json"
    path.write_text(json.dumps(SUPER_NI))
    (task,) = load_tasks(path)
    assert task.name == "task999_review_sentiment"
    assert task.descriptions == ('Given a short review, answer "positive" or "negative".',)
    assert task.examples == (Example("Great film!", "positive"), Example("Boring plot.", "negative"),
                             Example("Meh.", "negative"))
    assert task.metric is Metric.NORMALIZED
    # a folder mixing Super-NI and our JSONL, with non-task files ignored
    ours = build_split("heldout-families", 2)[:2]
    save_tasks(ours, tmp_path / "ours.jsonl")
    (tmp_path / "README.md").write_text("not a task")
    assert load_tasks(tmp_path) == [*ours, task]


def test_super_ni_without_instances_uses_positive_examples(tmp_path):
    obj = {k: v for k, v in SUPER_NI.items() if k != "Instances"}
    (tmp_path / "t.json").write_text(json.dumps(obj))
    (task,) = load_tasks(tmp_path / "t.json")
    assert task.examples == (Example("I loved it.", "positive"),)


# -- format: bad input names the file, the line or field, and the reason --------------------------------------------

GOOD = {"name": "t", "descriptions": ["Do it."], "examples": [{"input": "a", "output": "b"}], "metric": "exact"}


def _without(key):
    return {k: v for k, v in GOOD.items() if k != key}


MALFORMED = [
    ("missing name", _without("name"), "missing field 'name'"),
    ("missing descriptions", _without("descriptions"), "missing field 'descriptions'"),
    ("empty descriptions", {**GOOD, "descriptions": []}, "field 'descriptions': is empty"),
    ("blank description", {**GOOD, "descriptions": ["ok", "  "]}, "field 'descriptions[1]': is empty"),
    ("descriptions a string", {**GOOD, "descriptions": "Do it."}, "field 'descriptions': must be a list"),
    ("missing examples", _without("examples"), "missing field 'examples'"),
    ("no examples", {**GOOD, "examples": []}, "field 'examples': is empty"),
    ("example without output", {**GOOD, "examples": [{"input": "a", "output": "b"}, {"input": "c"}]},
     "field 'examples[1]': missing 'output'"),
    ("empty output", {**GOOD, "examples": [{"input": "a", "output": ""}]}, "field 'examples[0].output': is empty"),
    ("output not a string", {**GOOD, "examples": [{"input": "a", "output": 3}]},
     "field 'examples[0].output': must be a string, got a number"),
    ("multi-line output", {**GOOD, "examples": [{"input": "a", "output": "b\nc"}]},
     "field 'examples[0].output': contains a line break"),
    ("bad metric", {**GOOD, "metric": "fuzzy"}, "field 'metric': must be one of exact, normalized, choice, got 'fuzzy'"),
    ("unknown field", {**GOOD, "example": []}, "unknown field 'example'"),
    ("choices without choice metric", {**GOOD, "choices": ["b", "c"]},
     "field 'choices': only allowed with metric 'choice'"),
    ("output outside choices", {**GOOD, "metric": "choice", "choices": ["x", "y"]},
     "field 'examples[0].output': 'b' is not one of the choices"),
    ("not an object", ["t"], "expected a JSON object"),
]


@pytest.mark.parametrize("obj,reason", [(o, r) for _, o, r in MALFORMED], ids=[i for i, _, _ in MALFORMED])
def test_malformed_jsonl_line_names_file_line_field_reason(tmp_path, obj, reason):
    path = tmp_path / "tasks.jsonl"
    path.write_text(json.dumps({**GOOD, "name": "fine"}) + "\n\n" + json.dumps(obj) + "\n")
    with pytest.raises(InvalidInputError) as info:
        load_tasks(path)
    msg = str(info.value)
    assert msg.startswith(f"{path}:3: ") and reason in msg and "\n" not in msg, msg


@pytest.mark.parametrize("obj,reason", [(o, r) for _, o, r in MALFORMED[:6]], ids=[i for i, _, _ in MALFORMED[:6]])
def test_malformed_json_file_names_file_and_item(tmp_path, obj, reason):
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([GOOD, obj]))
    with pytest.raises(InvalidInputError) as info:
        load_tasks(path)
    assert str(info.value).startswith(f"{path}[1]: ") and reason in str(info.value)


def test_invalid_json_names_the_line(tmp_path):
    path = tmp_path / "tasks.jsonl"
    path.write_text(json.dumps(GOOD) + "\n" + json.dumps({**GOOD, "name": "u"}) + "\n" + '{"name": "v", "descr\n')
    with pytest.raises(CorruptFileError, match=rf"^{re.escape(str(path))}:3: not valid JSON \(Unterminated string"):
        load_tasks(path)
    single = tmp_path / "t.json"
    single.write_text('{\n  "name": "x",\n  "descriptions": [,]\n}')
    with pytest.raises(CorruptFileError, match=rf"^{re.escape(str(single))}:3: not valid JSON"):
        load_tasks(single)
    binary = tmp_path / "b.jsonl"
    binary.write_bytes(b'{"name": "\xff"}\n')
    with pytest.raises(CorruptFileError, match="not UTF-8"):
        load_tasks(binary)


def test_bad_super_ni_and_bad_paths(tmp_path):
    path = tmp_path / "task1.json"
    path.write_text(json.dumps({**SUPER_NI, "Definition": [""]}))
    with pytest.raises(InvalidInputError, match=rf"^{re.escape(str(path))}: field 'Definition': is empty"):
        load_tasks(path)
    path.write_text(json.dumps({"Definition": ["Do."], "Instances": [{"input": "a", "output": ["x\ny"]}]}))
    with pytest.raises(InvalidInputError, match="no usable examples"):
        load_tasks(path)
    path.write_text(json.dumps({"Definition": ["Do."], "Instances": [{"input": "a"}]}))
    with pytest.raises(InvalidInputError, match=r"field 'Instances\[0\]': must be an object with 'input' and 'output'"):
        load_tasks(path)
    with pytest.raises(MissingFileError, match="no such task file or folder"):
        load_tasks(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InvalidInputError, match="no task files"):
        load_tasks(tmp_path / "empty")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(InvalidInputError, match="not a task file"):
        load_tasks(tmp_path / "notes.txt")
    (tmp_path / "empty.jsonl").write_text("\n\n")
    with pytest.raises(InvalidInputError, match="no tasks in the file"):
        load_tasks(tmp_path / "empty.jsonl")


def test_duplicate_task_names_are_refused(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps(GOOD) + "\n" + json.dumps(GOOD) + "\n")
    with pytest.raises(InvalidInputError, match=rf"{re.escape(str(path))}:2: task name 't' is already used at .*t.jsonl:1"):
        load_tasks(path)


def test_task_dataclass_checks_itself():
    with pytest.raises(InvalidInputError, match="field 'descriptions': is empty"):
        Task("x", [], [Example("a", "b")])
    with pytest.raises(InvalidInputError, match="field 'examples': is empty"):
        Task("x", ["d"], [])
    with pytest.raises(InvalidInputError, match="field 'name': is empty"):
        Task(" ", ["d"], [Example("a", "b")])
    with pytest.raises(InvalidInputError, match="field 'output': contains a line break"):
        Example("a", "b\n")
    t = Task("x", ["d"], [Example("a", "yes"), Example("b", "no")], metric="choice")
    assert t.metric is Metric.CHOICE and t.allowed_choices == ("no", "yes")
    assert t.score("Yes, it is.", "yes") == 1.0 and t.score("no", "yes") == 0.0


# -- metrics --------------------------------------------------------------------------------------------------------


def test_metrics():
    assert score("exact", " Paris\nInput: next", "Paris") == 1.0  # first line, stripped
    assert score("exact", "paris", "Paris") == 0.0
    assert normalize("  The   Cat.!  ") == "the cat"
    assert score("normalized", "PARIS.", "Paris") == 1.0
    assert score("normalized", "Paris, France", "Paris") == 0.0
    choices = ("positive", "negative")
    assert score("choice", "Negative, clearly not positive", "negative", choices) == 1.0
    assert score("choice", "positive or negative", "negative", choices) == 0.0  # the first named choice counts
    assert score("choice", "impositive", "positive", choices) == 0.0  # whole words only
    assert score("choice", "nothing", "positive", choices) == 0.0
    assert pick_choice("a car or a vehicle", ("car", "vehicle")) == "car"
    assert score("choice", "yes it is", "yes") == 1.0 and score("choice", "no, yes", "yes") == 0.0  # no choices given
    with pytest.raises(InvalidInputError, match="not one of the choices"):
        score("choice", "x", "maybe", choices)
    with pytest.raises(InvalidInputError, match="must be one of exact, normalized, choice"):
        score("bleu", "a", "a")


# -- CLI ------------------------------------------------------------------------------------------------------------


def test_cli_tasks_list(capsys):
    code, out, _ = run(capsys, "tasks", "list", "--json")
    rows = json.loads(out)
    assert code == 0 and [r["name"] for r in rows] == list(FAMILIES)
    assert {r["split"] for r in rows} == {s.value for s in ROW_SPLITS}
    assert all(r["descriptions"] >= 12 and r["metric"] in {m.value for m in Metric} for r in rows)
    code, out, _ = run(capsys, "tasks", "list", "--theme", "lists")
    assert code == 0 and "sort_numbers" in out and "reverse_characters" not in out
    code, out, _ = run(capsys, "tasks", "--help")
    assert code == 0 and all(c in out for c in ("list", "show", "export", "check"))


def test_cli_tasks_export_and_check(capsys, tmp_path):
    out_file = tmp_path / "train.jsonl"
    code, out, _ = run(capsys, "tasks", "export", "--split", "train", "--output", out_file, "--instances", "4",
                       "--seed", "7")
    assert code == 0 and "wrote" in out
    assert load_tasks(out_file) == build_split("train", n_instances=4, seed=7)
    code, out, _ = run(capsys, "tasks", "check", out_file)
    assert code == 0 and "add" in out


def test_cli_tasks_show(capsys):
    code, out, _ = run(capsys, "tasks", "show", "add", "--sample", "3")
    assert code == 0 and FAMILIES["add"].descriptions[0] in out and "heldout-descriptions" in out


def test_cli_tasks_bad_input_is_one_line(capsys, tmp_path):
    code, _, err = run(capsys, "tasks", "export", "--split", "dev", "--output", tmp_path / "x.jsonl")
    assert_one_line_error(code, err, "--split must be one of", "heldout-families-v1, got 'dev'")
    assert not (tmp_path / "x.jsonl").exists()
    code, _, err = run(capsys, "tasks", "show", "reverse_word")
    assert_one_line_error(code, err, "unknown task family 'reverse_word'", "reverse_words")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(GOOD) + "\n" + json.dumps({**GOOD, "name": "u", "descriptions": []}) + "\n")
    code, _, err = run(capsys, "tasks", "check", bad)
    assert_one_line_error(code, err, f"{bad}:2:", "field 'descriptions': is empty")
