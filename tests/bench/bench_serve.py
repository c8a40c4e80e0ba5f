"""`t2l-edge serve`: what the HTTP server costs and holds, measured side by side in one process.

- overhead: a request for a cached adapter over loopback HTTP vs a direct `LlamaCppRunner.generate` of the same
  prompt with the same adapter active (interleaved pairs). Their difference of medians is shown, but llama.cpp's own
  time swings by tens of ms on a shared machine; the target (≤ 5 ms p50) is checked on each request's own
  accounting: client wall time minus the KV reset, prompt and decode time the server measured around llama.cpp
  (what a direct generate() does too)
- first vs cached: the first request for a new task text (adapter generated, quantized, loaded) vs the same again
- throughput: requests per second with 1 and with 8 concurrent clients (cached adapters, one llama.cpp context)
- free check: RSS after loading N adapters into llama.cpp and freeing each, vs loading N and keeping them
- memory: RSS over 3,000 distinct task texts from 2 clients with --cache-size 16, the curve printed (growth after the
  first 200 requests; target ≤ 3%). Alone: `python tests/bench/bench_serve.py --memory 3000`
- routing: nearest-description accuracy of --route on held-out descriptions and inputs of suite tasks

    python tests/bench/bench_serve.py [--quick]
"""

from __future__ import annotations

import asyncio
import gc
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import median, now, verdict  # noqa: E402

N_THREADS = 2
CONTEXT = 512
OVERHEAD_TARGET_MS = 5.0
RSS_GROWTH_TARGET = 0.03
MEMORY_TASKS, MEMORY_TASKS_QUICK = 3000, 600
MEMORY_CLIENTS = 2
MEMORY_WARMUP = 200
MEMORY_STEP = 100
TASK = "Reverse the order of the words."
INPUT = "red fox jumps over"
ROUTE_FAMILIES = ("reverse_words", "uppercase", "first_word", "sort_numbers", "sentiment", "capital_of_country")


def _rss() -> int:
    from t2l_edge.serve.metrics import resident_bytes

    return resident_bytes()


def _body(task: str | None, text: str, max_tokens: int = 8) -> dict:
    body = {"prompt": text, "format": "io-v1", "temperature": 0, "max_tokens": max_tokens}
    if task:
        body["task"] = task
    return body


def _overhead(server, http, quick: bool) -> dict:
    from t2l_edge.runtimes.llama_cpp import LlamaCppRunner

    state = server.state
    r = http.post("/v1/completions", json=_body(TASK, INPUT)).json()  # generates and caches the adapter
    entry = state.cache.get(r["t2l"]["adapter"])
    prompt = state.prompt_format.prompt(INPUT)
    direct = LlamaCppRunner(state.backend.runner.model_path, n_ctx=CONTEXT, n_threads=N_THREADS)
    adapter = direct.load_adapter(entry.gguf, name=entry.id)
    direct.set_adapters([adapter])
    served, local, outside = [], [], []
    expected = direct.generate(prompt, max_tokens=8, stop=state.prompt_format.stop)
    for _ in range(10 if quick else 40):
        t0 = now()
        body = http.post("/v1/completions", json=_body(TASK, INPUT)).json()
        served.append((now() - t0) * 1000)
        got = body["choices"][0]["text"]
        timings = body["t2l"]["timings_ms"]
        # the adapter is already active, so "swap" is the KV reset that direct generate() does too
        outside.append(served[-1] - timings["swap"] - timings["prompt"] - timings["decode"])  # HTTP, JSON, queue
        t0 = now()
        direct.generate(prompt, max_tokens=8, stop=state.prompt_format.stop)
        local.append((now() - t0) * 1000)
    direct.close()
    overhead = median(outside)
    return {"kind": "overhead", "runs": len(served), "served_p50_ms": median(served), "direct_p50_ms": median(local),
            "difference_of_medians_ms": median(served) - median(local), "overhead_p50_ms": overhead,
            "overhead_p95_ms": sorted(outside)[int(0.95 * (len(outside) - 1))],
            "same_answer": got == expected, "target_ms": OVERHEAD_TARGET_MS,
            "pass": overhead <= OVERHEAD_TARGET_MS and got == expected}


def _first_vs_cached(http, quick: bool) -> dict:
    first, cached, gen = [], [], []
    for i in range(4 if quick else 10):
        task = f"Translate the text into pig latin, variant {i}."
        t0 = now()
        r = http.post("/v1/completions", json=_body(task, INPUT, 4)).json()
        first.append((now() - t0) * 1000)
        gen.append(r["t2l"]["timings_ms"].get("adapter_generation", float("nan")))
        t0 = now()
        http.post("/v1/completions", json=_body(task, INPUT, 4))
        cached.append((now() - t0) * 1000)
    return {"kind": "first_vs_cached", "runs": len(first), "first_p50_ms": median(first),
            "cached_p50_ms": median(cached), "generation_p50_ms": median(gen),
            "ratio": median(first) / median(cached)}


async def _burst(url: str, clients: int, n: int, tasks: list[str]) -> float:
    import httpx

    jobs = [tasks[i % len(tasks)] for i in range(n)]

    async def client(c):
        while jobs:
            task = jobs.pop()
            r = await c.post("/v1/completions", json=_body(task, INPUT, 8))
            r.raise_for_status()

    async with httpx.AsyncClient(base_url=url, timeout=300) as c:
        t0 = now()
        await asyncio.gather(*[client(c) for _ in range(clients)])
        return now() - t0


def _throughput(server, http, quick: bool) -> list[dict]:
    tasks = [TASK, "Write the text in uppercase.", "Give the first word of the text."]
    for t in tasks:
        http.post("/v1/completions", json=_body(t, INPUT, 1))  # cached before timing
    n = 12 if quick else 32
    rows = []
    for clients in (1, 8):
        wall = asyncio.run(_burst(server.url, clients, n, tasks))
        rows.append({"kind": "throughput", "clients": clients, "requests": n, "wall_s": wall, "req_per_s": n / wall})
    rows[1]["ratio_vs_1"] = rows[1]["req_per_s"] / rows[0]["req_per_s"]
    return rows


def _free_check(quick: bool) -> dict:
    """Does llama_adapter_lora_free give the memory back? Load+free N adapters, then load N and keep them."""
    from t2l_edge.runtimes.llama_cpp import LlamaCppRunner
    from t2l_edge.runtimes.onnxruntime import Generator

    n = 30 if quick else 100
    gen = Generator.load()
    blobs = [gen.generate_gguf(f"Repeat each word of the text, take {i}.", "q4_0") for i in range(8)]
    runner = LlamaCppRunner(None, n_ctx=CONTEXT, n_threads=N_THREADS)
    for b in blobs[:2]:  # warm-up: allocator pools
        runner.unload(runner.load_adapter(b))
    gc.collect()
    r0 = _rss()
    for i in range(n):
        runner.unload(runner.load_adapter(blobs[i % len(blobs)]))
    r1 = _rss()
    kept = [runner.load_adapter(blobs[i % len(blobs)]) for i in range(n)]
    r2 = _rss()
    runner.close()
    del kept
    return {"kind": "free_check", "adapters": n, "adapter_bytes": len(blobs[0]),
            "freed_growth_mib": (r1 - r0) / 2**20, "kept_growth_mib": (r2 - r1) / 2**20,
            "kept_per_adapter_mib": (r2 - r1) / 2**20 / n}


def _memory(quick: bool) -> dict:
    """In a fresh process, so that the baseline is the server alone (not what earlier sections left behind)."""
    import json
    import subprocess

    n = MEMORY_TASKS_QUICK if quick else MEMORY_TASKS
    out = subprocess.run([sys.executable, __file__, "--memory-child", str(n)], capture_output=True, text=True,
                         timeout=7200, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _memory_child(n: int, echo: bool = False) -> dict:
    """RSS over `n` requests, each with a new task text (max_tokens 1), from MEMORY_CLIENTS concurrent clients against
    --cache-size 16: every request generates an adapter, loads it into llama.cpp and evicts one. The clients run in
    rounds of MEMORY_STEP requests and RSS is read between rounds, when no request is in flight: what the server keeps,
    not what a running request's generation, quantization and load hold for a moment (the largest reading taken
    during the rounds is reported as the peak). Growth compares the median of the last 5 readings with the median of
    the 5 right after the first MEMORY_WARMUP requests."""
    import httpx

    from t2l_edge.serve import ServeSettings, start_server

    samples: list[tuple[int, int]] = []
    peak = 0
    with start_server(ServeSettings(port=0, context=CONTEXT, threads=N_THREADS, cache_size=16)) as server:

        async def client(c, jobs: list[int]):
            nonlocal peak
            while jobs:
                i = jobs.pop(0)
                r = await c.post("/v1/completions", json=_body(f"Task number {i}: rewrite the text with care.", "ab", 1))
                r.raise_for_status()
                peak = max(peak, _rss())

        async def load():
            async with httpx.AsyncClient(base_url=server.url, timeout=300) as c:
                for start in range(0, n, MEMORY_STEP):
                    jobs = list(range(start, min(start + MEMORY_STEP, n)))
                    await asyncio.gather(*[client(c, jobs) for _ in range(MEMORY_CLIENTS)])
                    samples.append((min(start + MEMORY_STEP, n), _rss()))
                    if echo:
                        print(f"{samples[-1][0]:5d} requests: {samples[-1][1] / 2**20:7.1f} MiB", file=sys.stderr, flush=True)

        samples.append((0, _rss()))
        t0 = now()
        asyncio.run(load())
        wall = now() - t0
        loaded, evictions = server.state.cache.loaded, server.state.cache.evictions
    after = [r for i, r in samples if i >= MEMORY_WARMUP]
    base, end = median(after[:5]), median(after[-5:])
    growth = (end - base) / base
    return {"kind": "memory", "tasks": n, "clients": MEMORY_CLIENTS, "warmup": MEMORY_WARMUP, "cache_size": 16,
            "wall_s": wall, "rss_start_mib": samples[0][1] / 2**20, "rss_after_warmup_mib": base / 2**20,
            "rss_end_mib": end / 2**20, "rss_peak_after_warmup_mib": max(max(after), peak) / 2**20, "growth": growth,
            "adapters_loaded_end": loaded, "evictions": evictions,
            "samples": [(i, round(r / 2**20, 1)) for i, r in samples],
            "target_max_growth": RSS_GROWTH_TARGET, "pass": growth <= RSS_GROWTH_TARGET}


def memory_curve(m: dict) -> str:
    """The RSS curve as text: one row per sample, a bar from the smallest sample up."""
    low, high = min(v for _, v in m["samples"]), max(v for _, v in m["samples"])
    scale = 50 / max(high - low, 1)
    return "\n".join(f"{i:6d} {v:7.1f} MiB {'#' * round((v - low) * scale)}" for i, v in m["samples"])


def _routing(quick: bool) -> list[dict]:
    """Register one training description per family; route held-out descriptions (+ an input) and bare inputs."""
    from t2l_edge.runtimes.onnxruntime import Generator
    from t2l_edge.serve.routing import Router
    from t2l_edge.serve.settings import DEFAULT_ROUTE_THRESHOLD
    from t2l_edge.tasks.splits import HELDOUT_DESCRIPTIONS_PER_FAMILY
    from t2l_edge.tasks.suite import FAMILIES

    gen = Generator.load()
    families = [FAMILIES[n] for n in ROUTE_FAMILIES if n in FAMILIES]
    router = Router(gen.embed, {f.name: f.descriptions[0] for f in families}, DEFAULT_ROUTE_THRESHOLD)
    rng = random.Random(0)
    rows = []
    for mode in ("held-out description + input", "input only"):
        right = routed = wrong = total = 0
        for f in families:
            for desc in f.descriptions[-HELDOUT_DESCRIPTIONS_PER_FAMILY:]:
                for _ in range(2 if quick else 5):
                    text = f.sample(rng)
                    prompt = f"{desc}\n\n{text}" if mode.startswith("held") else text
                    route = router.route(prompt)
                    total += 1
                    right += route.nearest == f.name
                    routed += route.adapter == f.name
                    wrong += route.adapter not in (None, f.name)
        rows.append({"kind": "routing", "mode": mode, "families": len(families), "prompts": total,
                     "nearest_accuracy": right / total, "routed_accuracy": routed / total,
                     "routed_wrong": wrong / total,
                     "threshold": DEFAULT_ROUTE_THRESHOLD})
    return rows


def run(quick: bool = False) -> list[dict]:
    import httpx

    from t2l_edge.serve import ServeSettings, start_server

    results = []
    with start_server(ServeSettings(port=0, context=CONTEXT, threads=N_THREADS)) as server, \
            httpx.Client(base_url=server.url, timeout=120) as http:
        results.append(_overhead(server, http, quick))
        results.append(_first_vs_cached(http, quick))
        results.extend(_throughput(server, http, quick))
    gc.collect()
    results.append(_free_check(quick))
    results.append(_memory(quick))
    results.extend(_routing(quick))
    return results


def to_markdown(results: list[dict]) -> str:
    by = {}
    for r in results:
        by.setdefault(r["kind"], []).append(r)
    o, f, m, fc = by["overhead"][0], by["first_vs_cached"][0], by["memory"][0], by["free_check"][0]
    t1, t8 = by["throughput"]
    lines = [
        f"llama.cpp {N_THREADS} threads, context {CONTEXT}, io-v1 prompt {INPUT!r}, greedy, q4_0 adapters.",
        "",
        "| measure | value | target |",
        "|---|---:|:---:|",
        f"| served request (cached adapter, HTTP) p50 | {o['served_p50_ms']:.1f} ms | |",
        f"| direct LlamaCppRunner.generate p50 | {o['direct_p50_ms']:.1f} ms | |",
        f"| served − direct, difference of medians ({o['runs']} interleaved pairs; same answer: {o['same_answer']}) | "
        f"{o['difference_of_medians_ms']:+.1f} ms | |",
        f"| serve overhead per request: client wall time − the server's reset + prompt + decode time, p50 (p95) | "
        f"{o['overhead_p50_ms']:.1f} ms ({o['overhead_p95_ms']:.1f}) | ≤ {OVERHEAD_TARGET_MS:g} ms {verdict(o['pass'])} |",
        f"| first request for a new task text p50 (generation p50 {f['generation_p50_ms']:.1f} ms) | "
        f"{f['first_p50_ms']:.1f} ms | |",
        f"| same task text again (cached) p50 | {f['cached_p50_ms']:.1f} ms ({f['ratio']:.2f}× faster) | |",
        f"| throughput, 1 client | {t1['req_per_s']:.2f} req/s | |",
        f"| throughput, 8 clients | {t8['req_per_s']:.2f} req/s ({t8['ratio_vs_1']:.2f}× of 1 client) | |",
        f"| RSS growth: {fc['adapters']} adapters loaded and freed ({fc['adapter_bytes'] / 2**20:.2f} MiB each) | "
        f"{fc['freed_growth_mib']:+.1f} MiB | |",
        f"| RSS growth: {fc['adapters']} adapters loaded and kept | {fc['kept_growth_mib']:+.1f} MiB "
        f"({fc['kept_per_adapter_mib']:.2f} MiB each) | |",
        f"| RSS over {m['tasks']} distinct tasks, {m['clients']} clients, cache 16 ({m['evictions']} evictions): after "
        f"the first {m['warmup']} → end, medians of 5 samples, own process | {m['rss_after_warmup_mib']:.0f} → "
        f"{m['rss_end_mib']:.0f} MiB ({m['growth'] * 100:+.1f}%; peak {m['rss_peak_after_warmup_mib']:.0f}) | ≤ +{RSS_GROWTH_TARGET * 100:g}% {verdict(m['pass'])} |",
    ]
    for r in by["routing"]:
        lines.append(f"| routing, {r['mode']} ({r['families']} tasks, {r['prompts']} prompts): right nearest / right "
                     f"above threshold {r['threshold']} / wrong adapter above it | {r['nearest_accuracy']:.2f} / "
                     f"{r['routed_accuracy']:.2f} / {r['routed_wrong']:.2f} | |")
    lines += ["", "RSS of the server process by requests served:", "", "```", memory_curve(m), "```"]
    return "\n".join(lines)


if __name__ == "__main__":
    if "--memory-child" in sys.argv:
        import json

        print(json.dumps(_memory_child(int(sys.argv[sys.argv.index("--memory-child") + 1]))))
    elif "--memory" in sys.argv:  # the memory section alone, the curve as it grows on stderr
        result = _memory_child(int(sys.argv[sys.argv.index("--memory") + 1]), echo=True)
        print(memory_curve(result))
        print(f"after the first {result['warmup']}: {result['rss_after_warmup_mib']:.1f} MiB -> end "
              f"{result['rss_end_mib']:.1f} MiB ({result['growth'] * 100:+.2f}%, target <= "
              f"+{RSS_GROWTH_TARGET * 100:g}%); start {result['rss_start_mib']:.1f} MiB; {result['wall_s']:.0f} s")
    else:
        print(to_markdown(run("--quick" in sys.argv)))
