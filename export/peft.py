"""PEFT adapter directories: `adapter_config.json` + `adapter_model.safetensors`, PEFT's key names.

PEFT computes ΔW = lora_alpha / r · B·A, or lora_alpha / √r with `use_rslora`, so our scale rule maps onto
`use_rslora` one to one. Our own metadata also goes into the safetensors header so a round trip is exact.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np

from t2l_edge.adapter import LoraAdapter, ScaleRule
from t2l_edge.errors import AdapterMismatchError, CorruptFileError, InvalidAdapterError, InvalidInputError, MissingFileError
from t2l_edge.io import atomic_dir, read_json
from t2l_edge.keys import T2L, Files
from t2l_edge.safetensors_io import FLOAT_DTYPES, read_safetensors
from t2l_edge.targets import ARCHITECTURES, ModuleKind, ModuleShape, TargetSpec, get_architecture
from t2l_edge.text import quote

from .quants import to_bf16_bits

PEFT_PREFIX = "base_model.model."
_KEY = re.compile(r"(?:.*\.)?layers\.(\d+)\.(?:self_attn|mlp)\.(\w+)\.lora_([AB])\.weight")


def peft_key(target: TargetSpec, layer: int, kind: ModuleKind, which: str) -> str:
    return f"{PEFT_PREFIX}{target.hf_module_path(layer, kind)}.lora_{which}.weight"


def peft_config(adapter: LoraAdapter, base_model: str = "") -> dict:
    return {
        "peft_type": "LORA",
        "task_type": "CAUSAL_LM",
        "base_model_name_or_path": base_model or None,
        "r": adapter.rank,
        "lora_alpha": adapter.alpha,
        "use_rslora": adapter.scale_rule is ScaleRule.RSLORA,
        "target_modules": [k.value for k in adapter.target.modules],
        "lora_dropout": 0.0,
        "bias": "none",
        "fan_in_fan_out": False,
        "inference_mode": True,
        "init_lora_weights": True,
        "modules_to_save": None,
        "layers_to_transform": None,
        "rank_pattern": {},
        "alpha_pattern": {},
        "use_dora": False,
    }


# Weight precisions a PEFT directory can hold: recipe name -> safetensors dtype.
PEFT_DTYPES = {"f32": "F32", "f16": "F16", "bf16": "BF16"}
PEFT_FILES = (Files.PEFT_CONFIG, Files.PEFT_WEIGHTS)


def write_peft(
    adapter: LoraAdapter, directory: str | os.PathLike, base_model: str = "", dtype: str = "f32",
    extra_files: dict[str, str] | None = None, force: bool = False,
) -> Path:
    """A PEFT directory with weights in `dtype` (f32, f16 or bf16), replacing a previous one whole; `extra_files`
    (name -> text, e.g. a README.md model card) are written into the same directory, atomically with it. A
    directory holding other files is refused (`force`: ours are added beside them, nothing else touched)."""
    if dtype not in PEFT_DTYPES:
        raise InvalidInputError(f"PEFT weights are {', '.join(PEFT_DTYPES)}, not {dtype!r}")
    tensors = {}
    for (layer, kind), a, b in adapter.items():
        tensors[peft_key(adapter.target, layer, kind, "A")] = a
        tensors[peft_key(adapter.target, layer, kind, "B")] = b
    with atomic_dir(directory, (*PEFT_FILES, *(extra_files or {})), force) as tmp:
        (tmp / Files.PEFT_CONFIG).write_text(json.dumps(peft_config(adapter, base_model), indent=2))
        save_safetensors(tensors, tmp / Files.PEFT_WEIGHTS, PEFT_DTYPES[dtype], {"format": "pt", **adapter.metadata()})
        for name, text in (extra_files or {}).items():
            (tmp / name).write_text(text, encoding="utf-8")
    return Path(directory)


# -- safetensors in f16/bf16: numpy has no bfloat16, so those tensors are written as raw bytes --------------------


def save_safetensors(tensors: dict[str, np.ndarray], path: Path, dtype: str, metadata: dict[str, str]) -> None:
    """A safetensors file with every tensor in `dtype` (F32, F16 or BF16)."""
    header: dict[str, object] = {"__metadata__": metadata}
    blobs, offset = [], 0
    for name, t in tensors.items():
        # FLOAT_DTYPES: the reader's little-endian dtype of each safetensors type (BF16 as its uint16 bits)
        data = to_bf16_bits(np.ascontiguousarray(t, np.float32)) if dtype == "BF16" else t
        raw = np.ascontiguousarray(data, FLOAT_DTYPES[dtype]).tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)  # the format pads the header to 8 bytes
    with open(path, "wb") as f:
        f.write(len(head).to_bytes(8, "little"))
        f.write(head)
        for raw in blobs:
            f.write(raw)


def read_peft(directory: str | os.PathLike, architecture: str | None = None, target: TargetSpec | None = None) -> LoraAdapter:
    """Read a PEFT LoRA directory. Foreign ones (without our metadata) need the architecture or the base's target.
    Weights may be F32, F16, BF16 (PEFT's usual dtype) or F64."""
    directory = Path(directory)
    config_path, weights_path = directory / Files.PEFT_CONFIG, directory / Files.PEFT_WEIGHTS
    for path in (config_path, weights_path):
        if not path.is_file():
            raise MissingFileError(f"{directory}: PEFT adapter directory lacks {path.name}")
    config = read_json(config_path)
    if not isinstance(config, dict):
        raise CorruptFileError(f"{config_path}: a PEFT config must be a JSON object")
    if config.get("peft_type", "LORA") != "LORA":
        raise InvalidInputError(f"{config_path}: peft_type {quote(repr(config.get('peft_type')), 60)} is not LORA")
    for unsupported in ("rank_pattern", "alpha_pattern"):
        if config.get(unsupported):
            raise InvalidInputError(f"{config_path}: per-module {unsupported} is not supported")
    if config.get("use_dora"):
        raise InvalidInputError(f"{config_path}: DoRA adapters are not supported")
    rank, alpha = config.get("r"), config.get("lora_alpha")
    if not isinstance(rank, int) or isinstance(rank, bool) or not isinstance(alpha, (int, float)) or isinstance(alpha, bool):
        raise CorruptFileError(f"{config_path}: r must be an integer and lora_alpha a number")
    try:
        alpha = float(alpha)
    except OverflowError:
        raise InvalidAdapterError(f"{config_path}: lora_alpha is too large") from None
    rule = ScaleRule.RSLORA if config.get("use_rslora") else ScaleRule.STANDARD

    meta, tensors = read_safetensors(weights_path)
    if not tensors:
        raise InvalidAdapterError(f"{weights_path}: no tensors")

    parsed: dict[tuple[int, ModuleKind], dict[str, np.ndarray]] = {}
    for key, value in tensors.items():
        m = _KEY.fullmatch(key)
        if m is None:
            raise InvalidAdapterError(f"{weights_path}: unexpected tensor {quote(key)}")
        try:
            kind = ModuleKind(m.group(2))
        except ValueError:
            raise InvalidAdapterError(f"{weights_path}: {quote(m.group(2))} is not a supported LoRA target") from None
        if len(m.group(1)) > 6:  # more layers than any model: refused before anything is sized by it
            raise InvalidAdapterError(f"{weights_path}: layer index {quote(m.group(1), 20)} is out of range")
        if value.ndim != 2:
            raise InvalidAdapterError(f"{weights_path}: tensor {quote(key)} is {value.ndim}-D, LoRA weights are 2-D")
        parsed.setdefault((int(m.group(1)), kind), {})[m.group(3)] = value

    named = architecture_named_by(config)  # PEFT records the base it was trained on: "google/gemma-3-270m"
    if T2L.TARGET not in meta and target is not None and named is not None \
            and get_architecture(named).name != get_architecture(target.architecture).name:
        raise AdapterMismatchError(
            f"{directory}: trained on {quote(repr(config.get('base_model_name_or_path')), 60)} ({named}, "
            f"{1 + max(layer for layer, _ in parsed)} layers), the base model is {target.architecture} "
            f"({target.n_layers} layers)"
        )
    if T2L.TARGET in meta:
        try:
            target = TargetSpec.from_dict(json.loads(meta[T2L.TARGET]))
        except (ValueError, RecursionError) as e:
            if isinstance(e, (CorruptFileError, InvalidInputError)):
                raise
            raise CorruptFileError(f"{weights_path}: malformed {T2L.TARGET} metadata") from None
    elif target is not None:
        target = target.select({kind for _, kind in parsed})
    elif architecture is not None or named is not None:
        target = _infer_target(architecture or named, parsed, weights_path)
    else:
        raise InvalidInputError(
            f"{directory}: a PEFT adapter from elsewhere whose adapter_config.json names no known base model "
            f"(base_model_name_or_path {quote(repr(config.get('base_model_name_or_path')), 60)}); pass --architecture "
            "or --base-model"
        )
    weights = {}
    for slot, pair in parsed.items():
        if set(pair) != {"A", "B"}:
            raise InvalidAdapterError(f"{weights_path}: layer {slot[0]} {slot[1].value} lacks lora_{'B' if 'A' in pair else 'A'}")
        weights[slot] = (pair["A"], pair["B"])
    return LoraAdapter(
        target, rank, alpha, weights, rule, task=meta.get(T2L.TASK, ""), generator=meta.get(T2L.GENERATOR, ""),
        prompt_mode=meta.get(T2L.PROMPT_MODE, ""),
    )


def architecture_named_by(config: dict) -> str | None:
    """The architecture a PEFT config's base_model_name_or_path names ("Qwen/Qwen2-0.5B" -> qwen2), the longest
    table name found in it with punctuation dropped (gemma-3 -> gemma3 before gemma); None if none is."""
    name = config.get("base_model_name_or_path")
    if not isinstance(name, str):
        return None
    flat = re.sub(r"[^a-z0-9]", "", name.lower())
    found = [arch for arch in ARCHITECTURES if arch in flat]
    return max(found, key=len) if found else None


def _infer_target(architecture: str, parsed, weights_path) -> TargetSpec:
    table = get_architecture(architecture)
    shapes = {}
    for (_, kind), pair in parsed.items():
        if kind not in table.rows:
            raise InvalidAdapterError(f"{weights_path}: {kind.value} is not a LoRA target of {table.name}")
        if "A" in pair and "B" in pair:
            shapes[kind] = ModuleShape(pair["A"].shape[1], pair["B"].shape[0])
    n_layers = 1 + max(layer for layer, _ in parsed)
    return TargetSpec(table.name, n_layers, shapes)
