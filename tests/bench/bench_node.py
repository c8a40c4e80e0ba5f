"""Node.js vs Python answering one prompt with a generated adapter, each as a user runs it: a fresh process that opens
the default bundle, generates the adapter, loads Gemma 3 270M and answers 12 tokens greedily.

- Node: `node examples/node/cli.mjs --task … --prompt … --json` (node-llama-cpp, 1 llama.cpp thread by default)
- Python: `t2l-edge apply --task … --prompt … --json` (llama-cpp-python)

Interleaved, repeated; wall time and peak RSS of each process (os.wait4's rusage: the process and the children it
waited for, the same rule on both sides), and the size of examples/node/node_modules.

    python tests/bench/bench_node.py [--quick]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import median, verdict  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
NODE_DIR = ROOT / "examples" / "node"
T2L_EDGE = str(Path(sys.executable).parent / "t2l-edge")
TASK, PROMPT, MAX_TOKENS = "Answer in uppercase letters only.", "the quick brown fox", "12"
TIME_TARGET = MEMORY_TARGET = 1.5  # Node within 1.5x of Python


def _run_with_rusage(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, dict]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"})
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} failed: {err[-500:]}")
    return wall, usage.ru_maxrss / 1024, json.loads(out)


def _du_mib(path: Path) -> float:
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            p = Path(root) / f
            if not p.is_symlink():
                total += p.stat().st_size
    return total / 2**20


def run(quick: bool = False) -> list[dict]:
    from t2l_edge.models import default_base_model, default_bundle_dir

    bundle, model = default_bundle_dir(), default_base_model()
    if not (NODE_DIR / "node_modules").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True, capture_output=True)
    node = ["node", str(NODE_DIR / "cli.mjs"), "--bundle", str(bundle), "--model", str(model), "--task", TASK,
            "--prompt", PROMPT, "--max-tokens", MAX_TOKENS, "--json"]
    python = [T2L_EDGE, "apply", "--task", TASK, "--prompt", PROMPT, "--max-tokens", MAX_TOKENS, "--json"]
    rows = {"node": [], "python": []}
    answers = {}
    for _ in range(2 if quick else 4):
        for key, cmd in (("python", python), ("node", node)):
            wall, rss, out = _run_with_rusage(cmd)
            rows[key].append((wall, rss))
            answers[key] = out["answer"] if key == "node" else out["answers"][0]["adapter"]
    result = []
    for key in ("python", "node"):
        walls, rsss = [w for w, _ in rows[key]], [r for _, r in rows[key]]
        result.append({"key": key, "runs": len(walls), "wall_p50_s": median(walls), "wall_min_s": min(walls),
                       "wall_max_s": max(walls), "peak_rss_p50_mib": median(rsss), "answer": answers[key]})
    py, nd = result
    nd["time_ratio"] = nd["wall_p50_s"] / py["wall_p50_s"]
    nd["rss_ratio"] = nd["peak_rss_p50_mib"] / py["peak_rss_p50_mib"]
    nd["same_answer"] = nd["answer"] == py["answer"]
    nd["node_modules_mib"] = _du_mib(NODE_DIR / "node_modules")
    nd["pass"] = nd["time_ratio"] <= TIME_TARGET and nd["rss_ratio"] <= MEMORY_TARGET and nd["same_answer"]
    return result


def to_markdown(results: list[dict]) -> str:
    py, nd = results
    return "\n".join([
        f"One prompt ({TASK!r} / {PROMPT!r}, {MAX_TOKENS} tokens), a fresh process each, {py['runs']} interleaved runs; "
        f"same answer: {nd['same_answer']}.",
        "",
        "| | wall p50 (min–max) | peak RSS p50 | vs Python |",
        "|---|---:|---:|---:|",
        f"| Python `t2l-edge apply` | {py['wall_p50_s']:.2f} s ({py['wall_min_s']:.2f}–{py['wall_max_s']:.2f}) | "
        f"{py['peak_rss_p50_mib']:.0f} MiB | |",
        f"| Node `cli.mjs` | {nd['wall_p50_s']:.2f} s ({nd['wall_min_s']:.2f}–{nd['wall_max_s']:.2f}) | "
        f"{nd['peak_rss_p50_mib']:.0f} MiB | {nd['time_ratio']:.2f}× time, {nd['rss_ratio']:.2f}× memory "
        f"(≤ {TIME_TARGET:g}× {verdict(nd['pass'])}) |",
        "",
        f"examples/node/node_modules: {nd['node_modules_mib']:.0f} MiB.",
    ])


if __name__ == "__main__":
    print(to_markdown(run("--quick" in sys.argv)))
