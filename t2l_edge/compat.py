"""Does a GGUF adapter fit a GGUF base? The checks llama.cpp makes, made first, so a bad adapter is an error
message instead of a crash (llama-cpp-python 0.3.36 segfaults when llama.cpp rejects an adapter).

Mirrors src/llama-adapter.cpp: it reads general.type, general.architecture and adapter.type with
`gguf_get_val_str` and adapter.lora.alpha with `gguf_get_val_f32`, which ABORT the process (GGML_ASSERT) when the
stored type differs, so the key types are checked here, not only the values. The file-level rules of gguf.cpp
(alignment, offsets, names, dimensions) are in `gguf_reader`. Beyond what llama.cpp checks, values that make it
answer garbage are refused too: NaN/Inf weights or scales, an alpha that is missing, not finite or not positive.
"""

from __future__ import annotations

from gguf import GGMLQuantizationType as QType

import math

from .errors import AdapterMismatchError, CorruptFileError, InvalidAdapterError
from .gguf_reader import GGUFFile
from .gguf_values import count_non_finite
from .keys import Adapter, General
from .limits import MAX_LORA_SCALE
from .text import quote

_VT_FLOAT32, _VT_STRING, _VT_ARRAY, _VT_UINT32 = 6, 8, 9, 4
# Keys llama.cpp reads with a typed getter that asserts the stored type.
ASSERTED_KEY_TYPES = {
    General.TYPE: _VT_STRING,
    General.ARCHITECTURE: _VT_STRING,
    Adapter.TYPE: _VT_STRING,
    Adapter.LORA_ALPHA: _VT_FLOAT32,
}
_TYPE_NAMES = {_VT_FLOAT32: "FLOAT32", _VT_STRING: "STRING"}
ALORA_INVOCATION_TOKENS = "adapter.alora.invocation_tokens"

# Types llama.cpp's CPU backend multiplies with (mul_mat) that an adapter may reasonably use.
SUPPORTED_TYPES = frozenset(
    {QType.F32, QType.F16, QType.BF16, QType.Q4_0, QType.Q4_1, QType.Q5_0, QType.Q5_1, QType.Q8_0,
     QType.Q2_K, QType.Q3_K, QType.Q4_K, QType.Q5_K, QType.Q6_K}
)


def check_adapter_fits(adapter: GGUFFile, base: GGUFFile) -> None:
    """Raise a `T2LEdgeError` naming the first problem; return quietly when llama.cpp will accept the adapter."""
    src, meta = adapter.source, adapter.metadata
    check_adapter_header(adapter)
    if adapter.architecture != base.architecture:
        raise AdapterMismatchError(
            f"{src}: adapter is for architecture {quote(repr(adapter.architecture), 60)}, the base model is "
            f"{quote(repr(base.architecture), 60)}"
        )

    pairs: dict[str, dict[str, object]] = {}
    for name, info in adapter.tensors.items():
        for which, suffix in (("a", Adapter.LORA_A_SUFFIX), ("b", Adapter.LORA_B_SUFFIX)):
            if name.endswith(suffix):
                pairs.setdefault(name[: -len(suffix)], {})[which] = info
                break
        else:
            raise CorruptFileError(f"{src}: tensor {quote(name)} is neither a lora_a nor a lora_b")
        if info.qtype not in SUPPORTED_TYPES:
            raise CorruptFileError(f"{src}: tensor {quote(name)} has type {info.qtype.name}, which adapters cannot use")
        if len(info.shape) != 2:
            raise CorruptFileError(f"{src}: tensor {quote(name)} is {len(info.shape)}-D, LoRA tensors are 2-D")
        if 0 in info.shape:
            raise InvalidAdapterError(f"{src}: tensor {quote(name)} has shape {info.shape} (rank 0 or empty)")
        bad = count_non_finite(adapter.tensor_bytes(name), info.qtype)
        if bad:
            raise InvalidAdapterError(f"{src}: tensor {quote(name)} holds {bad:,} NaN or Inf values or scales")

    for base_name, pair in pairs.items():
        if set(pair) != {"a", "b"}:
            raise CorruptFileError(f"{src}: {quote(base_name)} has lora_{next(iter(pair))} but not its pair")
        target = base.tensors.get(base_name)
        if target is None:
            raise AdapterMismatchError(f"{src}: tensor {quote(base_name)} does not exist in the base model")
        a, b = pair["a"].shape, pair["b"].shape
        out_features, in_features = target.shape[0], target.shape[-1]
        if a[1] != in_features or b[0] != out_features:
            raise AdapterMismatchError(
                f"{src}: {base_name}: adapter maps {a[1]}→{b[0]} (lora_a {a}, lora_b {b}), "
                f"the base weight maps {in_features}→{out_features}"
            )
        if a[0] != b[1]:
            raise CorruptFileError(f"{src}: {base_name} lora_a rank {a[0]} differs from lora_b rank {b[1]}")


def check_adapter_header(adapter: GGUFFile) -> None:
    """The adapter's own keys, as llama.cpp reads them: types it asserts, values it needs, at least one tensor."""
    src, meta, types = adapter.source, adapter.metadata, adapter.kv_types
    for key, vtype in ASSERTED_KEY_TYPES.items():
        if key in meta and types.get(key) != vtype:
            raise CorruptFileError(
                f"{src}: {key} must be stored as {_TYPE_NAMES[vtype]} (type {types.get(key)} makes llama.cpp abort)"
            )
    lora_tensors = any(n.endswith((Adapter.LORA_A_SUFFIX, Adapter.LORA_B_SUFFIX)) for n in adapter.tensors)
    if meta.get(General.TYPE) in (None, "model") and adapter.tensors and not lora_tensors:
        raise InvalidAdapterError(
            f"{src} is a base model ({quote(repr(adapter.architecture), 40)}, {len(adapter.tensors)} weight tensors), "
            "not a LoRA adapter: pass it with --base-model (-m), and an adapter (from generate or apply --output) "
            "with --adapter (-a)"
        )
    if meta.get(General.TYPE) != Adapter.GENERAL_TYPE_VALUE:
        raise CorruptFileError(f"{src}: general.type is {quote(repr(meta.get(General.TYPE)), 60)}, not 'adapter'")
    if meta.get(Adapter.TYPE) != Adapter.TYPE_VALUE:
        raise CorruptFileError(f"{src}: adapter.type is {quote(repr(meta.get(Adapter.TYPE)), 60)}, not 'lora'")
    if ALORA_INVOCATION_TOKENS in meta and not (
        types[ALORA_INVOCATION_TOKENS] == _VT_ARRAY and adapter.array_types.get(ALORA_INVOCATION_TOKENS) == _VT_UINT32
    ):
        raise CorruptFileError(f"{src}: {ALORA_INVOCATION_TOKENS} must be an array of uint32")
    alpha = meta.get(Adapter.LORA_ALPHA)
    if alpha is None:
        raise InvalidAdapterError(f"{src}: no {Adapter.LORA_ALPHA} (llama.cpp would silently use scale 1)")
    if not math.isfinite(alpha) or alpha <= 0:
        raise InvalidAdapterError(f"{src}: {Adapter.LORA_ALPHA} is {alpha}, it must be a positive finite number")
    if not adapter.tensors:
        raise CorruptFileError(f"{src}: adapter has no tensors")
    check_llama_scale(adapter, alpha)


def check_llama_scale(adapter: GGUFFile, alpha: float) -> None:
    """llama.cpp scales ΔW by alpha / r: above MAX_LORA_SCALE the answers are noise, near float32's limit NaN."""
    ranks = [t.shape[0] for name, t in adapter.tensors.items()
             if name.endswith(Adapter.LORA_A_SUFFIX) and len(t.shape) == 2 and t.shape[0] > 0]
    if ranks and alpha / min(ranks) > MAX_LORA_SCALE:
        raise InvalidAdapterError(
            f"{adapter.source}: {Adapter.LORA_ALPHA} {alpha:g} at rank {min(ranks)} scales ΔW by {alpha / min(ranks):.3g}, "
            f"at most {MAX_LORA_SCALE:g}"
        )

