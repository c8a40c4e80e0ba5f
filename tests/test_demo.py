"""`make demo` as a user runs it: the shipped hypernetwork's adapters on the real Gemma 3 270M for its four tasks
(one from real data, in French), base and adapted answers scored by each family's own metric."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from t2l_edge.cli.demo import DEMO_FAMILIES, INPUTS_PER_TASK
from t2l_edge.tasks.splits import Split, family_split
from t2l_edge.tasks.suite import FAMILIES


def test_demo_tasks_are_trained_families_that_the_device_install_can_sample():
    assert all(family_split(name) is Split.TRAIN for name in DEMO_FAMILIES)  # held-out wordings exist for each
    # `make demo` runs on the [llama] install: no family whose data comes from a [train] package
    assert all(FAMILIES[name].source == "hand-written" for name in DEMO_FAMILIES)


@pytest.mark.slow
def test_demo_adapters_answer_more_inputs_than_the_base_told_the_task():
    done = subprocess.run([sys.executable, "-m", "t2l_edge.cli.demo"], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "COLUMNS": "250"})
    assert done.returncode == 0, done.stderr[-2000:]
    tallies = re.findall(r"right: base (\d)/(\d), adapted (\d)/(\d)", done.stdout)
    assert len(tallies) == len(DEMO_FAMILIES) and {int(t[1]) for t in tallies} == {INPUTS_PER_TASK}
    base, adapted = sum(int(t[0]) for t in tallies), sum(int(t[2]) for t in tallies)
    assert adapted > base, done.stdout[-3000:]
    assert re.search(r"validate on \S+ at context \d+: .* — fits", done.stdout), done.stdout[-1000:]
