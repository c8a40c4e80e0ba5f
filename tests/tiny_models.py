"""Tiny random transformers models, one per architecture in `t2l_edge.targets.ARCHITECTURES`.

Built from config objects only (nothing downloaded). Dimensions are chosen so that no two features coincide where a
mix-up could hide: hidden 64, intermediate 96, and where the architecture reads an explicit `head_dim` it is 20
(≠ hidden / heads = 16), so q is 64→80, k/v 64→40, o 80→64. Llama, Qwen2 and Phi-3 leave `head_dim` out, as their
released configs do, to exercise the hidden / heads fallback.
"""

from __future__ import annotations

from typing import Callable

HIDDEN, LAYERS, HEADS, KV_HEADS, HEAD_DIM, INTERMEDIATE, VOCAB = 64, 2, 4, 2, 20, 96, 128
SEED = 1234


def _common(head_dim: bool) -> dict:
    kwargs = dict(
        hidden_size=HIDDEN,
        num_hidden_layers=LAYERS,
        num_attention_heads=HEADS,
        num_key_value_heads=KV_HEADS,
        intermediate_size=INTERMEDIATE,
        vocab_size=VOCAB,
        max_position_embeddings=128,
        pad_token_id=0,
        bos_token_id=1,
        eos_token_id=2,
    )
    if head_dim:
        kwargs["head_dim"] = HEAD_DIM
    return kwargs


def _llama():
    from transformers import LlamaConfig

    return LlamaConfig(**_common(head_dim=False))


def _mistral():
    from transformers import MistralConfig

    return MistralConfig(**_common(head_dim=True), sliding_window=None)


def _gemma():
    from transformers import GemmaConfig

    return GemmaConfig(**_common(head_dim=True))


def _gemma2():
    from transformers import Gemma2Config

    return Gemma2Config(**_common(head_dim=True), sliding_window=16)


def _gemma3():
    from transformers import Gemma3TextConfig

    return Gemma3TextConfig(**_common(head_dim=True), sliding_window=16)


def _qwen2():
    from transformers import Qwen2Config

    return Qwen2Config(**_common(head_dim=False))


def _qwen3():
    from transformers import Qwen3Config

    return Qwen3Config(**_common(head_dim=True))


def _phi3():
    from transformers import Phi3Config

    return Phi3Config(**_common(head_dim=False))


TINY_CONFIGS: dict[str, Callable[[], object]] = {
    "llama": _llama,
    "mistral": _mistral,
    "gemma": _gemma,
    "gemma2": _gemma2,
    "gemma3": _gemma3,
    "qwen2": _qwen2,
    "qwen3": _qwen3,
    "phi3": _phi3,
}


def tiny_model(architecture: str, seed: int = SEED):
    """A random fp32 `AutoModelForCausalLM` for the architecture (Gemma 3: text-only `Gemma3ForCausalLM`)."""
    import torch
    from transformers import AutoModelForCausalLM

    config = TINY_CONFIGS[architecture]()
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    return model.eval()
