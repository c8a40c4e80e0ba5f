"""Text -> GGUF q4_0 bytes in memory: PyTorch eager reference vs ONNX Runtime fp32 vs ONNX Runtime int8.

Hypernetwork: the default config for Gemma 3 270M (L variant, all seven projections, rank 8, 27.6M parameters),
random head weights (tests/tiny_hypernet.py): speed and memory do not depend on training. Each path runs in its own
process (peak RSS = that process's VmHWM), one description at a time, 100 descriptions after 5 warm-up calls;
cold start = import + bundle load (checksums verified) of the torch-free path, in a fresh process.

    python tests/bench/run.py --only generator      (or: python tests/bench/bench_generator.py [--quick])
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
sys.path.insert(0, str(HERE))
from _common import percentile_ms  # noqa: E402

SPEEDUP_TARGET = 5.0
RSS_TARGET = 1 / 3
COLD_START_TARGET_S = 1.0

WORKER = r"""
import json, os, sys, time
t0 = time.perf_counter()
mode, source, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
if mode == "torch":
    import torch
    torch.set_num_threads(2)
    from t2l_edge.train.generate import Generator
    gen = Generator(source)
else:
    from t2l_edge.runtimes.onnxruntime import Generator
    gen = Generator.load(source, threads=2)
load_s = time.perf_counter() - t0
from t2l_edge.export.gguf import to_gguf_bytes
texts = [f"{verb} the {thing}{' ' + extra if extra else ''}." for verb in ("Reverse", "Sort", "Count", "Uppercase",
         "Translate") for thing in ("words", "letters", "numbers", "sentence") for extra in ("", "in the input",
         "and answer briefly", "then stop", "for a child")][:n]
for t in texts[:5]:
    to_gguf_bytes(gen.generate([t])[0], "q4_0")
times, gen_times = [], []
for t in texts:
    a = time.perf_counter()
    adapter = gen.generate([t])[0]
    b = time.perf_counter()
    data = to_gguf_bytes(adapter, "q4_0")
    times.append(time.perf_counter() - a)
    gen_times.append(b - a)
# VmHWM, not ru_maxrss: ru_maxrss survives exec, so a worker would inherit the parent's peak.
rss = next(int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"load_s": load_s, "times": times, "gen_times": gen_times, "peak_rss": rss, "gguf_bytes": len(data)}))
"""

COLD = r"""
import time
t0 = time.perf_counter()
from t2l_edge.runtimes.onnxruntime import Generator
gen = Generator.load(__import__("sys").argv[1])
print(time.perf_counter() - t0)
"""


def _run(args, env=None) -> str:
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=1200,
                          env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE", **(env or {})})
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return done.stdout.strip().splitlines()[-1]


def run(quick: bool = False) -> list[dict]:
    sys.path.insert(0, str(TESTS))
    from tiny_hypernet import random_checkpoint

    from t2l_edge.bundle import Bundle
    from t2l_edge.export.onnx import build_bundle
    from t2l_edge.models import default_base_model
    from t2l_edge.targets import TargetSpec

    n = 20 if quick else 100
    with tempfile.TemporaryDirectory(prefix="t2l-bench-gen-") as tmp:
        tmp = Path(tmp)
        ckpt = random_checkpoint(tmp / "ckpt", TargetSpec.from_gguf(default_base_model()))
        bundles = {p: build_bundle(ckpt, tmp / f"bundle-{p}", "cpu", p) for p in ("fp32", "int8")}
        bundles["mobile int8"] = build_bundle(ckpt, tmp / "bundle-mobile", "mobile", "int8")
        rows = []
        for label, mode, source in (("PyTorch eager (reference)", "torch", ckpt),
                                    ("ORT fp32", "ort", bundles["fp32"].path),
                                    ("ORT int8", "ort", bundles["int8"].path)):
            r = json.loads(_run(["-c", WORKER, mode, str(source), str(n)]))
            rows.append({
                "path": label, "n": n, "p50_ms": percentile_ms(r["times"], 50), "p95_ms": percentile_ms(r["times"], 95),
                "generate_p50_ms": percentile_ms(r["gen_times"], 50), "peak_rss_mib": r["peak_rss"] / 2**20,
                "load_s": r["load_s"], "gguf_bytes": r["gguf_bytes"],
                "bundle_mib": (bundles[label.split()[-1]].size() / 2**20) if mode == "ort" else None,
            })
        cold = sorted(float(_run(["-c", COLD, str(bundles["int8"].path)])) for _ in range(3))
        ref = rows[0]
        for r in rows:
            r["speedup"] = ref["p50_ms"] / r["p50_ms"]
            r["rss_ratio"] = r["peak_rss_mib"] / ref["peak_rss_mib"]
        int8 = rows[2]
        int8["cold_start_s"] = cold[1]
        int8["pass"] = int8["speedup"] >= SPEEDUP_TARGET and int8["rss_ratio"] <= RSS_TARGET
        int8["pass_cold_start"] = cold[1] < COLD_START_TARGET_S
        rows.append({"path": "mobile int8 (ORT format)", "bundle_mib": Bundle.load(bundles["mobile int8"].path).size() / 2**20})
        return rows


def to_markdown(results: list[dict]) -> str:
    def f(x, spec=".1f"):
        return "–" if x is None else format(x, spec)

    lines = [
        "Default hypernetwork for Gemma 3 270M (L, all 7 projections, r 8, 27.6M parameters); one description per call, "
        f"{results[0]['n']} descriptions, 2 threads; each path in its own process.",
        "",
        "| path | p50 ms | p95 ms | of which generate (p50) | speedup | peak RSS MiB | RSS vs PyTorch | bundle MiB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        if "p50_ms" not in r:
            lines.append(f"| {r['path']} | | | | | | | {f(r['bundle_mib'])} |")
            continue
        lines.append(f"| {r['path']} | {f(r['p50_ms'])} | {f(r['p95_ms'])} | {f(r['generate_p50_ms'])} | "
                     f"{f(r['speedup'], '.2f')}× | {f(r['peak_rss_mib'], '.0f')} | {f(r['rss_ratio'], '.2f')} | "
                     f"{f(r['bundle_mib'])} |")
    int8 = next(r for r in results if r["path"] == "ORT int8")
    lines += [
        "",
        f"Cold start of the torch-free path (import + int8 bundle load with sha256 checks), median of 3 fresh processes: "
        f"{int8['cold_start_s']:.2f} s (target < {COLD_START_TARGET_S:.0f} s: {'PASS' if int8['pass_cold_start'] else 'FAIL'}).",
        f"ORT int8 vs PyTorch: {int8['speedup']:.1f}× faster end to end (target ≥ {SPEEDUP_TARGET:.0f}×), peak RSS "
        f"{int8['rss_ratio']:.2f} of it (target ≤ 0.33): {'PASS' if int8['pass'] else 'FAIL'}.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    res = run(quick="--quick" in sys.argv)
    print(to_markdown(res))
