"""Reconstruction: teach the hypernetwork to emit the LoRAs of a library from their task descriptions.

A library is a folder of adapters — PEFT directories, GGUF adapters, native .safetensors — each with its task
description(s): a `task.json` beside the weights ({"name", "descriptions"}, what `train-lora` writes; for a file
adapter `<stem>.task.json`), else the adapter's own task metadata (`t2l.task`, GGUF `adapter.lora.task_name`).

Loss: L1 between generated and target A and B after z-scoring both with the library's statistics (mean and standard
deviation per module, A|B and layer), so every matrix counts alike whatever its scale.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from torch import Tensor, nn

from ..adapter import LoraAdapter
from ..errors import AdapterMismatchError, InvalidInputError, MissingFileError
from ..io import read_json
from ..keys import Files
from ..targets import ModuleKind, TargetSpec
from .data import Sample, TaskSampler, fixed_samples

TASK_SIDECAR = "task.json"  # in a PEFT dir; beside a file adapter: <stem>.task.json
TASK_SIDECAR_SUFFIX = ".task.json"
ADAPTER_SUFFIXES = (".gguf", ".safetensors")
STD_FLOOR = 1e-8


@dataclass
class LibraryEntry:
    path: Path
    name: str
    descriptions: tuple[str, ...]
    tensors: dict[ModuleKind, tuple[Tensor, Tensor]]  # A (L, r, in), B (L, out, r), in the hypernetwork's scale


def sidecar_path(adapter_path: Path) -> Path:
    adapter_path = Path(adapter_path)
    if adapter_path.is_dir():
        return adapter_path / TASK_SIDECAR
    return adapter_path.with_name(adapter_path.stem + TASK_SIDECAR_SUFFIX)


def write_task_sidecar(adapter_path: Path, name: str, descriptions: Sequence[str], **extra) -> Path:
    from ..io import write_bytes_atomic

    data = {"name": name, "descriptions": list(descriptions), **extra}
    return write_bytes_atomic(sidecar_path(adapter_path), (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode())


def library_paths(folder: str | os.PathLike) -> list[Path]:
    """The adapters in a library folder, sorted by name (hidden entries and task sidecars skipped)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise MissingFileError(f"{folder}: LoRA library folder not found")
    out = []
    for p in sorted(folder.iterdir()):
        if p.name.startswith(".") or p.name.endswith(TASK_SIDECAR_SUFFIX):
            continue
        if (p.is_dir() and (p / Files.PEFT_CONFIG).is_file()) or (p.is_file() and p.suffix.lower() in ADAPTER_SUFFIXES):
            out.append(p)
    if not out:
        raise InvalidInputError(f"{folder}: no adapters (PEFT dirs, .gguf, .safetensors) in the LoRA library")
    return out


def _descriptions(path: Path, adapter: LoraAdapter) -> tuple[str, tuple[str, ...]]:
    side = sidecar_path(path)
    if side.is_file():
        data = read_json(side)
        descriptions = data.get("descriptions") if isinstance(data, dict) else None
        if not isinstance(descriptions, list) or not descriptions or not all(
            isinstance(d, str) and d.strip() for d in descriptions
        ):
            raise InvalidInputError(f"{side}: field 'descriptions': must be a non-empty list of strings")
        return str(data.get("name") or path.stem), tuple(descriptions)
    if adapter.task.strip():
        return path.stem, (adapter.task,)
    raise InvalidInputError(
        f"{path}: no task description (neither {side.name} nor task metadata in the adapter)"
    )


def load_library(folder: str | os.PathLike, target: TargetSpec, rank: int, scale: float) -> list[LibraryEntry]:
    """Every adapter of the folder as tensors for `target` (the hypernetwork's modules), its B rescaled so that
    scale · B·A is the adapter's own ΔW."""
    from ..export.formats import load_adapter

    entries = []
    for path in library_paths(folder):
        adapter = load_adapter(path, architecture=target.architecture, target=target)
        name, descriptions = _descriptions(path, adapter)
        if adapter.target.architecture != target.architecture or adapter.target.n_layers != target.n_layers:
            raise AdapterMismatchError(
                f"{path}: a {adapter.target.architecture} adapter with {adapter.target.n_layers} layers; the "
                f"hypernetwork targets {target.architecture} with {target.n_layers}"
            )
        for kind, shape in target.modules.items():
            if adapter.target.modules.get(kind) != shape:
                got = adapter.target.modules.get(kind)
                raise AdapterMismatchError(
                    f"{path}: module {kind.value} is {got or 'absent'}, the hypernetwork targets {shape}"
                )
        if adapter.rank != rank:
            raise AdapterMismatchError(f"{path}: rank {adapter.rank}, the hypernetwork's is {rank}")
        ratio = adapter.scale / scale
        tensors = {}
        for kind in target.modules:
            a = np.stack([adapter.weights[(layer, kind)][0] for layer in range(target.n_layers)])  # (L, r, in)
            b = np.stack([adapter.weights[(layer, kind)][1] for layer in range(target.n_layers)])  # (L, out, r)
            tensors[kind] = (torch.from_numpy(a), torch.from_numpy(b * np.float32(ratio)))
        entries.append(LibraryEntry(path, name, descriptions, tensors))
    return entries


class ReconstructionObjective:
    def __init__(self, train: list[LibraryEntry], held: list[LibraryEntry], embed, batch_size: int,
                 tasks_per_step: int, seed: int, eval_n: int, device: torch.device):
        self.train_entries, self.held_entries = train, held
        self.embed, self.batch_size, self.device = embed, batch_size, device
        one = [1] * len(train)
        self.sampler = TaskSampler(one, [e.descriptions for e in train], batch_size, tasks_per_step, seed)
        self.eval_samples = fixed_samples([1] * len(held), [e.descriptions for e in held], min(eval_n, _pairs(held)))
        # z-score statistics per (module, A|B, layer) over the training library: mean, std each (L, 1, 1)
        self.stats: dict[ModuleKind, tuple[tuple[Tensor, Tensor], tuple[Tensor, Tensor]]] = {}
        for kind in train[0].tensors:
            stats = []
            for which in (0, 1):
                x = torch.stack([e.tensors[kind][which] for e in train]).transpose(0, 1).flatten(1)  # (L, n·elems)
                mean = x.mean(1)[:, None, None]
                std = x.std(1, unbiased=False)[:, None, None]
                stats.append((mean.to(device), torch.where(std > STD_FLOOR, std, torch.ones_like(std)).to(device)))
            self.stats[kind] = (stats[0], stats[1])

    def texts(self) -> list[str]:
        return list(dict.fromkeys(d for e in self.train_entries + self.held_entries for d in e.descriptions))

    def global_batch(self, step: int) -> list[Sample]:
        return self.sampler.batch(step)

    def targets(self, samples: Sequence[Sample], entries: list[LibraryEntry]) -> dict[ModuleKind, tuple[Tensor, Tensor]]:
        return {
            kind: tuple(torch.stack([entries[s.task].tensors[kind][w] for s in samples]).to(self.device) for w in (0, 1))
            for kind in entries[0].tensors
        }  # A (b, L, r, in), B (b, L, out, r)

    def per_sample_l1(self, lora, target) -> Tensor:
        """Mean |z(generated) − z(target)| per sample, each (module, A|B) weighted alike: (b,)."""
        terms = []
        for kind, (mats) in target.items():
            for w in (0, 1):
                mean, std = self.stats[kind][w]
                terms.append(((lora[kind][w] - mats[w]) / std).abs().flatten(1).mean(1))  # (b,): z-scores' difference
        return torch.stack(terms).mean(0)

    def loss(self, hypernet: nn.Module, shard: Sequence[Sample], global_samples: Sequence[Sample], world: int):
        emb = self.embed([s.description for s in shard]).to(self.device)  # (b, d_emb)
        loss = self.per_sample_l1(hypernet(emb), self.targets(shard, self.train_entries)).mean()
        return loss, None

    @torch.no_grad()
    def evaluate(self, hypernet: nn.Module) -> dict[str, float]:
        """Held-out L1 (z-scored) and relative error ‖generated − target‖ / ‖target‖ of A and B together."""
        if not self.eval_samples:
            return {}
        l1, rel = [], []  # the trainer set eval mode
        for start in range(0, len(self.eval_samples), self.batch_size):
            chunk = self.eval_samples[start : start + self.batch_size]
            lora = hypernet(self.embed([s.description for s in chunk]).to(self.device))
            target = self.targets(chunk, self.held_entries)
            l1.append(self.per_sample_l1(lora, target))
            diff = sum((lora[k][w] - target[k][w]).pow(2).flatten(1).sum(1) for k in target for w in (0, 1))
            norm = sum(target[k][w].pow(2).flatten(1).sum(1) for k in target for w in (0, 1))
            rel.append((diff / norm.clamp_min(1e-30)).sqrt())
        return {"eval_l1": float(torch.cat(l1).mean()), "eval_rel_error": float(torch.cat(rel).mean())}


def _pairs(entries: list[LibraryEntry]) -> int:
    return sum(len(e.descriptions) for e in entries)
