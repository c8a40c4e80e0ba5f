"""Hot swap vs reload: switching adapters in a loaded LlamaCppRunner vs constructing a fresh llama_cpp.Llama.

Hot swap = `runner.use(adapter)`: header check + llama_adapter_lora_init + set_adapters (KV reset) + free of the
previous adapter, from a path and from bytes (memfd). Reload = `Llama(model_path=..., lora_path=..., n_ctx=512,
n_threads=2, verbose=False)`, what a user does without hot swap. Both are followed by first logits on a short
prompt. Swaps and reloads are interleaved round by round and alternate between two rank-8 all-projection q4_0
adapters; medians reported. The logits after a swap are compared with those of a fresh load of the same adapter.

    python tests/bench/bench_swap.py [--quick]
"""

from __future__ import annotations

import gc
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import base_model_path, median, now, random_adapter, verdict  # noqa: E402

import numpy as np  # noqa: E402

from t2l_edge.export.gguf import to_gguf_bytes  # noqa: E402
from t2l_edge.io import write_bytes_atomic  # noqa: E402

PROMPT = "Input: the quick brown fox\nOutput:"
RECIPE = "q4_0"
RANK = 8
N_THREADS = 2
TARGET_SPEEDUP = 50.0


def _fresh(llama_cpp, model_path: str, lora_path: str, tokens: list[int]) -> tuple[float, float, np.ndarray]:
    t0 = now()
    llm = llama_cpp.Llama(model_path=model_path, lora_path=lora_path, n_ctx=512, n_threads=N_THREADS, verbose=False)
    t1 = now()
    llm.eval(tokens)
    logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm.ctx, -1), shape=(llm.n_vocab(),)).copy()
    t2 = now()
    llm.close()
    del llm
    gc.collect()
    return t1 - t0, t2 - t1, logits


def run(quick: bool = False) -> list[dict]:
    import llama_cpp

    from t2l_edge.runtimes.llama_cpp import LlamaCppRunner

    rounds = 2 if quick else 4
    swaps_per_round = 2 if quick else 3  # per variant (path, bytes)
    model_path = str(base_model_path())
    with tempfile.TemporaryDirectory(prefix="t2l-bench-") as tmp:
        blobs, paths = [], []
        for seed in (1, 2):
            blob = to_gguf_bytes(random_adapter(RANK, seed=seed), RECIPE)
            path = Path(tmp) / f"adapter{seed}.gguf"
            write_bytes_atomic(path, blob)
            blobs.append(blob)
            paths.append(str(path))
        adapter_bytes = len(blobs[0])

        runner = LlamaCppRunner(model_path, n_ctx=512, n_threads=N_THREADS)
        tokens = runner.tokenize(PROMPT)
        runner.use(paths[1])  # warm-up, so the first timed swap frees a previous adapter like every other
        runner.last_logits(PROMPT)
        t = {"path": ([], []), "bytes": ([], []), "control": ([], []), "reload": ([], [])}
        swap_logits: dict[int, np.ndarray] = {}
        max_diff = 0.0
        i = 0
        for _ in range(rounds):
            for _ in range(swaps_per_round):
                for variant in ("path", "bytes"):
                    k = i % 2
                    i += 1
                    source = paths[k] if variant == "path" else blobs[k]
                    t0 = now()
                    runner.use(source)
                    t1 = now()
                    logits = runner.last_logits(PROMPT)
                    t2 = now()
                    t[variant][0].append(t1 - t0)
                    t[variant][1].append(t2 - t1)
                    if k in swap_logits:
                        max_diff = max(max_diff, float(np.abs(swap_logits[k] - logits).max()))
                    swap_logits.setdefault(k, logits)
            t0 = now()  # control: first logits again with the adapter already active (no switch)
            runner.last_logits(PROMPT)
            t["control"][0].append(0.0)
            t["control"][1].append(now() - t0)
            k = i % 2
            i += 1
            load_s, first_s, logits = _fresh(llama_cpp, model_path, paths[k], tokens)
            t["reload"][0].append(load_s)
            t["reload"][1].append(first_s)
            max_diff = max(max_diff, float(np.abs(swap_logits[k] - logits).max()))
        runner.close()

    reload_total = median([a + b for a, b in zip(*t["reload"])])
    reload_switch = median(t["reload"][0])
    results = []
    for variant, label in (("path", "hot swap: runner.use(path)"), ("bytes", "hot swap: runner.use(bytes)"),
                           ("control", "control: no switch, adapter already active"),
                           ("reload", "reload: Llama(lora_path=...)")):
        sw, fl = t[variant]
        total = median([a + b for a, b in zip(sw, fl)])
        is_swap = variant in ("path", "bytes")
        speedup = reload_total / total
        results.append(
            {
                "method": label,
                "runs": len(sw),
                "switch_s": median(sw),
                "first_logits_s": median(fl),
                "total_s": total,
                "switch_min_s": min(sw),
                "switch_max_s": max(sw),
                "speedup_total_vs_reload": speedup,
                "speedup_switch_vs_reload": reload_switch / median(sw) if median(sw) else None,
                "adapter": f"rank {RANK}, all 7 projections, {RECIPE}, {adapter_bytes} bytes",
                "prompt_tokens": len(tokens),
                "max_abs_logit_diff_vs_fresh": max_diff,
                "target_speedup": TARGET_SPEEDUP if is_swap else None,
                "pass": (speedup >= TARGET_SPEEDUP) if is_swap else None,
                "pass_switch_only": (reload_switch / median(sw) >= TARGET_SPEEDUP) if is_swap else None,
            }
        )
    return results


def to_markdown(results: list[dict]) -> str:
    r0 = results[0]
    lines = [
        f"Adapter: {r0['adapter']}; prompt {r0['prompt_tokens']} tokens; n_threads {N_THREADS}; "
        f"max |logit diff| swap vs fresh load of the same adapter: {r0['max_abs_logit_diff_vs_fresh']:.3g}",
        "",
        "| method | runs | switch/load ms | first logits ms | total ms | reload ÷ this (total) | reload ÷ this (switch only) | target ≥ 50× |",
        "|--------|-----:|---------------:|----------------:|---------:|----------------------:|----------------------------:|:------------:|",
    ]
    for r in results:
        target = verdict(r["pass"]) if r["target_speedup"] else ""
        sw_ratio = f"{r['speedup_switch_vs_reload']:.1f}×" if r["speedup_switch_vs_reload"] else "—"
        lines.append(
            f"| {r['method']} | {r['runs']} | {r['switch_s'] * 1e3:.1f} | {r['first_logits_s'] * 1e3:.1f} | "
            f"{r['total_s'] * 1e3:.1f} | {r['speedup_total_vs_reload']:.1f}× | {sw_ratio} | {target} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(to_markdown(run("--quick" in sys.argv)))
