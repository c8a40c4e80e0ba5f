"""Estimated vs measured peak RSS of the device pipeline (llama.cpp, Gemma 3 270M), across contexts and adapters.

Each row runs the real pipeline in a fresh child process (`t2l_edge.runtimes.measure`): load the base with the adapter
active, evaluate a prompt that fills the context, decode 16 tokens; peak RSS from VmHWM (reset per phase) and a
2 ms VmRSS sampler. The estimate is `t2l_edge.memory` for this host (its CPU kernels, a Python process). The KV
column compares our KV estimate with the size llama.cpp logs in the same run.

    python tests/bench/bench_memory.py [--quick]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import base_model_path, random_adapter, verdict, write_adapter  # noqa: E402

from t2l_edge.gguf_reader import read_gguf  # noqa: E402
from t2l_edge.runtimes.measure import host_profile, measure_pipeline  # noqa: E402
from t2l_edge.memory import (  # noqa: E402
    AdapterTerm,
    BaseModelInfo,
    LlamaSettings,
    MemoryRequest,
    Pool,
    estimate,
    kv_cache,
)

MiB = 1 << 20
TOLERANCE = 0.15
# label -> (rank, modules, recipe); None: the base alone
ADAPTERS = {
    "none": None,
    "r8 q,v f16": (8, ["q_proj", "v_proj"], "f16"),
    "r32 all f16": (32, None, "f16"),
    "r32 all q4_k_m": (32, None, "q4_k_m"),
    "r32 all f32": (32, None, "f32"),
}
FULL = [(c, a) for c in (512, 1024, 2048, 4096, 8192) for a in ("none", "r32 all f16")] + [
    (4096, a) for a in ("r8 q,v f16", "r32 all q4_k_m", "r32 all f32")
]
QUICK = [(512, "none"), (512, "r32 all f16"), (2048, "none")]


def run(quick: bool = False) -> list[dict]:
    base_path = base_model_path()
    base = BaseModelInfo.from_path(base_path)
    host = host_profile()
    results = []
    with tempfile.TemporaryDirectory(prefix="t2l-bench-memory-") as tmp:
        files = {}
        for context, label in QUICK if quick else FULL:
            spec = ADAPTERS[label]
            if spec is not None and label not in files:
                rank, modules, recipe = spec
                files[label] = write_adapter(random_adapter(rank, modules), Path(tmp) / f"{label}.gguf", recipe)
            adapters = [files[label]] if spec is not None else []
            m = measure_pipeline(base_path, adapters, context)
            terms = tuple(AdapterTerm.from_gguf(read_gguf(p)) for p in adapters)
            est = estimate(MemoryRequest(host, LlamaSettings(context, prompt_tokens=m.prompt_tokens), base, terms))
            used = est.pool(Pool.HOST).used
            error = (used - m.peak_rss) / m.peak_rss
            kv_est = kv_cache(base, LlamaSettings(context)).total / MiB
            results.append(
                {
                    "context": context,
                    "adapter": label,
                    "adapter_mib": sum(t.nbytes for t in terms) / MiB,
                    "prompt_tokens": m.prompt_tokens,
                    "estimated_mib": used / MiB,
                    "measured_mib": m.peak_rss / MiB,
                    "error": error,
                    "kv_estimated_mib": kv_est,
                    "kv_llama_mib": m.llama_buffers.get("kv"),
                    "seconds": sum(p.seconds for p in m.phases),
                    "cpu_kernels": host.cpu_kernels.value,
                    "target": f"±{TOLERANCE:.0%}",
                    "pass": abs(error) <= TOLERANCE,
                }
            )
            print(_row(results[-1]), file=sys.stderr, flush=True)
    return results


def _row(r: dict) -> str:
    kv = "n/a" if r["kv_llama_mib"] is None else f"{r['kv_estimated_mib']:.2f} / {r['kv_llama_mib']:.2f}"
    return (
        f"| {r['context']} | {r['adapter']} | {r['adapter_mib']:.1f} | {r['prompt_tokens']} | {kv} | "
        f"{r['estimated_mib']:.1f} | {r['measured_mib']:.1f} | {r['error']:+.1%} {verdict(r['pass'])} | "
        f"{r['seconds']:.0f} |"
    )


def to_markdown(results: list[dict]) -> str:
    kernels = results[0]["cpu_kernels"] if results else "?"
    lines = [
        f"Gemma 3 270M Q4_K_M, llama-cpp-python 0.3.36, f16 KV cache, n_threads 2, CPU kernels {kernels}. "
        "Prompt fills the context; 16 tokens decoded. Target: estimate within ±15% of measured peak RSS.",
        "",
        "| context | adapter | adapter MiB | prompt tokens | KV MiB ours / llama.cpp | estimated MiB | measured peak MiB"
        " | error | seconds |",
        "|--------:|---------|------------:|--------------:|------------------------:|--------------:|------------------:"
        "|------:|--------:|",
    ]
    lines += [_row(r) for r in results]
    return "\n".join(lines)


if __name__ == "__main__":
    print(to_markdown(run("--quick" in sys.argv)))
