"""examples/evaluation_targets.py and examples/card_targets.py: the scripts that turn evaluate's results into the
model card's targets table (issue 19) and the card targets (issue 20). Their inputs here are real `evaluate()` runs,
written as the CLI writes them, with a stand-in model whose accuracy per condition the test chooses: each target line
must show the figure that choice implies and the right verdict."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_evaluate import SPEC, Generated, encode

from t2l_edge.adapter import LoraAdapter
from t2l_edge.evaluate.conditions import parse_conditions
from t2l_edge.evaluate.report import write_results
from t2l_edge.evaluate.runner import evaluate
from t2l_edge.tasks.format import Example, Task
from t2l_edge.tasks.suite import FAMILIES

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
N = 5  # examples per task
# suite names: card_targets.py splits the tasks by FAMILIES[name].sni
NAMES = [next(k for k, v in FAMILIES.items() if v.sni), *[k for k, v in FAMILIES.items() if not v.sni][:2]]


def make_tasks() -> list[Task]:
    return [Task(name, [f"Do task {name}.", f"Please do {name}."], [Example(f"{name} {i}", f"{name}-{i}") for i in range(N)])
            for name in NAMES]


def condition_of(prompt: str, adapter: bytes | None, task: Task) -> str:
    """Which condition made this call, from what the stand-in model is given."""
    head = prompt.rpartition("Input: ")[0]
    shots = "Output:" in head  # solved examples before the input: icl
    if adapter is None:
        return "icl" if shots else "base+desc" if head.strip() else "base"
    text = adapter.decode().removeprefix("adapter:")
    if text == "multitask":
        return "multitask"
    if text.split("\n")[0] not in task.descriptions:
        return "mismatched"
    if "\nInput: " in text:
        return "t2l+card+icl" if shots else "t2l+card"
    return "t2l+desc" if head.strip() else "t2l"


def run(tasks: list[Task], conditions: str, right: dict[str, int], path: Path) -> None:
    """Evaluate `conditions`; under condition c, example i of every task is answered right exactly when i < right[c]."""
    by_input = {ex.input: (t, i) for t in tasks for i, ex in enumerate(t.examples)}

    def complete(prompt, adapter, max_tokens):
        task, i = by_input[prompt.rpartition("Input: ")[2].removesuffix("\nOutput:")]
        return task.examples[i].output if i < right[condition_of(prompt, adapter, task)] else "wrong"

    multitask = LoraAdapter.zeros(SPEC, 1, task="multitask")
    results = evaluate(tasks, parse_conditions(conditions), Generated(), complete, encode, multitask=multitask, shots=2)
    write_results(results, path)


def script(name: str, *args) -> str:
    done = subprocess.run([sys.executable, str(EXAMPLES / name), *map(str, args)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def line(out: str, start: str) -> str:
    found = [x for x in out.splitlines() if x.startswith(start)]
    assert len(found) == 1, (start, out)
    return found[0]


def test_evaluation_targets_reads_every_split_and_judges_each_bar(tmp_path):
    tasks = make_tasks()
    right = {"base+desc": 1, "t2l": 3, "t2l+desc": 4, "mismatched": 0, "multitask": 4}  # of 5 examples
    for name in ("families", "compositions", "parameters"):
        run(tasks, "base+desc,t2l,t2l+desc", right, tmp_path / f"{name}.json")
    run(tasks, "multitask", right, tmp_path / "families-multitask.json")
    run(tasks, "t2l,t2l+desc,mismatched", right, tmp_path / "descriptions.json")
    run(tasks, "t2l", {**right, "t2l": 2}, tmp_path / "descriptions-f16.json")  # f16 adapters: one example fewer
    run(tasks, "base+desc,t2l,t2l+desc", {**right, "t2l": 5}, tmp_path / "descriptions-v1.json")

    out = script("evaluation_targets.py", tmp_path)
    assert line(out, "held-out operations (3 tasks)") == "held-out operations (3 tasks): base+desc 20.0, t2l 60.0, t2l+desc 80.0"
    # the multitask LoRA from its own file, paired per example: equal here, so exactly 0 and not above the bar
    assert re.search(r"instructed T2L − multitask LoRA\s+\+0\.0 \[\+0\.0, \+0\.0\]\s+target ≥ \+2, interval > 0\s+MISSED$",
                     line(out, "held-out operations: instructed"))
    assert re.search(r"best T2L − base\+desc \(t2l\+desc\)\s+\+60\.0 \[.*\]\s+target ≥ \+20\s+met$",
                     line(out, "held-out operations: best"))
    assert re.search(r"matched − mismatched \(bare\)\s+\+60\.0 .*target ≥ \+45\s+met$", line(out, "held-out wordings: matched"))
    assert re.search(r"training rows \(bare\)\s+60\.0 \[.*\]\s+target ≥ 75\s+MISSED$", line(out, "held-out wordings of training rows (bare)"))
    assert re.search(r"\(bare; was 67\.0\)\s+100\.0 .*target ≥ 67\s+met$", line(out, "first suite's held-out wordings (bare"))
    assert re.search(r"q4_0 − f16 adapters \(bare\)\s+\+20\.0 .*target within ±2\s+MISSED$", line(out, "held-out wordings: q4_0"))

    table = script("evaluation_targets.py", tmp_path, "--markdown")
    assert "| held-out wordings of training rows (bare) | 60.0 [" in table and "| ≥ 75 | MISSED |" in table

    (tmp_path / "families-multitask.json").unlink()  # the baseline not run: said, not a crash
    assert "not measured" in line(script("evaluation_targets.py", tmp_path), "held-out operations: instructed")


@pytest.mark.parametrize("card_right, verdict", [(5, "met"), (1, "MISSED")])
def test_card_targets_pairs_card_and_description_on_all_and_sni_rows(tmp_path, card_right, verdict):
    tasks = make_tasks()
    right = {"t2l": 1, "t2l+desc": 2, "t2l+card": card_right, "icl": 4, "t2l+card+icl": 5}
    (tmp_path / "cards").mkdir()
    (tmp_path / "default").mkdir()
    run(tasks, "t2l,t2l+desc,t2l+card,icl,t2l+card+icl", right, tmp_path / "cards" / "cards.json")
    run(tasks, "t2l,t2l+desc", {**right, "t2l": 2}, tmp_path / "default" / "families.json")
    out = script("card_targets.py", tmp_path / "cards", tmp_path / "default")
    sections = out.split("# ")[1:]
    assert [s.splitlines()[0] for s in sections] == ["held-out operations (3 tasks)", "their SNI rows (1 tasks)"]
    for section in sections:
        card = 20 * card_right
        assert re.search(rf"^card vs description: t2l\+card {card}\.0 − t2l 20\.0 = \+{card - 20}\.0 \[.*\] on \d tasks"
                         rf"\s+{verdict} \(bar ≥ \+10\)$", section, re.M), section
        assert re.search(rf"^card / icl: {card}\.0 / 80\.0 = {card / 80:.2f}\s+{'met' if card >= 64 else 'MISSED'} ", section, re.M)
        assert re.search(r"^card \+ icl vs icl: .* = \+20\.0 \[.*\s+met \(bar ≥ \+5\)$", section, re.M), section
        assert re.search(r"^description only, this generator − the default \(t2l\): t2l 20\.0 − t2l 40\.0 = -20\.0", section, re.M)
