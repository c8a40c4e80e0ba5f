"""Throughput of t2l_edge.export.quants vs ggml's C quantizer, side by side.

    python tests/bench/bench_quants.py [--rows 2048] [--cols 2048] [--repeat 3]

Prints a markdown table (MB of float32 input per second, single thread for
both) and exposes ``run() -> list[dict]`` for a bench runner.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ for ggml_reference
import ggml_reference as gr  # noqa: E402

from t2l_edge.export.quants import QType, quantize  # noqa: E402

TYPES = [QType.F16, QType.BF16, QType.Q8_0, QType.Q4_0, QType.Q5_0, QType.Q4_K, QType.Q6_K]


def _best_time(fn, x, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(x)
        best = min(best, time.perf_counter() - t0)
    return best


def run(rows: int = 2048, cols: int = 2048, repeat: int = 3, types=None, seed: int = 0) -> list[dict]:
    """Benchmark each type on a (rows, cols) N(0, 0.02^2) float32 matrix.

    Returns one dict per type: type, rows, cols, ours_mb_s, ggml_mb_s (None if
    ggml is unavailable), ratio (ggml / ours; how many times slower we are),
    identical (bytes equal to ggml's)."""
    x = (np.random.default_rng(seed).standard_normal((rows, cols)) * 0.02).astype(np.float32)
    mb = x.nbytes / 1e6
    have_ggml = gr.available()
    results = []
    for qtype in types or TYPES:
        ours_t = _best_time(lambda a: quantize(a, qtype), x, repeat)
        rec = {
            "type": qtype.name,
            "rows": rows,
            "cols": cols,
            "ours_mb_s": mb / ours_t,
            "ggml_mb_s": None,
            "ratio": None,
            "identical": None,
        }
        if have_ggml:
            ggml_t = _best_time(lambda a: gr.ggml_quantize(a, qtype), x, repeat)
            rec["ggml_mb_s"] = mb / ggml_t
            rec["ratio"] = ours_t / ggml_t
            rec["identical"] = bool(np.array_equal(quantize(x, qtype), gr.ggml_quantize(x, qtype)))
        results.append(rec)
    return results


def to_markdown(results: list[dict]) -> str:
    lines = [
        "| type | matrix | ours MB/s | ggml C MB/s | ggml/ours (x slower) | bytes identical |",
        "|------|--------|----------:|------------:|---------------------:|:---------------:|",
    ]
    for r in results:
        g = f"{r['ggml_mb_s']:.1f}" if r["ggml_mb_s"] is not None else "n/a"
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "n/a"
        ident = {True: "yes", False: "NO", None: "n/a"}[r["identical"]]
        lines.append(f"| {r['type']} | {r['rows']}x{r['cols']} | {r['ours_mb_s']:.1f} | {g} | {ratio} | {ident} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=2048)
    ap.add_argument("--cols", type=int, default=2048)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--types", nargs="*", default=None, help="e.g. Q4_K Q6_K")
    a = ap.parse_args(argv)
    types = [QType[t] for t in a.types] if a.types else None
    if not gr.available():
        print(f"note: ggml reference unavailable ({gr.load_error()}); showing ours only")
    print(to_markdown(run(a.rows, a.cols, a.repeat, types)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
