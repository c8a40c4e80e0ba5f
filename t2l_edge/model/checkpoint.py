"""Hypernetwork checkpoints: a directory with `config.json` (the `HypernetConfig`, the weights' sha256, the
generator hash) and `hypernet.safetensors`. No pickle: loading someone else's checkpoint never runs code.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import torch

from ..errors import CorruptFileError, InvalidInputError, MissingFileError
from ..io import atomic_dir, read_json, sha256_file
from ..keys import Files
from .config import HypernetConfig
from .hypernet import HyperNetwork

CHECKPOINT_CONFIG = Files.HF_CONFIG  # "config.json"
CHECKPOINT_WEIGHTS = "hypernet.safetensors"
CHECKPOINT_FORMAT_VERSION = 1
# Stored float weights load into the float32 model: fp16/bf16 are how a checkpoint ships smaller.
STORED_FLOAT_DTYPES = (torch.float32, torch.float16, torch.bfloat16)


def save_checkpoint(model: HyperNetwork, directory: str | os.PathLike, extra: dict[str, Any] | None = None,
                    dtype: torch.dtype | None = None) -> Path:
    """Write the checkpoint directory atomically (a reader sees the old one or the new one, never half).

    `dtype` (e.g. torch.float16) stores the floating-point weights narrower, to ship; the stored generator hash is
    then that of the model as it loads back (the rounded weights in float32), so adapters name the right generator.
    """
    from safetensors.torch import save_file

    if dtype is not None:
        model = copy.deepcopy(model)
        with torch.no_grad():
            for t in model.state_dict().values():
                if t.is_floating_point():
                    t.copy_(t.to(dtype))
    tensors = {
        name: (t.to(dtype) if dtype is not None and t.is_floating_point() else t).detach().cpu().contiguous()
        for name, t in model.state_dict().items()
    }
    with atomic_dir(directory) as tmp:
        save_file(tensors, str(tmp / CHECKPOINT_WEIGHTS), metadata={"format": "pt"})
        config = {
            "format_version": CHECKPOINT_FORMAT_VERSION,
            "hypernet": model.config.to_dict(),
            "generator_hash": model.generator_hash(),
            "weights_sha256": sha256_file(tmp / CHECKPOINT_WEIGHTS),
            "extra": extra or {},
        }
        (tmp / CHECKPOINT_CONFIG).write_text(json.dumps(config, indent=2))
    return Path(directory)


def read_checkpoint_config(directory: str | os.PathLike) -> tuple[HypernetConfig, dict[str, Any]]:
    """The checkpoint's `HypernetConfig` and its whole config.json (for `extra`, hashes), without the weights."""
    directory = Path(directory)
    if not directory.is_dir():
        raise MissingFileError(f"{directory}: checkpoint directory not found")
    path = directory / CHECKPOINT_CONFIG
    if not path.is_file():
        raise MissingFileError(f"{directory}: checkpoint lacks {CHECKPOINT_CONFIG}")
    data = read_json(path)
    if not isinstance(data, dict) or "hypernet" not in data:
        raise CorruptFileError(f"{path}: not a t2l-edge hypernetwork checkpoint (no 'hypernet' section)")
    version = data.get("format_version")
    if not isinstance(version, int) or version > CHECKPOINT_FORMAT_VERSION:
        raise CorruptFileError(
            f"{path}: checkpoint format {version!r} is not one this t2l-edge reads (up to {CHECKPOINT_FORMAT_VERSION})"
        )
    try:
        config = HypernetConfig.from_dict(data["hypernet"])
    except InvalidInputError as e:
        raise CorruptFileError(f"{path}: invalid hypernetwork config ({e})") from None
    except CorruptFileError as e:
        raise CorruptFileError(f"{path}: {e}") from None
    return config, data


def load_checkpoint(directory: str | os.PathLike, device: str | torch.device = "cpu") -> HyperNetwork:
    """Rebuild the hypernetwork from its config and load its weights, checking the file's sha256 and every tensor."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    directory = Path(directory)
    config, data = read_checkpoint_config(directory)
    path = directory / CHECKPOINT_WEIGHTS
    if not path.is_file():
        raise MissingFileError(f"{directory}: checkpoint lacks {CHECKPOINT_WEIGHTS}")
    expected = data.get("weights_sha256")
    if expected is not None and sha256_file(path) != expected:
        raise CorruptFileError(f"{path}: sha256 does not match the one in {CHECKPOINT_CONFIG} (modified or truncated)")
    try:
        tensors = load_file(str(path))
    except (SafetensorError, OSError) as e:
        raise CorruptFileError(f"{path}: unreadable safetensors file ({e})") from None

    model = HyperNetwork(config)
    state = model.state_dict()
    missing = sorted(state.keys() - tensors.keys())
    unexpected = sorted(tensors.keys() - state.keys())
    if missing or unexpected:
        parts = ([f"missing {missing[:3]}"] if missing else []) + ([f"unexpected {unexpected[:3]}"] if unexpected else [])
        raise CorruptFileError(f"{path}: tensors do not match the config: {'; '.join(parts)}")
    for name, t in tensors.items():
        widened = state[name].is_floating_point() and t.dtype in STORED_FLOAT_DTYPES
        if t.shape != state[name].shape or (t.dtype != state[name].dtype and not widened):
            raise CorruptFileError(
                f"{path}: {name} is {t.dtype} {tuple(t.shape)}, the config implies {state[name].dtype} "
                f"{tuple(state[name].shape)}"
            )
    model.load_state_dict({name: t.to(state[name].dtype) for name, t in tensors.items()}, strict=True)
    model.to(device).eval()
    stored_hash = data.get("generator_hash")
    if stored_hash is not None and model.generator_hash() != stored_hash:
        raise CorruptFileError(f"{directory}: generator hash {model.generator_hash()} differs from the stored {stored_hash}")
    return model

