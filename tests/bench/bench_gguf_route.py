"""Text -> q4_0 GGUF adapter bytes with the shipped hypernetwork (its int8 CPU bundle, 2 threads), side by side:

- graph route: `Generator.generate_gguf` (tokenizer, encoder, hypernetwork, the bundle's GGUF graph + template);
- numpy route: `Generator.generate` + the numpy writer (what every path did before the GGUF graph);
- PyTorch: the training-side generator + the numpy writer (the reference the 5x target is against);
- Node.js: examples/node (onnxruntime-node + @huggingface/tokenizers), the same bundle and texts.

Each path runs in its own process (peak RSS = its VmHWM / maxRSS), one text per call, warm-up first; the paths take
turns in rounds (each round: every path on the same texts) so that the shared machine's drift hits them alike.
Also: the GGUF step alone (graph: GGUF graph + template from the hypernetwork's OrtValues; numpy: the writer from
the float adapter), and the physical floor: the encoder's and hypernetwork's FLOPs for one text (PyTorch's
FlopCounterMode) at this CPU's measured float32 matmul rate, and the bytes of their weights at its measured copy
bandwidth.

    python tests/bench/run.py --only gguf_route     (or: python tests/bench/bench_gguf_route.py [--quick])
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
HERE = Path(__file__).resolve().parent
NODE_DIR = HERE.parent.parent / "examples" / "node"

P50_TARGET_MS = 10.0
SPEEDUP_TARGET = 5.0
GGUF_STEP_TARGET_MS = 1.0
NODE_RATIO_TARGET = 1.5
RSS_TARGET_MIB = 183.0

TEXTS = [f"{verb} the {thing}{' ' + extra if extra else ''}." for verb in ("Reverse", "Sort", "Count", "Uppercase")
         for thing in ("words", "letters", "numbers") for extra in ("", "in the input", "and answer briefly",
                                                                    "then stop", "for a child")]  # 60

WORKER = r"""
import json, os, sys, time
mode, source, texts = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
import numpy as np
if mode == "torch":
    import torch
    torch.set_num_threads(2)
    from t2l_edge.train.generate import Generator
    gen = Generator(source)
else:
    from t2l_edge.runtimes.onnxruntime import Generator
    gen = Generator.load(source, threads=2)
from t2l_edge.export.gguf import to_gguf_bytes
from t2l_edge.keys import BundleGraph as G

def graph(t):
    return gen.generate_gguf(t, "q4_0")

def numpy_route(t):
    return to_gguf_bytes(gen.generate([t])[0], "q4_0")

def graph_step(t):
    # the GGUF step alone: from the hypernetwork's outputs (OrtValues) to the file's bytes
    names = list(gen.manifest.graphs[G.GGUF].inputs)
    emb = gen._ort_value.ortvalue_from_numpy(gen.embed([t]))
    outs = gen.hypernet.run_with_ort_values(names, {G.EMBEDDING: emb})
    s = time.perf_counter()
    data, finite = gen.gguf_writer.run_with_ort_values([G.GGUF_DATA, G.FINITE], dict(zip(names, outs)))
    assert finite.numpy()[0] == 0
    gen.manifest.gguf.assemble(gen._gguf_template, t, np.asarray(data.numpy()[0], dtype="<u2").tobytes())
    return time.perf_counter() - s

def numpy_step(t):
    adapter = gen.generate([t])[0]
    s = time.perf_counter()
    to_gguf_bytes(adapter, "q4_0")
    return time.perf_counter() - s

run = {"graph": graph, "numpy": numpy_route, "torch": numpy_route}[mode]
step = {"graph": graph_step, "numpy": numpy_step}.get(mode)
for t in texts[:5]:
    data = run(t)
times, steps = [], []
for t in texts:
    a = time.perf_counter()
    data = run(t)
    times.append(time.perf_counter() - a)
    if step is not None:
        steps.append(step(t))
rss = next(int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"times": times, "steps": steps, "peak_rss": rss, "gguf_bytes": len(data),
                  "sha256": __import__("hashlib").sha256(data).hexdigest()}))
"""

FLOOR = r"""
import json, sys, time
import numpy as np, torch
torch.set_num_threads(2)
from torch.utils.flop_counter import FlopCounterMode
from t2l_edge.train.generate import Generator
gen = Generator(sys.argv[1])
texts = json.loads(sys.argv[2])
flops = []
for t in texts[:10]:
    with FlopCounterMode(display=False) as enc:
        emb = gen.encoder.encode([t])
    with FlopCounterMode(display=False) as hyp:
        with torch.no_grad():
            gen.hypernet(emb)
    flops.append((enc.get_total_flops(), hyp.get_total_flops()))
# this CPU: float32 matmul rate (2 threads, 1024^3) and copy bandwidth (256 MiB)
a = np.random.default_rng(0).standard_normal((1024, 1024)).astype(np.float32)
best = min(__import__("timeit").repeat(lambda: a @ a, number=5, repeat=5)) / 5
x = np.ones(2**26, np.float32); y = np.empty_like(x)
copy = min(__import__("timeit").repeat(lambda: np.copyto(y, x), number=3, repeat=5)) / 3
print(json.dumps({"encoder_flops": float(np.median([f[0] for f in flops])), "hypernet_flops": float(np.median([f[1] for f in flops])),
                  "matmul_flops_per_s": 2 * 1024**3 / best, "copy_bytes_per_s": 2 * x.nbytes / copy}))
"""


def _python(args, timeout=1800) -> dict:
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "OMP_NUM_THREADS": "2"}
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=timeout, env=env)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _node(bundle: Path, texts: list[str]) -> dict:
    sys.path.insert(0, str(HERE.parent))
    from test_node_example import node_modules

    node_modules()
    done = subprocess.run(["node", str(NODE_DIR / "bench.mjs"), "--bundle", str(bundle), "--n", str(len(texts)),
                           "--texts", json.dumps(texts)], capture_output=True, text=True, timeout=1200,
                          env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"})
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    r = json.loads(done.stdout.strip().splitlines()[-1])
    return {"times": [t / 1000 for t in r["times_ms"]], "steps": [], "peak_rss": r["peak_rss_bytes"],
            "gguf_bytes": r["gguf_bytes"]}


def _p50(xs) -> float:
    import numpy as np

    return float(np.percentile(np.asarray(xs) * 1000, 50)) if xs else float("nan")


def run(quick: bool = False) -> list[dict]:
    import tempfile

    from t2l_edge.export.onnx import build_bundle
    from t2l_edge.models import default_checkpoint

    tmp = tempfile.TemporaryDirectory(prefix="t2l-bench-gguf-")
    # built here, not the cached default bundle: that one keeps the GGUF graph of the version that first built it
    b = build_bundle(default_checkpoint(), Path(tmp.name) / "bundle", "cpu", "int8")
    bundle = b.path
    texts = TEXTS[:20] if quick else TEXTS
    rounds = 2 if quick else 3
    chunk = -(-len(texts) // rounds)
    paths = {"graph": "torch-free, GGUF graph + template", "numpy": "torch-free, numpy writer",
             "torch": "PyTorch + numpy writer", "node": "Node.js (onnxruntime-node), GGUF graph + template"}
    acc = {k: {"times": [], "steps": [], "peak_rss": 0} for k in paths}
    for r in range(rounds):  # interleaved: each round runs every path on the same texts
        part = texts[r * chunk : (r + 1) * chunk]
        for key in paths:
            res = _node(bundle, part) if key == "node" else _python(
                ["-c", WORKER, key, str(default_checkpoint() if key == "torch" else bundle), json.dumps(part)])
            acc[key]["times"] += res["times"]
            acc[key]["steps"] += res["steps"]
            acc[key]["peak_rss"] = max(acc[key]["peak_rss"], res["peak_rss"])
            acc[key]["gguf_bytes"] = res["gguf_bytes"]
    floor = _python(["-c", FLOOR, str(default_checkpoint()), json.dumps(texts)])
    weights = sum(b.manifest.files[b.manifest.graphs[g].file].size for g in ("encoder", "hypernet"))
    floor_s = max((floor["encoder_flops"] + floor["hypernet_flops"]) / floor["matmul_flops_per_s"],
                  weights / floor["copy_bytes_per_s"])
    rows = []
    torch_p50 = _p50(acc["torch"]["times"])
    graph_p50 = _p50(acc["graph"]["times"])
    for key, label in paths.items():
        p50 = _p50(acc[key]["times"])
        rows.append({"path": label, "key": key, "n": len(acc[key]["times"]), "p50_ms": p50,
                     "step_p50_ms": _p50(acc[key]["steps"]) if acc[key]["steps"] else None,
                     "peak_rss_mib": acc[key]["peak_rss"] / 2**20, "gguf_bytes": acc[key].get("gguf_bytes"),
                     "speedup_vs_torch": torch_p50 / p50, "x_floor": p50 / (floor_s * 1000)})
    g = rows[0]
    g["pass_p50"] = g["p50_ms"] <= P50_TARGET_MS
    g["pass_speedup"] = g["speedup_vs_torch"] >= SPEEDUP_TARGET
    g["pass_step"] = g["step_p50_ms"] <= GGUF_STEP_TARGET_MS
    g["pass_rss"] = g["peak_rss_mib"] <= RSS_TARGET_MIB
    node = rows[3]
    node["ratio_vs_python"] = node["p50_ms"] / graph_p50
    node["pass"] = node["ratio_vs_python"] <= NODE_RATIO_TARGET
    rows.append({"path": "physical floor", "key": "floor", "floor_ms": floor_s * 1000, **floor,
                 "weights_bytes": weights})
    tmp.cleanup()
    return rows


def to_markdown(results: list[dict]) -> str:
    def f(x, spec=".1f"):
        return "–" if x is None or x != x else format(x, spec)

    rows = [r for r in results if r["key"] != "floor"]
    floor = next(r for r in results if r["key"] == "floor")
    lines = [
        f"Shipped hypernetwork, int8 CPU bundle, q4_0 adapter ({rows[0]['gguf_bytes']:,} bytes), 2 threads, "
        f"{rows[0]['n']} task texts per path, paths interleaved in rounds; each path in its own process.",
        "",
        "| path | p50 ms | GGUF step p50 ms | vs PyTorch | × physical floor | peak RSS MiB |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['path']} | {f(r['p50_ms'], '.2f')} | {f(r['step_p50_ms'], '.2f')} | "
                     f"{f(r['speedup_vs_torch'], '.2f')}× | {f(r['x_floor'], '.1f')}× | {f(r['peak_rss_mib'], '.0f')} |")
    g, node = rows[0], rows[3]
    verdict = {True: "PASS", False: "FAIL"}
    lines += [
        "",
        f"Physical floor: encoder {floor['encoder_flops'] / 1e6:.1f} MFLOP + hypernetwork {floor['hypernet_flops'] / 1e6:.1f} "
        f"MFLOP at {floor['matmul_flops_per_s'] / 1e9:.1f} GFLOP/s (float32 matmul, 2 threads) and "
        f"{floor['weights_bytes'] / 2**20:.1f} MiB of int8 weights at {floor['copy_bytes_per_s'] / 1e9:.1f} GB/s: "
        f"{floor['floor_ms']:.2f} ms.",
        f"Targets: graph route p50 {g['p50_ms']:.2f} ms (≤ {P50_TARGET_MS:.0f}: {verdict[g['pass_p50']]}), "
        f"{g['speedup_vs_torch']:.1f}× PyTorch (≥ {SPEEDUP_TARGET:.0f}×: {verdict[g['pass_speedup']]}), GGUF step "
        f"{g['step_p50_ms']:.2f} ms (≤ {GGUF_STEP_TARGET_MS:.0f}: {verdict[g['pass_step']]}), peak RSS "
        f"{g['peak_rss_mib']:.0f} MiB (≤ {RSS_TARGET_MIB:.0f}: {verdict[g['pass_rss']]}); Node.js "
        f"{node['ratio_vs_python']:.2f}× Python (≤ {NODE_RATIO_TARGET}: {verdict[node['pass']]}).",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(to_markdown(run(quick="--quick" in sys.argv)))
