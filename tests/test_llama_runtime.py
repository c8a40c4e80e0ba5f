"""The llama.cpp runner on the real Gemma 3 270M: hot swaps, exactness, recipes, generation, refusals."""

import numpy as np
import pytest

from conftest import PROMPTS, kl_divergence, strong_adapter
from t2l_edge.adapter import LoraAdapter
from t2l_edge.errors import AdapterMismatchError, CorruptFileError, RuntimeBackendError
from t2l_edge.export.gguf import build_gguf, to_gguf_bytes, write_gguf_adapter
from t2l_edge.export.recipes import Recipe
from t2l_edge.targets import ModelDims, TargetSpec

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base_logits(runner):
    runner.use(None)
    return {p: runner.last_logits(p) for p in PROMPTS}


@pytest.fixture(scope="module")
def adapter_qvd(gemma_spec):
    return strong_adapter(gemma_spec.select(["q_proj", "v_proj", "down_proj"]), seed=1)


def test_zero_adapter_reproduces_base_exactly(runner, gemma_spec, base_logits):
    runner.use(to_gguf_bytes(LoraAdapter.zeros(gemma_spec, 8), "f32"))
    for p in PROMPTS:
        np.testing.assert_array_equal(runner.last_logits(p), base_logits[p])
    runner.use(None)


def test_hot_swaps_equal_fresh_loads(runner, gemma_path, gemma_spec, adapter_qvd, tmp_path):
    """A→B→A in one runner gives the logits of a fresh Llama(lora_path=...) for each adapter."""
    import llama_cpp

    other = strong_adapter(gemma_spec.select(["o_proj", "up_proj"]), seed=2)
    paths = {"A": write_gguf_adapter(adapter_qvd, tmp_path / "a.gguf", "f16"),
             "B": write_gguf_adapter(other, tmp_path / "b.gguf", "q8_0")}
    prompt = PROMPTS[0]
    fresh = {}
    for name, path in paths.items():
        llm = llama_cpp.Llama(model_path=str(gemma_path), n_ctx=256, n_threads=2, lora_path=str(path), verbose=False)
        llm.eval(llm.tokenize(prompt.encode()))
        fresh[name] = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm.ctx, -1), shape=(llm.n_vocab(),)).copy()
        llm.close()
    assert not np.array_equal(fresh["A"], fresh["B"])
    seen = {}
    for name in ("A", "B", "A"):
        runner.use(paths[name])
        seen.setdefault(name, []).append(runner.last_logits(prompt))
    for name, logits in seen.items():
        for got in logits:
            np.testing.assert_array_equal(got, fresh[name])
    runner.use(None)


def test_bytes_and_path_give_the_same_logits(runner, adapter_qvd, tmp_path):
    data = to_gguf_bytes(adapter_qvd, "q4_0")
    path = tmp_path / "a.gguf"
    path.write_bytes(data)
    runner.use(data)
    from_bytes = runner.last_logits(PROMPTS[1])
    runner.use(path)
    np.testing.assert_array_equal(runner.last_logits(PROMPTS[1]), from_bytes)
    runner.use(None)


def test_cache_is_reset_on_switch(runner, adapter_qvd, base_logits):
    """Generation with the same prompt after a switch must not reuse the previous adapter's KV cache."""
    prompt = PROMPTS[0]
    runner.use(None)
    base_text = runner.generate(prompt, max_tokens=12)
    runner.use(to_gguf_bytes(adapter_qvd, "f16"))
    adapted_text = runner.generate(prompt, max_tokens=12)
    runner.use(None)
    assert runner.generate(prompt, max_tokens=12) == base_text
    np.testing.assert_array_equal(runner.last_logits(prompt), base_logits[prompt])
    assert adapted_text != base_text


@pytest.mark.parametrize("recipe", [r.value for r in Recipe if r is not Recipe.F32])
def test_every_recipe_loads_and_stays_close_to_f32(runner, adapter_qvd, recipe):
    runner.use(to_gguf_bytes(adapter_qvd, "f32"))
    reference = {p: runner.last_logits(p) for p in PROMPTS}
    runner.use(to_gguf_bytes(adapter_qvd, recipe))
    kls = [kl_divergence(reference[p], runner.last_logits(p)) for p in PROMPTS]
    runner.use(None)
    # The quantized base answers any perturbation with ~0.01-0.03 of KL on a single prompt (its jitter floor:
    # q8_0 can score worse than q4_0 on one prompt), so the bound is on the mean over the fixed prompts.
    assert np.mean(kls) <= 0.02 and max(kls) <= 0.05, kls


def test_adapter_really_moves_the_model(runner, adapter_qvd, base_logits):
    runner.use(to_gguf_bytes(adapter_qvd, "f16"))
    kls = [kl_divergence(base_logits[p], runner.last_logits(p)) for p in PROMPTS]
    runner.use(None)
    # well above the recipes' 0.02 bound: the recipe test above measures something
    assert np.mean(kls) > 0.1 and min(kls) > 0.05, kls


def test_generation_controls(runner):
    runner.use(None)
    prompt = "Count: 1, 2, 3,"
    greedy = runner.generate(prompt, max_tokens=16)
    assert runner.generate(prompt, max_tokens=16) == greedy
    assert len(runner.tokenize(runner.generate(prompt, max_tokens=3), add_bos=False)) <= 3
    stopped = runner.generate(prompt, max_tokens=16, stop=[","])
    assert "," not in stopped and greedy.startswith(stopped)
    sampled = [runner.generate(prompt, max_tokens=16, temperature=1.2, seed=s) for s in (1, 1, 2, 3, 4)]
    assert sampled[0] == sampled[1]
    assert len(set(sampled)) > 1


def _anon_mib() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("RssAnon")) / 1024


def test_completions_free_their_sampler_at_once(runner, gemma_path):
    """llama-cpp-python holds each completion's sampler chain (≈ 3 MiB native on Gemma 3) in a reference cycle that
    only the cyclic collector breaks. With the collector off, 30 completions (plain, streamed, the server's) keep
    ≈ 90 MiB unless each frees its own sampler."""
    import gc

    from t2l_edge.serve.backend import LlamaCppBackend, Sampling

    backend = LlamaCppBackend(gemma_path, n_ctx=256, n_threads=2)
    tokens = backend.tokenize("Count: 1, 2, 3,")
    runner.use(None)
    for _ in range(2):  # warm: llama.cpp's buffers and the allocator settle
        runner.generate("Count: 1, 2, 3,", max_tokens=1)
        list(backend.stream(tokens, Sampling(max_tokens=1), lambda: None))
    gc.collect()
    gc.disable()
    try:
        before = _anon_mib()
        for _ in range(10):
            runner.generate("Count: 1, 2, 3,", max_tokens=1)
            list(runner.stream("Count: 1, 2, 3,", max_tokens=1))
            list(backend.stream(tokens, Sampling(max_tokens=1), lambda: None))
        grown = _anon_mib() - before
    finally:
        gc.enable()
        backend.close()
    assert grown < 20, f"{grown:.1f} MiB kept by 30 completions"


def test_prompt_time_is_measured_with_an_adapter_set(runner, adapter_qvd):
    """llama.cpp's prompt counter reads ≈ 0 ms once adapters were set on the context; a long prompt's pass through
    the model (≈ 130 tokens in one batch) costs more than one decoding step, streamed or not."""
    prompt = "Reverse the words.\n\n" + "Input: a b c d e f g h\nOutput: h g f e d c b a\n\n" * 6 + "Input: red fox\nOutput:"
    data = to_gguf_bytes(adapter_qvd, "q8_0")
    for adapter in (data, None):  # set, then cleared: the counter stays broken after an adapter was set
        runner.use(adapter)
        runner.generate(prompt, max_tokens=3, stop=["\n"])
        whole = runner.last_timing()
        list(runner.stream(prompt, max_tokens=3, stop=["\n"]))
        streamed = runner.last_timing()
        for t in (whole, streamed):
            assert t.prompt_tokens > 100 and t.decode_tokens >= 1
            assert t.prompt_ms > t.decode_ms / t.decode_tokens, t


# -- refusals: each raises a T2LEdgeError and the process survives -------------------------------------------------


def _foreign(architecture: str, n_layers=18):
    dims = ModelDims(hidden=640, n_layers=n_layers, n_heads=4, n_kv_heads=1, head_dim=256, intermediate=2048)
    return TargetSpec.from_dims(architecture, dims, ["q_proj"])


def test_refuses_wrong_architecture(runner):
    with pytest.raises(AdapterMismatchError, match="architecture 'llama'.*'gemma3'"):
        runner.use(to_gguf_bytes(LoraAdapter.random(_foreign("llama"), 8), "f16"))


def test_refuses_wrong_shape(runner):
    dims = ModelDims(hidden=512, n_layers=18, n_heads=4, n_kv_heads=1, head_dim=256, intermediate=2048)
    bad = LoraAdapter.random(TargetSpec.from_dims("gemma3", dims, ["q_proj"]), 8)
    with pytest.raises(AdapterMismatchError, match="blk.0.attn_q.weight"):
        runner.use(to_gguf_bytes(bad, "f16"))


def test_refuses_tensor_missing_from_base(runner):
    bad = LoraAdapter.random(_foreign("gemma3", n_layers=19), 8)
    with pytest.raises(AdapterMismatchError, match="blk.18.attn_q.weight does not exist"):
        runner.use(to_gguf_bytes(bad, "f16"))


def test_refuses_truncated_and_unpaired(runner, gemma_spec):
    data = to_gguf_bytes(LoraAdapter.random(gemma_spec.select(["v_proj"]), 8), "q8_0")
    with pytest.raises(CorruptFileError, match="beyond the file|truncated"):
        runner.use(data[: len(data) - 100])
    with pytest.raises(CorruptFileError, match="bad magic"):
        runner.use(b"GGUX" + data[4:])
    meta = {"general.architecture": "gemma3", "general.type": "adapter", "adapter.type": "lora", "adapter.lora.alpha": np.float32(16)}
    a = np.zeros((8, 640), np.float32)
    from gguf import GGMLQuantizationType as Q

    lonely = build_gguf(meta, [("blk.0.attn_v.weight.lora_a", a.shape, Q.F32, a.tobytes())])
    with pytest.raises(CorruptFileError, match="not its pair"):
        runner.use(lonely)
    # still alive and still the base
    runner.use(None)
    assert np.isfinite(runner.last_logits(PROMPTS[0])).all()


def test_unloaded_adapter_cannot_be_used(runner, adapter_qvd):
    loaded = runner.load_adapter(to_gguf_bytes(adapter_qvd, "q4_0"))
    runner.unload(loaded)
    with pytest.raises(RuntimeBackendError, match="unloaded"):
        runner.set_adapters([loaded])


def test_prompt_longer_than_the_context_is_refused(runner):
    from t2l_edge.errors import InvalidInputError

    too_long = "word " * 400  # ~400 tokens, the fixture's context is 256
    with pytest.raises(InvalidInputError, match=r"the prompt is \d+ tokens, the context holds 256"):
        runner.generate(too_long, max_tokens=4)
    with pytest.raises(InvalidInputError, match="the context holds 256"):
        runner.last_logits(too_long)
    assert runner.generate("The capital of France is", max_tokens=4)  # still serving
