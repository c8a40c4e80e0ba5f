"""GGUF LoRA adapters: the per-tensor quantization plan, metadata, round trips, sizes, atomic writes."""

import numpy as np
import pytest
from gguf import GGMLQuantizationType as Q

from t2l_edge.adapter import LoraAdapter
from t2l_edge.errors import InvalidInputError
from t2l_edge.export.gguf import plan, read_gguf_adapter, to_gguf_bytes, write_gguf_adapter
from t2l_edge.export.recipes import Recipe, parse_recipe
from t2l_edge.gguf_reader import read_gguf
from t2l_edge.keys import T2L, Adapter, General

# Layers llama.cpp's use_more_bits picks for 18 layers: i < 2, i >= 15, (i - 2) % 3 == 2 — worked out by hand.
MORE_BITS_18 = {0, 1, 4, 7, 10, 13, 15, 16, 17}


def types_of(adapter, recipe):
    return {(t.layer, t.kind.value, t.which): t.qtype for t in plan(adapter, recipe)}


def test_q4_k_m_plan_on_gemma_rank_32(gemma_spec):
    types = types_of(LoraAdapter.zeros(gemma_spec, 32), "q4_k_m")
    for layer in range(18):
        more = layer in MORE_BITS_18
        # lora_a rows are the input features: 640 is no multiple of 256, so K-quants fall back.
        assert types[(layer, "q_proj", "a")] is Q.Q5_0  # Q4_K -> Q5_0
        assert types[(layer, "v_proj", "a")] is (Q.Q8_0 if more else Q.Q5_0)  # Q6_K -> Q8_0
        assert types[(layer, "o_proj", "a")] is Q.Q4_K  # 1024 rows
        assert types[(layer, "down_proj", "a")] is (Q.Q6_K if more else Q.Q4_K)  # 2048 rows
        # lora_b rows are the rank (32): Q4_K -> Q5_0, Q6_K -> Q8_0
        assert types[(layer, "down_proj", "b")] is (Q.Q8_0 if more else Q.Q5_0)
        assert types[(layer, "gate_proj", "b")] is Q.Q5_0


def test_rank_8_lora_b_stays_f16(gemma_spec):
    adapter = LoraAdapter.zeros(gemma_spec.select(["q_proj", "down_proj"]), 8)
    for recipe in ("q4_0", "q8_0", "q5_0", "q4_k", "q6_k", "q4_k_m"):
        types = types_of(adapter, recipe)
        assert {t for (_, _, w), t in types.items() if w == "b"} == {Q.F16}, recipe
    assert types_of(adapter, "q4_0")[(3, "q_proj", "a")] is Q.Q4_0
    assert types_of(adapter, "q6_k")[(3, "down_proj", "a")] is Q.Q6_K
    assert types_of(adapter, "q6_k")[(3, "q_proj", "a")] is Q.Q8_0
    assert set(types_of(adapter, "bf16").values()) == {Q.BF16}


def test_unknown_recipe():
    with pytest.raises(InvalidInputError, match="quantization recipe must be one of .*q4_k_m.*, got 'q3_xs'"):
        parse_recipe("q3_xs")
    assert parse_recipe("Q4_K_M") is Recipe.Q4_K_M


def test_metadata_and_rslora_alpha_baked(gemma_spec):
    adapter = LoraAdapter.random(gemma_spec.select(["v_proj"]), 16, alpha=32, scale_rule="rslora", task="Sort the list")
    g = read_gguf(to_gguf_bytes(adapter, "f16"))
    meta = g.metadata
    assert meta[General.ARCHITECTURE] == "gemma3"
    assert meta[General.TYPE] == "adapter" and meta[Adapter.TYPE] == "lora"
    assert meta[Adapter.LORA_TASK_NAME] == "Sort the list"
    # llama.cpp scales by alpha / r: the file's alpha must make that equal alpha / sqrt(r) = 8
    assert meta[Adapter.LORA_ALPHA] / 16 == pytest.approx(32 / 4, rel=1e-6)
    assert meta[T2L.SCALE_RULE] == "rslora"
    assert set(g.tensors) == {f"blk.{i}.attn_v.weight.lora_{w}" for i in range(18) for w in "ab"}
    assert g.tensors["blk.3.attn_v.weight.lora_a"].shape == (16, 640)
    assert g.tensors["blk.3.attn_v.weight.lora_b"].shape == (256, 16)
    assert all(off.offset % 32 == 0 for off in g.tensors.values())


# Worst relative RMS error allowed per recipe on Gaussian weights (bits per weight decide it).
RECIPE_ERROR = {"f32": 0, "f16": 1e-3, "bf16": 8e-3, "q8_0": 0.01, "q6_k": 0.03, "q5_0": 0.06, "q4_k": 0.1, "q4_k_m": 0.1, "q4_0": 0.12}


@pytest.mark.parametrize("recipe", [r.value for r in Recipe])
def test_round_trip_every_recipe(gemma_spec, recipe):
    spec = gemma_spec.select(["q_proj", "o_proj", "down_proj"])
    adapter = LoraAdapter.random(spec, 32, alpha=16, seed=11, task="t", generator="g")
    back = read_gguf_adapter(to_gguf_bytes(adapter, recipe))
    assert (back.target, back.rank, back.alpha, back.scale_rule, back.task, back.generator) == (
        adapter.target, 32, 16.0, adapter.scale_rule, "t", "g"
    )
    for slot, (a, b) in adapter.weights.items():
        for x, y in zip((a, b), back.weights[slot]):
            err = np.sqrt(np.mean((x - y) ** 2)) / np.sqrt(np.mean(x**2))
            assert err <= RECIPE_ERROR[recipe], (slot, err)


def test_quantized_sizes_relative_to_f16(gemma_spec):
    adapter = LoraAdapter.random(gemma_spec, 32, seed=2)
    f16 = len(to_gguf_bytes(adapter, "f16"))
    assert len(to_gguf_bytes(adapter, "q4_0")) <= 0.30 * f16
    assert len(to_gguf_bytes(adapter, "q4_k_m")) <= 0.36 * f16
    assert len(to_gguf_bytes(adapter, "f32")) == pytest.approx(2 * f16, rel=0.01)


def test_write_is_atomic(gemma_spec, tmp_path, monkeypatch):
    path = tmp_path / "a.gguf"
    adapter = LoraAdapter.random(gemma_spec.select(["q_proj"]), 8)
    write_gguf_adapter(adapter, path, "q8_0")
    before = path.read_bytes()

    def fail(*_):
        raise RuntimeError("disk full")

    monkeypatch.setattr("t2l_edge.io.os.replace", fail)
    with pytest.raises(RuntimeError):
        write_gguf_adapter(LoraAdapter.random(adapter.target, 8, seed=9), path, "f16")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gguf"]
