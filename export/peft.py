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
from t2l_edge.errors import CorruptFileError, InvalidAdapterError, InvalidInputError, MissingFileError
from t2l_edge.io import atomic_dir, read_json
from t2l_edge.keys import T2L, Files
from t2l_edge.targets import ModuleKind, ModuleShape, TargetSpec, get_architecture

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


def write_peft(
    adapter: LoraAdapter, directory: str | os.PathLike, base_model: str = "", dtype: str = "f32",
    extra_files: dict[str, str] | None = None,
) -> Path:
    """A PEFT directory with weights in `dtype` (f32, f16 or bf16); `extra_files` (name -> text, e.g. a README.md
    model card) are written into the same directory, atomically with it."""
    if dtype not in PEFT_DTYPES:
        raise InvalidInputError(f"PEFT weights are {', '.join(PEFT_DTYPES)}, not {dtype!r}")
    tensors = {}
    for (layer, kind), a, b in adapter.items():
        tensors[peft_key(adapter.target, layer, kind, "A")] = a
        tensors[peft_key(adapter.target, layer, kind, "B")] = b
    with atomic_dir(directory) as tmp:
        (tmp / Files.PEFT_CONFIG).write_text(json.dumps(peft_config(adapter, base_model), indent=2))
        save_safetensors(tensors, tmp / Files.PEFT_WEIGHTS, PEFT_DTYPES[dtype], {"format": "pt", **adapter.metadata()})
        for name, text in (extra_files or {}).items():
            (tmp / name).write_text(text, encoding="utf-8")
    return Path(directory)


# -- safetensors with bf16: numpy has no bfloat16, so these tensors are written and read as raw bytes ------------


def to_bf16_bits(x: np.ndarray) -> np.ndarray:
    """float32 -> bfloat16 bit patterns (uint16), rounded to nearest even as torch rounds (values are finite)."""
    u = np.ascontiguousarray(x, np.float32).view(np.uint32)
    return ((u + (((u >> 16) & 1) + 0x7FFF)) >> 16).astype(np.uint16)


def from_bf16_bits(bits: np.ndarray) -> np.ndarray:
    return (bits.astype(np.uint32) << 16).view(np.float32)


_NUMPY = {"F32": np.float32, "F16": np.float16}


def save_safetensors(tensors: dict[str, np.ndarray], path: Path, dtype: str, metadata: dict[str, str]) -> None:
    """A safetensors file with every tensor in `dtype` (F32, F16 or BF16)."""
    header: dict[str, object] = {"__metadata__": metadata}
    blobs, offset = [], 0
    for name, t in tensors.items():
        data = to_bf16_bits(t) if dtype == "BF16" else np.ascontiguousarray(t, _NUMPY[dtype])
        raw = data.astype(data.dtype.newbyteorder("<"), copy=False).tobytes()
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


def _read_safetensors(path: Path) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Tensors as float32 and the metadata; BF16 tensors too (decoded here: safetensors' numpy API cannot)."""
    from safetensors import SafetensorError, safe_open

    try:
        with open(path, "rb") as f:
            n = int.from_bytes(f.read(8), "little")
            header = json.loads(f.read(n))
        if not any(isinstance(v, dict) and v.get("dtype") == "BF16" for v in header.values()):
            with safe_open(str(path), framework="numpy") as f:
                return {key: f.get_tensor(key) for key in f.keys()}, f.metadata() or {}
        data = path.read_bytes()[8 + n:]
        tensors = {}
        for key, info in header.items():
            if key == "__metadata__":
                continue
            start, stop = info["data_offsets"]
            kind = {"BF16": "<u2", "F16": "<f2", "F32": "<f4"}[info["dtype"]]
            arr = np.frombuffer(data[start:stop], kind).reshape(info["shape"])
            tensors[key] = from_bf16_bits(arr) if info["dtype"] == "BF16" else arr.astype(np.float32)
        return tensors, header.get("__metadata__") or {}
    except (SafetensorError, OSError, ValueError, KeyError, TypeError) as e:
        raise CorruptFileError(f"{path}: unreadable safetensors file ({e})") from None


def read_peft(directory: str | os.PathLike, architecture: str | None = None, target: TargetSpec | None = None) -> LoraAdapter:
    """Read a PEFT LoRA directory. Foreign ones (without our metadata) need the architecture or the base's target."""
    directory = Path(directory)
    config_path, weights_path = directory / Files.PEFT_CONFIG, directory / Files.PEFT_WEIGHTS
    for path in (config_path, weights_path):
        if not path.is_file():
            raise MissingFileError(f"{directory}: PEFT adapter directory lacks {path.name}")
    config = read_json(config_path)
    if config.get("peft_type", "LORA") != "LORA":
        raise InvalidInputError(f"{config_path}: peft_type {config.get('peft_type')!r} is not LORA")
    for unsupported in ("rank_pattern", "alpha_pattern"):
        if config.get(unsupported):
            raise InvalidInputError(f"{config_path}: per-module {unsupported} is not supported")
    if config.get("use_dora"):
        raise InvalidInputError(f"{config_path}: DoRA adapters are not supported")
    try:
        rank, alpha = int(config["r"]), float(config["lora_alpha"])
    except (KeyError, TypeError, ValueError) as e:
        raise CorruptFileError(f"{config_path}: missing or bad r / lora_alpha ({e})") from None
    rule = ScaleRule.RSLORA if config.get("use_rslora") else ScaleRule.STANDARD

    tensors, meta = _read_safetensors(weights_path)

    parsed: dict[tuple[int, ModuleKind], dict[str, np.ndarray]] = {}
    for key, value in tensors.items():
        m = _KEY.fullmatch(key)
        if m is None:
            raise InvalidAdapterError(f"{weights_path}: unexpected tensor {key}")
        try:
            kind = ModuleKind(m.group(2))
        except ValueError:
            raise InvalidAdapterError(f"{weights_path}: {m.group(2)} is not a supported LoRA target") from None
        parsed.setdefault((int(m.group(1)), kind), {})[m.group(3)] = value.astype(np.float32)

    if T2L.TARGET in meta:
        target = TargetSpec.from_dict(json.loads(meta[T2L.TARGET]))
    elif target is not None:
        target = target.select({kind for _, kind in parsed})
    elif architecture is not None:
        target = _infer_target(architecture, parsed, weights_path)
    else:
        raise InvalidInputError(
            f"{directory}: a PEFT adapter from elsewhere does not say its architecture; pass --architecture or --base-model"
        )
    weights = {}
    for slot, pair in parsed.items():
        if set(pair) != {"A", "B"}:
            raise InvalidAdapterError(f"{weights_path}: layer {slot[0]} {slot[1].value} lacks lora_{'B' if 'A' in pair else 'A'}")
        weights[slot] = (pair["A"], pair["B"])
    return LoraAdapter(
        target, rank, alpha, weights, rule, task=meta.get(T2L.TASK, ""), generator=meta.get(T2L.GENERATOR, "")
    )


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
