"""The issue-19 targets of the default hypernetwork, read from examples/evaluate_default.sh's results.

    python examples/evaluation_targets.py OUT_DIR [--markdown]

Prints one line per target (or, with --markdown, the model card's table): the measured figure with its 95% interval
(evaluate's bootstrap, paired per example for differences), the bar and whether it is met. "Best T2L" is the better
of the two prompt modes on that split (bare `t2l`, instructed `t2l+desc`), named in the row."""

import functools
import json
import sys
from pathlib import Path

from t2l_edge.evaluate.compare import compare_results

MODES = ("t2l", "t2l+desc")


@functools.cache  # each results file is read once
def load(out: Path, name: str) -> dict:
    return json.loads((out / f"{name}.json").read_text())


def mean(result: dict, condition: str) -> tuple[float, list[float]]:
    m = next(m for m in result["means"] if m["condition"] == condition)
    return 100 * m["mean"], [100 * x for x in m["ci"]]


def difference(out: Path, name: str, a: str, b: str) -> tuple[float, list[float]] | None:
    """a − b on one split: within its results file, else against condition b's own file (`NAME-B.json`, as
    evaluate_default.sh writes the multitask baseline), paired per example; None when b was not run."""
    result = load(out, name)
    d = next((d for d in result["differences"] if {d["a"], d["b"]} == {a, b}), None)
    if d is not None:
        sign = 1 if (d["a"], d["b"]) == (a, b) else -1
        low, high = sorted(sign * 100 * x for x in d["ci"])
        return sign * 100 * d["difference"], [low, high]
    if not (out / f"{name}-{b}.json").is_file():
        return None
    c = compare_results(result, load(out, f"{name}-{b}"), a, b).estimate
    return 100 * c.value, [100 * c.low, 100 * c.high]


def best_mode(result: dict) -> str:
    return max(MODES, key=lambda c: mean(result, c)[0])


# (what, results file, condition a (None: the best mode), condition b, bar on a − b, interval must be above 0)
DIFFERENCE_TARGETS = (
    ("held-out operations: instructed T2L − multitask LoRA", "families", "t2l+desc", "multitask", 2, True),
    ("held-out operations: best T2L − base+desc", "families", None, "base+desc", 20, False),
    ("held-out compositions: best T2L − base+desc", "compositions", None, "base+desc", 20, False),
    ("held-out wordings: matched − mismatched (bare)", "descriptions", "t2l", "mismatched", 45, False),
    ("held-out parameter values: best T2L − base+desc", "parameters", None, "base+desc", None, False),
)
# (what, results file, condition, bar on its mean)
MEAN_TARGETS = (
    ("held-out wordings of training rows (bare)", "descriptions", "t2l", 75.0),
    ("held-out wordings of training rows (instructed)", "descriptions", "t2l+desc", None),
    ("first suite's held-out wordings (bare; was 67.0)", "descriptions-v1", "t2l", 67.0),
)
SPLITS = (("held-out operations", "families"), ("held-out compositions", "compositions"),
          ("held-out parameter values", "parameters"), ("held-out wordings of training rows", "descriptions"),
          ("first suite's held-out wordings", "descriptions-v1"))


def rows(out: Path) -> list[tuple[str, str, str, str]]:
    """(what, measured with interval, bar, verdict) per target."""
    table = []
    for what, name, a, b, bar, above_zero in DIFFERENCE_TARGETS:
        picked = a is None  # the best mode is named in the row; a fixed one is in `what`
        a = a or best_mode(load(out, name))
        measured = difference(out, name, a, b)
        if measured is None:
            table.append((what, "not measured", f"≥ {bar:+d}", f"no {b} condition in {name}.json or {name}-{b}.json"))
            continue
        d, ci = measured
        met = bar is None or (d >= bar and (not above_zero or ci[0] > 0))
        shown_bar = "report" if bar is None else f"≥ {bar:+d}" + (", interval > 0" if above_zero else "")
        table.append((what + (f" ({a})" if picked else ""), f"{d:+.1f} [{ci[0]:+.1f}, {ci[1]:+.1f}]", shown_bar,
                      "" if bar is None else "met" if met else "MISSED"))
    for what, name, condition, bar in MEAN_TARGETS:
        v, ci = mean(load(out, name), condition)
        table.append((what, f"{v:.1f} [{ci[0]:.1f}, {ci[1]:.1f}]", "report" if bar is None else f"≥ {bar:g}",
                      "" if bar is None else "met" if v >= bar else "MISSED"))
    q4 = compare_results(load(out, "descriptions"), load(out, "descriptions-f16")).estimate
    d, low, high = 100 * q4.value, 100 * q4.low, 100 * q4.high
    table.append(("held-out wordings: q4_0 − f16 adapters (bare)", f"{d:+.1f} [{low:+.1f}, {high:+.1f}]", "within ±2",
                  "met" if abs(d) <= 2 else "MISSED"))
    return table


def main(out: str, *flags: str) -> None:
    out = Path(out)
    split_lines = []
    for label, name in SPLITS:
        result = load(out, name)
        shown = ", ".join(f"{m['condition']} {100 * m['mean']:.1f}" for m in result["means"])
        split_lines.append(f"{label} ({len(result['tasks'])} tasks): {shown}")
    table = rows(out)
    if "--markdown" in flags:
        print("| split | " + " | ".join(("conditions (accuracy %)",)) + " |\n|---|---|")
        print("\n".join(f"| {line.split(' (')[0]} | {line.split(': ', 1)[1]} |" for line in split_lines))
        print("\n| measure | measured [95% interval] | target | |\n|---|---|---|---|")
        print("\n".join(f"| {w} | {m} | {b} | {v} |" for w, m, b, v in table))
        return
    print("\n".join(split_lines) + "\n")
    print("\n".join(f"{w:<62} {m:<24} target {b:<24} {v}" for w, m, b, v in table))


if __name__ == "__main__":
    main(*sys.argv[1:])
