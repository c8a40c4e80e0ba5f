"""Decode speed with an adapter vs without: the same LlamaCppRunner, greedy, the same prompt.

Configs: no adapter, a rank-8 all-projection adapter in q4_0, the same in f16; switched with set_adapters
(adapters preloaded) and run round-robin, several rounds; medians reported. The target is for n_threads=2; a
second runner at n_threads=1 runs in the same rounds for context (on a busy 2-core machine each extra graph node
is an extra thread barrier, so adapter overhead at 2 threads grows with the machine's load). Tokens come from
llama_cpp's `Llama.generate` (top_k=1): prompt time = until the first token, decode tok/s over the remaining ones.

    python tests/bench/bench_decode.py [--quick]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import base_model_path, median, now, random_adapter, verdict, write_adapter  # noqa: E402

PROMPT = "Input: the quick brown fox jumps over the lazy dog\nOutput:"
THREADS = (2, 1)  # the first is the one the target applies to
RANK = 8
TARGET_RATIO = 0.9


def _decode(runner, tokens: list[int], n: int) -> tuple[float, float, list[int]]:
    runner.reset()
    out = []
    t0 = now()
    t_first = None
    for tok in runner.llm.generate(tokens, top_k=1, top_p=1.0, min_p=0.0, temp=0.0, repeat_penalty=1.0, reset=True):
        out.append(tok)
        if t_first is None:
            t_first = now()
        if len(out) >= n:
            break
    t_end = now()
    return t_first - t0, (len(out) - 1) / (t_end - t_first), out


def run(quick: bool = False) -> list[dict]:
    from t2l_edge.runtimes.llama_cpp import LlamaCppRunner

    rounds = 2 if quick else 5
    n_tokens = 32 if quick else 64
    names = ["none", "q4_0", "f16"]
    runners, configs = {}, {}
    with tempfile.TemporaryDirectory(prefix="t2l-bench-") as tmp:
        adapter = random_adapter(RANK, seed=3)
        files = {r: write_adapter(adapter, Path(tmp) / f"{r}.gguf", r) for r in names[1:]}
        sizes = {r: Path(p).stat().st_size for r, p in files.items()}
        for nt in THREADS:
            runner = LlamaCppRunner(base_model_path(), n_ctx=512, n_threads=nt)
            loaded = {r: runner.load_adapter(p) for r, p in files.items()}
            runners[nt] = runner
            configs[nt] = {"none": [], **{r: [loaded[r]] for r in names[1:]}}
        tokens = runners[THREADS[0]].tokenize(PROMPT)
        for runner in runners.values():
            _decode(runner, tokens, 8)  # warm-up
        rates = {(nt, c): [] for nt in THREADS for c in names}
        prompt_s = {k: [] for k in rates}
        outputs = {}
        for rnd in range(rounds):
            order = names[rnd % len(names):] + names[: rnd % len(names)]
            for nt in THREADS if rnd % 2 == 0 else THREADS[::-1]:
                runner = runners[nt]
                for c in order:
                    runner.set_adapters(configs[nt][c])
                    p, rate, out = _decode(runner, tokens, n_tokens)
                    prompt_s[(nt, c)].append(p)
                    rates[(nt, c)].append(rate)
                    outputs.setdefault((nt, c), out)
        for runner in runners.values():
            runner.close()

    results = []
    for nt in THREADS:
        base = median(rates[(nt, "none")])
        for c in names:
            # Per-round ratios (each run against the base run of the same round) are robust to drifting load.
            per_round = [r / b for r, b in zip(rates[(nt, c)], rates[(nt, "none")])]
            is_target = c != "none" and nt == THREADS[0]
            ratio = median(rates[(nt, c)]) / base
            results.append(
                {
                    "adapter": "none" if c == "none" else f"rank {RANK}, all 7, {c} ({sizes[c] / 1e6:.2f} MB)",
                    "recipe": c,
                    "n_threads": nt,
                    "rounds": rounds,
                    "tokens": n_tokens,
                    "prompt_tokens": len(tokens),
                    "decode_tok_s": median(rates[(nt, c)]),
                    "decode_tok_s_all": rates[(nt, c)],
                    "prompt_s": median(prompt_s[(nt, c)]),
                    "ratio_vs_none": ratio,
                    "ratio_per_round_median": median(per_round),
                    "same_tokens_as_base": outputs[(nt, c)] == outputs[(nt, "none")],
                    "target_ratio": TARGET_RATIO if is_target else None,
                    "pass": (ratio >= TARGET_RATIO) if is_target else None,
                }
            )
    return results


def to_markdown(results: list[dict]) -> str:
    r0 = results[0]
    lines = [
        f"{r0['tokens']} greedy tokens after a {r0['prompt_tokens']}-token prompt, {r0['rounds']} interleaved rounds "
        f"(target applies to n_threads {THREADS[0]})",
        "",
        "| threads | adapter | decode tok/s (median) | min–max | prompt+1st token ms | × no adapter | × (per-round median) | target ≥ 0.9 | output differs from base |",
        "|--------:|---------|----------------------:|--------:|--------------------:|-------------:|---------------------:|:------------:|:------------------------:|",
    ]
    for r in results:
        target = verdict(r["pass"]) if r["target_ratio"] else ""
        differs = "" if r["recipe"] == "none" else ("no" if r["same_tokens_as_base"] else "yes")
        lines.append(
            f"| {r['n_threads']} | {r['adapter']} | {r['decode_tok_s']:.1f} | {min(r['decode_tok_s_all']):.1f}–"
            f"{max(r['decode_tok_s_all']):.1f} | {r['prompt_s'] * 1e3:.0f} | {r['ratio_vs_none']:.3f} | "
            f"{r['ratio_per_round_median']:.3f} | {target} | {differs} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(to_markdown(run("--quick" in sys.argv)))
