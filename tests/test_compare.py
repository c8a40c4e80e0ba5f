"""`t2l-edge compare`: two evaluate runs of one task file, paired per example. The runs come from the real
`evaluate()` with deterministic completers (which examples each gets right is chosen by the test), written and read
back as the CLI does."""

from __future__ import annotations

import json

import numpy as np
import pytest
from cli_helpers import assert_one_line_error, run
from test_evaluate import Generated, encode, make_tasks

from t2l_edge.errors import InvalidInputError
from t2l_edge.evaluate.compare import compare_results, read_results
from t2l_edge.evaluate.conditions import parse_conditions
from t2l_edge.evaluate.report import write_results
from t2l_edge.evaluate.runner import evaluate
from t2l_edge.tasks.format import Example, Task


def answering(tasks, right):
    """A completer that answers example i of a task right exactly when right(task, i, adapter is not None)."""
    where = {ex.input: (t.name, i, ex.output) for t in tasks for i, ex in enumerate(t.examples)}

    def complete(prompt, adapter, max_tokens):
        task, i, output = where[prompt.rpartition("Input: ")[2].removesuffix("\nOutput:")]
        return output if right(task, i, adapter is not None) else "wrong"

    return complete


def run_of(tasks, right, conditions="t2l", limit=None):
    return evaluate(tasks, parse_conditions(conditions), Generated(), answering(tasks, right), encode, limit=limit).to_dict()


def test_difference_is_the_macro_mean_of_per_task_differences():
    tasks = make_tasks()  # 3 tasks × 5 examples
    a = run_of(tasks, lambda t, i, _: i % 2 == 0 or t == "echo")  # 3/5, 3/5, 5/5
    b = run_of(tasks, lambda t, i, _: i < 2)  # 2/5 each
    c = compare_results(a, b)
    assert [(p.task, p.n, p.accuracy_a, p.accuracy_b) for p in c.tasks] == [
        ("upper", 5, 0.6, 0.4), ("double", 5, 0.6, 0.4), ("echo", 5, 1.0, 0.4)]
    assert c.mean_a == pytest.approx(11 / 15) and c.mean_b == pytest.approx(0.4)
    assert c.estimate.value == pytest.approx(1 / 3) and c.examples == 15
    assert c.estimate.low < c.estimate.value < c.estimate.high
    back = compare_results(b, a)  # the same draws, mirrored
    assert back.estimate.value == pytest.approx(-c.estimate.value)
    assert (back.estimate.low, back.estimate.high) == pytest.approx((-c.estimate.high, -c.estimate.low))
    assert compare_results(a, b).estimate == c.estimate  # seeded


def test_pairing_makes_equal_runs_exactly_equal():
    """Runs that answer alike differ by exactly 0 with a [0, 0] interval, though each mean is uncertain: each
    resample draws the same examples for both (unpaired, the interval would be wide)."""
    tasks = make_tasks()
    a = run_of(tasks, lambda t, i, _: i % 3 != 0)
    c = compare_results(a, json.loads(json.dumps(a)))
    assert (c.estimate.value, c.estimate.low, c.estimate.high) == (0.0, 0.0, 0.0)


def test_conditions_of_one_run_compare_as_evaluate_differences_them():
    """t2l vs base within one run: the same point estimate as evaluate's own difference, a like interval."""
    tasks = make_tasks()
    both = run_of(tasks, lambda t, i, adapter: (i % 2 == 0) if adapter else (i == 0 and t != "echo"), "base,t2l")
    own = next(d for d in both["differences"] if (d["a"], d["b"]) == ("t2l", "base"))
    c = compare_results(both, both, "t2l", "base")
    assert c.estimate.value == pytest.approx(own["difference"])
    assert np.allclose([c.estimate.low, c.estimate.high], own["ci"], atol=0.07)  # different draws, same statistic


def test_only_shared_tasks_and_examples_count():
    tasks = make_tasks()
    a = run_of(tasks, lambda t, i, _: True, limit=3)
    b = run_of(tasks[:2], lambda t, i, _: i == 4)  # 'echo' not run; example 4 right, beyond a's limit
    c = compare_results(a, b)
    assert [(p.task, p.n) for p in c.tasks] == [("upper", 3), ("double", 3)] and c.estimate.value == 1.0
    assert [p.task for p in compare_results(a, b, exclude={"upper"}).tasks] == ["double"]
    with pytest.raises(InvalidInputError, match="no task in common outside the excluded ones"):
        compare_results(a, b, exclude={"upper", "double"})


def test_runs_of_different_examples_are_refused():
    tasks = make_tasks()
    other = [Task(t.name, t.descriptions, [Example(ex.input + "x", ex.output + "x") for ex in t.examples]) for t in tasks]
    a, b = run_of(tasks, lambda *_: True), run_of(other, lambda *_: True)
    with pytest.raises(InvalidInputError, match=r"different examples \(task 'upper', example 0: reference 'UP0' vs 'UP0x'\)"):
        compare_results(a, b)
    with pytest.raises(InvalidInputError, match=r"no predictions under condition 'base' \(it has: t2l\)"):
        compare_results(a, a, "base")


def test_cli_compares_two_results_files(capsys, tmp_path):
    tasks = make_tasks()
    for name, right in (("new", lambda t, i, _: i != 1), ("old", lambda t, i, _: i == 0)):
        write_results(evaluate(tasks, parse_conditions("t2l"), Generated(), answering(tasks, right), encode), tmp_path / f"{name}.json")
    tasks_file = tmp_path / "upper.jsonl"
    tasks_file.write_text(json.dumps({"name": "upper", "descriptions": ["Shout."], "examples": [{"input": "a", "output": "A"}]}) + "\n")
    code, out, err = run(capsys, "compare", tmp_path / "new.json", tmp_path / "old.json", "-x", tasks_file, "-o", tmp_path / "c.json")
    assert code == 0, err
    saved = json.loads((tmp_path / "c.json").read_text())
    assert [t["task"] for t in saved["per_task"]] == ["double", "echo"]  # 'upper' excluded
    assert saved["difference"] == pytest.approx(0.6) and saved["mean_a"] == pytest.approx(0.8)
    assert "A − B on 2 tasks, 10 examples" in out and "+60.0 [" in out


def test_cli_bad_results_files_are_one_line_errors(capsys, tmp_path):
    tasks = make_tasks()
    results = evaluate(tasks, parse_conditions("t2l"), Generated(), answering(tasks, lambda *_: True), encode)
    write_results(results, tmp_path / "ok.json")
    write_results(results, tmp_path / "bare.json", predictions=False)
    (tmp_path / "junk.json").write_text("{not json")
    (tmp_path / "other.json").write_text(json.dumps({"format": "something-else"}))
    for name, words in (("missing.json", ["no such results file"]), ("junk.json", ["not an evaluate results file"]),
                        ("other.json", ["format is not 't2l-edge-evaluation'"]), ("bare.json", ["no predictions to pair"])):
        code, _, err = run(capsys, "compare", tmp_path / "ok.json", tmp_path / name)
        assert code == 2
        assert_one_line_error(code, err, name, *words)
    code, _, err = run(capsys, "compare", tmp_path / "ok.json", tmp_path / "ok.json", "--condition", "icl")
    assert code == 2 and "no predictions under condition 'icl'" in err
    assert read_results(tmp_path / "ok.json")["format"] == "t2l-edge-evaluation"
