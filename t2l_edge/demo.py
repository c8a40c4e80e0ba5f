"""`make demo`: the adapter path end to end on the real Gemma 3 270M, with nothing to answer.

Until the shipped hypernetwork exists this uses a seeded random adapter: it shows the formats, the quantization
recipes, hot swapping in llama.cpp and what each recipe costs in size and in fidelity (KL to the f32 adapter).
"""

from __future__ import annotations

import time

import numpy as np
from rich.console import Console
from rich.table import Table

from .adapter import LoraAdapter
from .export.gguf import to_gguf_bytes
from .export.recipes import Recipe
from .gguf_reader import read_gguf
from .models import default_base_model
from .runtimes.llama_cpp import LlamaCppRunner
from .targets import TargetSpec

DEMO_PROFILE = "raspberry-pi-5-4gb"
DEMO_CONTEXT = 2048
PROMPTS = ["The capital of France is", "Question: What is 2 + 3?\nAnswer:"]


def _kl(p: np.ndarray, q: np.ndarray) -> float:
    lp, lq = (x.astype(np.float64) - np.logaddexp.reduce(x.astype(np.float64)) for x in (p, q))
    return float(np.sum(np.exp(lp) * (lp - lq)))


def main() -> None:
    console = Console()
    t0 = time.perf_counter()
    base_path = default_base_model()
    console.rule("t2l-edge demo: LoRA adapters on Gemma 3 270M through llama.cpp")
    runner = LlamaCppRunner(base_path, n_ctx=512, n_threads=2)
    spec = TargetSpec.from_gguf(runner.base)
    console.print(f"base: {base_path} ({base_path.stat().st_size / 2**20:.0f} MiB), {spec.architecture}, "
                  f"{spec.n_layers} layers; loaded in {time.perf_counter() - t0:.1f} s")

    adapter = LoraAdapter.random(spec.select(["q_proj", "v_proj", "down_proj"]), 8, alpha=16, seed=0, std=0.02,
                                 task="demo: a random rank-8 adapter")
    runner.use(to_gguf_bytes(adapter, "f32"))
    reference = {p: runner.last_logits(p) for p in PROMPTS}

    table = Table("recipe", "size", "vs f16", "write ms", "swap ms", "KL to f32", title="one adapter, every recipe")
    f16_size = len(to_gguf_bytes(adapter, "f16"))
    for recipe in Recipe:
        t = time.perf_counter()
        data = to_gguf_bytes(adapter, recipe)
        write_ms = (time.perf_counter() - t) * 1e3
        t = time.perf_counter()
        runner.use(data)
        swap_ms = (time.perf_counter() - t) * 1e3
        kl = max(_kl(reference[p], runner.last_logits(p)) for p in PROMPTS)
        table.add_row(recipe.value, f"{len(data) / 1024:.0f} KiB", f"{len(data) / f16_size:.2f}×",
                      f"{write_ms:.0f}", f"{swap_ms:.1f}", f"{kl:.4f}")
    console.print(table)

    answers = Table("prompt", "base", "with the q4_0 adapter", show_lines=True, title="hot swap: base vs adapted")
    adapted_bytes = to_gguf_bytes(adapter, "q4_0")
    for p in PROMPTS:
        runner.use(None)
        base_answer = runner.generate(p, max_tokens=16, stop=["\n\n"])
        runner.use(adapted_bytes)
        answers.add_row(p, base_answer, runner.generate(p, max_tokens=16, stop=["\n\n"]))
    console.print(answers)
    runner.close()
    _validate(console, runner.base, read_gguf(adapted_bytes, name="the q4_0 adapter"))
    console.print(f"demo finished in {time.perf_counter() - t0:.1f} s")


def _validate(console: Console, base, adapter) -> None:
    """What `t2l-edge validate` says of this deployment on a default device profile."""
    from .device_profiles import load_profile
    from .memory import AdapterTerm, BaseModelInfo, LlamaSettings, MemoryRequest, estimate

    profile = load_profile(DEMO_PROFILE)
    request = MemoryRequest(profile, LlamaSettings(DEMO_CONTEXT), BaseModelInfo.from_gguf(base),
                            (AdapterTerm.from_gguf(adapter),))
    use = estimate(request).binding
    console.print(f"validate on {profile.name} at context {DEMO_CONTEXT}: {use.used / 2**20:.0f} MiB of "
                  f"{use.budget / 2**20:.0f} MiB budget ({use.ratio:.0%}) — {use.verdict.value}  "
                  f"(t2l-edge validate --device-profile {DEMO_PROFILE} --context {DEMO_CONTEXT} for the table)")


if __name__ == "__main__":
    main()
