"""Training benchmarks on Gemma 3 270M (fp32, CPU): SFT step time, tokens/s and peak memory with answer-only logits
vs full logits; hypernetwork forward time and parameter count per variant.

SFT step: the real trainer step (`Trainer.train_step`: hypernetwork forward, per-sample LoRA hooks, base forward and
backward, AdamW; LoRA r8 on q_proj, v_proj) on two workloads:
  - `long`: batch 4 × 128 tokens (long inputs, one-word answers), the set-up of the field notes' PEFT measurement,
    where the 262k-vocabulary head over every position is most of a step. The target applies here.
  - `suite`: batch 8 of the built-in suite (~12 tokens a sample). At ~100 positions the head's matmul is bound by
    reading its 671 MB weight, once forward and once backward, whatever the number of rows: both modes pay that.
Each measurement is a fresh child process (so its peak memory is its own): load, one warm-up step, reset VmHWM, timed
steps; the modes alternate, the table shows medians over all their steps. Tokens/s counts non-padding tokens.

    python tests/bench/bench_train.py [--quick]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import fmt, median, verdict  # noqa: E402

TARGET_RATIO = 1.8  # answer-only vs full logits, step time
FAMILIES = ["reverse_words", "first_letter", "add", "sort_words", "uppercase", "count_words",
            "antonym", "celsius_to_fahrenheit"]
MODES = {"answer-only logits": False, "full logits": True}
VARIANT_MODULES = {"q,v": ["q_proj", "v_proj"], "all 7": None}
MiB = 1 << 20


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return -1


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS (Linux ≥ 4.0)
        return True
    except OSError:
        return False


def _long_tasks(path: Path) -> None:
    """Two tasks with ~120-token inputs and one-word answers (first / last word of a long word list)."""
    import random

    from t2l_edge.tasks.format import Example, Task, save_tasks
    rng = random.Random(0)
    words = ["apple", "river", "stone", "cloud", "green", "table", "music", "light", "paper", "horse", "dream",
             "glass", "sugar", "bread", "plant", "chair", "water", "night", "smile", "train"]
    inputs = [" ".join(rng.choice(words) for _ in range(rng.randint(100, 110))) for _ in range(32)]
    save_tasks([
        Task("first_of_many", ["Give the first word."], [Example(x, x.split()[0]) for x in inputs]),
        Task("last_of_many", ["Give the last word."], [Example(x, x.split()[-1]) for x in inputs]),
    ], path)


WORKLOADS = {
    "long": {"batch_size": 4, "tasks_per_step": 2, "max_length": 128},
    "suite": {"split": "train", "families": FAMILIES, "batch_size": 8, "tasks_per_step": 4, "max_length": 128},
}


def worker(workload: str, full_logits: bool, steps: int, threads: int) -> dict:
    """One child process: build the SFT trainer on Gemma 3 270M, warm up, time `steps` steps."""
    import torch

    from t2l_edge.train.config import TrainConfig
    from t2l_edge.train.loop import Trainer

    torch.set_num_threads(threads)
    with tempfile.TemporaryDirectory(prefix="t2l-bench-train-") as tmp:
        data = dict(WORKLOADS[workload])
        if "split" not in data:
            _long_tasks(Path(tmp) / "long.jsonl")
            data["tasks"] = [str(Path(tmp) / "long.jsonl")]
        config = TrainConfig.from_dict({
            "data": data, "optim": {"steps": 1000, "warmup": 0}, "eval": {"every": 0, "n": 1, "holdout": 0.0},
            "run": {"threads": threads},
        }, source="bench", mode="sft")
        trainer = Trainer(config, "sft", Path(tmp) / "run", full_logits=full_logits)
        trainer.train_step()  # warm-up (allocator, first-call overheads)
        rss_before = _status_kib("VmRSS")
        reset = _reset_peak()
        rows = [trainer.train_step() for _ in range(steps)]
        peak = _status_kib("VmHWM")
    return {
        "step_times": [r["step_time"] for r in rows],
        "tokens": [r["tokens"] for r in rows],
        "answer_tokens": [r["answer_tokens"] for r in rows],
        "rss_after_load_mib": rss_before / 1024,
        "peak_rss_mib": peak / 1024,
        "peak_reset": reset,
        "hypernet_parameters": trainer.hypernet.num_parameters(),
    }


def _child(workload: str, full_logits: bool, steps: int, threads: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", workload, "1" if full_logits else "0", str(steps), str(threads)],
        capture_output=True, text=True, timeout=1800,
    )
    if out.returncode != 0:
        raise RuntimeError(f"SFT benchmark worker failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_sft(quick: bool, threads: int = 2) -> list[dict]:
    rounds, steps = (1, 3) if quick else (2, 4)
    rows = []
    for workload in WORKLOADS:
        runs: dict[str, list[dict]] = {m: [] for m in MODES}
        for _ in range(rounds):  # alternate, so drift on a shared machine hits both alike
            for mode, full in MODES.items():
                runs[mode].append(_child(workload, full, steps, threads))
        pair = []
        for mode, results in runs.items():
            times = [t for r in results for t in r["step_times"]]
            tps = [n / t for r in results for n, t in zip(r["tokens"], r["step_times"])]
            pair.append({
                "kind": "sft_step", "workload": workload, "mode": mode, "threads": threads, "steps": len(times),
                "step_s": median(times), "tokens_per_s": median(tps),
                "tokens_per_step": median([n for r in results for n in r["tokens"]]),
                "answer_tokens_per_step": median([n for r in results for n in r["answer_tokens"]]),
                "peak_rss_mib": max(r["peak_rss_mib"] for r in results),
                "peak_above_load_mib": max(r["peak_rss_mib"] - r["rss_after_load_mib"] for r in results),
                "rss_after_load_mib": median([r["rss_after_load_mib"] for r in results]),
                "peak_reset": all(r["peak_reset"] for r in results),
                "hypernet_parameters": results[0]["hypernet_parameters"],
            })
        fast, full = pair
        ratio = full["step_s"] / fast["step_s"]
        target = TARGET_RATIO if workload == "long" else None
        rows += pair + [{
            "kind": "sft_ratio", "workload": workload, "mode": "full / answer-only step time", "ratio": ratio,
            "tokens_per_s_ratio": fast["tokens_per_s"] / full["tokens_per_s"],
            "peak_above_load_saved_mib": full["peak_above_load_mib"] - fast["peak_above_load_mib"],
            "target_min_ratio": target, "pass": (ratio >= target) if target else None,
        }]
    return rows


def bench_hypernet(quick: bool, threads: int = 2) -> list[dict]:
    import torch

    from _common import base_model_path
    from t2l_edge.model.config import HypernetConfig, Variant
    from t2l_edge.model.hypernet import HyperNetwork
    from t2l_edge.targets import TargetSpec

    torch.set_num_threads(threads)
    spec = TargetSpec.from_gguf(base_model_path())
    repeat = 5 if quick else 20
    rows = []
    for label, modules in VARIANT_MODULES.items():
        target = spec.select(modules) if modules else spec
        for variant in Variant:
            torch.manual_seed(0)
            model = HyperNetwork(HypernetConfig(target, variant=variant)).eval()
            emb = torch.nn.functional.normalize(torch.randn(1, 384), dim=-1)
            times = []
            with torch.no_grad():
                model(emb)  # warm-up
                for _ in range(repeat):
                    t0 = time.perf_counter()
                    model(emb)
                    times.append(time.perf_counter() - t0)
            rows.append({"kind": "hypernet", "modules": label, "variant": variant.value,
                         "parameters": model.num_parameters(), "forward_ms": 1000 * median(times),
                         "repeat": repeat, "threads": threads,
                         "adapter_parameters": sum(s.in_features * 8 + s.out_features * 8
                                                   for s in target.modules.values()) * target.n_layers})
            del model
    return rows


def run(quick: bool = False) -> list[dict]:
    return bench_sft(quick) + bench_hypernet(quick)


def to_markdown(results: list[dict]) -> str:
    lines = []
    sft = [r for r in results if r["kind"] == "sft_step"]
    if sft:
        r0 = sft[0]
        lines += [
            f"SFT step on Gemma 3 270M (fp32, CPU, {r0['threads']} threads), LoRA r8 on q, v from a "
            f"{r0['hypernet_parameters'] / 1e6:.1f}M-parameter hypernetwork; median of {r0['steps']} steps per row.",
            "",
            "| workload | tokens (answer) | mode | step (s) | tokens/s | peak RSS (MiB) | peak above loaded model (MiB) |",
            "|----------|----------------:|------|---------:|---------:|---------------:|------------------------------:|",
        ]
        for r in sft:
            lines.append(
                f"| {r['workload']} | {r['tokens_per_step']:.0f} ({r['answer_tokens_per_step']:.0f}) | {r['mode']} | "
                f"{fmt(r['step_s'], '.3f')} | {fmt(r['tokens_per_s'], '.0f')} | {fmt(r['peak_rss_mib'], '.0f')} | "
                f"{fmt(r['peak_above_load_mib'], '.0f')} |")
    for r in (r for r in results if r["kind"] == "sft_ratio"):
        goal = f" (target ≥ {r['target_min_ratio']}×: {verdict(r['pass'])})" if r["target_min_ratio"] else " (no target)"
        lines += ["", f"{r['workload']}: answer-only logits **{r['ratio']:.2f}×** faster per step than full logits"
                      f"{goal}; {r['peak_above_load_saved_mib']:.0f} MiB less peak memory above the loaded model."]
    hyper = [r for r in results if r["kind"] == "hypernet"]
    if hyper:
        lines += ["", f"Hypernetwork per variant for Gemma 3 270M (defaults: latent 256, head width 256, r 8; "
                      f"one task, torch eager, {hyper[0]['threads']} threads, median of {hyper[0]['repeat']}):", "",
                  "| modules | variant | parameters | forward (ms) | emitted LoRA parameters |",
                  "|---------|:-------:|-----------:|-------------:|------------------------:|"]
        for r in hyper:
            lines.append(f"| {r['modules']} | {r['variant']} | {r['parameters'] / 1e6:.2f}M | "
                         f"{fmt(r['forward_ms'], '.2f')} | {r['adapter_parameters'] / 1e6:.2f}M |")
    return "\n".join(lines)


if __name__ == "__main__":
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        print(json.dumps(worker(sys.argv[2], sys.argv[3] == "1", int(sys.argv[4]), int(sys.argv[5]))))
    else:
        results = run("--quick" in sys.argv)
        print(to_markdown(results))
