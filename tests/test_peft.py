"""PEFT directories against PEFT itself, and one ΔW across every format (native, PEFT, GGUF as llama.cpp reads it)."""

from __future__ import annotations

import json
import math
import os
import shutil

import numpy as np
import pytest

import torch

from gguf import GGUFReader  # noqa: E402
from gguf.quants import dequantize as ggml_dequantize  # noqa: E402
from peft import LoraConfig, PeftModel, get_peft_model  # noqa: E402
from peft.tuners.lora import LoraLayer  # noqa: E402

from t2l_edge.adapter import LoraAdapter, ScaleRule  # noqa: E402
from t2l_edge.errors import InvalidInputError, MissingFileError  # noqa: E402
from t2l_edge.export.gguf import read_gguf_adapter, to_gguf_bytes  # noqa: E402
from t2l_edge.export.peft import read_peft, write_peft  # noqa: E402
from t2l_edge.keys import Files  # noqa: E402
from t2l_edge.targets import ARCHITECTURES, ModuleKind, TargetSpec  # noqa: E402

from tiny_models import TINY_CONFIGS, tiny_model  # noqa: E402

ARCHS = sorted(ARCHITECTURES)
RANK, ALPHA = 4, 6.0
# PEFT's scaling for r 4, alpha 6, worked out by hand: alpha / r and alpha / sqrt(r).
EXPECTED_SCALE = {ScaleRule.STANDARD: 1.5, ScaleRule.RSLORA: 3.0}


def rel_err(got, expected) -> float:
    got, expected = np.asarray(got, np.float64), np.asarray(expected, np.float64)
    return float(np.abs(got - expected).max() / np.abs(expected).max())


def tiny_spec(architecture: str) -> TargetSpec:
    return TargetSpec.from_hf_config(TINY_CONFIGS[architecture]().to_dict())


def lora_layer(peft_model, spec: TargetSpec, layer, kind) -> LoraLayer:
    module = peft_model.base_model.model.get_submodule(spec.hf_module_path(layer, kind))
    assert isinstance(module, LoraLayer), spec.hf_module_path(layer, kind)
    return module


def peft_delta_by_forward(module) -> np.ndarray:
    """ΔW as PEFT applies it at run time: feed the identity through the LoRA layer and subtract the base layer."""
    eye = torch.eye(module.in_features)
    with torch.no_grad():
        delta_t = module(eye) - module.base_layer(eye)  # (in, out): row i is ΔW e_i
    return delta_t.T.numpy()


@pytest.mark.parametrize("rule", list(ScaleRule), ids=lambda r: r.value)
@pytest.mark.parametrize("architecture", ARCHS)
def test_peft_applies_our_delta(architecture, rule, tmp_path):
    model = tiny_model(architecture)
    spec = TargetSpec.from_hf_config(model.config.to_dict())
    adapter = LoraAdapter.random(spec, RANK, ALPHA, seed=7, std=0.2, scale_rule=rule)
    assert adapter.scale == EXPECTED_SCALE[rule]

    directory = write_peft(adapter, tmp_path / "peft")
    assert sorted(os.listdir(directory)) == [Files.PEFT_CONFIG, Files.PEFT_WEIGHTS]  # no temporary left behind
    peft_model = PeftModel.from_pretrained(model, directory)
    # Exactly our slots are LoRA layers: no module left out, none adapted that we did not target.
    assert sum(isinstance(m, LoraLayer) for m in peft_model.modules()) == len(list(spec.slots()))

    for layer, kind in spec.slots():
        module = lora_layer(peft_model, spec, layer, kind)
        assert module.scaling["default"] == pytest.approx(EXPECTED_SCALE[rule])
        expected = adapter.delta(layer, kind)
        assert np.abs(expected).max() > 1e-3  # a real ΔW, not zeros
        assert rel_err(module.get_delta_weight("default").detach().numpy(), expected) < 1e-5, (layer, kind)
        assert rel_err(peft_delta_by_forward(module), expected) < 1e-5, (layer, kind)


# -- round trips ------------------------------------------------------------------------------------------------------


def assert_same_adapter(got: LoraAdapter, expected: LoraAdapter):
    assert got.target == expected.target and got.target.to_dict() == expected.target.to_dict()
    assert (got.rank, got.alpha, got.scale_rule) == (expected.rank, expected.alpha, expected.scale_rule)
    assert (got.task, got.generator) == (expected.task, expected.generator)
    assert got.weights.keys() == expected.weights.keys()
    for slot, (a, b) in expected.weights.items():
        assert got.weights[slot][0].dtype == np.float32
        assert np.array_equal(got.weights[slot][0], a) and np.array_equal(got.weights[slot][1], b), slot


@pytest.mark.parametrize("rule", list(ScaleRule), ids=lambda r: r.value)
@pytest.mark.parametrize("architecture", ["gemma3", "phi3"])
def test_native_and_peft_round_trips_are_exact(architecture, rule, tmp_path):
    adapter = LoraAdapter.random(
        tiny_spec(architecture), 8, alpha=3.0, seed=3, scale_rule=rule, task="Sort the list", generator="abc123"
    )
    assert_same_adapter(LoraAdapter.load(adapter.save(tmp_path / "a.safetensors")), adapter)
    directory = write_peft(adapter, tmp_path / "peft")
    assert_same_adapter(read_peft(directory), adapter)
    # Our own metadata wins over a caller's architecture guess.
    assert_same_adapter(read_peft(directory, architecture=architecture), adapter)
    # Writing over an existing directory replaces it as a whole.
    other = LoraAdapter.random(adapter.target, 8, alpha=5.0, seed=4)
    assert_same_adapter(read_peft(write_peft(other, directory)), other)


@pytest.mark.parametrize("rule", list(ScaleRule), ids=lambda r: r.value)
@pytest.mark.parametrize("architecture", ARCHS)
def test_reads_a_dir_written_by_peft(architecture, rule, tmp_path):
    model = tiny_model(architecture)
    spec = TargetSpec.from_hf_config(model.config.to_dict())
    config = LoraConfig(
        r=RANK,
        lora_alpha=ALPHA,
        target_modules=[k.value for k in spec.modules],
        use_rslora=rule is ScaleRule.RSLORA,
        init_lora_weights=False,  # B nonzero
    )
    peft_model = get_peft_model(model, config)
    peft_model.save_pretrained(tmp_path / "own")

    adapter = read_peft(tmp_path / "own", architecture=architecture)
    assert adapter.scale_rule is rule and adapter.rank == RANK and adapter.alpha == ALPHA
    assert adapter.target.to_dict()["modules"] == spec.to_dict()["modules"]
    assert adapter.target.n_layers == spec.n_layers
    for layer, kind in spec.slots():
        expected = lora_layer(peft_model, spec, layer, kind).get_delta_weight("default").detach().numpy()
        assert np.abs(expected).max() > 1e-3
        assert rel_err(adapter.delta(layer, kind), expected) < 1e-5, (layer, kind)
    # The base's spec instead of the architecture gives the same adapter.
    assert_same_adapter(read_peft(tmp_path / "own", target=spec), adapter)


# -- one adapter, one ΔW: Gemma 3 270M's shapes through every format ---------------------------------------------------


@pytest.fixture(scope="module")
def gemma_shaped_model(gemma_spec):
    """A random transformers Gemma 3 with Gemma 3 270M's projections (vocabulary shrunk: it holds no target)."""
    from transformers import AutoModelForCausalLM, Gemma3TextConfig

    q, k, down = (gemma_spec.modules[kind] for kind in (ModuleKind.Q, ModuleKind.K, ModuleKind.DOWN))
    head_dim = 256
    config = Gemma3TextConfig(
        hidden_size=q.in_features,
        num_hidden_layers=gemma_spec.n_layers,
        num_attention_heads=q.out_features // head_dim,
        num_key_value_heads=k.out_features // head_dim,
        head_dim=head_dim,
        intermediate_size=down.in_features,
        vocab_size=128,
        pad_token_id=0,
        bos_token_id=1,
        eos_token_id=2,
    )
    torch.manual_seed(0)
    return AutoModelForCausalLM.from_config(config, dtype=torch.float32).eval()


def gguf_deltas(path) -> dict[str, np.ndarray]:
    """ΔW per base tensor as llama.cpp computes it from the file: alpha / r · B·A, r the rows of lora_a.
    Read with gguf-py, not our reader."""
    reader = GGUFReader(path)
    alpha = float(reader.fields["adapter.lora.alpha"].contents())
    tensors = {t.name: t for t in reader.tensors}
    out = {}
    for name, t in tensors.items():
        if not name.endswith(".lora_a"):
            continue
        base = name[: -len(".lora_a")]
        tb = tensors[base + ".lora_b"]
        a = ggml_dequantize(np.asarray(t.data), t.tensor_type).reshape(tuple(reversed([int(n) for n in t.shape])))
        b = ggml_dequantize(np.asarray(tb.data), tb.tensor_type).reshape(tuple(reversed([int(n) for n in tb.shape])))
        out[base] = alpha / a.shape[0] * (b.astype(np.float64) @ a.astype(np.float64))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("rule", list(ScaleRule), ids=lambda r: r.value)
def test_one_adapter_one_delta_everywhere(gemma_spec, gemma_shaped_model, rule, tmp_path):
    spec = gemma_spec.select(["q", "v", "down"])
    adapter = LoraAdapter.random(spec, 8, alpha=16.0, seed=11, std=0.05, scale_rule=rule)
    # alpha 16, r 8: 2 and 16 / sqrt(8), by hand.
    assert adapter.scale == pytest.approx({ScaleRule.STANDARD: 2.0, ScaleRule.RSLORA: 16 / math.sqrt(8)}[rule])

    native = LoraAdapter.load(adapter.save(tmp_path / "a.safetensors"))
    peft_model = PeftModel.from_pretrained(gemma_shaped_model, write_peft(adapter, tmp_path / "peft"))
    try:
        gguf = {}
        for recipe in ("f32", "f16"):
            (tmp_path / f"{recipe}.gguf").write_bytes(to_gguf_bytes(adapter, recipe))
            gguf[recipe] = gguf_deltas(tmp_path / f"{recipe}.gguf")
            assert len(gguf[recipe]) == len(list(spec.slots()))
        ours_f32 = read_gguf_adapter((tmp_path / "f32.gguf").read_bytes())
        for layer, kind in spec.slots():
            expected = adapter.delta(layer, kind)
            assert np.array_equal(native.delta(layer, kind), expected)
            got_peft = lora_layer(peft_model, spec, layer, kind).get_delta_weight("default").detach().numpy()
            assert rel_err(got_peft, expected) < 1e-5, (layer, kind)
            name = spec.gguf_tensor_name(layer, kind)
            assert rel_err(gguf["f32"][name], expected) < 1e-6, (layer, kind)
            assert rel_err(gguf["f16"][name], expected) < 3e-3, (layer, kind)  # f16 rounding of A and B
            assert rel_err(ours_f32.delta(layer, kind), expected) < 1e-6, (layer, kind)
    finally:
        peft_model.unload()  # give the shared base back without LoRA layers


# -- errors -------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("missing", [Files.PEFT_WEIGHTS, Files.PEFT_CONFIG])
def test_peft_dir_missing_a_file(missing, tmp_path):
    directory = write_peft(LoraAdapter.random(tiny_spec("llama"), 4), tmp_path / "peft")
    (directory / missing).unlink()
    with pytest.raises(MissingFileError, match=missing):
        read_peft(directory)
    shutil.rmtree(directory)
    with pytest.raises(MissingFileError):
        read_peft(directory)


def test_foreign_peft_dir_needs_the_architecture(tmp_path):
    model = tiny_model("qwen3")
    config = LoraConfig(r=RANK, lora_alpha=ALPHA, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
    get_peft_model(model, config).save_pretrained(tmp_path / "own")
    with pytest.raises(InvalidInputError, match="architecture"):
        read_peft(tmp_path / "own")
    assert read_peft(tmp_path / "own", architecture="qwen3").target.architecture == "qwen3"


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16], ids=["bf16", "f16"])
def test_reads_a_half_precision_dir_written_by_peft(dtype, tmp_path):
    """PEFT saves adapters in the model's dtype, most often bfloat16, which safetensors' numpy API cannot read."""
    model = tiny_model("llama").to(dtype)
    spec = TargetSpec.from_hf_config(model.config.to_dict())
    config = LoraConfig(r=RANK, lora_alpha=ALPHA, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
    peft_model = get_peft_model(model, config, autocast_adapter_dtype=False)  # keep the adapter in `dtype`
    peft_model.save_pretrained(tmp_path / "half")
    raw = (tmp_path / "half" / Files.PEFT_WEIGHTS).read_bytes()
    header = json.loads(raw[8 : 8 + int.from_bytes(raw[:8], "little")])
    assert {v["dtype"] for k, v in header.items() if k != "__metadata__"} == {"BF16" if dtype is torch.bfloat16 else "F16"}
    adapter = read_peft(tmp_path / "half", architecture="llama")
    for layer, kind in adapter.target.slots():
        module = lora_layer(peft_model, spec, layer, kind)
        a = module.lora_A["default"].weight.detach().float().numpy()
        b = module.lora_B["default"].weight.detach().float().numpy()
        np.testing.assert_array_equal(adapter.weights[(layer, kind)][0], a)  # widening to float32 is exact
        np.testing.assert_array_equal(adapter.weights[(layer, kind)][1], b)
        assert rel_err(adapter.delta(layer, kind), EXPECTED_SCALE[ScaleRule.STANDARD] * b.astype(np.float64) @ a) < 1e-12
