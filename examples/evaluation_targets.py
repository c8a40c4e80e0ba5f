"""The issue-10 targets of the default hypernetwork, read from examples/evaluate_default.sh's results.

    python examples/evaluation_targets.py OUT_DIR

Prints one line per target: the measured figure (with evaluate's 95% interval where it computed one), the bar and
whether it is met. The difference between two runs (q4_0 vs f16) is `t2l-edge compare`'s, paired per example."""

import functools
import json
import sys
from pathlib import Path

from t2l_edge.evaluate.compare import compare_results


@functools.cache  # each results file is read once
def load(out: Path, name: str) -> dict:
    return json.loads((out / f"{name}.json").read_text())


def mean(result: dict, condition: str) -> tuple[float, list[float]]:
    m = next(m for m in result["means"] if m["condition"] == condition)
    return 100 * m["mean"], [100 * x for x in m["ci"]]


def difference(result: dict, a: str, b: str) -> tuple[float, list[float]]:
    d = next(d for d in result["differences"] if (d["a"], d["b"]) == (a, b))
    return 100 * d["difference"], [100 * x for x in d["ci"]]


# (what, results file, condition a, condition b, bar on a − b in points; None: reported, no target)
DIFFERENCE_TARGETS = (
    ("families: T2L − base+desc", "families", "t2l", "base+desc", 15),
    ("families: T2L − multitask", "families-multitask", "t2l", "multitask", 5),
    ("families: T2L with k=3 cards − icl (k=3)", "families", "t2l+card", "icl", 0),
    ("families: k=3 card − k=0 (description only)", "families", "t2l+card", "t2l", None),
    ("compositions: T2L − base+desc", "compositions", "t2l", "base+desc", 20),
    ("descriptions: matched − mismatched", "descriptions", "t2l", "mismatched", 40),
)
# (what, results file, condition, bar on its mean)
MEAN_TARGETS = (
    ("descriptions: T2L", "descriptions", "t2l", 70.0),
    ("old suite's held-out descriptions (was 67.0)", "descriptions-v1", "t2l", 67.0),
)
SPLITS = (("held-out families", "families"), ("held-out compositions", "compositions"),
          ("held-out descriptions", "descriptions"), ("held-out parameter values", "parameters"),
          ("old suite's held-out descriptions", "descriptions-v1"))


def line(what: str, shown: str, ci: list[float] | None, bar: str, met: bool) -> str:
    interval = f" [{ci[0]:.1f}, {ci[1]:.1f}]" if ci else ""
    return f"{what:<48} {shown}{interval:<16} target {bar:<10} {'met' if met else 'MISSED'}"


def main(out: str) -> None:
    out = Path(out)
    for label, name in SPLITS:
        shown = ", ".join(f"{m['condition']} {100 * m['mean']:.1f}" for m in load(out, name)["means"])
        print(f"{label} ({len(load(out, name)['tasks'])} tasks): {shown}")
    print()
    rows = []
    for what, name, a, b, bar in DIFFERENCE_TARGETS:
        d, ci = difference(load(out, name), a, b)
        rows.append(line(what, f"{d:+.1f}", ci, "(report)" if bar is None else f"≥ {bar:+d}", bar is None or d >= bar))
    for what, name, condition, bar in MEAN_TARGETS:
        v, ci = mean(load(out, name), condition)
        rows.append(line(what, f"{v:.1f}", ci, f"≥ {bar:g}", v >= bar))
    q4_vs_f16 = compare_results(load(out, "descriptions"), load(out, "descriptions-f16")).estimate
    d, ci = 100 * q4_vs_f16.value, [100 * q4_vs_f16.low, 100 * q4_vs_f16.high]
    rows.append(line("descriptions: q4_0 − f16", f"{d:+.1f}", ci, "within 2", abs(d) <= 2))
    print("\n".join(rows))


if __name__ == "__main__":
    main(*sys.argv[1:])
