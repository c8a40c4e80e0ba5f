"""Adapter file formats: detect what a path holds, load it, save to any format."""

from __future__ import annotations

import os
from t2l_edge.choices import Choice
from pathlib import Path

from t2l_edge.adapter import LoraAdapter
from t2l_edge.errors import CorruptFileError, InvalidInputError, MissingFileError
from t2l_edge.gguf_reader import GGUF_MAGIC
from t2l_edge.keys import Files
from t2l_edge.targets import TargetSpec

from .gguf import read_gguf_adapter, write_gguf_adapter
from .model_card import MODEL_CARD, model_card as model_card_text
from .peft import PEFT_DTYPES, read_peft, write_peft
from .recipes import Recipe, parse_recipe


class AdapterFormat(Choice):
    GGUF = "gguf"
    PEFT = "peft"
    SAFETENSORS = "safetensors"


def detect_format(path: str | os.PathLike) -> AdapterFormat:
    path = Path(path)
    if path.is_dir():
        if (path / Files.PEFT_CONFIG).exists() or (path / Files.PEFT_WEIGHTS).exists():
            return AdapterFormat.PEFT
        raise InvalidInputError(f"{path}: a directory without {Files.PEFT_CONFIG} is not a PEFT adapter")
    if not path.exists():
        raise MissingFileError(f"{path}: no such file or directory")
    with open(path, "rb") as f:
        head = f.read(8)
    if head[:4] == GGUF_MAGIC:
        return AdapterFormat.GGUF
    # safetensors: an 8-byte little-endian header length, then a JSON header starting with '{'
    if len(head) == 8:
        with open(path, "rb") as f:
            f.seek(8)
            if f.read(1) == b"{":
                return AdapterFormat.SAFETENSORS
    raise CorruptFileError(f"{path}: neither a GGUF adapter, a PEFT directory nor a safetensors adapter")


def load_adapter(path: str | os.PathLike, architecture: str | None = None, target: TargetSpec | None = None) -> LoraAdapter:
    fmt = detect_format(path)
    if fmt is AdapterFormat.GGUF:
        return read_gguf_adapter(path)
    if fmt is AdapterFormat.PEFT:
        return read_peft(path, architecture=architecture, target=target)
    return LoraAdapter.load(path)


def save_adapter(
    adapter: LoraAdapter, path: str | os.PathLike, fmt: AdapterFormat | str, recipe: Recipe | str | None = None,
    model_card: bool = False, base_model: str | None = None, source: str = "",
) -> Path:
    """Write in `fmt`. `recipe`: the GGUF quantization (default f16), or a PEFT folder's weight precision (f32, f16
    or bf16; default f32, lossless). `model_card`: a README.md in the PEFT folder (PEFT only)."""
    fmt = AdapterFormat(fmt)
    if model_card and fmt is not AdapterFormat.PEFT:
        raise InvalidInputError(f"a model card goes into a PEFT folder (--format peft), not a {fmt.value} file")
    if fmt is AdapterFormat.GGUF:
        return write_gguf_adapter(adapter, path, recipe or Recipe.F16)
    if fmt is AdapterFormat.PEFT:
        precision = parse_recipe(recipe or Recipe.F32).value
        if precision not in PEFT_DTYPES:
            raise InvalidInputError(f"PEFT weights are {', '.join(PEFT_DTYPES)}; {precision} is a GGUF quantization")
        extra = {MODEL_CARD: model_card_text(adapter, base_model, precision, source)} if model_card else None
        return write_peft(adapter, path, dtype=precision, extra_files=extra)
    return adapter.save(path)  # the native file is always f32 (the lossless form)
