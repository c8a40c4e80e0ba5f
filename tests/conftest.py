"""Shared fixtures: the real Gemma 3 270M base (GGUF), its target spec and one llama.cpp runner per session."""

from __future__ import annotations

import os

import json

import numpy as np
import pytest

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # llama.cpp on a shared 2-core machine

from t2l_edge.adapter import LoraAdapter
from t2l_edge.gguf_reader import read_gguf
from t2l_edge.models import default_base_model
from t2l_edge.targets import TargetSpec

PROMPTS = [
    "The capital of France is",
    "Question: What is 2 + 3?\nAnswer:",
    "Translate to German: good morning\nGerman:",
    "def fibonacci(n):",
]


@pytest.fixture(scope="session")
def gemma_path():
    return default_base_model()


@pytest.fixture(scope="session")
def gemma_gguf(gemma_path):
    return read_gguf(gemma_path)


@pytest.fixture(scope="session")
def gemma_spec(gemma_gguf) -> TargetSpec:
    """All seven projections of Gemma 3 270M."""
    return TargetSpec.from_gguf(gemma_gguf)


@pytest.fixture(scope="session")
def runner(gemma_path):
    from t2l_edge.runtimes.llama_cpp import LlamaCppRunner

    r = LlamaCppRunner(gemma_path, n_ctx=256, n_threads=2)
    yield r
    r.close()


def strong_adapter(spec: TargetSpec, rank: int = 8, seed: int = 0, **kwargs) -> LoraAdapter:
    """A random adapter that moves Gemma's logits well above the quantized base's jitter (KL 0.1-0.4 from the base
    on PROMPTS with q, v, down) without the chaos of larger weights (std 0.04+ sends the KL past 3)."""
    return LoraAdapter.random(spec, rank, alpha=2.0 * rank, seed=seed, std=0.02, **kwargs)


def fake_bundle(root, name: str, files: dict[str, int], target: str = "cpu", precision: str | None = None):
    """A bundle directory as build-engine lays it out, with zero-filled graph files of the given sizes: a manifest
    written by `bundle.Manifest` (the real fields), tokenizer.json, and for `tensorrt` the engines listed under
    extra.engines. A file whose name holds "encoder" is the encoder graph, any other the hypernetwork."""
    from t2l_edge.adapter import ScaleRule
    from t2l_edge.bundle import EncoderInfo, EngineTarget, GraphInfo, Manifest, check_precision, describe_files
    from t2l_edge.keys import BundleExtra, BundleFiles, BundleGraph
    from t2l_edge.targets import ModelDims, TargetSpec

    d = root / name
    d.mkdir()
    for fname, size in files.items():
        (d / fname).write_bytes(b"\0" * size)
    (d / BundleFiles.TOKENIZER).write_text("{}")
    target_ = EngineTarget(target)
    role = lambda f: BundleGraph.ENCODER if "encoder" in f else BundleGraph.HYPERNET  # noqa: E731
    engines = {role(f): f for f in files if f.endswith(".engine")}
    graphs = {role(f): GraphInfo(f, (), ()) for f in files if not f.endswith(".engine")}
    manifest = Manifest(
        target=TargetSpec.from_dims("gemma3", ModelDims(640, 18, 4, 1, 256, 2048), ["q_proj", "v_proj"]),
        rank=8, alpha=16.0, scale_rule=ScaleRule.STANDARD, variant="L",
        encoder=EncoderInfo("minilm", 384, 128, 0, "[PAD]", "mean", True), prompt_format="io-v1",
        engine_target=target_, precision=check_precision(target_, precision), graphs=graphs,
        files=describe_files(d, [*files, BundleFiles.TOKENIZER]),
        extra={BundleExtra.ENGINES: engines} if engines else {},
    )
    (d / BundleFiles.MANIFEST).write_text(json.dumps(manifest.to_dict()))
    return d


def kl_divergence(p_logits: np.ndarray, q_logits: np.ndarray) -> float:
    """KL(p || q) of the softmax distributions, in nats."""
    p = _log_softmax(p_logits.astype(np.float64))
    q = _log_softmax(q_logits.astype(np.float64))
    return float(np.sum(np.exp(p) * (p - q)))


def _log_softmax(x):
    x = x - x.max()
    return x - np.log(np.exp(x).sum())
