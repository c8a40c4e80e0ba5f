"""Two evaluation runs compared on the examples both scored: is one hypernetwork (checkpoint, quantization, encoder)
better than another, with the same paired, stratified bootstrap that `evaluate` gives differences between
conditions of one run.

Pairing needs the same examples: both runs must come from the same task file (`evaluate` numbers each task's examples
0, 1, ...), which is checked example by example against the references the runs recorded. The comparison is over the
tasks both runs scored under their condition (less the excluded ones), and within a task over the indices both have.
"""

from __future__ import annotations

import math
import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InvalidInputError
from ..io import parse_json, read_text
from ..text import quote
from .runner import (BOOTSTRAP_RESAMPLES, MEAN_METHOD, RESULTS_FORMAT, RESULTS_VERSION, Interval, percentile_interval,
                     resampled_means)


@dataclass(frozen=True)
class TaskPair:
    task: str
    n: int  # examples both runs scored
    accuracy_a: float
    accuracy_b: float


@dataclass(frozen=True)
class Comparison:
    condition_a: str
    condition_b: str
    tasks: list[TaskPair]
    mean_a: float
    mean_b: float
    estimate: Interval  # mean_a − mean_b, macro over tasks

    @property
    def examples(self) -> int:
        return sum(t.n for t in self.tasks)

    def to_dict(self) -> dict:
        return {"condition_a": self.condition_a, "condition_b": self.condition_b, "tasks": len(self.tasks),
                "examples": self.examples, "mean_a": self.mean_a, "mean_b": self.mean_b,
                "difference": self.estimate.value, "ci": [self.estimate.low, self.estimate.high],
                "method": self.estimate.method,
                "per_task": [{"task": t.task, "n": t.n, "accuracy_a": t.accuracy_a, "accuracy_b": t.accuracy_b}
                             for t in self.tasks]}


def read_results(path: str | os.PathLike) -> dict:
    """An `evaluate --output` file, with its predictions (a file written without them cannot be paired)."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInputError(f"{path}: no such results file")
    text = read_text(path)
    try:
        data = parse_json(text, str(path), InvalidInputError)
    except InvalidInputError as e:
        raise InvalidInputError(f"{e}: not an evaluate results file") from None
    if not isinstance(data, dict) or data.get("format") != RESULTS_FORMAT:
        raise InvalidInputError(f"{path}: not an evaluate results file (format is not {RESULTS_FORMAT!r})")
    if data.get("version") != RESULTS_VERSION:
        raise InvalidInputError(f"{path}: results version {quote(repr(data.get('version')), 40)}, this t2l-edge reads "
                                f"version {RESULTS_VERSION}")
    if not isinstance(data.get("predictions"), list):
        raise InvalidInputError(f"{path}: the results hold no predictions to pair")
    return data


def scored_examples(results: Mapping, condition: str, where: str) -> dict[str, dict[int, tuple[str, float]]]:
    """task -> example index -> (reference, score) under one condition."""
    out: dict[str, dict[int, tuple[str, float]]] = {}
    try:
        for p in results["predictions"]:
            if p["condition"] == condition:
                out.setdefault(str(p["task"]), {})[int(p["index"])] = (str(p["reference"]), _score(p["score"], where))
    except (KeyError, TypeError, ValueError, OverflowError) as e:
        if isinstance(e, InvalidInputError):
            raise
        raise InvalidInputError(f"{where}: a prediction lacks a field or has a wrong type ({quote(e, 80)})") from None
    if not out:
        ran = sorted({str(p.get("condition")) for p in results["predictions"] if isinstance(p, dict)})
        raise InvalidInputError(f"{where}: no predictions under condition {condition!r} (it has: {', '.join(ran)})")
    return out


def _score(value, where: str) -> float:
    """A prediction's score: a number in [0, 1] (every metric scores 1 or 0; a benchmark may give a fraction)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (math.isfinite(value) and 0 <= value <= 1):
        raise InvalidInputError(f"{where}: a prediction's score is {quote(repr(value), 40)}, not a number in [0, 1]")
    return float(value)


def compare_results(a: Mapping, b: Mapping, condition_a: str = "t2l", condition_b: str | None = None,
                    exclude: Collection[str] = (), seed: int = 0, resamples: int = BOOTSTRAP_RESAMPLES,
                    names: tuple[str, str] = ("A", "B")) -> Comparison:
    """Run a's `condition_a` minus run b's `condition_b` (default: the same condition), paired per example."""
    condition_b = condition_b or condition_a
    left = scored_examples(a, condition_a, names[0])
    right = scored_examples(b, condition_b, names[1])
    shared = [t for t in left if t in right and t not in exclude]
    if not shared:
        raise InvalidInputError(f"{names[0]} and {names[1]} scored no task in common"
                                + (" outside the excluded ones" if exclude else ""))
    rng = np.random.default_rng(seed)
    pairs, boot_a, boot_b = [], [], []
    for task in shared:
        indices = sorted(left[task].keys() & right[task].keys())
        if not indices:
            continue
        for i in indices:
            if left[task][i][0] != right[task][i][0]:
                raise InvalidInputError(
                    f"{names[0]} and {names[1]} scored different examples (task {task!r}, example {i}: reference "
                    f"{left[task][i][0]!r} vs {right[task][i][0]!r}): compare runs of the same task file")
        sa = np.array([left[task][i][1] for i in indices])
        sb = np.array([right[task][i][1] for i in indices])
        ra, rb = resampled_means([sa, sb], resamples, rng)
        pairs.append(TaskPair(task, len(indices), float(sa.mean()), float(sb.mean())))
        boot_a.append(ra)
        boot_b.append(rb)
    if not pairs:
        raise InvalidInputError(f"{names[0]} and {names[1]} share no scored example")
    mean_a = float(np.mean([p.accuracy_a for p in pairs]))
    mean_b = float(np.mean([p.accuracy_b for p in pairs]))
    samples = np.mean(boot_a, axis=0) - np.mean(boot_b, axis=0)
    return Comparison(condition_a, condition_b, pairs, mean_a, mean_b,
                      Interval(mean_a - mean_b, *percentile_interval(samples), MEAN_METHOD))
