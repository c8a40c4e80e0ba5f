"""A bounded loopback load test: 8 concurrent asyncio clients send 320 completion requests over 30 task texts (the
suite's own descriptions) to a server with the real Gemma 3 270M and the shipped generator, default cache size.
0 errors; p50/p95 latency by phase and the cache hit rate are printed (pytest -s) and checked for consistency."""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time

import httpx
import pytest

from t2l_edge.serve import ServeSettings, start_server
from t2l_edge.tasks.suite import FAMILIES

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
pytestmark = pytest.mark.slow

CLIENTS = 8
REQUESTS = 320
TASKS = 30
MAX_TOKENS = 4
TIME_LIMIT_S = 900  # the whole run; it takes a few minutes on 2 busy cores


def percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def workload(seed: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    families = sorted(FAMILIES.values(), key=lambda f: f.name)[:TASKS]
    return [(f.descriptions[0], f.sample(rng)) for f in (rng.choice(families) for _ in range(REQUESTS))]


async def run_load(url: str, jobs: list[tuple[str, str]]) -> tuple[list[dict], list[str], float]:
    queue: asyncio.Queue = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    results, errors = [], []

    async def client():
        async with httpx.AsyncClient(base_url=url, timeout=300) as c:
            while not queue.empty():
                task, text = queue.get_nowait()
                t0 = time.perf_counter()
                r = await c.post("/v1/completions", json={"prompt": text, "task": task, "format": "io-v1",
                                                          "temperature": 0, "max_tokens": MAX_TOKENS})
                if r.status_code != 200:
                    errors.append(f"{r.status_code}: {r.text[:200]}")
                    continue
                body = r.json()
                results.append({"total_ms": (time.perf_counter() - t0) * 1000, **body["t2l"]["timings_ms"],
                                "key": (task, text),
                                "cache": body["t2l"]["cache"], "text": body["choices"][0]["text"]})

    t0 = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*[client() for _ in range(CLIENTS)]), TIME_LIMIT_S)
    return results, errors, time.perf_counter() - t0


def test_load_8_clients_300_requests_30_tasks():
    jobs = workload()
    assert len({t for t, _ in jobs}) == TASKS and len(jobs) >= 300
    with start_server(ServeSettings(port=0, context=512, queue_size=CLIENTS)) as server:
        results, errors, wall = asyncio.run(run_load(server.url, jobs))
        metrics = httpx.get(server.url + "/metrics").text
        depth = server.state.scheduler.depth
        loaded = server.state.cache.loaded
    assert errors == []
    assert len(results) == REQUESTS
    assert depth == 0 and loaded <= 16  # nothing left queued; evicted adapters were freed
    hits = sum(r["cache"] == "hit" for r in results)
    misses = REQUESTS - hits
    assert misses >= TASKS  # every text was generated at least once
    phases = ("queue_wait", "adapter_generation", "swap", "prompt", "decode", "total_ms")
    lines = [f"\nload: {CLIENTS} clients, {REQUESTS} requests, {TASKS} task texts, max_tokens {MAX_TOKENS}, "
             f"{wall:.1f} s wall, {REQUESTS / wall:.2f} req/s, cache hit rate {hits / REQUESTS:.3f} "
             f"({hits} hits / {misses} misses, cache size 16)",
             "| phase | n | p50 ms | p95 ms |", "|---|---:|---:|---:|"]
    for phase in phases:
        xs = [r[phase] for r in results if phase in r]
        lines.append(f"| {phase} | {len(xs)} | {statistics.median(xs):.1f} | {percentile(xs, 0.95):.1f} |")
    print("\n".join(lines))
    assert 't2l_requests_total{endpoint="/v1/completions",status="200"} 320.0' in metrics
    # the same (task, input) gets the same greedy answer whatever ran before it, cached or regenerated after eviction
    answers: dict[tuple[str, str], set[str]] = {}
    for r in results:
        answers.setdefault(r["key"], set()).add(r["text"])
    repeated = [k for k in answers if sum(r["key"] == k for r in results) > 1]
    assert repeated and all(len(answers[k]) == 1 for k in repeated)
