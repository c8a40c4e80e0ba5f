"""examples/adapter_geometry.py: the ΔW inner products it reads from the LoRA factors equal those of the dense ΔW,
and its summary says 1 / 100% for one adapter repeated and ≈ 0 for independent ones; examples/guidance_ablation.py's
guided adapter is g·ΔW − (g − 1)·ΔW_mean."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from t2l_edge.adapter import LoraAdapter
from t2l_edge.targets import ModelDims, TargetSpec

spec = importlib.util.spec_from_file_location(
    "adapter_geometry", Path(__file__).resolve().parent.parent / "examples" / "adapter_geometry.py")
geometry = importlib.util.module_from_spec(spec)
spec.loader.exec_module(geometry)

TARGET = TargetSpec.from_dims("llama", ModelDims(hidden=64, n_layers=2, n_heads=4, n_kv_heads=2, head_dim=16,
                                                 intermediate=96), ["q_proj", "v_proj", "down_proj"])


def dense(adapter: LoraAdapter) -> np.ndarray:
    return np.concatenate([adapter.delta(layer, kind).ravel() for layer, kind in TARGET.slots()]).astype(np.float64)


def test_inner_product_from_factors_is_the_dense_one():
    x, y = LoraAdapter.random(TARGET, 4, alpha=8.0, seed=1), LoraAdapter.random(TARGET, 4, alpha=2.0, seed=2)
    assert geometry.inner(x, y) == pytest.approx(float(dense(x) @ dense(y)), rel=1e-6)
    assert geometry.inner(x, x) == pytest.approx(float(dense(x) @ dense(x)), rel=1e-6)


def test_summary_of_repeated_and_independent_adapters():
    same = geometry.describe("same", geometry.gram([LoraAdapter.random(TARGET, 4, seed=3)] * 3))
    assert "mean 1.000 (min 1.000, max 1.000)" in same and "holds 100.0%" in same
    apart = geometry.gram([LoraAdapter.random(TARGET, 4, seed=s) for s in range(6)])
    norms = np.sqrt(np.diag(apart))
    off = geometry.cosines(apart, norms, norms)[~np.eye(6, dtype=bool)]
    assert np.abs(off).max() < 0.2  # independent random factors: nearly orthogonal ΔW
    share = apart.sum() / 36 / np.diag(apart).mean()
    assert f"holds {share:.1%}" in geometry.describe("apart", apart) and share < 0.35  # ≈ 1/6


def test_guided_adapter_is_g_times_its_own_minus_the_mean():
    spec = importlib.util.spec_from_file_location(
        "guidance_ablation", Path(__file__).resolve().parent.parent / "examples" / "guidance_ablation.py")
    guidance = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(guidance)
    own, mean = LoraAdapter.random(TARGET, 4, alpha=8.0, seed=4), LoraAdapter.random(TARGET, 4, alpha=8.0, seed=5)
    for g in (1.0, 2.0, 0.5):
        out = guidance.guided(own, mean, g)
        assert out.rank == 8 and out.scale == own.scale
        np.testing.assert_allclose(dense(out), g * dense(own) - (g - 1) * dense(mean), rtol=1e-5, atol=1e-9)
