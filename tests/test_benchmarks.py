"""Benchmark files in their public schemas (GSM8K, ARC in both forms, BoolQ, PIQA), written here as small fixtures:
read into tasks, scored with each benchmark's own rule, and refused with one-line errors when the schema is wrong."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from t2l_edge.errors import CorruptFileError, InvalidInputError, MissingFileError
from t2l_edge.evaluate.benchmarks import (
    BENCHMARKS,
    BenchmarkTask,
    LabeledExample,
    last_number,
    load_benchmark,
    max_tokens_for,
    parse_number,
    read_tasks,
    score_example,
)
from t2l_edge.tasks.format import Example, Task

# -- fixtures in the public schemas ---------------------------------------------------------------------------------

GSM8K = [  # github.com/openai/grade-school-math: question, answer ending in "#### <final answer>"
    {"question": "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. "
                 "How many clips did Natalia sell altogether in April and May?",
     "answer": "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips altogether "
               "in April and May.\n#### 72"},
    {"question": "A factory makes 617 toys a day. How many toys does it make in two days?",
     "answer": "It makes 617*2 = <<617*2=1234>>1234 toys.\n#### 1,234"},
    {"question": "Weng earns $12 an hour for babysitting. Yesterday, she just did 50 minutes of babysitting. "
                 "How much did she earn?",
     "answer": "Weng earns 12/60 = $<<12/60=0.2>>0.2 per minute.\nWorking 50 minutes, she earned 0.2 x 50 = "
               "$<<0.2*50=10>>10.\n#### 10"},
]
ARC_AI2 = [  # allenai.org/data/arc JSONL: question {stem, choices [{text, label}]}, answerKey
    {"id": "Mercury_7175875", "question": {"stem": "An astronomer observes that a planet rotates faster after a "
     "meteorite impact. Which is the most likely effect of this increase in rotation?", "choices": [
        {"text": "Planetary density will decrease.", "label": "A"},
        {"text": "Planetary years will become longer.", "label": "B"},
        {"text": "Planetary days will become shorter.", "label": "C"},
        {"text": "Planetary gravity will become stronger.", "label": "D"}]}, "answerKey": "C"},
    {"id": "NYSEDREGENTS_2015_4_8", "question": {"stem": "Which object is a mammal?", "choices": [
        {"text": "shark", "label": "1"}, {"text": "dolphin", "label": "2"}, {"text": "trout", "label": "3"},
        {"text": "eel", "label": "4"}]}, "answerKey": "2"},
]
ARC_HF = [  # Hugging Face allenai/ai2_arc rows: question, choices {text [], label []}, answerKey
    {"id": "Mercury_SC_405487", "question": "One year, the oak trees in a park began producing more acorns than "
     "usual. The next year, the population of chipmunks in the park also increased. Which best explains why there "
     "were more chipmunks the next year?", "choices": {"text": ["Shady areas increased.", "Food sources increased.",
     "Oxygen levels increased.", "Available water increased."], "label": ["A", "B", "C", "D"]}, "answerKey": "B"},
    {"id": "Mercury_7179953", "question": "Which is a renewable resource?", "choices": {
        "text": ["coal", "oil", "wind", "natural gas"], "label": ["A", "B", "C", "D"]}, "answerKey": "C"},
]
BOOLQ = [  # github.com/google-research-datasets/boolean-questions: question, title, answer (bool), passage
    {"question": "do iran and afghanistan speak the same language", "title": "Persian language", "answer": True,
     "passage": "Persian, also known by its endonym Farsi, is one of the Western Iranian languages. It is primarily "
                "spoken in Iran, Afghanistan (officially known as Dari since 1958), and Tajikistan."},
    {"question": "is the sun a planet", "title": "Sun", "answer": False,
     "passage": "The Sun is the star at the center of the Solar System."},
]
PIQA = [  # yonatanbisk.com/piqa (HF ybisk/piqa rows): goal, sol1, sol2, label (0: sol1, 1: sol2)
    {"goal": "When boiling butter, when it's ready, you can", "sol1": "Pour it onto a plate",
     "sol2": "Pour it into a jar", "label": 1},
    {"goal": "To make a hard boiled egg,", "sol1": "put the egg in boiling water for ten minutes.",
     "sol2": "put the egg in cold water for ten seconds.", "label": 0},
]

FIXTURES = {  # file name -> (benchmark, records); the names are what the loader derives its task names from
    "gsm8k_test.jsonl": ("gsm8k", GSM8K),
    "ARC-Challenge-Dev.jsonl": ("arc", ARC_AI2),
    "arc_easy_hf.jsonl": ("arc", ARC_HF),
    "boolq_dev.jsonl": ("boolq", BOOLQ),
    "piqa_valid.jsonl": ("piqa", PIQA),
}
REFERENCES = {
    "gsm8k_test.jsonl": ["72", "1234", "10"],
    "ARC-Challenge-Dev.jsonl": ["C", "2"],
    "arc_easy_hf.jsonl": ["B", "C"],
    "boolq_dev.jsonl": ["yes", "no"],
    "piqa_valid.jsonl": ["2", "1"],
}


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def write_fixtures(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return {name: write_jsonl(folder / name, records) for name, (_, records) in FIXTURES.items()}


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    return write_fixtures(tmp_path / "bench")


def test_every_benchmark_has_a_fixture_and_scoring_cases():
    """Coverage guard: a new row of BENCHMARKS fails here until it has a fixture file and scoring cases."""
    assert {b for b, _ in FIXTURES.values()} == set(BENCHMARKS)
    assert {FIXTURES[f][0] for f, *_ in SCORING} == set(BENCHMARKS)


@pytest.mark.parametrize("name", list(FIXTURES))
def test_fixture_files_load_into_tasks(files, name):
    benchmark, records = FIXTURES[name]
    (task,) = read_tasks([files[name]])
    assert isinstance(task, BenchmarkTask) and task.benchmark == benchmark
    assert task.descriptions == (BENCHMARKS[benchmark].description,)
    assert [ex.output for ex in task.examples] == REFERENCES[name]
    assert len(task.examples) == len(records)
    assert task.name == {"gsm8k_test.jsonl": "gsm8k_test", "ARC-Challenge-Dev.jsonl": "ARC-Challenge-Dev",
                         "arc_easy_hf.jsonl": "arc_easy_hf", "boolq_dev.jsonl": "boolq_dev",
                         "piqa_valid.jsonl": "piqa_valid"}[name]
    assert max_tokens_for(task) == BENCHMARKS[benchmark].max_tokens
    # the same file named explicitly reads the same
    assert read_tasks([f"{benchmark.upper()}:{files[name]}"]) == [task]


def test_prompts_show_what_the_question_needs(files):
    (arc,) = read_tasks([files["ARC-Challenge-Dev.jsonl"]])
    assert arc.examples[0].input.splitlines() == [
        ARC_AI2[0]["question"]["stem"], "A. Planetary density will decrease.", "B. Planetary years will become longer.",
        "C. Planetary days will become shorter.", "D. Planetary gravity will become stronger.",
    ]
    assert arc.examples[1].choices == (("1", "shark"), ("2", "dolphin"), ("3", "trout"), ("4", "eel"))
    (hf,) = read_tasks([files["arc_easy_hf.jsonl"]])
    assert hf.examples[1].input.endswith("\nA. coal\nB. oil\nC. wind\nD. natural gas")
    (boolq,) = read_tasks([files["boolq_dev.jsonl"]])
    assert boolq.examples[1].input == ("Passage: The Sun is the star at the center of the Solar System.\n"
                                       "Question: is the sun a planet?")
    (piqa,) = read_tasks([files["piqa_valid.jsonl"]])
    assert piqa.examples[0].input == "Goal: When boiling butter, when it's ready, you can\n1. Pour it onto a plate\n2. Pour it into a jar"
    (gsm,) = read_tasks([files["gsm8k_test.jsonl"]])
    assert gsm.examples[0].input == GSM8K[0]["question"] and "####" not in gsm.examples[0].input


# -- scoring ------------------------------------------------------------------------------------------------------

SCORING = [  # (fixture file, example index, prediction, expected score)
    ("gsm8k_test.jsonl", 0, "72", 1.0),
    ("gsm8k_test.jsonl", 0, "She sold 48 + 24 = 72 clips.", 1.0),
    ("gsm8k_test.jsonl", 0, "#### 72", 1.0),
    ("gsm8k_test.jsonl", 0, "72 in April, then 24", 0.0),  # the last number counts
    ("gsm8k_test.jsonl", 0, "seventy-two", 0.0),
    ("gsm8k_test.jsonl", 0, "", 0.0),
    ("gsm8k_test.jsonl", 0, "The answer is 7.", 0.0),
    ("gsm8k_test.jsonl", 1, "The answer is 1,234.", 1.0),  # reference "#### 1,234"
    ("gsm8k_test.jsonl", 1, "1234", 1.0),
    ("gsm8k_test.jsonl", 1, "1,234.0 toys", 1.0),
    ("gsm8k_test.jsonl", 1, "1,235", 0.0),
    ("gsm8k_test.jsonl", 2, "$10", 1.0),
    ("gsm8k_test.jsonl", 2, "$10.00", 1.0),
    ("gsm8k_test.jsonl", 2, "10\n#### 11", 1.0),  # one line: what follows the newline is not the answer
    ("gsm8k_test.jsonl", 2, "-10", 0.0),
    ("ARC-Challenge-Dev.jsonl", 0, "C", 1.0),
    ("ARC-Challenge-Dev.jsonl", 0, "(C)", 1.0),
    ("ARC-Challenge-Dev.jsonl", 0, "The answer is C.", 1.0),
    ("ARC-Challenge-Dev.jsonl", 0, "C. Planetary days will become shorter.", 1.0),
    ("ARC-Challenge-Dev.jsonl", 0, "Planetary days will become shorter.", 1.0),  # the choice text, no label
    ("ARC-Challenge-Dev.jsonl", 0, "B", 0.0),
    ("ARC-Challenge-Dev.jsonl", 0, "B or C", 0.0),  # the first label named
    ("ARC-Challenge-Dev.jsonl", 0, "c", 0.0),  # labels are matched case-sensitively
    ("ARC-Challenge-Dev.jsonl", 0, "CD", 0.0),
    ("ARC-Challenge-Dev.jsonl", 0, "A faster spin, so Planetary days will become shorter.", 1.0),  # the article A
    ("ARC-Challenge-Dev.jsonl", 0, "A. Planetary density will decrease.", 0.0),
    ("ARC-Challenge-Dev.jsonl", 0, "I think C", 1.0),  # the pronoun I is no label
    ("ARC-Challenge-Dev.jsonl", 1, "2", 1.0),
    ("ARC-Challenge-Dev.jsonl", 1, "dolphin", 1.0),
    ("ARC-Challenge-Dev.jsonl", 1, "shark", 0.0),
    ("arc_easy_hf.jsonl", 0, "B", 1.0),
    ("arc_easy_hf.jsonl", 1, "C: wind", 1.0),
    ("arc_easy_hf.jsonl", 1, "natural gas", 0.0),
    ("boolq_dev.jsonl", 0, "Yes", 1.0),
    ("boolq_dev.jsonl", 0, "yes, they do.", 1.0),
    ("boolq_dev.jsonl", 0, "True", 1.0),
    ("boolq_dev.jsonl", 0, "No", 0.0),
    ("boolq_dev.jsonl", 0, "maybe", 0.0),
    ("boolq_dev.jsonl", 1, "no.", 1.0),
    ("boolq_dev.jsonl", 1, "False", 1.0),
    ("boolq_dev.jsonl", 1, "Yes or no", 0.0),
    ("boolq_dev.jsonl", 1, "nobody knows", 0.0),  # 'no' as a whole word only
    ("piqa_valid.jsonl", 0, "2", 1.0),
    ("piqa_valid.jsonl", 0, "Solution 2.", 1.0),
    ("piqa_valid.jsonl", 0, "Pour it into a jar", 1.0),
    ("piqa_valid.jsonl", 0, "1", 0.0),
    ("piqa_valid.jsonl", 0, "Pour it onto a plate", 0.0),
    ("piqa_valid.jsonl", 1, "1", 1.0),
    ("piqa_valid.jsonl", 1, "12", 0.0),
]


@pytest.fixture
def loaded(files) -> dict[str, Task]:
    return {name: read_tasks([path])[0] for name, path in files.items()}


@pytest.mark.parametrize("name,index,prediction,expected", SCORING)
def test_scoring_known_answers(loaded, name, index, prediction, expected):
    task = loaded[name]
    assert score_example(task, task.examples[index], prediction) == expected


@pytest.mark.parametrize("name", list(FIXTURES))
def test_the_reference_scores_one_and_every_other_answer_zero(loaded, name):
    task = loaded[name]
    for ex in task.examples:
        assert score_example(task, ex, ex.output) == 1.0
        others = {o for e in task.examples for o in [e.output]} | {"yes", "no", "1", "2", "A", "B", "0"}
        for wrong in others - {ex.output}:
            assert score_example(task, ex, wrong) == 0.0, (ex.output, wrong)


def test_score_without_the_example_falls_back_to_generic_labels(loaded):
    arc = loaded["ARC-Challenge-Dev.jsonl"]
    assert arc.score("The answer is C.", "C") == 1.0 and arc.score("(B)", "C") == 0.0
    assert loaded["gsm8k_test.jsonl"].score("so 1,234", "1234") == 1.0


def test_numbers():
    assert parse_number("1,234") == Decimal(1234) and parse_number("-3.50") == Decimal("-3.5")
    assert parse_number("$12") == Decimal(12)
    for bad in ("12,34", "1.2.3", "7 apples", "", "1,2345"):
        assert parse_number(bad) is None, bad
    assert last_number("The answer is 7.") == Decimal(7)
    assert last_number("from 3 to -4, then 2,500.5 left") == Decimal("2500.5")
    assert last_number("no digits") is None
    assert last_number("5\n6") == Decimal(5)


def test_piqa_labels_from_a_sibling_lst_file(tmp_path):
    """The original PIQA release keeps labels apart: valid.jsonl + valid-labels.lst (one 0/1 per line)."""
    write_jsonl(tmp_path / "valid.jsonl", [{k: v for k, v in r.items() if k != "label"} for r in PIQA])
    (tmp_path / "valid-labels.lst").write_text("1\n0\n")
    (task,) = read_tasks([tmp_path / "valid.jsonl"])
    assert task.name == "piqa-valid" and [ex.output for ex in task.examples] == ["2", "1"]
    (tmp_path / "valid-labels.lst").write_text("1\n")
    with pytest.raises(InvalidInputError, match="2 records but 1 labels in valid-labels.lst"):
        read_tasks([tmp_path / "valid.jsonl"])


def test_json_lists_folders_and_our_formats_mix(tmp_path, files):
    (tmp_path / "mixed").mkdir()
    (tmp_path / "mixed" / "boolq.json").write_text(json.dumps(BOOLQ))  # a JSON list of records
    write_jsonl(tmp_path / "mixed" / "ours.jsonl", [
        {"name": "reverse", "descriptions": ["Reverse the words."], "examples": [{"input": "a b", "output": "b a"}]}])
    (tmp_path / "mixed" / "task001_quoref.json").write_text(json.dumps({  # Super-NaturalInstructions
        "Definition": ["Answer the question."], "Positive Examples": [],
        "Instances": [{"id": "1", "input": "What is 1+1?", "output": ["2"]}]}))
    tasks = read_tasks([tmp_path / "mixed", files["gsm8k_test.jsonl"]])
    assert [t.name for t in tasks] == ["boolq", "reverse", "task001_quoref", "gsm8k_test"]
    assert [type(t) for t in tasks] == [BenchmarkTask, Task, Task, BenchmarkTask]
    reverse = tasks[1]
    assert score_example(reverse, reverse.examples[0], "b a") == 1.0 and max_tokens_for(reverse) == 3 + 8


WRONG = [  # (file name, content, prefix, words the one-line error holds)
    ("g.jsonl", [{"question": "What is 2+2?", "answer": "4"}], "", ["g.jsonl:1", "GSM8K", "'answer'", "####"]),
    ("g.jsonl", [GSM8K[0], {"question": "Q?", "answer": "#### four"}], "", ["g.jsonl:2", "not a number", "four"]),
    ("a.jsonl", [{**ARC_AI2[0], "answerKey": "E"}], "", ["a.jsonl:1", "ARC", "'answerKey'", "'E'"]),
    ("a.jsonl", [{"question": "Q?", "answerKey": "A"}], "", ["a.jsonl:1", "ARC", "missing field 'choices'"]),
    ("a.jsonl", [{"question": "Q?", "choices": {"text": ["x"], "label": ["A", "B"]}, "answerKey": "A"}], "",
     ["a.jsonl:1", "2 labels for 1 texts"]),
    ("b.jsonl", [{**BOOLQ[0], "answer": "true"}], "", ["b.jsonl:1", "BoolQ", "'answer'", "must be a boolean"]),
    ("p.jsonl", [{**PIQA[0], "label": 2}], "", ["p.jsonl:1", "PIQA", "'label'", "0 (sol1) or 1 (sol2)"]),
    ("p.jsonl", [{k: v for k, v in PIQA[0].items() if k != "label"}], "", ["p.jsonl:1", "missing field 'label'"]),
    ("x.jsonl", [{"prompt": "hi", "completion": "there"}], "", ["x.jsonl:1", "not a known task or benchmark schema",
                                                               "prompt, completion", "GSM8K"]),
    ("x.jsonl", [["a list"]], "", ["x.jsonl:1", "not a known task or benchmark schema", "a list"]),
    ("g.jsonl", GSM8K, "arc:", ["g.jsonl:1", "ARC", "'choices'"]),  # the prefix names the wrong benchmark
    ("b.jsonl", BOOLQ, "gsm8k:", ["b.jsonl:1", "GSM8K", "'answer'", "must be a string"]),
    ("e.jsonl", [], "", ["e.jsonl", "no records"]),
]


@pytest.mark.parametrize("name,records,prefix,words", WRONG)
def test_wrong_schema_is_one_line_naming_file_line_and_field(tmp_path, name, records, prefix, words):
    path = write_jsonl(tmp_path / name, records)
    with pytest.raises(InvalidInputError) as info:
        read_tasks([f"{prefix}{path}"])
    message = str(info.value)
    assert "\n" not in message
    for w in words:
        assert w in message, message


def test_unreadable_missing_and_duplicate_files(tmp_path, files):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "x", "answer": "#### 1"}\n{not json\n')
    with pytest.raises(CorruptFileError, match="bad.jsonl:2: not valid JSON"):
        read_tasks([bad])
    with pytest.raises(MissingFileError, match="nope.jsonl"):
        read_tasks([tmp_path / "nope.jsonl"])
    with pytest.raises(MissingFileError, match="nope.jsonl"):
        read_tasks([f"gsm8k:{tmp_path / 'nope.jsonl'}"])
    with pytest.raises(MissingFileError, match="nope.jsonl"):
        load_benchmark(tmp_path / "nope.jsonl", "gsm8k")
    with pytest.raises(InvalidInputError, match="unknown benchmark 'mmlu'"):
        load_benchmark(files["gsm8k_test.jsonl"], "mmlu")
    with pytest.raises(InvalidInputError, match="'gsm8k_test' is already used"):
        read_tasks([files["gsm8k_test.jsonl"], f"gsm8k:{files['gsm8k_test.jsonl']}"])
    with pytest.raises(InvalidInputError, match="no task files given"):
        read_tasks([])


def test_labeled_examples_are_examples():
    ex = LabeledExample("Q\nA. x\nB. y", "A", (("A", "x"), ("B", "y")))
    assert isinstance(ex, Example) and ex.to_dict() == {"input": "Q\nA. x\nB. y", "output": "A"}
    with pytest.raises(InvalidInputError):
        LabeledExample("Q", "A\nB")
