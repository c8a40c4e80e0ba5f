"""Does a GGUF adapter fit a GGUF base? The checks llama.cpp makes, made first, so a bad adapter is an error
message instead of a crash (llama-cpp-python 0.3.36 segfaults when llama.cpp rejects an adapter)."""

from __future__ import annotations

from gguf import GGMLQuantizationType as QType

from .errors import AdapterMismatchError, CorruptFileError
from .gguf_reader import GGUFFile
from .keys import Adapter, General

# Types llama.cpp's CPU backend multiplies with (mul_mat) that an adapter may reasonably use.
SUPPORTED_TYPES = frozenset(
    {QType.F32, QType.F16, QType.BF16, QType.Q4_0, QType.Q4_1, QType.Q5_0, QType.Q5_1, QType.Q8_0,
     QType.Q2_K, QType.Q3_K, QType.Q4_K, QType.Q5_K, QType.Q6_K}
)


def check_adapter_fits(adapter: GGUFFile, base: GGUFFile) -> None:
    """Raise a `T2LEdgeError` naming the first problem; return quietly when llama.cpp will accept the adapter."""
    src, meta = adapter.source, adapter.metadata
    if meta.get(General.TYPE) != Adapter.GENERAL_TYPE_VALUE:
        raise CorruptFileError(f"{src}: general.type is {meta.get(General.TYPE)!r}, not 'adapter'")
    if meta.get(Adapter.TYPE) != Adapter.TYPE_VALUE:
        raise CorruptFileError(f"{src}: adapter.type is {meta.get(Adapter.TYPE)!r}, not 'lora'")
    if adapter.architecture != base.architecture:
        raise AdapterMismatchError(
            f"{src}: adapter is for architecture {adapter.architecture!r}, the base model is {base.architecture!r}"
        )
    alpha = meta.get(Adapter.LORA_ALPHA)
    if alpha is not None and not isinstance(alpha, float):
        raise CorruptFileError(f"{src}: {Adapter.LORA_ALPHA} is not a float32")
    if not adapter.tensors:
        raise CorruptFileError(f"{src}: adapter has no tensors")

    pairs: dict[str, dict[str, object]] = {}
    for name, info in adapter.tensors.items():
        for which, suffix in (("a", Adapter.LORA_A_SUFFIX), ("b", Adapter.LORA_B_SUFFIX)):
            if name.endswith(suffix):
                pairs.setdefault(name[: -len(suffix)], {})[which] = info
                break
        else:
            raise CorruptFileError(f"{src}: tensor {name} is neither a lora_a nor a lora_b")
        if info.qtype not in SUPPORTED_TYPES:
            raise CorruptFileError(f"{src}: tensor {name} has type {info.qtype.name}, which adapters cannot use")
        if len(info.shape) != 2:
            raise CorruptFileError(f"{src}: tensor {name} is {len(info.shape)}-D, LoRA tensors are 2-D")

    for base_name, pair in pairs.items():
        if set(pair) != {"a", "b"}:
            raise CorruptFileError(f"{src}: {base_name} has lora_{next(iter(pair))} but not its pair")
        target = base.tensors.get(base_name)
        if target is None:
            raise AdapterMismatchError(f"{src}: tensor {base_name} does not exist in the base model")
        a, b = pair["a"].shape, pair["b"].shape
        out_features, in_features = target.shape[0], target.shape[-1]
        if a[1] != in_features or b[0] != out_features:
            raise AdapterMismatchError(
                f"{src}: {base_name}: adapter maps {a[1]}→{b[0]} (lora_a {a}, lora_b {b}), "
                f"the base weight maps {in_features}→{out_features}"
            )
        if a[0] != b[1]:
            raise CorruptFileError(f"{src}: {base_name} lora_a rank {a[0]} differs from lora_b rank {b[1]}")
