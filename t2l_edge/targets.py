"""Which modules a LoRA can target, per architecture, and their shapes.

One table per architecture. A row maps a module kind to its Hugging Face module path, its GGUF tensor name and
how its (in, out) features follow from the model's dimensions. Adding an architecture is adding a table.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from .errors import CorruptFileError, InvalidInputError, MissingFileError, UnsupportedArchitectureError
from .io import read_json
from .keys import LLM, Files, General
from .text import quote


class ModuleKind(str, Enum):
    Q = "q_proj"
    K = "k_proj"
    V = "v_proj"
    O = "o_proj"
    GATE = "gate_proj"
    UP = "up_proj"
    DOWN = "down_proj"
    QKV = "qkv_proj"  # phi3: fused q, k, v
    GATE_UP = "gate_up_proj"  # phi3: fused gate and up


# Bounds far above any real model, so that a hostile header is refused before anything is sized by it.
MAX_LAYERS = 4096
MAX_FEATURES = 1 << 24


@dataclass(frozen=True)
class ModelDims:
    """The few numbers every target shape follows from."""

    hidden: int
    n_layers: int
    n_heads: int
    n_kv_heads: int
    head_dim: int
    intermediate: int

    def __post_init__(self):
        for name, value in vars(self).items():
            limit = MAX_LAYERS if name == "n_layers" else MAX_FEATURES
            if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= limit:
                raise InvalidInputError(f"model dimension {name} must be an integer in 1..{limit:,}, got {value!r}")


Features = Callable[[ModelDims], tuple[int, int]]  # dims -> (in_features, out_features)


@dataclass(frozen=True)
class ModuleRow:
    kind: ModuleKind
    hf_path: str  # formatted with layer=
    gguf_name: str  # formatted with layer=
    features: Features


@dataclass(frozen=True)
class ArchTable:
    name: str
    gguf_arch: str  # what llama.cpp writes in general.architecture
    hf_model_types: tuple[str, ...]
    rows: Mapping[ModuleKind, ModuleRow]


def _attn(leaf: str) -> str:
    return "model.layers.{layer}.self_attn." + leaf


def _mlp(leaf: str) -> str:
    return "model.layers.{layer}.mlp." + leaf


def _q(d: ModelDims):
    return d.hidden, d.n_heads * d.head_dim


def _kv(d: ModelDims):
    return d.hidden, d.n_kv_heads * d.head_dim


def _o(d: ModelDims):
    return d.n_heads * d.head_dim, d.hidden


def _ffn_in(d: ModelDims):
    return d.hidden, d.intermediate


def _ffn_out(d: ModelDims):
    return d.intermediate, d.hidden


def _qkv(d: ModelDims):
    return d.hidden, (d.n_heads + 2 * d.n_kv_heads) * d.head_dim


def _gate_up(d: ModelDims):
    return d.hidden, 2 * d.intermediate


def _rows(*rows: ModuleRow) -> dict[ModuleKind, ModuleRow]:
    return {row.kind: row for row in rows}


DECODER_ROWS = _rows(
    ModuleRow(ModuleKind.Q, _attn("q_proj"), "blk.{layer}.attn_q.weight", _q),
    ModuleRow(ModuleKind.K, _attn("k_proj"), "blk.{layer}.attn_k.weight", _kv),
    ModuleRow(ModuleKind.V, _attn("v_proj"), "blk.{layer}.attn_v.weight", _kv),
    ModuleRow(ModuleKind.O, _attn("o_proj"), "blk.{layer}.attn_output.weight", _o),
    ModuleRow(ModuleKind.GATE, _mlp("gate_proj"), "blk.{layer}.ffn_gate.weight", _ffn_in),
    ModuleRow(ModuleKind.UP, _mlp("up_proj"), "blk.{layer}.ffn_up.weight", _ffn_in),
    ModuleRow(ModuleKind.DOWN, _mlp("down_proj"), "blk.{layer}.ffn_down.weight", _ffn_out),
)

PHI3_ROWS = _rows(
    ModuleRow(ModuleKind.QKV, _attn("qkv_proj"), "blk.{layer}.attn_qkv.weight", _qkv),
    ModuleRow(ModuleKind.O, _attn("o_proj"), "blk.{layer}.attn_output.weight", _o),
    ModuleRow(ModuleKind.GATE_UP, _mlp("gate_up_proj"), "blk.{layer}.ffn_up.weight", _gate_up),
    ModuleRow(ModuleKind.DOWN, _mlp("down_proj"), "blk.{layer}.ffn_down.weight", _ffn_out),
)

ARCHITECTURES: dict[str, ArchTable] = {
    t.name: t
    for t in (
        ArchTable("llama", "llama", ("llama",), DECODER_ROWS),
        # llama.cpp's converter writes Mistral 7B as general.architecture = "llama".
        ArchTable("mistral", "llama", ("mistral",), DECODER_ROWS),
        ArchTable("gemma", "gemma", ("gemma",), DECODER_ROWS),
        ArchTable("gemma2", "gemma2", ("gemma2",), DECODER_ROWS),
        ArchTable("gemma3", "gemma3", ("gemma3_text", "gemma3"), DECODER_ROWS),
        ArchTable("qwen2", "qwen2", ("qwen2",), DECODER_ROWS),
        ArchTable("qwen3", "qwen3", ("qwen3",), DECODER_ROWS),
        ArchTable("phi3", "phi3", ("phi3",), PHI3_ROWS),
    )
}
_BY_GGUF_ARCH = {}
for _table in ARCHITECTURES.values():
    _BY_GGUF_ARCH.setdefault(_table.gguf_arch, _table)
_BY_HF_TYPE = {model_type: t for t in ARCHITECTURES.values() for model_type in t.hf_model_types}


def get_architecture(name: str) -> ArchTable:
    table = ARCHITECTURES.get(name) or _BY_GGUF_ARCH.get(name)
    if table is None:
        raise UnsupportedArchitectureError(
            f"architecture {quote(repr(name), 60)} is not supported (supported: {', '.join(ARCHITECTURES)})"
        )
    return table


@dataclass(frozen=True)
class ModuleShape:
    in_features: int
    out_features: int

    def __post_init__(self):
        for name in ("in_features", "out_features"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_FEATURES:
                raise InvalidInputError(f"module {name} must be an integer in 1..{MAX_FEATURES:,}, got {value!r}")


@dataclass(frozen=True)
class TargetSpec:
    """A base model's LoRA targets: architecture, layer count, and the (in, out) features of each target module."""

    architecture: str
    n_layers: int
    modules: Mapping[ModuleKind, ModuleShape] = field(hash=False)

    def __post_init__(self):
        table = get_architecture(self.architecture)
        unknown = [k.value for k in self.modules if k not in table.rows]
        if unknown:
            raise InvalidInputError(
                f"modules {unknown} are not targets of {self.architecture} "
                f"(allowed: {', '.join(k.value for k in table.rows)})"
            )
        if not self.modules:
            raise InvalidInputError("a TargetSpec needs at least one target module")
        if not isinstance(self.n_layers, int) or isinstance(self.n_layers, bool) or not 0 < self.n_layers <= MAX_LAYERS:
            raise InvalidInputError(f"n_layers must be an integer in 1..{MAX_LAYERS}, got {self.n_layers!r}")

    @property
    def table(self) -> ArchTable:
        return get_architecture(self.architecture)

    @property
    def gguf_architecture(self) -> str:
        return self.table.gguf_arch

    def hf_module_path(self, layer: int, kind: ModuleKind) -> str:
        return self.table.rows[kind].hf_path.format(layer=layer)

    def gguf_tensor_name(self, layer: int, kind: ModuleKind) -> str:
        return self.table.rows[kind].gguf_name.format(layer=layer)

    def slots(self) -> Iterable[tuple[int, ModuleKind]]:
        """Every (layer, module) pair an adapter for this spec holds, in a fixed order."""
        return ((layer, kind) for layer in range(self.n_layers) for kind in self.modules)

    def select(self, kinds: Iterable[ModuleKind | str]) -> "TargetSpec":
        """The same base with only the given modules targeted."""
        chosen = {}
        for kind in kinds:
            kind = _module_kind(kind)
            if kind not in self.modules:
                raise InvalidInputError(
                    f"module {kind.value} is not available on {self.architecture} "
                    f"(available: {', '.join(k.value for k in self.modules)})"
                )
            chosen[kind] = self.modules[kind]
        return TargetSpec(self.architecture, self.n_layers, chosen)

    def to_dict(self) -> dict[str, Any]:
        return {
            "architecture": self.architecture,
            "n_layers": self.n_layers,
            "modules": {k.value: [s.in_features, s.out_features] for k, s in self.modules.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "TargetSpec":
        try:
            modules = {_module_kind(k): ModuleShape(int(v[0]), int(v[1])) for k, v in data["modules"].items()}
            return cls(str(data["architecture"]), int(data["n_layers"]), modules)
        except (KeyError, TypeError, IndexError, ValueError, AttributeError, OverflowError) as e:
            if isinstance(e, InvalidInputError):
                raise
            raise CorruptFileError(f"malformed target description: {quote(repr(e))}") from None

    @classmethod
    def from_dims(cls, architecture: str, dims: ModelDims, modules: Iterable[ModuleKind | str] | None = None):
        table = get_architecture(architecture)
        kinds = [_module_kind(k) for k in modules] if modules is not None else list(table.rows)
        for kind in kinds:
            if kind not in table.rows:
                raise InvalidInputError(
                    f"module {kind.value} is not a target of {table.name} "
                    f"(allowed: {', '.join(k.value for k in table.rows)})"
                )
        shapes = {k: ModuleShape(*table.rows[k].features(dims)) for k in kinds}
        return cls(table.name, dims.n_layers, shapes)

    @classmethod
    def from_hf_config(cls, config: Mapping[str, Any] | str | os.PathLike, modules=None) -> "TargetSpec":
        """From a transformers `config.json` (a dict, the file, or its folder)."""
        if not isinstance(config, Mapping):
            path = Path(config)
            path = path / Files.HF_CONFIG if path.is_dir() else path
            if not path.is_file():
                raise MissingFileError(f"{path}: no such config file")
            config = read_json(path)
        if "text_config" in config and "hidden_size" not in config:  # multimodal wrappers (Gemma 3 4B+)
            config = {**config["text_config"], "model_type": config["text_config"].get("model_type", "")}
        model_type = config.get("model_type", "")
        table = _BY_HF_TYPE.get(model_type)
        if table is None:
            raise UnsupportedArchitectureError(
                f"model_type {model_type!r} is not supported (supported: {', '.join(sorted(_BY_HF_TYPE))})"
            )
        try:
            n_heads = int(config["num_attention_heads"])
            hidden = int(config["hidden_size"])
            dims = ModelDims(
                hidden=hidden,
                n_layers=int(config["num_hidden_layers"]),
                n_heads=n_heads,
                n_kv_heads=int(config.get("num_key_value_heads") or n_heads),
                head_dim=int(config.get("head_dim") or hidden // n_heads),
                intermediate=int(config["intermediate_size"]),
            )
        except KeyError as e:
            raise CorruptFileError(f"config.json lacks {e.args[0]!r}") from None
        return cls.from_dims(table.name, dims, modules)

    @classmethod
    def from_gguf(cls, source, modules=None) -> "TargetSpec":
        """From a base model GGUF (a path, bytes, or an already parsed `GGUFFile`); shapes checked against its tensors."""
        from .gguf_reader import GGUFFile, read_gguf

        gguf = source if isinstance(source, GGUFFile) else read_gguf(source)
        arch = gguf.architecture
        if not arch:
            raise CorruptFileError(f"{gguf.source}: no {General.ARCHITECTURE} key")
        table = get_architecture(arch)
        dims = _dims_from_gguf(gguf, arch)
        spec = cls.from_dims(table.name, dims, modules)
        for kind, shape in spec.modules.items():
            for layer in range(spec.n_layers):
                name = spec.gguf_tensor_name(layer, kind)
                info = gguf.tensors.get(name)
                if info is None:
                    raise CorruptFileError(f"{gguf.source}: base model has no tensor {name}")
                if info.shape != (shape.out_features, shape.in_features):
                    raise CorruptFileError(
                        f"{gguf.source}: tensor {name} has shape {info.shape}, its header implies "
                        f"{(shape.out_features, shape.in_features)}"
                    )
        return spec


def _dims_from_gguf(gguf, arch: str) -> ModelDims:
    meta = gguf.metadata

    def get(key: str, default=None):
        value = meta.get(key.format(arch=arch), default)
        if value is None:
            raise CorruptFileError(f"{gguf.source}: missing key {key.format(arch=arch)}")
        if isinstance(value, list):  # per-layer values: targets need them uniform
            if len(set(value)) != 1:
                raise UnsupportedArchitectureError(f"{gguf.source}: per-layer {key.format(arch=arch)} is not supported")
            value = value[0]
        if not isinstance(value, int) or isinstance(value, bool):
            raise CorruptFileError(f"{gguf.source}: {key.format(arch=arch)} is not an integer")
        return value

    hidden, n_heads = get(LLM.EMBEDDING_LENGTH), get(LLM.HEAD_COUNT)
    if n_heads <= 0:
        raise CorruptFileError(f"{gguf.source}: {LLM.HEAD_COUNT.format(arch=arch)} is {n_heads}, not a positive count")
    try:
        return ModelDims(
            hidden=hidden,
            n_layers=get(LLM.BLOCK_COUNT),
            n_heads=n_heads,
            n_kv_heads=get(LLM.HEAD_COUNT_KV, n_heads),
            head_dim=get(LLM.KEY_LENGTH, hidden // n_heads),
            intermediate=get(LLM.FEED_FORWARD_LENGTH),
        )
    except InvalidInputError as e:
        raise CorruptFileError(f"{gguf.source}: {e}") from None


def _module_kind(kind: ModuleKind | str) -> ModuleKind:
    if isinstance(kind, ModuleKind):
        return kind
    try:
        return ModuleKind(kind)
    except ValueError:
        try:
            return ModuleKind(f"{kind}_proj")  # "q" -> q_proj
        except ValueError:
            raise InvalidInputError(
                f"unknown module {kind!r} (known: {', '.join(k.value for k in ModuleKind)})"
            ) from None


def parse_module_kinds(names: Iterable[str]) -> list[ModuleKind]:
    return [_module_kind(n) for n in names]
