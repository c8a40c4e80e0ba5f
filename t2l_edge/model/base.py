"""The base LLM in PyTorch, frozen and shared, with generated LoRAs applied functionally by forward hooks.

`load_base_model` reads a transformers folder or a GGUF (dequantized to fp32 by transformers 5.x, then saved
once under `cache_dir()/hf/` so the next load takes about a second instead of ~35 s).

`LoraHooks` adds, on every target module, out += scale · (x Aᵦᵀ) Bᵦᵀ with a different (A, B) for each sample b of
the batch — exactly what PEFT computes for one adapter, but with the adapters as plain tensors so gradients flow
back into the hypernetwork that produced them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import torch
from torch import Tensor, nn

from ..adapter import LoraAdapter
from ..errors import AdapterMismatchError, CorruptFileError, InvalidInputError, MissingFileError
from ..io import atomic_dir
from ..keys import Files
from ..models import cache_dir, default_base_model
from ..targets import ModuleKind, TargetSpec

# Per module kind: A (B, L, r, in), B (B, L, out, r) — what `HyperNetwork.forward` returns.
LoraTensors = dict[ModuleKind, tuple[Tensor, Tensor]]

GGUF_MAGIC = b"GGUF"


@dataclass
class BaseModel:
    model: nn.Module  # transformers causal LM, fp32, eval mode, requires_grad False
    tokenizer: Any  # transformers tokenizer, or None when not asked for
    target: TargetSpec  # every LoRA target the architecture has
    source: Path  # the GGUF file or HF folder it came from
    loaded_from: Path  # where the weights were read this time (the cache folder for a GGUF)


def hf_cache_path(gguf_path: str | os.PathLike) -> Path:
    """Cache folder of a GGUF's dequantized transformers copy: name, size and transformers version in its name."""
    import transformers

    gguf_path = Path(gguf_path)
    return cache_dir() / "hf" / f"{gguf_path.stem}-{gguf_path.stat().st_size}-transformers{transformers.__version__}"


def is_gguf(path: str | os.PathLike) -> bool:
    path = Path(path)
    if not path.is_file():
        return False
    with open(path, "rb") as f:
        return f.read(4) == GGUF_MAGIC


def load_base_model(
    source: str | os.PathLike | None = None, *, tokenizer: bool = True, dtype: torch.dtype = torch.float32
) -> BaseModel:
    """A frozen base model from a GGUF file or a transformers folder (None: the default Gemma 3 270M GGUF).

    A GGUF is dequantized by transformers (`gguf_file=`, ≈35 s and ~3 GB for Gemma 3 270M), saved with
    `save_pretrained` under `hf_cache_path(gguf)` (atomically: an interrupted run leaves no half cache) and read
    back from there; later calls read the cache directly.
    """
    from transformers import AutoModelForCausalLM, AutoTokenizer

    source = default_base_model() if source is None else Path(source)
    if source.is_dir():
        if not (source / Files.HF_CONFIG).is_file():
            raise MissingFileError(f"{source}: not a transformers model folder (no {Files.HF_CONFIG})")
        folder = source
    elif source.is_file():
        if not is_gguf(source):
            raise CorruptFileError(f"{source}: neither a GGUF file (bad magic) nor a transformers folder")
        folder = hf_cache_path(source)
        if not (folder / Files.HF_CONFIG).is_file() or (tokenizer and not _has_tokenizer(folder)):
            _dequantize_gguf(source, folder, tokenizer, dtype)
    else:
        raise MissingFileError(f"{source}: base model not found")
    model = AutoModelForCausalLM.from_pretrained(str(folder), dtype=dtype)
    tok = AutoTokenizer.from_pretrained(str(folder)) if tokenizer else None
    model.eval().requires_grad_(False)
    target = TargetSpec.from_hf_config(model.config.to_dict())
    return BaseModel(model=model, tokenizer=tok, target=target, source=source, loaded_from=folder)


def _has_tokenizer(folder: Path) -> bool:
    return (folder / "tokenizer.json").is_file() or (folder / "tokenizer_config.json").is_file()


def _dequantize_gguf(gguf: Path, cache: Path, tokenizer: bool, dtype: torch.dtype) -> None:
    import logging

    from transformers import AutoModelForCausalLM, AutoTokenizer

    size = gguf.stat().st_size
    logging.getLogger("t2l_edge").info(
        "copying %s (%.0f MB) once into %s as a float32 transformers model for PyTorch (about 1.1 GB for Gemma 3 "
        "270M, 30-60 s)", gguf.name, size / 1e6, cache)

    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, dtype=dtype)
    # The weights are already dequantized; transformers keeps a GGUF "quantizer" marker that refuses
    # save_pretrained. Drop it so a plain checkpoint can be written.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    with atomic_dir(cache) as tmp:
        model.save_pretrained(tmp)
        if tokenizer:
            AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name).save_pretrained(tmp)
    del model


class LoraHooks:
    """Forward hooks on a transformers model's target modules that add one LoRA per sample.

        with LoraHooks(model, target, scale) as hooks:
            hooks.set(hypernet(embeddings))      # {kind: (A (B, L, r, in), B (B, L, out, r))}
            logits = model(input_ids).logits      # sample b uses adapter b

    With no weights set the hooks change nothing. The base model's parameters are never touched.
    """

    def __init__(self, model: nn.Module, target: TargetSpec, scale: float, weights: LoraTensors | None = None):
        self.model, self.target, self.scale = model, target, float(scale)
        self._weights: LoraTensors | None = None
        self._per_layer: dict[ModuleKind, tuple[tuple[Tensor, ...], tuple[Tensor, ...]]] = {}
        self._handles: list[torch.utils.hooks.RemovableHandle] = []
        self._modules: dict[tuple[int, ModuleKind], nn.Module] = {}
        for layer, kind in target.slots():
            path = target.hf_module_path(layer, kind)
            try:
                module = model.get_submodule(path)
            except AttributeError:
                raise AdapterMismatchError(f"the base model has no module {path}") from None
            shape = target.modules[kind]
            got = (getattr(module, "in_features", None), getattr(module, "out_features", None))
            if got != (shape.in_features, shape.out_features):
                raise AdapterMismatchError(
                    f"{path} has (in, out) {got}, the adapter target expects {(shape.in_features, shape.out_features)}"
                )
            self._modules[(layer, kind)] = module
        if weights is not None:
            self.set(weights)

    def set(self, weights: LoraTensors | None) -> None:
        """The adapters for the next forward passes (None: none)."""
        if weights is not None:
            self._check(weights)
            # One view per layer, made once: indexing a[:, layer] in every hook would make autograd fill and add a
            # zero tensor of the whole (B, L, r, in) stack per layer in the backward pass (a sixth of a step).
            self._per_layer = {kind: (a.unbind(1), b.unbind(1)) for kind, (a, b) in weights.items()}
        self._weights = weights

    def clear(self) -> None:
        self._weights = None
        self._per_layer = {}

    def register(self) -> "LoraHooks":
        if self._handles:
            raise InvalidInputError("LoRA hooks are already registered on this model")
        for (layer, kind), module in self._modules.items():
            self._handles.append(module.register_forward_hook(self._hook(layer, kind)))
        return self

    def remove(self) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles.clear()
        self.clear()

    def __enter__(self) -> "LoraHooks":
        return self.register()

    def __exit__(self, *exc) -> None:
        self.remove()

    def _check(self, weights: LoraTensors) -> None:
        missing = [k.value for k in self.target.modules if k not in weights]
        if missing:
            raise InvalidInputError(f"LoRA weights lack modules {missing}")
        batch = None
        for kind, (a, b) in weights.items():
            shape = self.target.modules[kind]
            n = a.shape[0]
            rank = a.shape[2] if a.dim() == 4 else None
            expect_a = (n, self.target.n_layers, rank, shape.in_features)
            expect_b = (n, self.target.n_layers, shape.out_features, rank)
            if tuple(a.shape) != expect_a or tuple(b.shape) != expect_b:
                raise InvalidInputError(
                    f"{kind.value}: A {tuple(a.shape)} and B {tuple(b.shape)} should be (B, L, r, in) {expect_a} "
                    f"and (B, L, out, r) {expect_b}"
                )
            if batch is not None and n != batch:
                raise InvalidInputError(f"{kind.value}: {n} adapters, other modules have {batch}")
            batch = n

    def _hook(self, layer: int, kind: ModuleKind):
        def hook(module: nn.Module, args: tuple, output: Tensor):
            if self._weights is None:
                return None
            a, b = self._per_layer[kind][0][layer], self._per_layer[kind][1][layer]  # (B, r, in), (B, out, r)
            x = args[0]  # (B, ..., in)
            if x.shape[0] != a.shape[0]:
                raise InvalidInputError(f"batch of {x.shape[0]} samples but {a.shape[0]} adapters")
            xs = x.reshape(x.shape[0], -1, x.shape[-1])  # (B, T, in)
            h = torch.bmm(xs, a.to(xs.dtype).transpose(1, 2))  # (B, T, r)
            delta = torch.bmm(h, b.to(xs.dtype).transpose(1, 2))  # (B, T, out)
            return output + self.scale * delta.reshape(output.shape)

        return hook


def stack_adapters(adapters: Sequence[LoraAdapter], device: str | torch.device = "cpu") -> tuple[LoraTensors, float]:
    """Numpy adapters (same target, rank and scale) -> LoraTensors for `LoraHooks`, and their common scale."""
    if not adapters:
        raise InvalidInputError("no adapters to stack")
    first = adapters[0]
    for i, ad in enumerate(adapters[1:], 1):
        if ad.target.to_dict() != first.target.to_dict() or ad.rank != first.rank or ad.scale != first.scale:
            raise AdapterMismatchError(
                f"adapter {i} differs from adapter 0 in target, rank or scale; hooks apply one of each per batch"
            )
    out: LoraTensors = {}
    layers = range(first.target.n_layers)
    for kind in first.target.modules:
        a = np.stack([np.stack([ad.weights[(l, kind)][0] for l in layers]) for ad in adapters])  # (B, L, r, in)
        b = np.stack([np.stack([ad.weights[(l, kind)][1] for l in layers]) for ad in adapters])  # (B, L, out, r)
        out[kind] = (torch.from_numpy(a).to(device), torch.from_numpy(b).to(device))
    return out, first.scale
