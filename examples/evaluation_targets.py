"""The issue-10 targets of the default hypernetwork, read from examples/evaluate_default.sh's results.

    python examples/evaluation_targets.py OUT_DIR

Prints one line per target: the measured figure (with evaluate's 95% interval where it computed one), the bar and
whether it is met. Differences between two runs (q4_0 vs f16) are macro means over the tasks both scored."""

import json
import sys
from pathlib import Path


def load(out: Path, name: str) -> dict:
    return json.loads((out / f"{name}.json").read_text())


def mean(result: dict, condition: str) -> tuple[float, list[float]]:
    m = next(m for m in result["means"] if m["condition"] == condition)
    return 100 * m["mean"], [100 * x for x in m["ci"]]


def difference(result: dict, a: str, b: str) -> tuple[float, list[float]]:
    d = next(d for d in result["differences"] if (d["a"], d["b"]) == (a, b))
    return 100 * d["difference"], [100 * x for x in d["ci"]]


def task_means(result: dict, condition: str) -> dict[str, float]:
    return {s["task"]: s["accuracy"] for s in result["scores"] if s["condition"] == condition}


def line(what: str, value: float, ci: list[float] | None, bar: str, met: bool) -> str:
    shown = f"{value:+.1f}" if bar.startswith(("≥ +", "within", "(")) else f"{value:.1f}"
    interval = f" [{ci[0]:.1f}, {ci[1]:.1f}]" if ci else ""
    return f"{what:<48} {shown}{interval:<16} target {bar:<10} {'met' if met else 'MISSED'}"


def main(out: str) -> None:
    out = Path(out)
    fam, comp, desc = load(out, "families"), load(out, "compositions"), load(out, "descriptions")
    rows = []
    for name, result in (("held-out families", fam), ("held-out compositions", comp), ("held-out descriptions", desc),
                         ("held-out parameter values", load(out, "parameters")),
                         ("old suite's held-out descriptions", load(out, "descriptions-v1"))):
        shown = ", ".join(f"{m['condition']} {100 * m['mean']:.1f}" for m in result["means"])
        print(f"{name} ({len(result['tasks'])} tasks): {shown}")
    print()
    d, ci = difference(fam, "t2l", "base+desc")
    rows.append(line("families: T2L − base+desc", d, ci, "≥ +15", d >= 15))
    d, ci = difference(load(out, "families-multitask"), "t2l", "multitask")
    rows.append(line("families: T2L − multitask", d, ci, "≥ +5", d >= 5))
    d, ci = difference(fam, "t2l+card", "icl")
    rows.append(line("families: T2L with k=3 cards − icl (k=3)", d, ci, "≥ +0", d >= 0))
    d, ci = difference(fam, "t2l+card", "t2l")
    rows.append(line("families: k=3 card − k=0 (description only)", d, ci, "(report)", True))
    d, ci = difference(comp, "t2l", "base+desc")
    rows.append(line("compositions: T2L − base+desc", d, ci, "≥ +20", d >= 20))
    v, ci = mean(desc, "t2l")
    rows.append(line("descriptions: T2L", v, ci, "≥ 70", v >= 70))
    d, ci = difference(desc, "t2l", "mismatched")
    rows.append(line("descriptions: matched − mismatched", d, ci, "≥ +40", d >= 40))
    q4, f16 = task_means(desc, "t2l"), task_means(load(out, "descriptions-f16"), "t2l")
    common = sorted(q4.keys() & f16.keys())
    d = 100 * sum(q4[t] - f16[t] for t in common) / len(common)
    rows.append(line("descriptions: q4_0 − f16", d, None, "within 2", abs(d) <= 2))
    v, ci = mean(load(out, "descriptions-v1"), "t2l")
    rows.append(line("old suite's held-out descriptions (was 67.0)", v, ci, "≥ 67.0", v >= 67.0))
    print("\n".join(rows))


if __name__ == "__main__":
    main(*sys.argv[1:])
