"""`make bench`: every benchmark section, markdown tables on stdout, all results in tests/bench/results.json.

    python tests/bench/run.py [--quick] [--only quants sizes swap decode reader ... gguf_route] [--json PATH]

Each section is a module here with `run(quick) -> list[dict]` and `to_markdown(results)`. Within a section the
things compared run side by side in the same process, interleaved and repeated; tables show medians and ratios
(the ratios are what to quote: this machine is shared and its absolute speed drifts).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import importlib.metadata as md
import json
import os
import platform
import sys
import tempfile
import time
import traceback
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402

Q4K_TARGET = 10.0  # numpy Q4_K within 10x of ggml's C


class _Quants:
    """Section 1 wraps bench_quants.run (already written) in the run(quick)/to_markdown interface."""

    @staticmethod
    def run(quick: bool = False) -> list[dict]:
        import bench_quants

        results = bench_quants.run(rows=512 if quick else 2048, cols=2048, repeat=2 if quick else 3)
        for r in results:
            r["timing"] = f"best of {2 if quick else 3}, ours then ggml per type, 1 thread"
            r["target_max_ratio"] = Q4K_TARGET if r["type"] == "Q4_K" else None
            r["pass"] = (r["ratio"] <= Q4K_TARGET) if r["type"] == "Q4_K" and r["ratio"] is not None else None
        return results

    @staticmethod
    def to_markdown(results: list[dict]) -> str:
        import bench_quants

        note = f"Float32 N(0, 0.02²) input, {results[0]['timing']}."
        return note + "\n\n" + bench_quants.to_markdown(results)


SECTIONS = [
    ("quants", "1. Quantizer throughput: ours (numpy) vs ggml's C", lambda: _Quants),
    ("sizes", "2. Adapter file size per recipe and time to write it", lambda: importlib.import_module("bench_sizes")),
    ("swap", "3. Hot swap vs reload (llama.cpp)", lambda: importlib.import_module("bench_swap")),
    ("decode", "4. Decode speed with an adapter vs without (llama.cpp)", lambda: importlib.import_module("bench_decode")),
    ("reader", "5. GGUF header read: read_gguf vs gguf-py GGUFReader", lambda: importlib.import_module("bench_reader")),
    ("memory", "6. Memory: validate's estimate vs measured peak RSS", lambda: importlib.import_module("bench_memory")),
    ("train", "7. Training: answer-only vs full logits, hypernetwork per variant", lambda: importlib.import_module("bench_train")),
    ("generator", "8. Text → GGUF: PyTorch vs ORT fp32/int8", lambda: importlib.import_module("bench_generator")),
    ("serve", "9. t2l-edge serve: overhead, first vs cached, throughput, memory, routing",
     lambda: importlib.import_module("bench_serve")),
    ("merge", "10. Merging generated adapters: cat and svd vs each task's own", lambda: importlib.import_module("bench_merge")),
    ("gguf_route", "11. Text → q4_0 GGUF, shipped hypernetwork: GGUF graph vs numpy writer vs PyTorch vs Node.js",
     lambda: importlib.import_module("bench_gguf_route")),
    ("node", "12. Answering one prompt: Node.js (examples/node) vs Python's apply", lambda: importlib.import_module("bench_node")),
    ("merge_speed", "13. merge --strategy svd: from the factors vs the dense ΔW", lambda: importlib.import_module("bench_merge_speed")),
    ("card", "14. Task card (k = 3) → GGUF vs a description; icl's prompt tokens", lambda: importlib.import_module("bench_card")),
]

# (section, row selector, label, measured value, formatted target[, key of the pass flag; default "pass"])
TARGETS = [
    ("quants", lambda r: r["type"] == "Q4_K", "Q4_K numpy vs ggml (× slower)", lambda r: f"{r['ratio']:.2f}×", "≤ 10×"),
    ("sizes", lambda r: r["recipe"] == "q4_0" and r["target_max_ratio"], "q4_0 size vs f16 (r32, all 7)",
     lambda r: f"{r['ratio_vs_f16']:.3f}", "≤ 0.30"),
    ("sizes", lambda r: r["recipe"] == "q4_k_m" and r["target_max_ratio"], "q4_k_m size vs f16 (r32, all 7)",
     lambda r: f"{r['ratio_vs_f16']:.3f}", "≤ 0.36"),
    ("swap", lambda r: "use(path)" in r["method"], "hot swap + first logits vs reload + first logits",
     lambda r: f"{r['speedup_total_vs_reload']:.0f}×", "≥ 50×"),
    ("swap", lambda r: "use(bytes)" in r["method"], "hot swap from bytes + first logits vs reload + first logits",
     lambda r: f"{r['speedup_total_vs_reload']:.0f}×", "≥ 50×"),
    ("swap", lambda r: "use(path)" in r["method"], "hot swap vs reload, switch/load only (no eval)",
     lambda r: f"{r['speedup_switch_vs_reload']:.0f}×", "≥ 50×", "pass_switch_only"),
    ("decode", lambda r: r["recipe"] == "q4_0" and r["target_ratio"], "decode tok/s, q4_0 adapter vs none (2 threads)",
     lambda r: f"{r['ratio_vs_none']:.3f}", "≥ 0.9"),
    ("decode", lambda r: r["recipe"] == "f16" and r["target_ratio"], "decode tok/s, f16 adapter vs none (2 threads)",
     lambda r: f"{r['ratio_vs_none']:.3f}", "≥ 0.9"),
    ("serve", lambda r: r["kind"] == "overhead", "serve request overhead over direct generate (p50)",
     lambda r: f"{r['overhead_p50_ms']:.1f} ms", "≤ 5 ms"),
    ("serve", lambda r: r["kind"] == "memory", "serve RSS growth after the first 200 of 3,000 distinct tasks, cache 16",
     lambda r: f"{r['growth'] * 100:+.1f}%", "≤ +3%"),
    ("train", lambda r: r["kind"] == "sft_ratio" and r["target_min_ratio"], "SFT step full vs answer-only logits (4×128)",
     lambda r: f"{r['ratio']:.2f}×", "≥ 1.8×"),
    ("gguf_route", lambda r: r["key"] == "graph", "text → q4_0 GGUF p50 (shipped, int8, 2 threads)",
     lambda r: f"{r['p50_ms']:.2f} ms", "≤ 10 ms", "pass_p50"),
    ("gguf_route", lambda r: r["key"] == "graph", "text → q4_0 GGUF vs PyTorch path",
     lambda r: f"{r['speedup_vs_torch']:.1f}×", "≥ 5×", "pass_speedup"),
    ("gguf_route", lambda r: r["key"] == "graph", "GGUF step alone (graph + template) p50",
     lambda r: f"{r['step_p50_ms']:.2f} ms", "≤ 1 ms", "pass_step"),
    ("node", lambda r: r["key"] == "node", "Node.js answering one prompt vs Python's apply (time, memory)",
     lambda r: f"{r['time_ratio']:.2f}×, {r['rss_ratio']:.2f}×", "≤ 1.5×"),
    ("gguf_route", lambda r: r["key"] == "node", "Node.js text → adapter p50 vs Python's",
     lambda r: f"{r['ratio_vs_python']:.2f}×", "≤ 1.5×"),
    ("gguf_route", lambda r: r["key"] == "graph", "peak RSS, torch-free graph route",
     lambda r: f"{r['peak_rss_mib']:.0f} MiB", "≤ 183 MiB", "pass_rss"),
    ("card", lambda r: r.get("what") == "card k=3", "task card (k = 3) → q4_0 GGUF p50, card reader on the base",
     lambda r: f"{r['p50_ms']:.0f} ms", "≤ 250 ms"),
    ("merge_speed", lambda r: True, "merge --strategy svd, two Gemma 3 270M adapters (126 modules, r 8)",
     lambda r: f"{r['factors_s']:.2f} s", "≤ 2 s"),
]


def _version(dist: str) -> str:
    try:
        return md.version(dist)
    except md.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info(quick: bool) -> dict:
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "cpu": _cpu_model(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "llama_cpp_python": _version("llama_cpp_python"),
        "gguf": _version("gguf"),
        "t2l_edge": _version("t2l-edge"),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "loadavg_at_start": load,
        "quick": quick,
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
    }


def header_markdown(m: dict) -> str:
    load = ", ".join(f"{x:.2f}" for x in m["loadavg_at_start"]) if m["loadavg_at_start"] else "n/a"
    return "\n".join(
        [
            f"# t2l_edge benchmarks{' (--quick)' if m['quick'] else ''}",
            "",
            f"- date: {m['date']}",
            f"- machine: {m['cpu_count']} CPUs ({m['cpu']}), {m['platform']}, load average at start {load}",
            f"- python {m['python']}, numpy {m['numpy']}, llama-cpp-python {m['llama_cpp_python']}, gguf {m['gguf']}, "
            f"OMP_WAIT_POLICY={m['omp_wait_policy']}",
        ]
    )


def targets_markdown(sections: dict) -> str:
    lines = ["| target | measured | goal | result |", "|--------|---------:|:----:|:------:|"]
    for key, select, label, value, goal, *pass_key in TARGETS:
        sec = sections.get(key)
        rows = [r for r in (sec or {}).get("results") or [] if select(r)]
        if not rows:
            why = "skipped" if sec is None else ("error" if sec.get("error") else "n/a")
            lines.append(f"| {label} | {why} | {goal} | n/a |")
            continue
        r = rows[0]
        ok = r.get(pass_key[0] if pass_key else "pass")
        try:
            shown = value(r)
        except (TypeError, KeyError):
            shown = "n/a"
        lines.append(f"| {label} | {shown} | {goal} | {'PASS' if ok else ('n/a' if ok is None else 'FAIL')} |")
    return "\n".join(lines)


def _load1() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def _jsonable(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, Path):
        return str(o)
    return str(o)


def write_json_atomic(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=2, default=_jsonable)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats, smaller inputs, gguf-py reader skipped")
    ap.add_argument("--only", nargs="*", choices=[k for k, *_ in SECTIONS], help="run only these sections")
    ap.add_argument("--json", type=Path, default=HERE / "results.json", help="where to write the results")
    a = ap.parse_args(argv)

    t_start = time.perf_counter()
    meta = machine_info(a.quick)
    print(header_markdown(meta), flush=True)
    sections: dict[str, dict] = {}
    failed = False
    for key, title, load in SECTIONS:
        if a.only and key not in a.only:
            continue
        print(f"\n## {title}\n", flush=True)
        t0 = time.perf_counter()
        entry: dict = {"title": title, "results": None, "error": None}
        try:
            module = load()
            entry["results"] = module.run(a.quick)
            print(module.to_markdown(entry["results"]))
        except Exception as e:  # one failing section must not hide the others
            failed = True
            entry["error"] = f"{type(e).__name__}: {e}"
            entry["traceback"] = traceback.format_exc()
            print(f"**section failed**: {entry['error']}")
            traceback.print_exc(file=sys.stderr)
        entry["elapsed_s"] = time.perf_counter() - t0
        entry["loadavg_1min_after"] = _load1()
        print(f"\n_section time: {entry['elapsed_s']:.1f} s; 1-min load average after it: "
              f"{entry['loadavg_1min_after']:.2f}_", flush=True)
        sections[key] = entry

    total = time.perf_counter() - t_start
    print("\n## Targets\n")
    print(targets_markdown(sections))
    print(f"\nTotal time: {total:.0f} s. Results: {a.json}")
    write_json_atomic(a.json, {"meta": meta, "total_s": total, "sections": sections})
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
