"""One adapter, two runtimes: llama.cpp on the quantized Gemma 3 270M GGUF, and PEFT on transformers running the same
GGUF dequantized. The logit changes the adapter causes must agree.

The first run dequantizes the GGUF with transformers (≈35-90 s, ~3.5 GB) and caches it (tests/hf_cache.py); later
runs load it in a few seconds.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("peft")
pytest.importorskip("llama_cpp")

from conftest import PROMPTS, strong_adapter  # noqa: E402
from hf_cache import load_hf_from_gguf  # noqa: E402
from t2l_edge.export.gguf import to_gguf_bytes  # noqa: E402
from t2l_edge.export.peft import write_peft  # noqa: E402

pytestmark = pytest.mark.slow

MIN_COSINE = 0.9


@pytest.fixture(scope="module")
def hf_gemma(gemma_path):
    torch.set_num_threads(2)
    return load_hf_from_gguf(gemma_path)


@pytest.fixture(scope="module")
def adapter(gemma_spec):
    return strong_adapter(gemma_spec.select(["q", "v", "down"]))


def cosine(x: np.ndarray, y: np.ndarray) -> float:
    x, y = x.astype(np.float64), y.astype(np.float64)
    return float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y)))


def test_tokenizers_agree(runner, hf_gemma):
    _, tokenizer = hf_gemma
    for prompt in PROMPTS:
        ids = runner.tokenize(prompt)
        assert ids[0] == tokenizer.bos_token_id == runner.llm.token_bos()  # both add BOS
        assert tokenizer(prompt)["input_ids"] == ids, prompt


def test_llama_cpp_and_peft_move_the_logits_alike(runner, hf_gemma, adapter, tmp_path, record_property):
    from peft import PeftModel

    model, tokenizer = hf_gemma

    runner.use(None)
    llama_base = {p: runner.last_logits(p) for p in PROMPTS}
    try:
        runner.use(to_gguf_bytes(adapter, "f32"))
        llama_lora = {p: runner.last_logits(p) for p in PROMPTS}
    finally:
        runner.use(None)

    peft_model = PeftModel.from_pretrained(model, write_peft(adapter, tmp_path / "peft"))
    try:

        def hf_logits(prompt):
            ids = torch.tensor([tokenizer(prompt)["input_ids"]])
            with torch.no_grad():
                return peft_model(input_ids=ids, logits_to_keep=1).logits[0, -1].numpy()

        hf_lora = {p: hf_logits(p) for p in PROMPTS}
        with peft_model.disable_adapter():
            hf_base = {p: hf_logits(p) for p in PROMPTS}
    finally:
        peft_model.unload()

    cosines, top1_changed = {}, []
    for p in PROMPTS:
        # The bases agree: transformers runs the very weights llama.cpp runs.
        assert cosine(llama_base[p], hf_base[p]) > 0.99, p
        assert int(llama_base[p].argmax()) == int(hf_base[p].argmax()), p
        llama_change, hf_change = llama_lora[p] - llama_base[p], hf_lora[p] - hf_base[p]
        assert np.abs(llama_change).max() > 3.0, p  # well above the quantized base's jitter (about one logit)
        cosines[p] = cosine(llama_change, hf_change)
        if llama_lora[p].argmax() != llama_base[p].argmax():
            top1_changed.append(p)
            assert int(hf_lora[p].argmax()) == int(llama_lora[p].argmax()), p
    record_property("cosines", cosines)
    print("logit-change cosines llama.cpp vs PEFT:", {p[:24]: round(c, 4) for p, c in cosines.items()})
    assert top1_changed, "the adapter changes no top-1 token: the test would prove nothing"
    assert min(cosines.values()) >= MIN_COSINE, cosines
