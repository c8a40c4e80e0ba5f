"""Merging generated adapters: does a `cat` merge of two adapters from the shipped hypernetwork do both tasks, and
what does `svd` back to the original rank cost?

For each pair of suite families (chosen before measuring: different themes, each with 24 held-out instances),
adapters are generated from each family's first held-out description (int8 CPU
bundle), then merged: `cat` (exact ΔW sum, rank 2r) and `svd` (that sum truncated back to rank r; its mean
truncation error ‖ΔW − ΔW_r‖/‖ΔW‖ over modules is reported). Each task is scored on held-out instances through the
device path (`evaluate()` with the adapters given by name: q4_0 GGUF, llama.cpp on the Q4_K_M base, greedy) with its
own adapter, the merged ones and the base. Target: the cat merge keeps ≥ 90% of each task's own accuracy.

    python tests/bench/bench_merge.py [--quick] [--examples N]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import base_model_path, fmt, now, verdict  # noqa: E402

import numpy as np  # noqa: E402

PAIRS = [  # different themes, 24 held-out instances each, fixed before any measurement
    ("sentiment", "first_word"),
    ("singular_or_plural", "initials"),
    ("uppercase", "add"),
    ("reverse_words", "parity"),
]
TARGET_KEEP = 0.9
RECIPE = "q4_0"
SEED = 1


def run(quick: bool = False, examples: int | None = None) -> list[dict]:
    from t2l_edge.evaluate.conditions import given_conditions, parse_conditions
    from t2l_edge.evaluate.runner import evaluate
    from t2l_edge.export.gguf import to_gguf_bytes
    from t2l_edge.export.merge import merge_with_report
    from t2l_edge.export.onnx import default_bundle
    from t2l_edge.runtimes.llama_cpp import LlamaCppRunner
    from t2l_edge.runtimes.onnxruntime import Generator
    from t2l_edge.tasks.splits import family_task
    from t2l_edge.tasks.suite import FAMILIES

    n = examples or (8 if quick else 24)
    pairs = PAIRS[:3] if quick else PAIRS
    names = sorted({name for pair in pairs for name in pair})
    tasks = {name: family_task(FAMILIES[name], "heldout-descriptions", n, SEED) for name in names}
    generator = Generator.load(default_bundle())
    runner = LlamaCppRunner(base_model_path(), n_ctx=512, n_threads=2)
    current = {"blob": None}

    def complete(prompt, blob, max_tokens):
        if blob is not current["blob"]:
            runner.use(blob)
            current["blob"] = blob
        return runner.generate(prompt, max_tokens=max_tokens, stop=["\n"])

    # Every family's adapter: their mean is what the generator puts into any adapter (its shared component).
    center = generator.generate([tasks[name].descriptions[0] for name in names])
    rows = []
    with runner:
        for a_name, b_name in pairs:
            ta, tb = tasks[a_name], tasks[b_name]
            a, b = generator.generate([ta.descriptions[0], tb.descriptions[0]])
            t0 = now()
            cat, _ = merge_with_report([a, b], "cat")
            avg, _ = merge_with_report([a, b], "cat", [0.5, 0.5])
            # the generator's shared component (the mean adapter of every family here) counted once, not twice
            rel, _ = merge_with_report([a, b, *center], "cat", [1.0, 1.0] + [-1.0 / len(center)] * len(center))
            t_cat = now() - t0
            t0 = now()
            svd, report = merge_with_report([a, b], "svd", rank=a.rank)
            t_svd = now() - t0
            errors = list(report.truncation_error.values())
            va, vb = (np.concatenate([x.delta(*slot).ravel() for slot in list(x.target.slots())[::7]]) for x in (a, b))
            cosine = float(va @ vb / np.linalg.norm(va) / np.linalg.norm(vb))  # ΔW of the two, every 7th module
            for task, own in ((ta, a), (tb, b)):
                given = {"own": own, "cat": cat, "avg": avg, "rel": rel, "svd": svd}
                res = evaluate([task], parse_conditions("base") + given_conditions(list(given)), None, complete,
                               lambda ad: to_gguf_bytes(ad, RECIPE), given=given, seed=SEED, resamples=500)
                acc = {c: res.cell(task.name, c).accuracy for c in ("base", *given)}
                print(f"{task.name}: " + ", ".join(f"{c} {e.value:.2f}" for c, e in acc.items()), file=sys.stderr, flush=True)
                keep = acc["cat"].value / acc["own"].value if acc["own"].value > 0 else None
                rows.append({
                    "pair": f"{a_name} + {b_name}", "task": task.name, "n": res.tasks[0].n,
                    **{f"acc_{c}": e.value for c, e in acc.items()},
                    **{f"ci_{c}": [e.low, e.high] for c, e in acc.items()},
                    "cat_keeps": keep, "svd_keeps": acc["svd"].value / acc["own"].value if acc["own"].value > 0 else None,
                    "avg_keeps": acc["avg"].value / acc["own"].value if acc["own"].value > 0 else None,
                    "rel_keeps": acc["rel"].value / acc["own"].value if acc["own"].value > 0 else None,
                    "cos_own_other": cosine,
                    "rank_own": own.rank, "rank_cat": cat.rank, "rank_svd": svd.rank,
                    "svd_error_mean": float(np.mean(errors)), "svd_error_max": float(np.max(errors)),
                    "merge_ms_cat": t_cat * 1000, "merge_ms_svd": t_svd * 1000,
                    "pass": None if keep is None else keep >= TARGET_KEEP,
                })
    return rows


def to_markdown(rows: list[dict]) -> str:
    head = ("| pair | task | n | base | own | cat 1+1 (rank 2r) | kept | avg ½+½ | kept | a+b−mean | kept | svd 1+1 → r |"
            " kept | svd err mean / max | cos(ΔW_a, ΔW_b) | cat ≥ 90% |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    lines = [head]
    pct = lambda x: f"{100 * x:.0f}"  # noqa: E731
    for r in rows:
        lines.append(
            f"| {r['pair']} | {r['task']} | {r['n']} | {pct(r['acc_base'])} | {pct(r['acc_own'])} | {pct(r['acc_cat'])} | "
            f"{fmt(r['cat_keeps'], '.2f')} | {pct(r['acc_avg'])} | {fmt(r['avg_keeps'], '.2f')} | {pct(r['acc_rel'])} | "
            f"{fmt(r['rel_keeps'], '.2f')} | {pct(r['acc_svd'])} | {fmt(r['svd_keeps'], '.2f')} | "
            f"{r['svd_error_mean']:.3f} / {r['svd_error_max']:.3f} | {r['cos_own_other']:.2f} | {verdict(r['pass'])} |"
        )
    lines.append("")
    for key, label in (("cat_keeps", "cat 1+1"), ("avg_keeps", "avg ½+½"), ("rel_keeps", "a+b−mean"), ("svd_keeps", "svd → r")):
        pairs_ok: dict[str, list[bool]] = {}
        for r in rows:
            pairs_ok.setdefault(r["pair"], []).append(r[key] is not None and r[key] >= TARGET_KEEP)
        good = sum(all(v) for v in pairs_ok.values())
        lines.append(f"- {label}: keeps ≥ 90% of both tasks' own accuracy on {good} of {len(pairs_ok)} pairs (target ≥ 3)")
    lines.append(f"\nAccuracy in %, greedy, q4_0 adapters, ranks {rows[0]['rank_own']} → cat {rows[0]['rank_cat']}, "
                 f"svd {rows[0]['rank_svd']}; a+b−mean subtracts the mean adapter of the {len({r['task'] for r in rows})} "
                 "families here once (cat with weights 1, 1, −1/8 …).")
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--examples", type=int)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = run(args.quick, args.examples)
    print(to_markdown(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
