"""Rows that implement Super-NaturalInstructions tasks as generators (`Family.sni`): each one's `solve` against at
least ten of the task's own instances (tests/fixtures/sni/), and its sampler against its own `solve`."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from t2l_edge.tasks import FAMILIES
from t2l_edge.tasks.metrics import normalize

VECTORS = Path(__file__).parent / "fixtures" / "sni"
MIN_VECTORS = 10
SNI_ROWS = [f for f in FAMILIES.values() if f.sni]


def vectors(task: str) -> list[dict]:
    return json.loads((VECTORS / f"{task}.json").read_text())["instances"]


def test_the_corpus_implements_sixty_sni_tasks():
    assert len({f.sni for f in SNI_ROWS}) >= 60


@pytest.mark.parametrize("row", SNI_ROWS, ids=lambda f: f.name)
def test_solve_gives_the_sni_answer_of_each_test_vector(row):
    data = json.loads((VECTORS / f"{row.sni}.json").read_text())
    assert data["task"] == row.sni and data["license"] == "Apache-2.0" and row.sni in data["source"]
    cases = data["instances"]
    assert len(cases) >= MIN_VECTORS
    wrong = [(c["input"], row.solve(c["input"]), c["output"]) for c in cases
             if normalize(row.solve(c["input"])) not in {normalize(o) for o in c["output"]}]
    assert wrong == []


@pytest.mark.parametrize("row", SNI_ROWS, ids=lambda f: f.name)
def test_sampled_instances_are_short_one_line_and_solvable(row):
    rng = random.Random(f"sni:{row.name}")
    inputs = {row.sample(rng) for _ in range(40)}
    assert len(inputs) >= 10, "the sampler repeats itself"
    for x in inputs:
        y = row.solve(x)
        assert 0 < len(x) <= 80 and 0 < len(y) <= 48 and "\n" not in x + y, (x, y)
    assert "Apache-2.0" in row.source and row.sni.split("_")[0] in row.source
