"""Evaluation: tasks (our format, Super-NaturalInstructions, public benchmarks) × conditions (base, base+desc, t2l,
t2l+desc, mismatched, oracle), scored with 95% confidence intervals, reported as JSON, a table and a chart.

Torch-free core: the runtime that makes adapters and completes prompts is passed in by the caller (the CLI wires
the bundle or checkpoint and llama.cpp). Names resolve lazily so `t2l-edge --help` does not import numpy for this.

    from t2l_edge.evaluate import evaluate, parse_conditions, read_tasks
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "evaluate": "runner", "Results": "runner", "wilson_interval": "runner",
    "CONDITIONS": "conditions", "Condition": "conditions", "parse_conditions": "conditions",
    "default_conditions": "conditions", "derangement": "conditions", "oracle_paths": "conditions",
    "BENCHMARKS": "benchmarks", "BenchmarkTask": "benchmarks", "load_benchmark": "benchmarks",
    "read_tasks": "benchmarks", "score_example": "benchmarks",
    "write_results": "report", "results_table": "report", "plot_results": "report",
}
__all__ = [
    "evaluate",
    "Results",
    "wilson_interval",
    "CONDITIONS",
    "Condition",
    "parse_conditions",
    "default_conditions",
    "derangement",
    "oracle_paths",
    "BENCHMARKS",
    "BenchmarkTask",
    "load_benchmark",
    "read_tasks",
    "score_example",
    "write_results",
    "results_table",
    "plot_results",
]


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
