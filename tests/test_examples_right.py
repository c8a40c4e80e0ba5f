"""The tasks the README, `make demo` and the server's playground show are tasks the shipped hypernetwork really does
(issue 19): each is asked through the real CLI (`t2l-edge apply`, the default int8 bundle, q4_0, the real Gemma 3
270M, greedy, the prompt mode the adapters record) on four inputs, and at least three answers must be right."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from t2l_edge.cli.demo import DEMO_FAMILIES
from t2l_edge.tasks.metrics import score
from t2l_edge.tasks.splits import Split, instances, split_descriptions
from t2l_edge.tasks.suite import FAMILIES

ROOT = Path(__file__).resolve().parents[1]
CLI = shutil.which("t2l-edge", path=str(Path(sys.executable).parent)) or "t2l-edge"
RIGHT_AT_LEAST = 3  # of four inputs
# The README's tasks, four inputs each with the answer a user expects (written by hand, not by the model).
README_TASKS = {
    "Is this review positive or negative?": [("an awful, boring film", "negative"), ("a warm and funny story", "positive"),
                                             ("the food was cold and bland", "negative"), ("I loved every minute", "positive")],
    "Give the plural of the noun.": [("mouse", "mice"), ("box", "boxes"), ("child", "children"), ("city", "cities")],
}
PLAYGROUND = json.loads((ROOT / "t2l_edge" / "serve" / "static" / "examples.json").read_text())["examples"]


def answers(task: str, inputs: list[str], tmp_path: Path) -> list[str]:
    prompts = tmp_path / "inputs.txt"
    prompts.write_text("\n".join(inputs) + "\n")
    done = subprocess.run([CLI, "apply", "--task", task, "--input-file", prompts, "--json"], capture_output=True,
                          text=True, timeout=600, env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"})
    assert done.returncode == 0, done.stderr
    return [row["adapter"] for row in json.loads(done.stdout)["answers"]]


def test_the_readme_asks_only_these_tasks():
    asked = set(re.findall(r'--task "([^"]+)"', (ROOT / "README.md").read_text()))
    assert asked and asked <= set(README_TASKS), asked - set(README_TASKS)


@pytest.mark.parametrize("task", README_TASKS)
def test_readme_task_is_done(task, tmp_path):
    pairs = README_TASKS[task]
    got = answers(task, [x for x, _ in pairs], tmp_path)
    right = [g.strip() == y for g, (_, y) in zip(got, pairs)]
    assert sum(right) >= RIGHT_AT_LEAST, list(zip(got, pairs))


def _family_is_done(name: str, description: str, tmp_path: Path) -> None:
    family = FAMILIES[name]
    examples = instances(family, Split.HELDOUT_DESCRIPTIONS, 4, seed=1)  # held-out inputs, as the demo shows
    got = answers(description, [e.input for e in examples], tmp_path)
    right = [score(family.metric, g, e.output, family.choices) == 1.0 for g, e in zip(got, examples)]
    assert sum(right) >= RIGHT_AT_LEAST, [(e.input, e.output, g) for g, e in zip(got, examples)]


@pytest.mark.parametrize("name", DEMO_FAMILIES)
def test_demo_task_is_done(name, tmp_path):
    _family_is_done(name, split_descriptions(FAMILIES[name], Split.HELDOUT_DESCRIPTIONS)[0], tmp_path)


@pytest.mark.parametrize("example", PLAYGROUND, ids=[e["family"] for e in PLAYGROUND])
def test_playground_task_is_done(example, tmp_path):
    _family_is_done(example["family"], example["task"], tmp_path)
