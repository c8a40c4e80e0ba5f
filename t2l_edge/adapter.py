"""`LoraAdapter`: the one in-memory form of a LoRA adapter, and its native safetensors file.

Per (layer, module): A with shape (r, in) and B with shape (out, r), float32, exactly as PEFT stores
`lora_A.weight` / `lora_B.weight` and llama.cpp stores `.lora_a` / `.lora_b`. Every runtime computes
ΔW = scale · B · A with the one `scale` defined here.
"""

from __future__ import annotations

import json
import math
import numbers
import os
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Iterator

import numpy as np

from .errors import CorruptFileError, InvalidAdapterError, InvalidInputError, MissingFileError
from .io import atomic_path
from .keys import NATIVE_FORMAT_VERSION, T2L
from .limits import MAX_LORA_SCALE
from .safetensors_io import read_safetensors
from .targets import ModuleKind, TargetSpec, parse_module_kinds
from .text import quote, require_utf8

# alpha and the scale llama.cpp gets (alpha baked as scale * rank) are stored as float32: larger would be Inf.
MAX_ALPHA = float(np.finfo(np.float32).max) / 1024


class ScaleRule(str, Enum):
    STANDARD = "standard"  # alpha / r
    RSLORA = "rslora"  # alpha / sqrt(r)

    def scale(self, alpha: float, rank: int) -> float:
        return alpha / math.sqrt(rank) if self is ScaleRule.RSLORA else alpha / rank


Slot = tuple[int, ModuleKind]


@dataclass
class LoraAdapter:
    target: TargetSpec
    rank: int
    alpha: float
    weights: dict[Slot, tuple[np.ndarray, np.ndarray]]  # (layer, module) -> (A (r, in), B (out, r))
    scale_rule: ScaleRule = ScaleRule.STANDARD
    task: str = ""
    generator: str = ""  # hash of what produced it (a hypernetwork checkpoint), empty if trained directly
    extra: dict[str, str] = field(default_factory=dict)
    # How a prompt is rendered for it (prompts.PromptMode): "instructed" puts the task description before the input.
    # Empty: not recorded (adapters from before modes, trained LoRAs); readers treat a generated one as bare.
    prompt_mode: str = ""

    def __post_init__(self):
        self.scale_rule = ScaleRule(self.scale_rule)
        self.validate()

    @property
    def scale(self) -> float:
        return self.scale_rule.scale(self.alpha, self.rank)

    def validate(self) -> None:
        """Shapes agree with the target spec and the rank, every slot is present, every value is finite."""
        if not isinstance(self.rank, int) or isinstance(self.rank, bool) or self.rank <= 0:
            raise InvalidAdapterError(f"rank must be a positive integer, got {quote(repr(self.rank), 40)}")
        if not isinstance(self.alpha, numbers.Real) or isinstance(self.alpha, bool) or not math.isfinite(self.alpha) or not 0 < self.alpha <= MAX_ALPHA:
            raise InvalidAdapterError(f"alpha must be a positive finite number below {MAX_ALPHA:.3g}, got {quote(repr(self.alpha), 40)}")
        if not 0 < self.scale * self.rank <= MAX_ALPHA:
            raise InvalidAdapterError(f"alpha {self.alpha:g} at rank {self.rank} gives a scale float32 cannot hold")
        if self.scale > MAX_LORA_SCALE:
            raise InvalidAdapterError(f"alpha {self.alpha:g} at rank {self.rank} ({self.scale_rule.value}) scales ΔW by "
                                      f"{self.scale:.3g}, at most {MAX_LORA_SCALE:g}")
        if self.prompt_mode:
            from .prompts import parse_prompt_mode

            self.prompt_mode = parse_prompt_mode(self.prompt_mode, "adapter prompt mode").value
        for what in ("task", "generator", "prompt_mode"):
            value = getattr(self, what)
            if not isinstance(value, str):
                raise InvalidAdapterError(f"adapter {what} must be text, got {type(value).__name__}")
            require_utf8(value, f"adapter {what}")
        expected = set(self.target.slots())
        missing = sorted(expected - self.weights.keys(), key=_slot_order)
        extra = sorted(self.weights.keys() - expected, key=_slot_order)
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"missing {_fmt_slots(missing)}")
            if extra:
                parts.append(f"unexpected {_fmt_slots(extra)}")
            raise InvalidAdapterError(f"adapter tensors do not match its targets: {'; '.join(parts)}")
        for (layer, kind), (a, b) in self.weights.items():
            shape = self.target.modules[kind]
            where = f"layer {layer} {kind.value}"
            if a.shape != (self.rank, shape.in_features):
                raise InvalidAdapterError(f"{where}: A has shape {a.shape}, expected {(self.rank, shape.in_features)}")
            if b.shape != (shape.out_features, self.rank):
                raise InvalidAdapterError(f"{where}: B has shape {b.shape}, expected {(shape.out_features, self.rank)}")
            for name, m in (("A", a), ("B", b)):
                if m.dtype != np.float32:
                    raise InvalidAdapterError(f"{where}: {name} is {m.dtype}, expected float32")
                if not np.isfinite(m).all():
                    raise InvalidAdapterError(f"{where}: {name} contains NaN or Inf")

    def delta(self, layer: int, kind: ModuleKind | str) -> np.ndarray:
        """ΔW (out, in) that this adapter adds to the base weight."""
        (kind,) = parse_module_kinds([kind])
        a, b = self.weights[(layer, kind)]
        return self.scale * (b.astype(np.float64) @ a.astype(np.float64))

    def items(self) -> Iterator[tuple[Slot, np.ndarray, np.ndarray]]:
        for slot in self.target.slots():
            a, b = self.weights[slot]
            yield slot, a, b

    def num_parameters(self) -> int:
        return sum(a.size + b.size for a, b in self.weights.values())

    @classmethod
    def zeros(cls, target: TargetSpec, rank: int, alpha: float | None = None, **kwargs) -> "LoraAdapter":
        return cls.random(target, rank, alpha, seed=None, **kwargs)

    @classmethod
    def random(
        cls, target: TargetSpec, rank: int, alpha: float | None = None, seed: int | None = 0, std: float = 0.02, **kwargs
    ) -> "LoraAdapter":
        """Random A and B (seed=None: all zeros). For tests, benchmarks and as a starting point."""
        rng = np.random.default_rng(seed) if seed is not None else None
        weights = {}
        for layer, kind in target.slots():
            s = target.modules[kind]
            if rng is None:
                a = np.zeros((rank, s.in_features), np.float32)
                b = np.zeros((s.out_features, rank), np.float32)
            else:
                a = (rng.standard_normal((rank, s.in_features)) * std).astype(np.float32)
                b = (rng.standard_normal((s.out_features, rank)) * std).astype(np.float32)
            weights[(layer, kind)] = (a, b)
        return cls(target, rank, float(alpha if alpha is not None else 2 * rank), weights, **kwargs)

    # -- native format: one safetensors file, metadata in its header ------------------------------------------

    def metadata(self) -> dict[str, str]:
        return {
            T2L.FORMAT_VERSION: str(NATIVE_FORMAT_VERSION),
            T2L.TARGET: json.dumps(self.target.to_dict()),
            T2L.RANK: str(self.rank),
            T2L.ALPHA: repr(float(self.alpha)),
            T2L.SCALE_RULE: self.scale_rule.value,
            T2L.TASK: self.task,
            T2L.GENERATOR: self.generator,
            **({T2L.PROMPT_MODE: self.prompt_mode} if self.prompt_mode else {}),
        }

    def save(self, path: str | os.PathLike) -> Path:
        from safetensors.numpy import save

        tensors = {}
        for (layer, kind), a, b in self.items():
            tensors[_native_key(layer, kind, "A")] = np.ascontiguousarray(a)
            tensors[_native_key(layer, kind, "B")] = np.ascontiguousarray(b)
        data = save(tensors, metadata=self.metadata())  # written by Python: a full disk is an OSError, not Rust's
        with atomic_path(path) as tmp:
            tmp.write_bytes(data)
        return Path(path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "LoraAdapter":
        path = Path(path)
        if not path.is_file():
            raise MissingFileError(f"{path}: no such adapter file")
        meta, tensors = read_safetensors(path)
        if T2L.TARGET not in meta:
            raise CorruptFileError(f"{path}: not a t2l-edge adapter (no {T2L.TARGET} in its metadata)")
        try:
            version = int(meta.get(T2L.FORMAT_VERSION, "0"))
            if version > NATIVE_FORMAT_VERSION:
                raise CorruptFileError(
                    f"{path}: adapter format {version} is newer than this t2l-edge reads ({NATIVE_FORMAT_VERSION})"
                )
            target = TargetSpec.from_dict(json.loads(meta[T2L.TARGET]))
            if len(tensors) != 2 * target.n_layers * len(target.modules):
                raise InvalidAdapterError(
                    f"{path}: {len(tensors)} tensors, its target needs {2 * target.n_layers * len(target.modules)}"
                )
            weights = {}
            for layer, kind in target.slots():
                keys = _native_key(layer, kind, "A"), _native_key(layer, kind, "B")
                missing = [k for k in keys if k not in tensors]
                if missing:
                    raise InvalidAdapterError(f"{path}: missing tensor {missing[0]}")
                weights[(layer, kind)] = (tensors[keys[0]], tensors[keys[1]])
            return cls(
                target,
                int(meta[T2L.RANK]),
                float(meta[T2L.ALPHA]),
                weights,
                ScaleRule(meta.get(T2L.SCALE_RULE, "standard")),
                task=meta.get(T2L.TASK, ""),
                generator=meta.get(T2L.GENERATOR, ""),
                prompt_mode=meta.get(T2L.PROMPT_MODE, ""),
            )
        except (KeyError, ValueError, TypeError, AttributeError, RecursionError) as e:
            if isinstance(e, InvalidInputError | InvalidAdapterError | CorruptFileError):
                raise
            raise CorruptFileError(f"{path}: malformed adapter metadata ({quote(repr(e), 120)})") from None


def _native_key(layer: int, kind: ModuleKind, which: str) -> str:
    return f"layers.{layer}.{kind.value}.lora_{which}"


def _slot_order(slot: Slot):
    return slot[0], slot[1].value


def _fmt_slots(slots: list[Slot], limit: int = 3) -> str:
    shown = ", ".join(f"layer {layer} {kind.value}" for layer, kind in slots[:limit])
    return shown + (f" and {len(slots) - limit} more" if len(slots) > limit else "")
