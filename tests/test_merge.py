"""Merging adapters: each strategy against PEFT's `add_weighted_adapter` on real PEFT adapters, the exact ΔW sum of
`cat`, svd's reported truncation error, refusals, and a merged adapter on the real Gemma 3 270M in llama.cpp."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from peft import LoraConfig, PeftModel, get_peft_model
from peft.tuners.lora import LoraLayer

from t2l_edge.adapter import LoraAdapter
from t2l_edge.errors import AdapterMismatchError, InvalidInputError
from t2l_edge.export.gguf import to_gguf_bytes
from t2l_edge.export.merge import dare_mask, merge_adapters, merge_with_report
from t2l_edge.export.peft import read_peft
from t2l_edge.targets import ModuleKind, TargetSpec

from conftest import PROMPTS, kl_divergence, strong_adapter
from tiny_models import tiny_model

ARCH = "gemma3"
RANK = 4
TOL = 1e-5
WEIGHTS = [0.7, 0.45]


def rel_err(got, expected) -> float:
    got, expected = np.asarray(got, np.float64), np.asarray(expected, np.float64)
    return float(np.abs(got - expected).max() / np.abs(expected).max())


@pytest.fixture(scope="module")
def peft_dirs(tmp_path_factory):
    """Two PEFT adapters written by PEFT itself on a tiny Gemma 3: different alphas and scale rules, all 7 modules."""
    root = tmp_path_factory.mktemp("peft")
    dirs = []
    for i, (alpha, rslora) in enumerate(((6.0, False), (3.0, True))):
        torch.manual_seed(100 + i)
        model = tiny_model(ARCH)
        config = LoraConfig(r=RANK, lora_alpha=alpha, use_rslora=rslora, init_lora_weights=False,
                            target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])
        peft_model = get_peft_model(model, config)
        with torch.no_grad():  # PEFT's non-init weights are small; make B comparable to A so the merge is not trivial
            for name, p in peft_model.named_parameters():
                if "lora_" in name:
                    p.normal_(0, 0.3)
        peft_model.save_pretrained(root / f"a{i}")
        dirs.append(root / f"a{i}")
    return dirs


@pytest.fixture(scope="module")
def ours(peft_dirs):
    return [read_peft(d, architecture=ARCH) for d in peft_dirs]


def _slot_of(module_name: str) -> tuple[int, ModuleKind]:
    m = re.search(r"layers\.(\d+)\.(?:self_attn|mlp)\.(\w+)$", module_name)
    return int(m.group(1)), ModuleKind(m.group(2))


def peft_merge(peft_dirs, strategy: str, weights, **kwargs) -> dict:
    """PEFT's merged ΔW per slot, and PEFT's module order (the order its merge visits modules)."""
    model = tiny_model(ARCH).double()  # float64, so PEFT's SVD is as exact as ours (float32 rounding near equal
    # singular values moves a truncated ΔW by ~1e-5)
    peft_model = PeftModel.from_pretrained(model, peft_dirs[0], adapter_name="a0")
    peft_model.load_adapter(peft_dirs[1], adapter_name="a1")
    peft_model.add_weighted_adapter(["a0", "a1"], list(weights), "merged", combination_type=strategy, **kwargs)
    out = {}
    for name, module in peft_model.base_model.model.named_modules():
        if isinstance(module, LoraLayer) and "merged" in module.lora_A:
            out[_slot_of(name)] = module.get_delta_weight("merged").detach().double().numpy()
    return out


@pytest.mark.slow
@pytest.mark.parametrize(
    "strategy, kwargs, ours_kwargs",
    [
        ("cat", {}, {}),
        ("linear", {}, {}),
        ("svd", {}, {}),  # PEFT's default rank: the largest input rank
        ("svd", {"svd_rank": 2}, {"rank": 2}),
        ("svd", {"svd_rank": 8}, {"rank": 8}),  # the sum's full rank: exact
        ("ties", {"density": 0.5}, {"density": 0.5}),
        ("magnitude_prune", {"density": 0.3}, {"density": 0.3}),
    ],
    ids=lambda v: str(v),
)
def test_matches_peft_add_weighted_adapter(peft_dirs, ours, strategy, kwargs, ours_kwargs):
    expected = peft_merge(peft_dirs, strategy, WEIGHTS, **kwargs)
    merged = merge_adapters(ours, strategy, WEIGHTS, **ours_kwargs)
    assert set(expected) == set(merged.target.slots())
    assert merged.scale == 1.0  # alpha = rank, as PEFT writes the merged config
    for slot, delta in expected.items():
        assert np.abs(delta).max() > 1e-2
        assert rel_err(merged.delta(*slot), delta) < TOL, slot


@pytest.mark.slow
def test_dare_ties_matches_peft_with_the_same_drop(peft_dirs, ours, monkeypatch):
    """PEFT draws DARE's drop with torch.bernoulli; feed it our seeded masks in the order it visits modules (A of
    each input, then B), so the rest (rescale, sign election, disjoint merge) is PEFT's own arithmetic."""
    density, seed = 0.6, 3
    order = [_slot_of(n) for n, m in tiny_model(ARCH).named_modules() if re.search(r"layers\.\d+\.(self_attn|mlp)\.\w+_proj$", n)]
    queue = []
    for slot in order:
        for which, pos in (("A", 0), ("B", 1)):
            for i, adapter in enumerate(ours):
                queue.append(dare_mask(seed, slot, which, i, adapter.weights[slot][pos].shape, density))
    queue.reverse()

    def bernoulli(probs, *args, **kwargs):
        assert torch.allclose(probs, torch.full_like(probs, density))
        mask = queue.pop()
        assert mask.shape == tuple(probs.shape)
        return torch.from_numpy(mask.astype(np.float32))

    monkeypatch.setattr(torch, "bernoulli", bernoulli)
    expected = peft_merge(peft_dirs, "dare_ties", WEIGHTS, density=density)
    assert not queue  # every mask was used
    merged = merge_adapters(ours, "dare_ties", WEIGHTS, density=density, seed=seed)
    for slot, delta in expected.items():
        assert rel_err(merged.delta(*slot), delta) < TOL, slot


def test_cat_is_the_exact_delta_sum(ours):
    merged = merge_adapters(ours, "cat", [1.5, -0.25])
    assert merged.rank == 2 * RANK
    for slot in merged.target.slots():
        expected = 1.5 * ours[0].delta(*slot) - 0.25 * ours[1].delta(*slot)
        assert rel_err(merged.delta(*slot), expected) < 1e-6


def test_linear_is_not_the_delta_sum(ours):
    """Documented: linear multiplies summed B by summed A, so the cross terms make it differ from the ΔW sum."""
    merged = merge_adapters(ours, "linear", WEIGHTS)
    slot = next(iter(merged.target.slots()))
    delta_sum = sum(w * a.delta(*slot) for w, a in zip(WEIGHTS, ours))
    c = [w * a.scale for w, a in zip(WEIGHTS, ours)]
    (a0, b0), (a1, b1) = ours[0].weights[slot], ours[1].weights[slot]
    cross = np.sqrt(c[0] * c[1]) * (b0.astype(np.float64) @ a1 + b1.astype(np.float64) @ a0)
    assert rel_err(merged.delta(*slot), delta_sum) > 0.05
    assert rel_err(merged.delta(*slot), delta_sum + cross) < 1e-5


def test_svd_reports_the_truncation_error(ours):
    merged, report = merge_with_report(ours, "svd", WEIGHTS, rank=3)
    assert merged.rank == 3 and set(report.truncation_error) == set(merged.target.slots())
    for slot in merged.target.slots():
        exact = sum(w * a.delta(*slot) for w, a in zip(WEIGHTS, ours))
        expected = np.linalg.norm(exact - merged.delta(*slot)) / np.linalg.norm(exact)
        assert 0.01 < report.truncation_error[slot] and report.truncation_error[slot] == pytest.approx(expected, rel=1e-4)
    full, report = merge_with_report(ours, "svd", WEIGHTS, rank=2 * RANK)
    assert max(report.truncation_error.values()) < 1e-6
    assert report.to_dict()["truncation_error"]["max"] < 1e-6


@pytest.mark.parametrize("rank", [1, 3, 4, 8, 12])
def test_svd_from_the_factors_equals_the_dense_svd(ours, rank):
    """svd never forms ΔW; the reference does: numpy's SVD of each module's dense Σ c_i B_i A_i, truncated."""
    merged, report = merge_with_report(ours, "svd", WEIGHTS, rank=rank)
    for slot in merged.target.slots():
        exact = sum(w * a.delta(*slot).astype(np.float64) for w, a in zip(WEIGHTS, ours))
        u, s, vh = np.linalg.svd(exact, full_matrices=False)
        kept = min(rank, len(s))
        truncated = (u[:, :kept] * s[:kept]) @ vh[:kept]
        assert rel_err(merged.delta(*slot), truncated) < TOL, slot
        assert report.truncation_error[slot] == pytest.approx(np.sqrt((s[kept:] ** 2).sum() / (s**2).sum()), abs=1e-6)


@pytest.mark.parametrize("how", ["equal", "nearly equal", "opposite weights", "zero"])
def test_svd_from_the_factors_handles_dependent_factors(ours, how):
    """Stacks without full rank (the same adapter twice, one nudged by 1e-7, one cancelling the other, zeros): the
    factors' basis drops the missing directions instead of dividing by them."""
    a = ours[0]
    rng = np.random.default_rng(0)
    if how == "zero":
        a = LoraAdapter(a.target, a.rank, a.alpha, {k: (np.zeros_like(x), np.zeros_like(y)) for k, (x, y) in a.weights.items()})
    b = LoraAdapter(a.target, a.rank, a.alpha, {
        k: ((x + (1e-7 * rng.standard_normal(x.shape) if how == "nearly equal" else 0)).astype(np.float32), y)
        for k, (x, y) in a.weights.items()})
    weights = [1.0, -1.0] if how == "opposite weights" else [0.7, 0.45]
    merged, report = merge_with_report([a, b], "svd", weights, rank=3)
    for slot in merged.target.slots():
        exact = sum(w * x.delta(*slot).astype(np.float64) for w, x in zip(weights, (a, b)))
        u, s, vh = np.linalg.svd(exact, full_matrices=False)
        truncated = (u[:, :3] * s[:3]) @ vh[:3]
        scale = max(np.abs(a.delta(*slot)).max(), 1e-30)  # the inputs' size: a cancelled sum is ~0
        assert np.abs(merged.delta(*slot) - truncated).max() <= 1e-6 * scale, slot
        assert np.isfinite(report.truncation_error[slot])


def test_svd_rank_above_a_module_and_negative_seeds_are_refused():
    a, b = (LoraAdapter.random(_spec(), 4, seed=r) for r in (1, 2))
    merge_adapters([a, b], "svd", rank=40)  # v_proj is 64→40
    with pytest.raises(InvalidInputError, match="at most 40"):
        merge_adapters([a, b], "svd", rank=41)
    with pytest.raises(InvalidInputError, match="seed"):
        merge_adapters([a, b], "dare_ties", seed=-1)


def test_dare_is_seeded(ours):
    a = merge_adapters(ours, "dare_ties", density=0.5, seed=1)
    b = merge_adapters(ours, "dare_ties", density=0.5, seed=1)
    c = merge_adapters(ours, "dare_ties", density=0.5, seed=2)
    slot = next(iter(a.target.slots()))
    assert np.array_equal(a.weights[slot][0], b.weights[slot][0])
    assert not np.array_equal(a.weights[slot][0], c.weights[slot][0])


def test_provenance(ours):
    x = LoraAdapter.random(ours[0].target, RANK, task="Reverse the words.", generator="g1")
    y = LoraAdapter.random(ours[0].target, RANK, seed=5, task="Sort the list.", generator="g1")
    merged = merge_adapters([x, y], "cat")
    assert merged.task == "Reverse the words. + Sort the list." and merged.generator == "g1"
    assert merged.extra["merge"] == "cat"


# -- refusals -------------------------------------------------------------------------------------------------------


def _spec(arch="gemma3", layers=2, modules=("q", "v"), hidden=64, q_out=80):
    from t2l_edge.targets import ModuleShape

    shapes = {"q": ModuleShape(hidden, q_out), "v": ModuleShape(hidden, 40), "down": ModuleShape(96, hidden)}
    return TargetSpec(arch, layers, {ModuleKind(k + "_proj"): shapes[k] for k in modules})


@pytest.mark.parametrize(
    "other, message",
    [
        (dict(arch="llama"), "adapter 2 is for llama, adapter 1 for gemma3"),
        (dict(layers=3), "adapter 2 has 3 layers, adapter 1 2"),
        (dict(modules=("q", "down")), "adapter 2 targets down_proj,q_proj, adapter 1 q_proj,v_proj"),
        (dict(q_out=96), "adapter 2's q_proj is 64→96, adapter 1's 64→80"),
    ],
)
def test_refuses_adapters_of_different_bases(other, message):
    a = LoraAdapter.random(_spec(), 4)
    b = LoraAdapter.random(_spec(**other), 4)
    with pytest.raises(AdapterMismatchError) as e:
        merge_adapters([a, b], "cat")
    assert message in str(e.value) and "\n" not in str(e.value)


def test_refuses_bad_options():
    a, b, c = (LoraAdapter.random(_spec(), r, seed=r) for r in (4, 4, 8))
    with pytest.raises(AdapterMismatchError, match="one rank"):
        merge_adapters([a, c], "linear")
    merge_adapters([a, c], "cat")  # cat and svd take any ranks
    merge_adapters([a, c], "svd", rank=2)
    for kwargs, match in [
        (dict(strategy="average"), "unknown merge strategy"),
        (dict(strategy="cat", weights=[1.0]), "1 weights for 2 adapters"),
        (dict(strategy="ties", density=0.0), "density must be in"),
        (dict(strategy="cat", density=0.5), "--density applies to"),
        (dict(strategy="ties", rank=2), "--rank applies to svd only"),
    ]:
        with pytest.raises(InvalidInputError, match=match):
            merge_adapters([a, b], **kwargs)
    with pytest.raises(InvalidInputError, match="at least two"):
        merge_adapters([a], "cat")


# -- the real base -----------------------------------------------------------------------------------------------------


def test_cat_merge_on_gemma_equals_both_adapters_active(runner, gemma_spec):
    """llama.cpp with the cat-merged adapter computes what it computes with both inputs active at their weights."""
    spec = gemma_spec.select(["q", "v", "down"])
    x, y = strong_adapter(spec, seed=1), strong_adapter(spec, seed=2, rank=4)
    merged = merge_adapters([x, y], "cat", [1.0, 0.8])
    loaded = [runner.load_adapter(to_gguf_bytes(a, "f32"), name=n) for a, n in ((x, "x"), (y, "y"), (merged, "m"))]
    try:
        moved, same = [], []
        for prompt in PROMPTS:
            runner.set_adapters([])
            base = runner.last_logits(prompt)
            runner.set_adapters([(loaded[0], 1.0), (loaded[1], 0.8)])
            both = runner.last_logits(prompt)
            runner.set_adapters([loaded[2]])
            one = runner.last_logits(prompt)
            moved.append(kl_divergence(both, base))
            same.append(kl_divergence(one, both))
            assert int(one.argmax()) == int(both.argmax())
        print("KL(both || base)", moved, "KL(merged || both)", same)
        assert np.mean(moved) > 0.1  # the adapters do move the model
        assert max(same) < 0.03 and np.mean(same) < np.mean(moved) / 5  # the base's jitter floor: same ΔW
    finally:
        for a in loaded:
            runner.unload(a)
