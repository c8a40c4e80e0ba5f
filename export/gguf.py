"""GGUF LoRA adapters in the layout llama.cpp loads (src/llama-adapter.cpp), written and read back.

Tensors are `<base tensor>.lora_a` (r, in) and `<base tensor>.lora_b` (out, r); llama.cpp computes
y = Wx + user_scale · alpha / r · B(Ax). We write `adapter.lora.alpha = scale · r`, so llama.cpp's formula gives
our scale whatever the rule (rsLoRA included), and keep the original alpha and rule under `t2l.*` keys.
"""

from __future__ import annotations

import json
import os
import re
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from gguf import GGMLQuantizationType as QType

from t2l_edge.adapter import LoraAdapter, ScaleRule
from t2l_edge.compat import SUPPORTED_TYPES, check_adapter_header
from t2l_edge.errors import CorruptFileError, InvalidAdapterError, InvalidInputError
from t2l_edge.gguf_reader import GGUFFile, read_gguf
from t2l_edge.gguf_values import count_non_finite
from t2l_edge.io import write_bytes_atomic
from t2l_edge.keys import NATIVE_FORMAT_VERSION, T2L, Adapter, General
from t2l_edge.targets import ModuleKind, ModuleShape, TargetSpec, get_architecture
from t2l_edge.text import quote

from .quants import bytes_per_row, dequantize, quantize
from .recipes import Recipe, parse_recipe, tensor_type

GGUF_VERSION = 3
ALIGNMENT = 32
_VT_UINT32, _VT_FLOAT32, _VT_STRING = 4, 6, 8


@dataclass(frozen=True)
class PlannedTensor:
    name: str
    layer: int
    kind: ModuleKind
    which: str  # "a" or "b"
    shape: tuple[int, int]
    qtype: QType


def plan(adapter: LoraAdapter, recipe: Recipe | str) -> list[PlannedTensor]:
    """The ggml type of every tensor the adapter's GGUF file will hold, in file order."""
    return plan_tensors(adapter.target, adapter.rank, recipe)


def plan_tensors(target: TargetSpec, rank: int, recipe: Recipe | str) -> list[PlannedTensor]:
    """`plan` from the adapter's shape alone (what a bundle knows before any task text)."""
    recipe = parse_recipe(recipe)
    out = []
    for layer, kind in target.slots():
        base = target.gguf_tensor_name(layer, kind)
        shape = target.modules[kind]
        for which, m in (("a", (rank, shape.in_features)), ("b", (shape.out_features, rank))):
            qtype = tensor_type(recipe, kind, layer, target.n_layers, m[1])
            out.append(PlannedTensor(f"{base}.lora_{which}", layer, kind, which, m, qtype))
    return out


def adapter_metadata(adapter: LoraAdapter) -> dict[str, object]:
    return gguf_metadata(adapter.target, adapter.rank, adapter.alpha, adapter.scale_rule, adapter.task, adapter.generator,
                         adapter.prompt_mode)


def gguf_metadata(target: TargetSpec, rank: int, alpha: float, scale_rule: ScaleRule, task: str,
                  generator: str, prompt_mode: str = "") -> dict[str, object]:
    """The adapter file's key/values, in file order. Only `adapter.lora.task_name` depends on the task text (the
    prompt mode, when recorded, is the generator's: a bundle's template holds it)."""
    scale = ScaleRule(scale_rule).scale(alpha, rank)
    mode = {T2L.PROMPT_MODE: prompt_mode} if prompt_mode else {}
    return {
        General.ARCHITECTURE: target.gguf_architecture,
        General.TYPE: Adapter.GENERAL_TYPE_VALUE,
        Adapter.TYPE: Adapter.TYPE_VALUE,
        # llama.cpp scales by alpha / r: bake our scale rule (rsLoRA too) into alpha.
        Adapter.LORA_ALPHA: np.float32(scale * rank),
        Adapter.LORA_TASK_NAME: task,
        T2L.FORMAT_VERSION: np.uint32(NATIVE_FORMAT_VERSION),
        T2L.TARGET: json.dumps(target.to_dict()),
        T2L.ALPHA: np.float32(alpha),
        T2L.SCALE_RULE: ScaleRule(scale_rule).value,
        T2L.GENERATOR: generator,
        **mode,
    }


def to_gguf_bytes(adapter: LoraAdapter, recipe: Recipe | str = Recipe.F16) -> bytes:
    planned = plan(adapter, recipe)
    blobs = _quantize_grouped(adapter, planned)
    return build_gguf(adapter_metadata(adapter), [(t.name, t.shape, t.qtype, blobs[t.name]) for t in planned])


def _quantize_grouped(adapter: LoraAdapter, planned: list[PlannedTensor]) -> dict[str, bytes]:
    """Quantize every tensor, stacking those of one type and row length into a single call: quantization works row
    by row, so the bytes are the same, and one call per group instead of per tensor is several times faster."""
    groups: dict[tuple[QType, int], list[PlannedTensor]] = {}
    for t in planned:
        groups.setdefault((t.qtype, t.shape[1]), []).append(t)
    blobs = {}
    for (qtype, _), tensors in groups.items():
        rows = np.concatenate([adapter.weights[(t.layer, t.kind)][0 if t.which == "a" else 1] for t in tensors])
        with np.errstate(all="ignore"):  # overflow is detected below, in the bytes, exactly
            packed = quantize(rows, qtype)  # (total rows, bytes per row)
        start = 0
        for t in tensors:
            blobs[t.name] = packed[start : start + t.shape[0]].tobytes()
            start += t.shape[0]
            if count_non_finite(np.frombuffer(blobs[t.name], np.uint8), qtype):
                raise InvalidAdapterError(
                    f"layer {t.layer} {t.kind.value}: lora_{t.which} holds values too large for {qtype.name} "
                    f"(largest {float(np.abs(adapter.weights[(t.layer, t.kind)][0 if t.which == 'a' else 1]).max()):.3g}); "
                    "they would be written as Inf: use f32 or rescale the adapter"
                )
    return blobs


def write_gguf_adapter(adapter: LoraAdapter, path: str | os.PathLike, recipe: Recipe | str = Recipe.F16) -> Path:
    return write_bytes_atomic(path, to_gguf_bytes(adapter, recipe))


def build_gguf(metadata: dict[str, object], tensors: list[tuple[str, tuple[int, ...], QType, bytes]]) -> bytes:
    """Serialise a complete GGUF v3 file: header, key/values, tensor infos, aligned data."""
    out = bytearray(gguf_header(metadata, [(name, shape, qtype, len(blob)) for name, shape, qtype, blob in tensors]))
    out += bytes(_padded(len(out)) - len(out))
    for _, _, _, blob in tensors:
        out += blob
        out += bytes(_padded(len(blob)) - len(blob))
    return bytes(out)


def gguf_header(metadata: dict[str, object], tensors: list[tuple[str, tuple[int, ...], QType, int]]) -> bytes:
    """Header, key/values and tensor infos (name, shape, type, data bytes), unpadded: what precedes the data."""
    out = bytearray()
    out += b"GGUF" + struct.pack("<IQQ", GGUF_VERSION, len(tensors), len(metadata))
    for key, value in metadata.items():
        out += _string(key) + _value(key, value)
    offset = 0
    for name, shape, qtype, nbytes in tensors:
        ne = tuple(reversed(shape))
        out += _string(name) + struct.pack(f"<I{len(ne)}QIQ", len(ne), *ne, int(qtype), offset)
        offset += _padded(nbytes)
    return bytes(out)


def gguf_template(target: TargetSpec, rank: int, alpha: float, scale_rule: ScaleRule, generator: str,
                  recipe: Recipe | str, prompt_mode: str = "") -> tuple[bytes, int]:
    """What an adapter file of this shape and recipe holds before its data, whatever the task: the header with an
    empty task name, and the offset of that name's uint64 length (docs/gguf-template.md)."""
    meta = gguf_metadata(target, rank, alpha, scale_rule, "", generator, prompt_mode)
    planned = plan_tensors(target, rank, recipe)
    header = gguf_header(meta, [(t.name, t.shape, t.qtype, t.shape[0] * bytes_per_row(t.qtype, t.shape[1])) for t in planned])
    keys = list(meta)
    before = keys[: keys.index(Adapter.LORA_TASK_NAME)]
    offset = 24 + sum(len(_string(k) + _value(k, meta[k])) for k in before) + len(_string(Adapter.LORA_TASK_NAME)) + 4
    return header, offset


def _padded(n: int) -> int:
    return -(-n // ALIGNMENT) * ALIGNMENT


def _string(s: str) -> bytes:
    raw = s.encode("utf-8")
    return struct.pack("<Q", len(raw)) + raw


def _value(key: str, value) -> bytes:
    if isinstance(value, str):
        return struct.pack("<I", _VT_STRING) + _string(value)
    if isinstance(value, np.float32):
        return struct.pack("<If", _VT_FLOAT32, value)
    if isinstance(value, np.uint32):
        return struct.pack("<II", _VT_UINT32, value)
    raise TypeError(f"metadata {key}: unsupported value type {type(value).__name__}")


# -- reading ----------------------------------------------------------------------------------------------------


def read_gguf_adapter(source: str | os.PathLike | bytes | GGUFFile) -> LoraAdapter:
    """A GGUF LoRA adapter, dequantized to float32. Ours carry `t2l.target`; others (convert_lora_to_gguf) are
    understood from their tensor names, as long as every layer holds the same modules."""
    gguf = source if isinstance(source, GGUFFile) else read_gguf(source)
    meta = gguf.metadata
    if meta.get(General.TYPE) != Adapter.GENERAL_TYPE_VALUE or meta.get(Adapter.TYPE) != Adapter.TYPE_VALUE:
        raise CorruptFileError(f"{gguf.source}: not a LoRA adapter (general.type={quote(repr(meta.get(General.TYPE)), 60)})")
    check_adapter_header(gguf)  # what llama.cpp asserts: key types, a positive finite alpha, some tensors
    for key in (T2L.TARGET, T2L.SCALE_RULE, T2L.GENERATOR, T2L.PROMPT_MODE):  # ours; adapter.lora.task_name is llama.cpp's, unread
        if key in meta and not isinstance(meta[key], str):
            raise CorruptFileError(f"{gguf.source}: {key} must be a string")
    if T2L.ALPHA in meta and not isinstance(meta[T2L.ALPHA], float):
        raise CorruptFileError(f"{gguf.source}: {T2L.ALPHA} must be a float")
    found = _lora_tensors(gguf)
    target = _stored_target(gguf) if T2L.TARGET in meta else _infer_target(gguf, found)
    if len(found) != target.n_layers * len(target.modules):
        raise InvalidAdapterError(
            f"{gguf.source}: {len(found)} tensor pairs, its target needs {target.n_layers * len(target.modules)}"
        )

    weights, ranks = {}, set()
    for layer, kind in target.slots():
        pair = []
        for which in "ab":
            name = f"{target.gguf_tensor_name(layer, kind)}.lora_{which}"
            info = gguf.tensors.get(name)
            if info is None:
                raise InvalidAdapterError(f"{gguf.source}: missing tensor {name}")
            if len(info.shape) != 2:
                raise InvalidAdapterError(f"{gguf.source}: tensor {name} is {len(info.shape)}-D, LoRA tensors are 2-D")
            if info.qtype not in SUPPORTED_TYPES:
                raise CorruptFileError(f"{gguf.source}: tensor {name} has type {info.qtype.name}, which adapters cannot use")
            with np.errstate(all="ignore"):  # NaN/Inf are refused by LoraAdapter.validate, without numpy's warnings
                pair.append(dequantize(gguf.tensor_bytes(name), info.qtype, info.shape))
        ranks.add(pair[0].shape[0])
        weights[(layer, kind)] = tuple(pair)
    if len(ranks) != 1:
        raise InvalidAdapterError(f"{gguf.source}: tensors disagree on the rank ({sorted(ranks)})")
    rank = ranks.pop()
    gguf_alpha = float(meta[Adapter.LORA_ALPHA])
    if T2L.SCALE_RULE in meta:
        try:
            rule, alpha = ScaleRule(meta[T2L.SCALE_RULE]), float(meta[T2L.ALPHA])
        except (KeyError, ValueError):
            raise CorruptFileError(f"{gguf.source}: {T2L.SCALE_RULE} needs a known rule and a {T2L.ALPHA}") from None
    else:
        rule, alpha = ScaleRule.STANDARD, gguf_alpha
    task = meta.get(Adapter.LORA_TASK_NAME, "")  # informational: another type is shown as no task, as llama.cpp ignores it
    return LoraAdapter(
        target, rank, alpha, weights, rule, task=task if isinstance(task, str) else "", generator=meta.get(T2L.GENERATOR, ""),
        prompt_mode=meta.get(T2L.PROMPT_MODE, ""),
    )


def _stored_target(gguf: GGUFFile) -> TargetSpec:
    try:
        return TargetSpec.from_dict(json.loads(gguf.metadata[T2L.TARGET]))
    except (ValueError, RecursionError) as e:
        if isinstance(e, (CorruptFileError, InvalidInputError)):
            raise
        raise CorruptFileError(f"{gguf.source}: {T2L.TARGET} is not valid JSON") from None


def _lora_tensors(gguf: GGUFFile) -> dict[str, list[str]]:
    """Base tensor name -> which of lora_a / lora_b the file holds for it."""
    found: dict[str, list[str]] = {}
    for name in gguf.tensors:
        m = re.fullmatch(r"(.+)\.lora_([ab])", name)
        if m is None:
            raise CorruptFileError(f"{gguf.source}: tensor {quote(name)} is neither a lora_a nor a lora_b")
        found.setdefault(m.group(1), []).append(m.group(2))
    for base, parts in found.items():
        if sorted(parts) != ["a", "b"]:
            raise InvalidAdapterError(f"{gguf.source}: {quote(base)} has lora_{parts[0]} but not its pair")
    return found


def _infer_target(gguf: GGUFFile, found: dict[str, list[str]]) -> TargetSpec:
    table = get_architecture(gguf.architecture or "")
    patterns = {kind: re.compile(re.escape(row.gguf_name).replace(r"\{layer\}", r"(\d+)")) for kind, row in table.rows.items()}
    layers_by_kind: dict[ModuleKind, set[int]] = {}
    shapes = {}
    for base in found:
        for kind, pattern in patterns.items():
            m = pattern.fullmatch(base)
            if m:
                if len(m.group(1)) > 6:
                    raise InvalidAdapterError(f"{gguf.source}: layer index {quote(m.group(1), 20)} is out of range")
                layers_by_kind.setdefault(kind, set()).add(int(m.group(1)))
                a, b = gguf.tensors[base + ".lora_a"], gguf.tensors[base + ".lora_b"]
                shapes[kind] = ModuleShape(a.shape[1], b.shape[0])
                break
        else:
            raise InvalidAdapterError(f"{gguf.source}: {quote(base)} is not a LoRA target of {table.name}")
    n_layers = 1 + max(max(layers) for layers in layers_by_kind.values())
    for kind, layers in layers_by_kind.items():
        if len(layers) != n_layers:  # distinct layers in 0..n_layers-1: equal count means every layer
            raise InvalidAdapterError(
                f"{gguf.source}: {kind.value} is adapted on {len(layers)} of {n_layers} layers; "
                "only adapters covering every layer are supported"
            )
    return TargetSpec(table.name, n_layers, shapes)
