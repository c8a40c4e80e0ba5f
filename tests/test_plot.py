"""`evaluate --plot` stays readable from 20 to 400 tasks: one row per task (the mean on top), every condition in each
row, a height that grows with the rows and a fixed width."""

from __future__ import annotations

import struct

import pytest

from t2l_edge.adapter import LoraAdapter
from t2l_edge.evaluate.conditions import parse_conditions
from t2l_edge.evaluate.report import BARS_MAX_TASKS, PNG_DPI, chart_figure, plot_results
from t2l_edge.evaluate.runner import evaluate
from t2l_edge.targets import ModuleKind, ModuleShape, TargetSpec
from t2l_edge.tasks.format import Example, Task

SPEC = TargetSpec("llama", 1, {ModuleKind.Q: ModuleShape(4, 4)})
CONDITIONS = "base,base+desc,t2l,t2l+desc,mismatched"


def results_for(n_tasks: int):
    """A real evaluation with a small deterministic runtime: task i answers 'yes' to i mod 5 of its 4 examples."""
    tasks = [Task(f"task_{i:03d}_" + "x" * (i % 50), (f"Do task {i}.",), tuple(Example(f"q{j}", "yes") for j in range(4)))
             for i in range(n_tasks)]

    def complete(prompt: str, adapter, max_tokens: int) -> str:
        i, j = int(prompt.split("q")[-1].split("\n")[0]), len(prompt)
        return "yes" if (j + (adapter or b"").__len__()) % 5 < 3 or i == 0 else "no"

    def make(texts):
        return [LoraAdapter.random(SPEC, 2, seed=len(t)) for t in texts]

    return evaluate(tasks, parse_conditions(CONDITIONS), make, complete, lambda a: a.weights[(0, ModuleKind.Q)][0].tobytes(),
                    resamples=100)


def png_size(path) -> tuple[int, int]:
    return struct.unpack(">II", path.read_bytes()[16:24])


@pytest.mark.slow
def test_chart_scales_with_the_number_of_tasks(tmp_path):
    sizes = {}
    for n in (20, 100, 400):
        results = results_for(n)
        fig = chart_figure(results)
        (ax,) = fig.axes
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert len(labels) == n + 1 and labels[0] == "mean"  # one row per task, the mean on top
        assert labels[1].startswith("task_000") and labels[-1].startswith(f"task_{n - 1:03d}")
        assert all(len(label) <= 48 for label in labels)  # long names shortened, never dropped
        legend = [t.get_text() for t in fig.legends[0].get_texts()]
        assert legend == CONDITIONS.split(",")  # every condition, side by side in each row
        if n <= BARS_MAX_TASKS:
            assert len(ax.patches) == (n + 1) * 5  # a bar per condition per row
        else:
            assert len(ax.containers) == 5  # a dot series per condition
        sizes[n] = png_size(plot_results(results, tmp_path / f"{n}.png"))
    widths = {w for w, _ in sizes.values()}
    assert max(widths) - min(widths) < 80  # the width does not grow with the tasks (labels are shortened)
    # Height in pixels per row: at least 20 px (legible 7-8 pt labels), and the chart grows with the rows.
    for n, (_, h) in sizes.items():
        assert 20 <= h / (n + 1) <= 120, (n, h)
    assert sizes[400][1] > 3 * sizes[100][1] > 3 * sizes[20][1]
    assert sizes[400][1] < 65_000  # below PNG viewers' limits
    assert PNG_DPI >= 100
