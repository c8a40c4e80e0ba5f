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
from .peft import read_peft, write_peft
from .recipes import Recipe


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
    adapter: LoraAdapter, path: str | os.PathLike, fmt: AdapterFormat | str, recipe: Recipe | str = "f16", force: bool = False
) -> Path:
    """`force`: a PEFT directory may be written into a folder holding other files (they are left alone)."""
    fmt = AdapterFormat(fmt)
    if fmt is AdapterFormat.GGUF:
        return write_gguf_adapter(adapter, path, recipe)
    if fmt is AdapterFormat.PEFT:
        return write_peft(adapter, path, force=force)
    return adapter.save(path)
