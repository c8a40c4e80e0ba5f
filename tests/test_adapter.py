"""LoraAdapter: validation, scale rules, native safetensors round trip."""

import math

import numpy as np
import pytest

from t2l_edge.adapter import LoraAdapter, ScaleRule
from t2l_edge.errors import CorruptFileError, InvalidAdapterError, MissingFileError
from t2l_edge.targets import ModelDims, ModuleKind, TargetSpec

DIMS = ModelDims(hidden=64, n_layers=3, n_heads=4, n_kv_heads=2, head_dim=24, intermediate=96)


@pytest.fixture
def spec():
    return TargetSpec.from_dims("llama", DIMS, ["q_proj", "v_proj", "down_proj"])


def test_scale_rules():
    assert ScaleRule.STANDARD.scale(16, 8) == 2.0
    assert ScaleRule.RSLORA.scale(16, 8) == pytest.approx(16 / math.sqrt(8))


def test_delta_is_scale_b_a(spec):
    a = LoraAdapter.random(spec, 4, alpha=12, scale_rule="rslora", seed=3)
    A, B = a.weights[(1, ModuleKind.V)]
    expected = 12 / 2 * (B.astype(np.float64) @ A)
    np.testing.assert_allclose(a.delta(1, "v_proj"), expected, rtol=1e-12)
    assert a.delta(1, "v").shape == (2 * 24, 64)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda w: w.__setitem__((0, ModuleKind.Q), (w[(0, ModuleKind.Q)][0][:, :10], w[(0, ModuleKind.Q)][1])), "A has shape"),
        (lambda w: w.__setitem__((2, ModuleKind.DOWN), (w[(2, ModuleKind.DOWN)][0], w[(2, ModuleKind.DOWN)][1][:5])), "B has shape"),
        (lambda w: w[(1, ModuleKind.V)][1].__setitem__((0, 0), np.nan), "NaN"),
        (lambda w: w[(1, ModuleKind.V)][0].__setitem__((0, 0), np.inf), "NaN or Inf"),
        (lambda w: w.pop((1, ModuleKind.Q)), "missing layer 1 q_proj"),
        (lambda w: w.__setitem__((7, ModuleKind.Q), w[(0, ModuleKind.Q)]), "unexpected layer 7 q_proj"),
    ],
)
def test_validation_names_the_problem(spec, mutate, message):
    good = LoraAdapter.random(spec, 4)
    weights = {k: (a.copy(), b.copy()) for k, (a, b) in good.weights.items()}
    mutate(weights)
    with pytest.raises(InvalidAdapterError, match=message):
        LoraAdapter(spec, 4, 8.0, weights)


def test_rank_and_alpha_checked(spec):
    w = LoraAdapter.random(spec, 4).weights
    with pytest.raises(InvalidAdapterError, match="alpha"):
        LoraAdapter(spec, 4, float("nan"), w)
    with pytest.raises(InvalidAdapterError, match="rank"):
        LoraAdapter(spec, 0, 8.0, w)


def test_native_round_trip_is_exact(spec, tmp_path):
    a = LoraAdapter.random(spec, 4, alpha=6, scale_rule="rslora", seed=5, task="Reverse the words", generator="abc123")
    path = a.save(tmp_path / "a.safetensors")
    b = LoraAdapter.load(path)
    assert (b.target, b.rank, b.alpha, b.scale_rule, b.task, b.generator) == (
        a.target, a.rank, a.alpha, a.scale_rule, a.task, a.generator
    )
    for slot, (x, y) in a.weights.items():
        np.testing.assert_array_equal(b.weights[slot][0], x)
        np.testing.assert_array_equal(b.weights[slot][1], y)
    assert [p.name for p in tmp_path.iterdir()] == ["a.safetensors"]  # no temp file left behind


def test_native_load_errors(tmp_path):
    with pytest.raises(MissingFileError):
        LoraAdapter.load(tmp_path / "nope.safetensors")
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json")
    with pytest.raises(CorruptFileError):
        LoraAdapter.load(junk)
    from safetensors.numpy import save_file

    plain = tmp_path / "plain.safetensors"
    save_file({"x": np.zeros(3, np.float32)}, str(plain))
    with pytest.raises(CorruptFileError, match="not a t2l-edge adapter"):
        LoraAdapter.load(plain)


def test_atomic_writes_get_the_usual_permissions(spec, tmp_path):
    """Temp files and folders are created owner-only; what lands must not be (apps read bundles and adapters)."""
    import os
    import stat

    from t2l_edge.io import atomic_dir

    umask = os.umask(0o022)
    try:
        path = LoraAdapter.random(spec, 4).save(tmp_path / "a.safetensors")
        with atomic_dir(tmp_path / "bundle") as d:
            (d / "x").write_text("x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "bundle").stat().st_mode) == 0o755
