"""Adapters from task texts: a bundle through the torch-free ONNX Runtime generator (the default, `load_generator`),
or the reference (PyTorch) runtime: checkpoint + encoder -> `HyperNetwork.generate`; saved in any adapter format. A file of tasks goes through the encoder and the hypernetwork in one batched pass
(chunks of `batch_size`) and becomes a folder of numbered adapters plus `index.jsonl` (line -> file, task).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from ..adapter import LoraAdapter
from ..errors import InvalidInputError, MissingFileError
from ..io import atomic_dir, read_text_lines
from ..prompts import check_task_texts

INDEX_FILE = "index.jsonl"
EXTENSIONS = {"gguf": ".gguf", "safetensors": ".safetensors", "peft": ""}  # peft: a directory
BATCH_PATTERNS = (INDEX_FILE, "[0-9][0-9][0-9][0-9]*")  # what a batch folder holds


@dataclass(frozen=True)
class TaskLine:
    line: int  # 1-based line number in the batch file
    text: str


def resolve_checkpoint(path: str | os.PathLike) -> Path:
    """A checkpoint directory, or a training run directory (its newest checkpoint)."""
    from .loop import LATEST, latest_checkpoint

    path = Path(path)
    if not path.is_dir():
        raise MissingFileError(f"{path}: checkpoint directory not found")
    if (path / LATEST).is_file() or not (path / "config.json").is_file():
        found = latest_checkpoint(path)
        if found is not None:
            return found
    return path


def read_batch_file(path: str | os.PathLike) -> list[TaskLine]:
    """One task per line: plain text, or a JSON object with a "task" or "description" string. Blank lines skipped."""
    return [TaskLine(n, text.strip()) for n, text in read_text_lines(path, ("task", "description"), "task")]


class Generator:
    """A checkpoint and its text encoder, ready to turn texts into adapters."""

    def __init__(self, checkpoint: str | os.PathLike, encoder: str | os.PathLike | None = None, device: str = "cpu"):
        from ..model.checkpoint import load_checkpoint
        from ..model.config import DEFAULT_ENCODER
        from ..model.encoder import TextEncoder

        self.checkpoint = resolve_checkpoint(checkpoint)
        self.hypernet = load_checkpoint(self.checkpoint, device=device)
        config = self.hypernet.config
        if encoder is None and config.encoder != DEFAULT_ENCODER:
            raise InvalidInputError(
                f"{self.checkpoint}: trained with the encoder {config.encoder!r}; pass its folder with --encoder"
            )
        self.encoder = TextEncoder(encoder)
        if self.encoder.dim != config.embedding_dim:
            raise InvalidInputError(
                f"the encoder gives {self.encoder.dim}-d embeddings, the checkpoint expects {config.embedding_dim}"
            )

    def generate(self, texts: Sequence[str], batch_size: int = 64) -> list[LoraAdapter]:
        if isinstance(texts, str):
            texts = [texts]
        encodings = self.encoder.tokenizer.encode_batch(list(texts))
        check_task_texts(texts, [bool(e.overflowing) for e in encodings], self.encoder.spec.max_length)
        out: list[LoraAdapter] = []
        for start in range(0, len(texts), batch_size):
            chunk = list(texts[start : start + batch_size])
            out.extend(self.hypernet.generate(self.encoder.encode(chunk), tasks=chunk))
        return out


def load_generator(bundle: str | os.PathLike | None = None, checkpoint: str | os.PathLike | None = None,
                   encoder: str | os.PathLike | None = None, progress: Callable[[str], None] | None = None):
    """Something with `generate(texts) -> list[LoraAdapter]`: a bundle through the torch-free runtime, by default
    the shipped hypernetwork's (built once on first use), or with `checkpoint` the PyTorch reference."""
    if bundle is not None and checkpoint is not None:
        raise InvalidInputError("give --bundle or --checkpoint, not both")
    if checkpoint is not None:
        return Generator(checkpoint, encoder)
    if encoder is not None:
        raise InvalidInputError("--encoder applies to --checkpoint only: a bundle carries its own encoder")
    from ..runtimes.onnxruntime import load_generator as load_bundle_generator

    if bundle is None:
        from ..export.onnx import default_bundle

        from ..bundle import Bundle

        # here, not in Generator.load: the caller shows the build's progress; default_bundle() checked every file
        bundle = Bundle.load(default_bundle(progress), verify=False)
    return load_bundle_generator(bundle)


def write_batch(adapters: Sequence[LoraAdapter], lines: Sequence[TaskLine], output: str | os.PathLike, fmt: str,
                recipe: str = "f16", force: bool = False) -> Path:
    """A folder of adapters named by their position (0001.gguf, …) and index.jsonl, written atomically. It replaces
    a previous batch output whole; a folder holding other files is refused (`force`: added beside them)."""
    from ..export.formats import AdapterFormat, save_adapter

    fmt = AdapterFormat(fmt)
    width = max(4, len(str(len(adapters))))
    with atomic_dir(output, BATCH_PATTERNS, force) as tmp:
        rows = []
        for i, (adapter, line) in enumerate(zip(adapters, lines), 1):
            name = f"{i:0{width}d}{EXTENSIONS[fmt.value]}"
            save_adapter(adapter, tmp / name, fmt, recipe)
            rows.append({"line": line.line, "file": name, "task": line.text})
        (tmp / INDEX_FILE).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return Path(output)
