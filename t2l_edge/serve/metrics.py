"""Prometheus metrics of one server (own registry: several servers in one process do not collide)."""

from __future__ import annotations

import os
import resource

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics, generate_latest

PHASES = ("queue_wait", "adapter_generation", "swap", "prompt", "decode")  # the parts of a request, in order
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
TPS_BUCKETS = (1, 2, 5, 10, 20, 30, 50, 75, 100, 200, 500)
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_bytes() -> int:
    """This process's resident memory now (Linux /proc; elsewhere the peak, which is what getrusage gives)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * _PAGE
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class ServeMetrics:
    def __init__(self):
        # no `*_created` series: a timestamp per counter family that dashboards never read (process-wide setting of
        # prometheus-client; this process is the server)
        disable_created_metrics()
        r = self.registry = CollectorRegistry()
        self.requests = Counter("t2l_requests", "HTTP requests by endpoint and status", ["endpoint", "status"],
                                registry=r)
        self.phase = Histogram("t2l_phase_seconds", "Time per request phase", ["phase"], buckets=LATENCY_BUCKETS,
                               registry=r)
        self.tokens_per_second = Histogram("t2l_decode_tokens_per_second", "Decode speed per request",
                                           buckets=TPS_BUCKETS, registry=r)
        self.tokens = Counter("t2l_tokens", "Tokens processed", ["kind"], registry=r)
        self.cache = Counter("t2l_adapter_cache", "Adapter cache events", ["event"], registry=r)
        self.queue_depth = Gauge("t2l_queue_depth", "Requests admitted and not finished", registry=r)
        self.adapters_loaded = Gauge("t2l_adapters_loaded", "Adapters held by llama.cpp", registry=r)
        self.rss = Gauge("t2l_resident_memory_bytes", "Resident memory of the server process", registry=r)
        self.rss.set_function(resident_bytes)
        self.swaps_saved = Counter("t2l_swaps_saved", "Requests run early on the active adapter (a swap saved)",
                                   registry=r)
        self.ready = Gauge("t2l_ready", "1 once the model and generator are loaded", registry=r)
        for event in ("hit", "miss", "eviction"):
            self.cache.labels(event)  # exported as 0 before the first event
        for phase in PHASES:
            self.phase.labels(phase)
        for kind in ("prompt", "completion"):
            self.tokens.labels(kind)

    def observe_phases(self, timings_ms: dict[str, float]) -> None:
        for phase in PHASES:
            if phase in timings_ms:
                self.phase.labels(phase).observe(timings_ms[phase] / 1000)

    def render(self) -> bytes:
        return generate_latest(self.registry)
