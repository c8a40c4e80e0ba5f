"""`HypernetConfig`: everything needed to rebuild a hypernetwork, stored inside every checkpoint.

Plain data: no torch here (config / modules / model split), so the device path and the CLI can read a
checkpoint's config without PyTorch installed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from enum import Enum
from typing import Any, Mapping

from ..adapter import ScaleRule
from ..errors import CorruptFileError, InvalidInputError
from ..limits import MAX_BLOCKS, MAX_RANK, MAX_WIDTH, check_int
from ..prompts import DEFAULT_PROMPT_FORMAT, LEGACY_PROMPT_MODE, get_prompt_format, parse_prompt_mode
from ..targets import ModuleKind, TargetSpec

CONFIG_FORMAT_VERSION = 1
DEFAULT_ENCODER = "all-MiniLM-L6-v2"


class Variant(str, Enum):
    """The paper's three output heads (Text-to-LoRA, arXiv 2506.06105, section 3)."""

    L = "L"  # one call per (layer, module): the head emits A and B
    M = "M"  # one call per (layer, module, A|B): emits r·max(in, out), sliced to A or B
    S = "S"  # one call per (layer, module, A|B, rank row): emits max(in, out), sliced to a row of A or a column of B

    def head_outputs(self, rank: int, in_features: int, out_features: int) -> int:
        """Width of one head call's output for a module with these features."""
        return _HEAD_OUTPUTS[self](rank, in_features, out_features)


_HEAD_OUTPUTS = {
    Variant.L: lambda r, i, o: r * i + o * r,
    Variant.M: lambda r, i, o: r * max(i, o),
    Variant.S: lambda r, i, o: max(i, o),
}


ADDED_FIELDS = {"prompt_mode": LEGACY_PROMPT_MODE.value, "card_features": 0}  # field -> the value configs without it mean


@dataclass
class HypernetConfig:
    """A hypernetwork: task embedding (embedding_dim) -> one LoRA (rank, alpha, scale rule) for `target`.

    `latent_size` is the width of the shared trunk (task projection latent/2, layer and module embeddings latent/4
    each, concatenated); `head_width` is the feature size every output head reads.
    """

    target: TargetSpec
    variant: Variant = Variant.L
    embedding_dim: int = 384
    latent_size: int = 256
    head_width: int = 256
    n_blocks: int = 2  # residual MLP blocks after the mixer
    dropout: float = 0.0
    rank: int = 8
    alpha: float = 16.0
    scale_rule: ScaleRule = ScaleRule.STANDARD
    encoder: str = DEFAULT_ENCODER  # which text encoder's embeddings it reads (name, recorded for bundles)
    prompt_format: str = DEFAULT_PROMPT_FORMAT
    extra: dict[str, str] = field(default_factory=dict)  # free-form provenance (training run, dataset)
    # How prompts are rendered for its adapters (prompts.PromptMode); checkpoints before modes were trained bare.
    prompt_mode: str = LEGACY_PROMPT_MODE.value
    # Width of the card features it reads beside the text embedding (card_features.py: the base model's hidden states
    # over a task card's examples); 0: it reads the text embedding alone.
    card_features: int = 0

    def __post_init__(self):
        if not isinstance(self.target, TargetSpec):
            raise InvalidInputError(f"target must be a TargetSpec, got {type(self.target).__name__}")
        self.variant = _choice(Variant, self.variant, "variant")
        self.scale_rule = _choice(ScaleRule, self.scale_rule, "scale_rule")
        for name in ("embedding_dim", "latent_size", "head_width", "rank"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise InvalidInputError(f"{name} must be a positive integer, got {value!r}")
            check_int(value, name, 1, MAX_RANK if name == "rank" else MAX_WIDTH)
        if self.latent_size % 4:
            raise InvalidInputError(f"latent_size must be a multiple of 4, got {self.latent_size}")
        if not isinstance(self.n_blocks, int) or isinstance(self.n_blocks, bool) or self.n_blocks < 0:
            raise InvalidInputError(f"n_blocks must be a non-negative integer, got {self.n_blocks!r}")
        check_int(self.n_blocks, "n_blocks", 0, MAX_BLOCKS)
        if not isinstance(self.dropout, int | float) or not 0.0 <= self.dropout < 1.0:
            raise InvalidInputError(f"dropout must be in [0, 1), got {self.dropout!r}")
        if not isinstance(self.alpha, int | float) or not math.isfinite(self.alpha) or self.alpha <= 0:
            raise InvalidInputError(f"alpha must be a positive finite number, got {self.alpha!r}")
        self.alpha = float(self.alpha)
        self.dropout = float(self.dropout)
        get_prompt_format(self.prompt_format)  # raises naming the known formats
        self.prompt_mode = parse_prompt_mode(self.prompt_mode, "prompt_mode").value
        if not isinstance(self.card_features, int) or isinstance(self.card_features, bool) or self.card_features < 0:
            raise InvalidInputError(f"card_features must be an integer ≥ 0, got {self.card_features!r}")
        if not isinstance(self.encoder, str) or not self.encoder:
            raise InvalidInputError(f"encoder must be a non-empty name, got {self.encoder!r}")

    @property
    def modules(self) -> list[ModuleKind]:
        return list(self.target.modules)

    @property
    def scale(self) -> float:
        return self.scale_rule.scale(self.alpha, self.rank)

    def head_outputs(self, kind: ModuleKind) -> int:
        shape = self.target.modules[kind]
        return self.variant.head_outputs(self.rank, shape.in_features, shape.out_features)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"format_version": CONFIG_FORMAT_VERSION}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, TargetSpec):
                value = value.to_dict()
            elif isinstance(value, Enum):
                value = value.value
            elif isinstance(value, dict):
                value = dict(value)
            out[f.name] = value
        # Added after format 1: written only when it differs from what older configs meant, so their dicts (and the
        # generator hashes of shipped checkpoints, which cover the config) stay the same.
        for name, legacy in ADDED_FIELDS.items():
            if out[name] == legacy:
                del out[name]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "HypernetConfig":
        """Inverse of `to_dict`. Unknown or missing fields are a corrupt file, bad values an invalid input."""
        if not isinstance(data, Mapping):
            raise CorruptFileError(f"hypernetwork config must be a JSON object, got {type(data).__name__}")
        data = dict(data)
        version = data.pop("format_version", CONFIG_FORMAT_VERSION)
        if not isinstance(version, int) or version > CONFIG_FORMAT_VERSION:
            raise CorruptFileError(
                f"hypernetwork config format {version!r} is newer than this t2l-edge reads ({CONFIG_FORMAT_VERSION})"
            )
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise CorruptFileError(f"hypernetwork config has unknown fields {unknown} (known: {', '.join(sorted(known))})")
        if "target" not in data:
            raise CorruptFileError("hypernetwork config lacks 'target'")
        data["target"] = TargetSpec.from_dict(data["target"])
        return cls(**data)


def _choice(enum: type[Enum], value, name: str):
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in enum)
        raise InvalidInputError(f"{name} must be one of {allowed}, got {value!r}") from None
