"""Generated LoRAs applied by hooks, against PEFT on the same tiny transformers models: per sample in a mixed batch,
logits and gradients; the base model loader and its GGUF cache."""

from __future__ import annotations

import numpy as np
import pytest

import torch
torch.set_num_threads(2)

from peft import PeftModel  # noqa: E402

from t2l_edge.adapter import LoraAdapter, ScaleRule  # noqa: E402
from t2l_edge.errors import AdapterMismatchError, CorruptFileError, InvalidInputError, MissingFileError  # noqa: E402
from t2l_edge.export.peft import write_peft  # noqa: E402
from t2l_edge.model.base import LoraHooks, hf_cache_path, load_base_model, stack_adapters  # noqa: E402
from t2l_edge.model.config import HypernetConfig, Variant  # noqa: E402
from t2l_edge.model.hypernet import HyperNetwork  # noqa: E402
from t2l_edge.targets import ARCHITECTURES, TargetSpec  # noqa: E402

from tiny_models import VOCAB, tiny_model  # noqa: E402

ARCHS = sorted(ARCHITECTURES)
RANK, ALPHA = 4, 6.0
LENGTHS = [9, 6, 3]  # a mixed, right-padded batch


def spec_of(model) -> TargetSpec:
    return TargetSpec.from_hf_config(model.config.to_dict())


def padded_batch(seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(3, VOCAB, (len(LENGTHS), max(LENGTHS)), generator=g)  # (B, T)
    mask = torch.zeros_like(ids)
    for i, n in enumerate(LENGTHS):
        mask[i, :n] = 1
        ids[i, n:] = 0
    return ids, mask


def three_adapters(spec: TargetSpec, rule=ScaleRule.RSLORA) -> list[LoraAdapter]:
    return [LoraAdapter.random(spec, RANK, ALPHA, seed=s, std=0.2, scale_rule=rule) for s in range(3)]


def peft_alone(architecture: str, adapter: LoraAdapter, directory, trainable: bool = False):
    """A fresh tiny model with exactly this adapter loaded by PEFT from a PEFT directory on disk."""
    return PeftModel.from_pretrained(tiny_model(architecture), write_peft(adapter, directory), is_trainable=trainable)


@pytest.mark.parametrize("architecture", ARCHS)
def test_hooks_equal_peft_per_sample_in_a_mixed_batch(architecture, tmp_path):
    model = tiny_model(architecture)
    spec = spec_of(model)
    adapters = three_adapters(spec)
    ids, mask = padded_batch()
    with torch.no_grad():
        plain = model(input_ids=ids, attention_mask=mask).logits
        weights, scale = stack_adapters(adapters)
        assert scale == adapters[0].scale == ALPHA / RANK**0.5
        with LoraHooks(model, spec, scale, weights):
            mixed = model(input_ids=ids, attention_mask=mask).logits  # (3, T, V): sample i with adapter i
        after = model(input_ids=ids, attention_mask=mask).logits
    assert torch.equal(after, plain)  # hooks gone, base untouched

    for i, (adapter, n) in enumerate(zip(adapters, LENGTHS)):
        with torch.no_grad():
            alone = peft_alone(architecture, adapter, tmp_path / f"a{i}")(input_ids=ids[i : i + 1, :n]).logits[0]
        assert (alone - plain[i, :n]).abs().max() > 1e-2  # the adapter moves the logits well beyond the tolerance
        torch.testing.assert_close(mixed[i, :n], alone, atol=1e-5, rtol=1e-5)


def test_gradients_equal_peft_per_sample(tmp_path):
    """d loss / d (A, B) through the hooks, per sample, equals PEFT's lora_A / lora_B gradients for that sample."""
    architecture = "gemma3"
    model = tiny_model(architecture).requires_grad_(False)
    spec = spec_of(model)
    adapters = three_adapters(spec, ScaleRule.STANDARD)
    ids, mask = padded_batch(1)
    weights, scale = stack_adapters(adapters)
    for a, b in weights.values():
        a.requires_grad_(True)
        b.requires_grad_(True)
    with LoraHooks(model, spec, scale, weights):
        logits = model(input_ids=ids, attention_mask=mask).logits
    losses = [logits[i, : n - 1].logsumexp(-1).mean() - logits[i, : n - 1].gather(1, ids[i, 1:n, None]).mean()
              for i, n in enumerate(LENGTHS)]
    torch.stack(losses).sum().backward()
    assert all(p.grad is None for p in model.parameters())

    for i, (adapter, n) in enumerate(zip(adapters, LENGTHS)):
        peft_model = peft_alone(architecture, adapter, tmp_path / f"g{i}", trainable=True)
        out = peft_model(input_ids=ids[i : i + 1, :n]).logits[0]
        (out[: n - 1].logsumexp(-1).mean() - out[: n - 1].gather(1, ids[i, 1:n, None]).mean()).backward()
        for layer, kind in spec.slots():
            module = peft_model.base_model.model.get_submodule(spec.hf_module_path(layer, kind))
            ga, gb = module.lora_A["default"].weight.grad, module.lora_B["default"].weight.grad
            assert gb.abs().max() > 1e-4
            torch.testing.assert_close(weights[kind][0].grad[i, layer], ga, atol=1e-6, rtol=1e-4)
            torch.testing.assert_close(weights[kind][1].grad[i, layer], gb, atol=1e-6, rtol=1e-4)


@pytest.mark.parametrize("variant", list(Variant), ids=lambda v: v.value)
def test_hypernetwork_trains_through_the_hooks(variant):
    """Step 0 leaves the base's logits exactly unchanged; gradients reach the heads; one step changes the output."""
    model = tiny_model("qwen3").requires_grad_(False)
    spec = spec_of(model)
    torch.manual_seed(0)
    hypernet = HyperNetwork(HypernetConfig(spec, variant=variant, latent_size=32, head_width=16, rank=RANK))
    emb = torch.nn.functional.normalize(torch.randn(3, 384), dim=-1)
    ids, mask = padded_batch(2)
    with torch.no_grad():
        plain = model(input_ids=ids, attention_mask=mask).logits
    optimizer = torch.optim.SGD(hypernet.param_groups(1e-2))
    with LoraHooks(model, spec, hypernet.config.scale) as hooks:
        hooks.set(hypernet(emb))
        logits = model(input_ids=ids, attention_mask=mask).logits
        assert torch.equal(logits, plain)  # ΔW = 0 at step 0
        loss = -logits[:, :, 5].mean()  # push one token up
        loss.backward()
        for head in hypernet.heads.values():
            assert head.weight.grad.abs().max() > 0 and head.bias.grad.abs().max() > 0
        optimizer.step()
        hooks.set(hypernet(emb))
        with torch.no_grad():
            moved = model(input_ids=ids, attention_mask=mask).logits
    assert -moved[:, :, 5].mean() < loss  # the step did what its gradient said


def test_hooks_refuse_mismatches():
    model = tiny_model("gemma3")
    other = spec_of(tiny_model("llama"))  # q_proj 64 -> 64, Gemma's is 64 -> 80
    with pytest.raises(AdapterMismatchError, match=r"q_proj has \(in, out\) \(64, 80\)"):
        LoraHooks(model, other, 1.0)
    spec = spec_of(model)
    weights, scale = stack_adapters(three_adapters(spec)[:2])
    ids, mask = padded_batch()
    with LoraHooks(model, spec, scale, weights), pytest.raises(InvalidInputError, match="batch of 3 samples but 2"):
        model(input_ids=ids, attention_mask=mask)
    a, b = weights[next(iter(weights))]
    with pytest.raises(InvalidInputError, match=r"should be \(B, L, r, in\)"):
        LoraHooks(model, spec, scale).set({**weights, next(iter(weights)): (a[:, :1], b)})
    mixed = three_adapters(spec)[:1] + [LoraAdapter.random(spec, RANK, 3 * ALPHA, seed=9)]
    with pytest.raises(AdapterMismatchError, match="rank or scale"):
        stack_adapters(mixed)


# -- base model loading -----------------------------------------------------------------------------------------


def write_tiny_llama_gguf(model, path):
    """The tiny Llama as llama.cpp's converter writes it (q/k rows permuted for its RoPE layout), F32 tensors."""
    from gguf import GGUFWriter

    c = model.config

    def permute(w, n_head, n_kv_head):
        n = n_kv_head if n_kv_head != n_head else n_head
        return w.reshape(n, 2, w.shape[0] // n // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)

    writer = GGUFWriter(str(path), "llama")
    writer.add_block_count(c.num_hidden_layers)
    writer.add_context_length(c.max_position_embeddings)
    writer.add_embedding_length(c.hidden_size)
    writer.add_feed_forward_length(c.intermediate_size)
    writer.add_head_count(c.num_attention_heads)
    writer.add_head_count_kv(c.num_key_value_heads)
    writer.add_layer_norm_rms_eps(c.rms_norm_eps)
    writer.add_rope_freq_base(10000.0)
    writer.add_vocab_size(c.vocab_size)
    writer.add_rope_dimension_count(c.hidden_size // c.num_attention_heads)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(["<unk>", "<s>", "</s>"] + [f"▁t{i}" for i in range(c.vocab_size - 3)])
    writer.add_token_scores([0.0] * 3 + [-float(i) for i in range(c.vocab_size - 3)])
    writer.add_token_types([2, 3, 3] + [1] * (c.vocab_size - 3))
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_unk_token_id(0)
    names = {"model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
             "lm_head.weight": "output.weight"}
    per_layer = {"input_layernorm": "attn_norm", "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k",
                 "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output", "post_attention_layernorm": "ffn_norm",
                 "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down"}
    for i in range(c.num_hidden_layers):
        names.update({f"model.layers.{i}.{hf}.weight": f"blk.{i}.{g}.weight" for hf, g in per_layer.items()})
    state = model.state_dict()
    assert set(state) == set(names)
    for key, value in state.items():
        value = value.numpy()
        if ".q_proj." in key:
            value = permute(value, c.num_attention_heads, c.num_attention_heads)
        elif ".k_proj." in key:
            value = permute(value, c.num_attention_heads, c.num_key_value_heads)
        writer.add_tensor(names[key], np.ascontiguousarray(value, np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def test_base_from_gguf_is_dequantized_once_and_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("T2L_EDGE_CACHE", str(tmp_path / "cache"))
    reference = tiny_model("llama")
    gguf = tmp_path / "tiny-llama.gguf"
    write_tiny_llama_gguf(reference, gguf)
    cache = hf_cache_path(gguf)
    assert cache.is_relative_to(tmp_path / "cache" / "hf") and not cache.exists()

    first = load_base_model(gguf)
    assert first.loaded_from == cache and (cache / "config.json").is_file() and (cache / "model.safetensors").is_file()
    assert first.tokenizer is not None and first.target == spec_of(reference)
    assert not any(p.requires_grad for p in first.model.parameters()) and not first.model.training
    assert not [p for p in cache.parent.iterdir() if p.name.startswith(".")]  # no temporary left behind
    stamp = (cache / "model.safetensors").stat().st_mtime_ns

    second = load_base_model(gguf)
    assert second.loaded_from == cache and (cache / "model.safetensors").stat().st_mtime_ns == stamp  # not rebuilt
    ids, mask = padded_batch()
    with torch.no_grad():
        expected = reference(input_ids=ids, attention_mask=mask).logits
        for loaded in (first, second):  # the same model as the one the GGUF was written from
            torch.testing.assert_close(loaded.model(input_ids=ids, attention_mask=mask).logits, expected, atol=1e-6, rtol=0)


def test_base_from_hf_folder_and_bad_sources(tmp_path, monkeypatch):
    monkeypatch.setenv("T2L_EDGE_CACHE", str(tmp_path / "cache"))
    reference = tiny_model("gemma3")
    reference.save_pretrained(tmp_path / "hf")
    base = load_base_model(tmp_path / "hf", tokenizer=False)
    assert base.loaded_from == tmp_path / "hf" and base.tokenizer is None and base.target == spec_of(reference)
    assert not (tmp_path / "cache").exists()  # a folder needs no cache
    ids, mask = padded_batch()
    with torch.no_grad():
        assert torch.equal(base.model(input_ids=ids, attention_mask=mask).logits,
                           reference(input_ids=ids, attention_mask=mask).logits)

    with pytest.raises(MissingFileError, match="base model not found"):
        load_base_model(tmp_path / "nothing.gguf")
    (tmp_path / "empty").mkdir()
    with pytest.raises(MissingFileError, match="no config.json"):
        load_base_model(tmp_path / "empty")
    (tmp_path / "notes.gguf").write_text("hello")
    with pytest.raises(CorruptFileError, match="bad magic"):
        load_base_model(tmp_path / "notes.gguf")
