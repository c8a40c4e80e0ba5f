"""Adapter file size per recipe relative to f16, and time to write it (to_gguf_bytes + write to a file).

Main row: a rank-32 Gemma 3 270M adapter on all seven projections. Context rows: rank 8 on q_proj, v_proj.
Recipes are timed round-robin (interleaved) and repeated; medians reported.

    python tests/bench/bench_sizes.py [--quick]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import fmt, median, now, random_adapter, verdict  # noqa: E402

from t2l_edge.export.gguf import plan, to_gguf_bytes  # noqa: E402
from t2l_edge.export.recipes import Recipe  # noqa: E402
from t2l_edge.io import write_bytes_atomic  # noqa: E402

TARGETS = {"q4_0": 0.30, "q4_k_m": 0.36}  # max size relative to f16, rank-32 all-projection adapter
CONFIGS = [
    ("r32 all 7", 32, None),
    ("r8 q,v", 8, ["q_proj", "v_proj"]),
]


def run(quick: bool = False) -> list[dict]:
    repeat = 1 if quick else 3
    recipes = list(Recipe)
    results = []
    with tempfile.TemporaryDirectory(prefix="t2l-bench-") as tmp:
        for label, rank, modules in CONFIGS:
            adapter = random_adapter(rank, modules)
            times = {r: {"bytes": [], "write": []} for r in recipes}
            sizes = {}
            for rep in range(repeat):
                order = recipes if rep % 2 == 0 else recipes[::-1]
                for recipe in order:
                    t0 = now()
                    data = to_gguf_bytes(adapter, recipe)
                    t1 = now()
                    write_bytes_atomic(Path(tmp) / f"{recipe.value}.gguf", data)
                    t2 = now()
                    times[recipe]["bytes"].append(t1 - t0)
                    times[recipe]["write"].append(t2 - t1)
                    sizes[recipe] = os.path.getsize(Path(tmp) / f"{recipe.value}.gguf")
            f16 = sizes[Recipe.F16]
            for recipe in recipes:
                types = sorted({t.qtype.name for t in plan(adapter, recipe)})
                ratio = sizes[recipe] / f16
                target = TARGETS.get(recipe.value) if rank == 32 and modules is None else None
                results.append(
                    {
                        "adapter": label,
                        "rank": rank,
                        "modules": modules or "all",
                        "params": adapter.num_parameters(),
                        "recipe": recipe.value,
                        "tensor_types": types,
                        "bytes": sizes[recipe],
                        "ratio_vs_f16": ratio,
                        "encode_s": median(times[recipe]["bytes"]),
                        "write_s": median(times[recipe]["write"]),
                        "total_s": median([a + b for a, b in zip(times[recipe]["bytes"], times[recipe]["write"])]),
                        "input_mb_s": adapter.num_parameters() * 4 / 1e6
                        / median([a + b for a, b in zip(times[recipe]["bytes"], times[recipe]["write"])]),
                        "repeats": repeat,
                        "target_max_ratio": target,
                        "pass": None if target is None else ratio <= target,
                    }
                )
    return results


def to_markdown(results: list[dict]) -> str:
    lines = [
        "| adapter | recipe | tensor types | size MB | × f16 | target | encode ms | write ms | total ms | f32 MB/s |",
        "|---------|--------|--------------|--------:|------:|:------:|----------:|---------:|---------:|---------:|",
    ]
    for r in results:
        target = f"≤ {r['target_max_ratio']:.2f} {verdict(r['pass'])}" if r["target_max_ratio"] else ""
        lines.append(
            f"| {r['adapter']} | {r['recipe']} | {' '.join(r['tensor_types'])} | {r['bytes'] / 1e6:.2f} | "
            f"{r['ratio_vs_f16']:.3f} | {target} | {r['encode_s'] * 1e3:.0f} | {r['write_s'] * 1e3:.0f} | "
            f"{r['total_s'] * 1e3:.0f} | {fmt(r['input_mb_s'])} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(to_markdown(run("--quick" in sys.argv)))
