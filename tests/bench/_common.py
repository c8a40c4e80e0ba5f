"""Small helpers shared by the benchmark sections: timing, medians, temporary adapter files."""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def now() -> float:
    return time.perf_counter()


def median(xs) -> float:
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else float("nan")


def percentile_ms(seconds, q: float) -> float:
    """The q-th percentile of durations in seconds, in milliseconds."""
    import numpy as np

    return float(np.percentile(np.asarray(seconds) * 1000, q))


def fmt(x, spec: str = ".1f", none: str = "n/a") -> str:
    if x is None or (isinstance(x, float) and x != x):
        return none
    return format(x, spec)


def verdict(ok: bool | None) -> str:
    return {True: "PASS", False: "FAIL", None: "n/a"}[ok]


def base_model_path():
    from t2l_edge.models import default_base_model

    return default_base_model()


def random_adapter(rank: int, modules=None, seed: int = 0):
    """A random LoRA for the default base (Gemma 3 270M); modules=None: all seven projections."""
    from t2l_edge.adapter import LoraAdapter
    from t2l_edge.targets import TargetSpec

    spec = TargetSpec.from_gguf(base_model_path())
    if modules is not None:
        spec = spec.select(modules)
    return LoraAdapter.random(spec, rank, seed=seed)


def write_adapter(adapter, path, recipe) -> str:
    from t2l_edge.export.gguf import write_gguf_adapter

    write_gguf_adapter(adapter, path, recipe)
    return str(path)
