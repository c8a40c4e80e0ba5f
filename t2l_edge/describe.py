"""Plain-data descriptions of base models and adapters, for `t2l-edge inspect` (rendered by the CLI)."""

from __future__ import annotations

from collections import Counter

from .adapter import LoraAdapter
from .errors import UnsupportedArchitectureError
from .gguf_reader import GGUFFile
from .targets import TargetSpec


def describe_base(gguf: GGUFFile) -> dict:
    arch = gguf.architecture
    mix_count: Counter[str] = Counter()
    mix_bytes: Counter[str] = Counter()
    for info in gguf.tensors.values():
        mix_count[info.qtype.name] += 1
        mix_bytes[info.qtype.name] += info.nbytes
    try:
        spec = TargetSpec.from_gguf(gguf)
    except UnsupportedArchitectureError:
        spec = None  # still worth describing: sizes and types
    return {
        "kind": "base",
        "path": gguf.source,
        "name": gguf.metadata.get("general.name", ""),
        "architecture": arch,
        "layers": spec.n_layers if spec else gguf.metadata.get(f"{arch}.block_count"),
        "context_length": gguf.metadata.get(f"{arch}.context_length"),
        "targets": {k.value: {"in": s.in_features, "out": s.out_features} for k, s in spec.modules.items()}
        if spec
        else None,
        "tensors": len(gguf.tensors),
        "parameters": sum(_numel(i.shape) for i in gguf.tensors.values()),
        "size_bytes": gguf.size,
        "quantization_mix": {
            t: {"tensors": mix_count[t], "bytes": mix_bytes[t]} for t, _ in mix_bytes.most_common()
        },
    }


def describe_adapter(
    adapter: LoraAdapter, fmt: str, path: str, size_bytes: int, tensors: list[dict], gguf_alpha: float | None = None
) -> dict:
    """`tensors`: one dict per stored tensor with name, type, shape, bytes (as stored in the file). `gguf_alpha`:
    a GGUF adapter's `adapter.lora.alpha`, the value llama.cpp scales by (alpha / r), which `t2l.alpha` may differ
    from (our files bake the scale rule into it)."""
    return {
        "kind": "adapter",
        "path": path,
        "format": fmt,
        "architecture": adapter.target.architecture,
        "layers": adapter.target.n_layers,
        "modules": [k.value for k in adapter.target.modules],
        "rank": adapter.rank,
        "alpha": adapter.alpha,
        "scale_rule": adapter.scale_rule.value,
        "scale": adapter.scale,
        "gguf_alpha": gguf_alpha,
        "llama_cpp_scale": gguf_alpha / adapter.rank if gguf_alpha is not None else None,
        "parameters": adapter.num_parameters(),
        "task": adapter.task,
        "generator": adapter.generator,
        "size_bytes": size_bytes,
        "tensors": tensors,
    }


def _numel(shape) -> int:
    n = 1
    for d in shape:
        n *= d
    return n
