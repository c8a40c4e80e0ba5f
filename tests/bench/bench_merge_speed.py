"""`merge --strategy svd` time: from the factors (an orthonormal basis of the stacked A and of the stacked B, SVD of the
small core) vs the dense SVD of each module's ΔW, for two Gemma 3 270M adapters of the shipped generator's shape (all
seven projections, rank 8, 18 layers: 126 modules), merged back to rank 8. Target: ≤ 2 s on this machine's 2 cores.

The dense path (what `merge` did before) is timed on one module of each kind and scaled to the 126 modules: run in
full it takes minutes. Both paths are checked to give the same truncated ΔW on those modules. The factor path is timed
with numpy's BLAS threads as the environment sets them (the target's figure) and, interleaved, limited to one thread
(threadpoolctl, where installed): its matrices are small, and spinning BLAS threads cost more than they give on a busy
machine.

    python tests/bench/bench_merge_speed.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import fmt, median, now, random_adapter, verdict  # noqa: E402

import numpy as np  # noqa: E402

RANK = 8
TARGET_S = 2.0


def _dense_svd(adapters, slot, rank: int) -> np.ndarray:
    """The dense path: form ΔW = Σ scale_i B_i A_i (out × in) and truncate its full SVD."""
    delta = sum(a.scale * (a.weights[slot][1].astype(np.float64) @ a.weights[slot][0]) for a in adapters)
    u, s, vh = np.linalg.svd(delta, full_matrices=False)
    return (u[:, :rank] * s[:rank]) @ vh[:rank]


def _one_blas_thread():
    """A context that limits numpy's BLAS to one thread and yields True, or does nothing (False) without threadpoolctl."""
    import contextlib

    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext(False)

    @contextlib.contextmanager
    def limited():
        with threadpool_limits(limits=1, user_api="blas"):
            yield True

    return limited()


def run(quick: bool = False) -> list[dict]:
    from t2l_edge.export.merge import merge_with_report

    adapters = [random_adapter(RANK, seed=seed) for seed in (1, 2)]
    repeats = 3 if quick else 7
    times, one_thread = [], []
    for _ in range(repeats):
        t0 = now()
        merged, _ = merge_with_report(adapters, "svd", rank=RANK)
        times.append(now() - t0)
        with _one_blas_thread() as limited:
            t0 = now()
            merge_with_report(adapters, "svd", rank=RANK)
            if limited:
                one_thread.append(now() - t0)
    slots = list(merged.target.slots())
    sample = [next(s for s in slots if s[1] is kind) for kind in merged.target.modules]  # one module of each kind
    dense_s, worst = [], 0.0
    for slot in sample:
        t0 = now()
        reference = _dense_svd(adapters, slot, RANK)
        dense_s.append(now() - t0)
        worst = max(worst, float(np.abs(merged.delta(*slot) - reference).max() / np.abs(reference).max()))
    per_kind = len(slots) / len(sample)  # modules of each kind in the adapter (layers)
    dense_total = sum(dense_s) * per_kind
    factors = median(times)
    return [{
        "modules": len(slots), "rank_in": RANK, "rank_out": RANK, "repeats": repeats,
        "factors_s": factors, "factors_s_all": times, "factors_s_one_blas_thread": median(one_thread) if one_thread else None,
        "dense_s_estimated": dense_total,
        "dense_s_sampled": dense_s, "speedup": dense_total / factors, "max_rel_diff": worst,
        "target_s": TARGET_S, "pass": factors <= TARGET_S,
    }]


def to_markdown(results: list[dict]) -> str:
    r = results[0]
    return (
        "| path | 2 adapters × 126 modules, rank 8+8 → 8 | vs target |\n|---|---|---|\n"
        f"| svd from the factors (basis + {2 * r['rank_in']}×{2 * r['rank_in']} SVD), median of {r['repeats']} | "
        f"{r['factors_s']:.3f} s | {verdict(r['pass'])} (≤ {r['target_s']:.0f} s) |\n"
        f"| the same, BLAS limited to one thread | {fmt(r['factors_s_one_blas_thread'], '.3f')} s | |\n"
        f"| dense SVD of each ΔW (one module per kind, scaled to 126) | {r['dense_s_estimated']:.1f} s | "
        f"{r['speedup']:.0f}× slower |\n\n"
        f"Largest difference of the truncated ΔW between the two paths: {r['max_rel_diff']:.1e} of its largest entry."
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = run(args.quick)
    print(to_markdown(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
