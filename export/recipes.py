"""Quantization recipes for GGUF adapters: which ggml type each LoRA tensor gets, following llama.cpp's rules.

A recipe names a default type; `q4_k_m` adds llama.cpp's Q4_K_M layer rule (attn_v and ffn_down get Q6_K on the
`use_more_bits` layers). Then each tensor falls back by its row length exactly as llama.cpp's quantizer does:
K-quants need rows that are multiples of 256 (Q4_K→Q5_0, Q6_K→Q8_0), the 32-blocks multiples of 32 (→F16).
lora_b rows are the rank, so a rank-8 lora_b stays F16.
"""

from __future__ import annotations

from gguf import GGML_QUANT_SIZES, GGMLQuantizationType as QType

from t2l_edge.choices import Choice, parse_choice
from t2l_edge.targets import ModuleKind


class Recipe(Choice):
    F32 = "f32"
    F16 = "f16"
    BF16 = "bf16"
    Q8_0 = "q8_0"
    Q4_0 = "q4_0"
    Q4_K_M = "q4_k_m"
    Q4_K = "q4_k"
    Q5_0 = "q5_0"
    Q6_K = "q6_k"


DEFAULT_TYPE = {
    Recipe.F32: QType.F32,
    Recipe.F16: QType.F16,
    Recipe.BF16: QType.BF16,
    Recipe.Q8_0: QType.Q8_0,
    Recipe.Q4_0: QType.Q4_0,
    Recipe.Q4_K_M: QType.Q4_K,
    Recipe.Q4_K: QType.Q4_K,
    Recipe.Q5_0: QType.Q5_0,
    Recipe.Q6_K: QType.Q6_K,
}

# Q4_K_M: module kinds that get more bits on the use_more_bits layers (llama.cpp src/llama-quant.cpp).
MORE_BITS_KINDS = {ModuleKind.V: QType.Q6_K, ModuleKind.DOWN: QType.Q6_K}

# When a row is not a multiple of a type's block, llama.cpp falls back along this chain.
FALLBACK = {QType.Q4_K: QType.Q5_0, QType.Q6_K: QType.Q8_0, QType.Q5_K: QType.Q5_1}
FLOAT_FALLBACK = QType.F16


def parse_recipe(name: str | Recipe) -> Recipe:
    return parse_choice(Recipe, name, "quantization recipe")


def use_more_bits(layer: int, n_layers: int) -> bool:
    return layer < n_layers // 8 or layer >= 7 * n_layers // 8 or (layer - n_layers // 8) % 3 == 2


def fit_row_length(qtype: QType, row_length: int) -> QType:
    """The type llama.cpp would actually use for rows of this length."""
    while row_length % GGML_QUANT_SIZES[qtype][0]:
        qtype = FALLBACK.get(qtype, FLOAT_FALLBACK)
    return qtype


def tensor_type(recipe: Recipe, kind: ModuleKind, layer: int, n_layers: int, row_length: int) -> QType:
    qtype = DEFAULT_TYPE[recipe]
    if recipe is Recipe.Q4_K_M and kind in MORE_BITS_KINDS and use_more_bits(layer, n_layers):
        qtype = MORE_BITS_KINDS[kind]
    return fit_row_length(qtype, row_length)
