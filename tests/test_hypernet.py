"""The hypernetwork: shapes for every architecture × variant, bias-HyperInit against PEFT's own LoRA init,
optimizer groups, generation, and checkpoints that round-trip exactly and refuse tampering."""

from __future__ import annotations

import functools
import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

import torch
torch.set_num_threads(2)

from t2l_edge.adapter import ScaleRule  # noqa: E402
from t2l_edge.errors import CorruptFileError, InvalidInputError, MissingFileError, T2LEdgeError  # noqa: E402
from t2l_edge.model.checkpoint import (  # noqa: E402
    CHECKPOINT_CONFIG,
    CHECKPOINT_WEIGHTS,
    load_checkpoint,
    read_checkpoint_config,
    save_checkpoint,
)
from t2l_edge.model.config import HypernetConfig, Variant  # noqa: E402
from t2l_edge.model.hypernet import HyperNetwork  # noqa: E402
from t2l_edge.targets import ARCHITECTURES, ModelDims, TargetSpec  # noqa: E402

from tiny_models import TINY_CONFIGS  # noqa: E402

ARCHS = sorted(ARCHITECTURES)
VARIANTS = list(Variant)
GEMMA_270M = ModelDims(hidden=640, n_layers=18, n_heads=4, n_kv_heads=1, head_dim=256, intermediate=2048)
SMALL = dict(latent_size=32, head_width=16, rank=4)  # fast test networks


def tiny_spec(architecture: str) -> TargetSpec:
    return TargetSpec.from_hf_config(TINY_CONFIGS[architecture]().to_dict())


def perturb_heads(model: HyperNetwork, std: float = 0.05, seed: int = 0) -> None:
    """Move the head weights off zero, as training does, so outputs depend on task, layer and module."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for head in model.heads.values():
            head.weight.copy_(torch.randn(head.weight.shape, generator=g) * std)


def test_every_architecture_row_is_exercised():
    """Coverage guard: the shape test below runs every (architecture, module) row of the target tables."""
    assert set(TINY_CONFIGS) == set(ARCHITECTURES), "add a tiny model for the new architecture in tiny_models.py"
    tested = {(a, k) for a in ARCHS for k in tiny_spec(a).modules}
    rows = {(a, k) for a, table in ARCHITECTURES.items() for k in table.rows}
    assert tested == rows


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.value)
@pytest.mark.parametrize("architecture", ARCHS)
def test_output_shapes(architecture, variant):
    spec = tiny_spec(architecture)
    torch.manual_seed(0)
    model = HyperNetwork(HypernetConfig(spec, variant=variant, **SMALL))
    perturb_heads(model)
    emb = torch.randn(3, 384)
    out = model(emb)
    assert list(out) == list(spec.modules)
    for kind, (a, b) in out.items():
        shape = spec.modules[kind]
        assert a.shape == (3, spec.n_layers, 4, shape.in_features), kind
        assert b.shape == (3, spec.n_layers, shape.out_features, 4), kind
        # Conditioned on the task and on the layer: no sample or layer gets a copy of another's adapter.
        assert not torch.allclose(a[0], a[1]) and not torch.allclose(b[0], b[1]), kind
        assert not torch.allclose(b[:, 0], b[:, 1]), kind

    adapters = model.generate(emb, tasks=["x", "y", "z"])
    assert [ad.task for ad in adapters] == ["x", "y", "z"]
    for i, ad in enumerate(adapters):  # LoraAdapter validates shapes, dtype and finiteness itself
        assert ad.generator == model.generator_hash() and ad.rank == 4
        for (layer, kind), a, b in ad.items():
            np.testing.assert_array_equal(a, out[kind][0][i, layer].detach().numpy())
            np.testing.assert_array_equal(b, out[kind][1][i, layer].detach().numpy())


def test_variants_differ_in_head_outputs():
    """L emits r·in + out·r per call, M r·max(in, out), S max(in, out): visible in the head weight shapes."""
    spec = TargetSpec.from_dims("gemma3", GEMMA_270M, ["q_proj", "down_proj"])
    r = 8
    expect = {
        Variant.L: {"q_proj": r * 640 + 1024 * r, "down_proj": r * 2048 + 640 * r},
        Variant.M: {"q_proj": r * 1024, "down_proj": r * 2048},
        Variant.S: {"q_proj": 1024, "down_proj": 2048},
    }
    for variant, widths in expect.items():
        model = HyperNetwork(HypernetConfig(spec, variant=variant, latent_size=16, head_width=8, rank=r))
        assert {k: h.weight.shape[0] for k, h in model.heads.items()} == widths


def test_gemma_270m_sizes():
    """Defaults put the L variant on all seven Gemma 3 270M projections in the 20–30M range (FACTS: 27.7M)."""
    full = TargetSpec.from_dims("gemma3", GEMMA_270M)
    counts = {v: HyperNetwork(HypernetConfig(full, variant=v)).num_parameters() for v in VARIANTS}
    assert 20e6 < counts[Variant.L] < 30e6
    assert counts[Variant.L] > counts[Variant.M] > counts[Variant.S]


@functools.cache
def peft_lora_a(in_features: int, out_features: int, rank: int, seed: int) -> np.ndarray:
    """lora_A as PEFT initialises it, on a plain Linear: the independent reference for bias-HyperInit."""
    from peft import LoraConfig, get_peft_model

    class One(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.q_proj = torch.nn.Linear(in_features, out_features)

        def forward(self, x):
            return self.q_proj(x)

    torch.manual_seed(seed)
    model = get_peft_model(One(), LoraConfig(r=rank, lora_alpha=2 * rank, target_modules=["q_proj"]))
    b = model.base_model.model.q_proj.lora_B["default"].weight
    assert torch.count_nonzero(b) == 0
    return model.base_model.model.q_proj.lora_A["default"].weight.detach().numpy()


def ks_two_sample(x: np.ndarray, y: np.ndarray) -> float:
    x, y = np.sort(x.ravel()), np.sort(y.ravel())
    grid = np.concatenate([x, y])
    return float(np.abs(np.searchsorted(x, grid, "right") / x.size - np.searchsorted(y, grid, "right") / y.size).max())


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.value)
def test_step0_is_a_fresh_peft_lora(variant):
    """bias-HyperInit: B = 0 exactly (ΔW = 0) for any task, A distributed as PEFT's kaiming_uniform(a=√5)."""
    import peft  # noqa: F401
    spec = TargetSpec.from_dims("gemma3", GEMMA_270M, ["q_proj", "v_proj", "down_proj"])
    torch.manual_seed(1)
    model = HyperNetwork(HypernetConfig(spec, variant=variant, latent_size=32, head_width=16, rank=8)).train()
    out = model(torch.randn(2, 384))  # dropout on or off makes no difference: the head weights are zero
    for kind, (a, b) in out.items():
        shape = spec.modules[kind]
        assert torch.count_nonzero(b) == 0, kind
        assert torch.equal(a[0], a[1]), kind  # the task does not matter yet
        a0 = a[0, 0].detach().numpy()  # (r, in); every layer starts from the same bias
        bound = 1 / math.sqrt(shape.in_features)
        n = a0.size
        assert np.abs(a0).max() <= bound
        assert np.abs(a0).max() > bound * (1 - 10 / n)  # fills the interval (P(fail) ≈ e^-5)
        assert abs(a0.std() - bound / math.sqrt(3)) < 0.05 * bound / math.sqrt(3)
        assert abs(a0.mean()) < 4 * bound / math.sqrt(3 * n)
        assert np.linalg.matrix_rank(a0) == 8  # rank rows are independent (S: one bias row per rank)
        reference = peft_lora_a(shape.in_features, shape.out_features, 8, seed=2)
        assert np.abs(reference).max() <= bound
        assert ks_two_sample(a0, reference) < 1.63 * math.sqrt(2 / n)  # KS at the 1% level
    for adapter in model.generate(torch.randn(2, 384)):
        assert all(not b.any() for (_, b) in adapter.weights.values())  # B = 0 in every slot
        for kind in spec.modules:
            assert not adapter.delta(spec.n_layers - 1, kind).any()  # ΔW = scale·B·A = 0 exactly


def test_param_groups_cover_every_parameter_once():
    model = HyperNetwork(HypernetConfig(tiny_spec("gemma3"), variant=Variant.M, **SMALL))
    groups = model.param_groups(3e-4)
    assert {g["name"]: g["lr"] for g in groups} == pytest.approx({"head_bias": 3e-4, "head_weight": 3e-6, "trunk": 3e-5})
    ids = [id(p) for g in groups for p in g["params"]]
    assert len(ids) == len(set(ids)) and set(ids) == {id(p) for p in model.parameters()}
    by_name = {g["name"]: g["params"] for g in groups}
    assert all(p is h.bias for p, h in zip(by_name["head_bias"], model.heads.values()))
    torch.optim.AdamW(groups)  # accepted as is


def test_generator_hash_follows_the_weights():
    model = HyperNetwork(HypernetConfig(tiny_spec("llama"), **SMALL))
    h = model.generator_hash()
    assert len(h) == 16 and h == model.generator_hash()
    with torch.no_grad():
        model.heads["q_proj"].weight[0, 0] += 1e-3
    assert model.generator_hash() != h
    other = HyperNetwork(HypernetConfig(tiny_spec("llama"), **{**SMALL, "alpha": 4.0}))
    other.load_state_dict(model.state_dict())
    assert other.generator_hash() != model.generator_hash()  # the config is part of the hash


def test_bad_embeddings_are_refused():
    model = HyperNetwork(HypernetConfig(tiny_spec("llama"), **SMALL))
    with pytest.raises(InvalidInputError, match=r"\(batch, 384\)"):
        model(torch.randn(2, 512))
    with pytest.raises(InvalidInputError, match="2 task texts for 3"):
        model.generate(torch.randn(3, 384), tasks=["a", "b"])


# -- config -----------------------------------------------------------------------------------------------------


def test_config_round_trips_through_json():
    config = HypernetConfig(
        tiny_spec("phi3").select(["qkv_proj", "down_proj"]), variant="S", rank=2, alpha=3, scale_rule="rslora",
        dropout=0.1, extra={"run": "x"},
    )
    assert config.variant is Variant.S and config.scale_rule is ScaleRule.RSLORA and config.alpha == 3.0
    again = HypernetConfig.from_dict(json.loads(json.dumps(config.to_dict())))
    assert again == config and again.to_dict() == config.to_dict()


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("variant", "XL", "variant must be one of 'L', 'M', 'S'"),
        ("scale_rule", "linear", "scale_rule must be one of 'standard', 'rslora'"),
        ("rank", 0, "rank must be a positive integer"),
        ("latent_size", 30, "latent_size must be a multiple of 4"),
        ("dropout", 1.0, r"dropout must be in \[0, 1\)"),
        ("alpha", float("nan"), "alpha must be a positive finite number"),
        ("prompt_format", "chat", "unknown prompt format 'chat'"),
    ],
)
def test_config_rejects_bad_values(field, value, message):
    with pytest.raises(InvalidInputError, match=message):
        HypernetConfig(tiny_spec("llama"), **{field: value})


def test_config_module_does_not_import_torch():
    code = "import sys, t2l_edge.model.config; assert 'torch' not in sys.modules, 'torch imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


# -- checkpoints ------------------------------------------------------------------------------------------------


@pytest.fixture
def trained(tmp_path):
    torch.manual_seed(3)
    model = HyperNetwork(HypernetConfig(tiny_spec("gemma3"), variant=Variant.M, dropout=0.1, **SMALL))
    perturb_heads(model)
    return model, save_checkpoint(model, tmp_path / "ckpt", extra={"step": 7})


def test_checkpoint_round_trip_is_exact(trained):
    model, directory = trained
    assert sorted(os.listdir(directory)) == [CHECKPOINT_CONFIG, CHECKPOINT_WEIGHTS]
    assert not [p for p in os.listdir(directory.parent) if p.startswith(".")]  # no temporary left behind
    loaded = load_checkpoint(directory)
    assert loaded.config == model.config and not loaded.training
    assert loaded.state_dict().keys() == model.state_dict().keys()
    for name, t in model.state_dict().items():
        assert torch.equal(loaded.state_dict()[name], t), name
    assert loaded.generator_hash() == model.generator_hash()
    emb = torch.randn(2, 384)
    model.eval()
    for kind, (a, b) in model(emb).items():
        la, lb = loaded(emb)[kind]
        assert torch.equal(a, la) and torch.equal(b, lb)
    config, data = read_checkpoint_config(directory)
    assert config == model.config and data["extra"] == {"step": 7}


def test_fp16_checkpoint_is_half_the_size_and_loads_as_the_rounded_model(trained, tmp_path):
    from safetensors import safe_open

    model, full = trained
    half = save_checkpoint(model, tmp_path / "half", dtype=torch.float16)
    with safe_open(str(half / CHECKPOINT_WEIGHTS), "pt") as f:
        assert {f.get_tensor(k).dtype for k in f.keys()} == {torch.float16}
    assert (half / CHECKPOINT_WEIGHTS).stat().st_size < 0.55 * (full / CHECKPOINT_WEIGHTS).stat().st_size
    loaded = load_checkpoint(half)
    for name, t in model.state_dict().items():
        assert loaded.state_dict()[name].dtype == torch.float32
        assert torch.equal(loaded.state_dict()[name], t.half().float()), name
    # the stored hash names the generator as it loads (rounded weights), not the float32 original it came from
    assert loaded.generator_hash() == read_checkpoint_config(half)[1]["generator_hash"] != model.generator_hash()
    assert torch.equal(next(iter(model.state_dict().values())), next(iter(load_checkpoint(full).state_dict().values())))


def one_line(excinfo) -> str:
    message = str(excinfo.value)
    assert "\n" not in message and isinstance(excinfo.value, T2LEdgeError)
    return message


def test_checkpoint_with_a_flipped_byte_is_refused(trained):
    _, directory = trained
    weights = directory / CHECKPOINT_WEIGHTS
    data = bytearray(weights.read_bytes())
    data[-5] ^= 0x01  # one bit of one weight
    weights.write_bytes(bytes(data))
    with pytest.raises(CorruptFileError) as e:
        load_checkpoint(directory)
    assert "sha256" in one_line(e)


def test_checkpoint_whose_tensors_do_not_match_its_config_is_refused(trained):
    from safetensors.torch import load_file, save_file

    model, directory = trained
    weights = directory / CHECKPOINT_WEIGHTS
    tensors = load_file(str(weights))
    del tensors["heads.q_proj.bias"]
    save_file(tensors, str(weights))
    config = json.loads((directory / CHECKPOINT_CONFIG).read_text())
    config.pop("weights_sha256")  # a hand-edited checkpoint without the checksum still gets its tensors checked
    (directory / CHECKPOINT_CONFIG).write_text(json.dumps(config))
    with pytest.raises(CorruptFileError) as e:
        load_checkpoint(directory)
    assert "missing ['heads.q_proj.bias']" in one_line(e)


def test_checkpoint_missing_or_garbled_files_are_refused(trained, tmp_path):
    _, directory = trained
    with pytest.raises(MissingFileError) as e:
        load_checkpoint(tmp_path / "nowhere")
    one_line(e)

    config_text = (directory / CHECKPOINT_CONFIG).read_text()
    (directory / CHECKPOINT_WEIGHTS).rename(tmp_path / "aside")
    with pytest.raises(MissingFileError) as e:
        load_checkpoint(directory)
    assert CHECKPOINT_WEIGHTS in one_line(e)
    (tmp_path / "aside").rename(directory / CHECKPOINT_WEIGHTS)

    (directory / CHECKPOINT_CONFIG).write_text(config_text[:40])
    with pytest.raises(CorruptFileError) as e:
        load_checkpoint(directory)
    assert "not valid JSON" in one_line(e)

    bad = json.loads(config_text)
    bad["hypernet"]["variant"] = "XL"
    (directory / CHECKPOINT_CONFIG).write_text(json.dumps(bad))
    with pytest.raises(CorruptFileError) as e:
        load_checkpoint(directory)
    assert "variant must be one of" in one_line(e)

    (directory / CHECKPOINT_CONFIG).unlink()
    with pytest.raises(MissingFileError) as e:
        load_checkpoint(directory)
    assert CHECKPOINT_CONFIG in one_line(e)
