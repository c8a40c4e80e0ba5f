"""The trainer shared by SFT and reconstruction: AdamW over `HyperNetwork.param_groups`, linear warmup then the
configured decay, gradient clipping, held-out evaluation, atomic checkpoints and an exact resume; DDP under
`torchrun` (gloo on CPU, NCCL on GPUs), each rank taking its share of the global batch, rank 0 writing.

A run directory:

    metrics.jsonl                 one line per step and per evaluation
    latest.json                   {"step": N, "checkpoint": "step-00000N"}
    step-00000N/                  the `keep` most recent checkpoints, each written atomically:
        config.json               HypernetConfig + hashes (model/checkpoint.py)
        hypernet.safetensors      the weights
        optimizer.safetensors     AdamW state tensors ("state.<param index>.<name>")
        trainer_state.json        step, mode, param groups' hyperparameters, the training config

No pickle: the optimizer's tensors go to safetensors, its scalars to JSON. Batches, descriptions and dropout are
pure functions of (seed, step, rank), so nothing else is needed to continue exactly where a run stopped.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import torch
from torch import nn

from ..errors import CorruptFileError, InvalidInputError, MissingFileError
from ..io import atomic_dir, write_bytes_atomic
from ..model.checkpoint import load_checkpoint, save_checkpoint
from ..model.encoder import FINE_TUNED_DIR
from ..model.hypernet import HyperNetwork
from ..prompts import LEGACY_PROMPT_MODE
from ..runs import LATEST, STEP_PREFIX, TRAINER_STATE, latest_checkpoint, step_dir  # noqa: F401
from .config import Device, Objective, Schedule, TrainConfig
from .data import shard

METRICS = "metrics.jsonl"
OPTIMIZER_FILE = "optimizer.safetensors"
TRAINER_STATE_VERSION = 1
# Sections that must not change across a resume (they decide the batches and the model); [optim] steps may.
RESUME_FIXED = ("base", "encoder", "hypernet", "data")
RESUME_FREE = {("encoder", "cache")}  # changes nothing the run computes
# Fields added after runs began: a checkpoint saved before one existed resumes when the field has the value that
# computes what that run computed (None: any value, the field has no effect then).
RESUME_ADDED = {("data", "card_examples"): [0], ("data", "card_no_description"): None,
                ("data", "instructed"): 0.0, ("data", "sni_descriptions"): None,
                ("hypernet", "prompt_mode"): LEGACY_PROMPT_MODE.value, ("hypernet", "card_reader"): False,
                ("data", "card_pool"): None, ("data", "card_pool_cards"): None, ("data", "card_pool_queries"): None,
                ("data", "card_pool_k"): None, ("data", "card_share"): 0.0,
                ("encoder", "train_layers"): 0, ("encoder", "lr"): None}
RESUME_FIXED_OPTIM = ("lr", "warmup", "schedule", "min_lr_ratio", "clip", "weight_decay", "betas", "eps", "l2")
RESUME_ADDED_OPTIM = {"distill": 0.0}


def lr_factor(schedule: Schedule | str, step: int, warmup: int, steps: int, min_ratio: float) -> float:
    """Multiplier of every group's learning rate at `step` (0-based): linear warmup, then constant/linear/cosine."""
    if step < warmup:
        return (step + 1) / warmup
    schedule = Schedule(schedule)
    if schedule is Schedule.CONSTANT:
        return 1.0
    progress = min(1.0, (step - warmup) / max(1, steps - warmup))
    if schedule is Schedule.LINEAR:
        return 1.0 - (1.0 - min_ratio) * progress
    return min_ratio + (1.0 - min_ratio) * 0.5 * (1.0 + math.cos(math.pi * progress))


# -- distribution -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DistInfo:
    rank: int
    world: int
    device: torch.device
    initialized_here: bool  # we called init_process_group, so we tear it down

    @property
    def main(self) -> bool:
        return self.rank == 0


def setup_distributed(device: Device | str = Device.AUTO) -> DistInfo:
    """Join the process group torchrun describes (WORLD_SIZE > 1): NCCL on CUDA, gloo on CPU."""
    import torch.distributed as dist

    device = Device(device)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    use_cuda = device is Device.CUDA or (device is Device.AUTO and torch.cuda.is_available())
    if device is Device.CUDA and not torch.cuda.is_available():
        raise InvalidInputError("[run] device = 'cuda' but no CUDA device is available")
    dev = torch.device("cuda", local % torch.cuda.device_count()) if use_cuda else torch.device("cpu")
    if use_cuda:
        torch.cuda.set_device(dev)
    here = False
    if world > 1 and not dist.is_initialized():
        dist.init_process_group(backend="nccl" if use_cuda else "gloo")
        here = True
    rank = dist.get_rank() if world > 1 else 0
    return DistInfo(rank, world, dev, here)


def step_seed(seed: int, step: int, rank: int) -> int:
    return int.from_bytes(hashlib.blake2b(f"{seed}:{step}:{rank}".encode(), digest_size=8).digest(), "big") >> 1


# -- the run directory --------------------------------------------------------------------------------------------


def save_optimizer(optimizer: torch.optim.Optimizer, directory: Path) -> dict[str, Any]:
    """Tensors of the optimizer state to safetensors; returns the JSON-able rest (param groups, scalars)."""
    from safetensors.torch import save_file

    state = optimizer.state_dict()
    tensors, scalars = {}, {}
    for index, values in state["state"].items():
        for key, value in values.items():
            if isinstance(value, torch.Tensor):
                tensors[f"state.{index}.{key}"] = value.detach().cpu().contiguous()
            else:
                scalars[f"{index}.{key}"] = value
    save_file(tensors, str(directory / OPTIMIZER_FILE), metadata={"format": "pt"})
    groups = [{k: (list(v) if isinstance(v, tuple) else v) for k, v in g.items()} for g in state["param_groups"]]
    return {"param_groups": groups, "scalars": scalars}


def load_optimizer(optimizer: torch.optim.Optimizer, directory: Path, saved: dict[str, Any]) -> None:
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    path = directory / OPTIMIZER_FILE
    try:
        tensors = load_file(str(path))
    except (SafetensorError, OSError) as e:
        raise CorruptFileError(f"{path}: unreadable optimizer state ({e})") from None
    state: dict[int, dict[str, Any]] = {}
    for name, value in tensors.items():
        _, index, key = name.split(".", 2)
        state.setdefault(int(index), {})[key] = value
    for name, value in saved.get("scalars", {}).items():
        index, key = name.split(".", 1)
        state.setdefault(int(index), {})[key] = value
    groups = [{k: (tuple(v) if k == "betas" else v) for k, v in g.items()} for g in saved["param_groups"]]
    try:
        optimizer.load_state_dict({"state": state, "param_groups": groups})
    except (ValueError, KeyError, RuntimeError) as e:
        raise CorruptFileError(f"{path}: optimizer state does not fit this hypernetwork ({e})") from None


# -- the trainer --------------------------------------------------------------------------------------------------


@dataclass
class Event:
    """What the trainer reports (rank 0 only): kind "start" | "step" | "eval" | "checkpoint" | "end"."""

    kind: str
    step: int  # steps done
    total: int
    values: dict[str, Any] = field(default_factory=dict)


class Trainer:
    """`Trainer(config, mode, output).fit()`; `resume=True` continues from the newest checkpoint in `output`."""

    def __init__(self, config: TrainConfig, mode: Objective | str, output: str | os.PathLike, resume: bool = False,
                 full_logits: bool = False, card_reader: Callable[[], Any] | None = None,
                 progress: Callable[[str, int, int], None] | None = None):
        """`card_reader`: makes the reader of card features (texts -> (N, F): runtimes.llama_cpp.CardReader) when a
        card pool must be built; the caller wires the runtime. `progress(what, done, total)`: the pool's build."""
        self.config, self.mode = config, config.check_mode(mode)
        self.output = Path(output)
        existing = latest_checkpoint(self.output)
        if existing is not None and not resume:
            raise InvalidInputError(
                f"{self.output}: already holds checkpoints ({existing.name}); pass --resume to continue it or choose "
                "another --output"
            )
        if resume and existing is None:
            raise MissingFileError(f"{self.output}: no checkpoint to resume from")
        if config.run.threads:
            torch.set_num_threads(config.run.threads)
        self.dist = setup_distributed(config.run.device)
        self.device = self.dist.device
        if config.data.batch_size % self.dist.world:
            raise InvalidInputError(
                f"{config.source}: [data] field 'batch_size': {config.data.batch_size} does not divide among "
                f"{self.dist.world} processes"
            )

        from ..model.encoder import EmbeddingCache, TextEncoder, checkpoint_encoder
        from ..task_card import CARD_FORMAT

        tuned = config.encoder.train_layers
        if tuned and self.dist.world > 1:
            raise InvalidInputError(f"{config.source}: [encoder] field 'train_layers': fine-tuning the encoder runs "
                                    "in one process (not under torchrun)")
        build = {Objective.SFT: _build_sft, Objective.RECONSTRUCTION: _build_reconstruction}[self.mode]
        # Data first (bad task files fail before anything heavy loads); the encoder after.
        self.objective, target, self.base_source = build(config, self.device, self._embed, full_logits, card_reader,
                                                         progress)
        # a fine-tuned encoder resumes from the weights its checkpoint carries
        source = checkpoint_encoder(existing) if tuned and resume else None
        encoder = TextEncoder(source or config.encoder.path, config.encoder.max_length,
                              device=str(self.device) if tuned else "cpu")
        self.encoder = encoder
        self.encoder_params = encoder.unfreeze_top(tuned) if tuned else []
        self.embeddings = EmbeddingCache(encoder, config.encoder.cache)
        if not tuned:  # a trained encoder's embeddings change every step: nothing to cache
            self.embeddings.get(self.objective.texts())  # every description once, before the first step
            if self.dist.main:
                self.embeddings.save()

        extra = {"mode": self.mode.value, "base": str(self.base_source)}
        mix = config.data.card_mix()
        if self.mode is Objective.SFT and mix.with_examples:  # how the task texts it learned from were written
            extra["task_cards"] = {"format": CARD_FORMAT, "k": list(mix.k), "no_description": mix.no_description}
        if tuned:
            extra["encoder_train_layers"] = tuned
        card_features = getattr(self.objective, "card_features", 0) if config.hypernet.card_reader else 0
        if card_features:
            from ..card_features import CARD_FEATURES

            extra["card_features"] = CARD_FEATURES
        hcfg = config.hypernet.hypernet_config(target, encoder.name, encoder.dim, extra, card_features)
        torch.manual_seed(config.run.seed)
        self.hypernet = HyperNetwork(hcfg).to(self.device)
        if config.run.init is not None and not resume:
            init_from(self.hypernet, config.run.init)
        o = config.optim
        groups = self.hypernet.param_groups(o.lr)
        if self.encoder_params:  # the last group: the encoder's unfrozen layers, at their own (lower) rate
            groups.append({"params": self.encoder_params, "lr": config.encoder.lr})
        self.optimizer = torch.optim.AdamW(groups, betas=tuple(o.betas), eps=o.eps, weight_decay=o.weight_decay)
        self.base_lrs = [g["lr"] for g in self.optimizer.param_groups]
        self.step = 0
        self.resume_note: str | None = None  # what a user should know about the resume (a re-planned schedule)
        if resume:
            self._resume(existing)
        self.model: nn.Module = self.hypernet
        if self.dist.world > 1:
            from torch.nn.parallel import DistributedDataParallel

            ids = [self.device.index] if self.device.type == "cuda" else None
            self.model = DistributedDataParallel(self.hypernet, device_ids=ids)

    def _embed(self, texts, store: bool = True):
        """Task texts -> (N, d) embeddings: from the cache with a frozen encoder, through the encoder (with autograd
        when its layers train) otherwise."""
        if self.encoder_params:
            return self.encoder.forward(texts)
        return self.embeddings.get(texts, store)

    # -- checkpoints --------------------------------------------------------------------------------------------

    def _resume(self, directory: Path) -> None:
        state = _read_state(directory)
        if state.get("mode") != self.mode.value:
            raise InvalidInputError(f"{directory}: a {state.get('mode')} checkpoint; cannot resume it as {self.mode.value}")
        saved, now = state.get("config", {}), self.config.to_dict()
        for section in RESUME_FIXED:
            for key, value in now[section].items():
                if (section, key) in RESUME_ADDED and key not in saved.get(section, {}):
                    if RESUME_ADDED[(section, key)] in (None, value):
                        continue
                if (section, key) not in RESUME_FREE and saved.get(section, {}).get(key) != value:
                    raise InvalidInputError(
                        f"{self.config.source}: [{section}] field '{key}' is {value!r}, the checkpoint {directory.name} "
                        f"was trained with {saved.get(section, {}).get(key)!r}; an exact resume needs the same"
                    )
        for key in (*RESUME_FIXED_OPTIM, *RESUME_ADDED_OPTIM):
            stored = saved.get("optim", {}).get(key, RESUME_ADDED_OPTIM.get(key))
            if stored != now["optim"][key]:
                raise InvalidInputError(
                    f"{self.config.source}: [optim] field '{key}' differs from the checkpoint {directory.name}'s "
                    f"({stored!r}); an exact resume needs the same"
                )
        loaded = load_checkpoint(directory, device=self.device)
        if loaded.config.to_dict() != self.hypernet.config.to_dict():
            raise InvalidInputError(f"{directory}: its hypernetwork config differs from the one {self.config.source} builds")
        self.hypernet.load_state_dict(loaded.state_dict())
        load_optimizer(self.optimizer, directory, state["optimizer"])
        self.step = int(state["step"])
        self.resume_note = _replanned(saved.get("optim", {}).get("steps"), self.config.optim, self.step)
        metrics = self.output / METRICS
        if self.dist.main and metrics.is_file():  # drop what an interrupted run logged after its last checkpoint
            kept = [line for line in metrics.read_text().splitlines(keepends=True)
                    if line.strip() and json.loads(line).get("step", 0) <= self.step]
            write_bytes_atomic(metrics, "".join(kept).encode())

    def save(self) -> Path:
        """Checkpoint the current step (rank 0), atomically; keep the `keep` newest."""
        directory = step_dir(self.output, self.step)
        with atomic_dir(directory) as tmp:
            save_checkpoint(self.hypernet, tmp, extra={"mode": self.mode.value, "step": self.step})
            if self.encoder_params:  # the fine-tuned encoder travels with the checkpoint
                self.encoder.save_folder(tmp / FINE_TUNED_DIR, self.config.encoder.train_layers,
                                         template=self.config.encoder.path)
            state = {
                "format_version": TRAINER_STATE_VERSION,
                "step": self.step,
                "mode": self.mode.value,
                "world_size": self.dist.world,
                "optimizer": save_optimizer(self.optimizer, tmp),
                "config": self.config.to_dict(),
            }
            (tmp / TRAINER_STATE).write_text(json.dumps(state, indent=2))
        write_bytes_atomic(self.output / LATEST, json.dumps({"step": self.step, "checkpoint": directory.name}).encode())
        kept = sorted(p for p in self.output.glob(f"{STEP_PREFIX}*") if p.is_dir())
        for old in kept[: -self.config.checkpoint.keep]:
            shutil.rmtree(old, ignore_errors=True)
        return directory

    # -- training -----------------------------------------------------------------------------------------------

    def _log(self, record: dict[str, Any]) -> None:
        self.output.mkdir(parents=True, exist_ok=True)
        with open(self.output / METRICS, "a") as f:
            f.write(json.dumps(record) + "\n")

    def evaluate(self) -> dict[str, float]:
        """The objective's held-out metrics, with the hypernetwork in eval mode (no dropout) for the call."""
        was = self.hypernet.training
        self.hypernet.eval()
        try:
            return self.objective.evaluate(self.hypernet)
        finally:
            self.hypernet.train(was)

    def train_step(self) -> dict[str, Any]:
        """One optimizer step on the global batch of `self.step`; returns what it measured (loss averaged over ranks)."""
        import torch.distributed as dist

        o, seed = self.config.optim, self.config.run.seed
        start = time.perf_counter()
        factor = lr_factor(o.schedule, self.step, o.warmup, o.steps, o.min_lr_ratio)
        for group, base in zip(self.optimizer.param_groups, self.base_lrs):
            group["lr"] = base * factor
        samples = self.objective.global_batch(self.step)
        mine = shard(samples, self.dist.rank, self.dist.world)
        torch.manual_seed(step_seed(seed, self.step, self.dist.rank))
        self.model.train()
        loss, stats = self.objective.loss(self.model, mine, samples, self.dist.world)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        params = [p for p in [*self.hypernet.parameters(), *self.encoder_params] if p.grad is not None]
        if o.clip > 0:
            grad_norm = torch.nn.utils.clip_grad_norm_(params, o.clip)
        else:
            grad_norm = torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in params]))
        self.optimizer.step()
        shown = loss.detach().clone()
        if self.dist.world > 1:
            dist.all_reduce(shown)
            shown /= self.dist.world
        self.step += 1
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
        elapsed = time.perf_counter() - start
        values = {"loss": float(shown), "lr": self.base_lrs[0] * factor, "grad_norm": float(grad_norm),
                  "step_time": elapsed, "samples": len(samples)}
        if stats is not None:
            values.update(tokens=stats.tokens, answer_tokens=stats.answer_tokens, tokens_per_s=stats.tokens / elapsed)
        return values

    def fit(self, callback: Callable[[Event], None] | None = None, stop_at: int | None = None) -> dict[str, Any]:
        """Train to [optim] steps (or `stop_at`), evaluating and checkpointing as configured; returns the last values."""
        import torch.distributed as dist

        total = self.config.optim.steps
        end = min(total, stop_at) if stop_at is not None else total
        main = self.dist.main
        emit = callback if (callback is not None and main) else (lambda event: None)
        every_eval, every_ckpt = self.config.eval.every, self.config.checkpoint.every
        emit(Event("start", self.step, total, {"parameters": self.hypernet.num_parameters(),
                                                 "world_size": self.dist.world, "device": str(self.device)}))
        last: dict[str, Any] = {}
        if main and self.step == 0:
            self._evaluate_and_emit(emit, total)
        try:
            while self.step < end:
                values = self.train_step()
                last = values
                if main:
                    self._log({"step": self.step, **values})
                emit(Event("step", self.step, total, values))
                finished = self.step == end
                if main and ((every_eval and self.step % every_eval == 0) or finished):
                    last = {**last, **self._evaluate_and_emit(emit, total)}
                if main and ((every_ckpt and self.step % every_ckpt == 0) or finished):
                    path = self.save()
                    emit(Event("checkpoint", self.step, total, {"path": str(path)}))
            if self.dist.world > 1:
                dist.barrier()  # rank 0's last checkpoint is on disk before any rank returns
        finally:  # on an error no barrier: the other ranks may be blocked in a collective (torchrun ends them)
            if self.dist.world > 1 and self.dist.initialized_here:
                dist.destroy_process_group()
        emit(Event("end", self.step, total, last))
        return {"step": self.step, **last}

    def _evaluate_and_emit(self, emit, total: int) -> dict[str, float]:
        result = self.evaluate()
        if result:
            self._log({"step": self.step, **result})
            emit(Event("eval", self.step, total, result))
        return result


def _replanned(planned: int | None, o, step: int) -> str | None:
    """A note when a resume with other [optim] steps moves the learning rate (the schedule is re-planned over the new
    total: a cosine raised to more steps climbs back up)."""
    if planned is None or planned == o.steps:
        return None
    was = lr_factor(o.schedule, step, o.warmup, planned, o.min_lr_ratio)
    now = lr_factor(o.schedule, step, o.warmup, o.steps, o.min_lr_ratio)
    if abs(now - was) <= 0.01 * was:
        return None
    return (f"resuming at step {step} with [optim] steps {o.steps} (the run planned {planned}): the {o.schedule} "
            f"schedule is re-planned, the learning rate goes from {o.lr * was:.3g} to {o.lr * now:.3g} "
            f"({now / was:.2f}×)")


def init_from(hypernet: HyperNetwork, source: str | os.PathLike) -> None:
    """A fine-tune's start: the weights of a checkpoint (or a run's newest) with the same architecture; parts it
    lacks (a card reader added to a description-only hypernetwork) keep their fresh initialisation."""
    from ..model.checkpoint import load_checkpoint

    source = Path(source)
    directory = latest_checkpoint(source) or source
    loaded = load_checkpoint(directory)
    ignore = ("card_features", "extra", "prompt_mode")
    mine = {k: v for k, v in hypernet.config.to_dict().items() if k not in ignore}
    theirs = {k: v for k, v in loaded.config.to_dict().items() if k not in ignore}
    if mine != theirs:
        differ = sorted(k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))
        raise InvalidInputError(f"[run] init: {directory} is another architecture (differs in {', '.join(differ)})")
    missing, unexpected = hypernet.load_state_dict(loaded.state_dict(), strict=False)
    if unexpected or any(not k.startswith("card_net.") for k in missing):
        raise InvalidInputError(f"[run] init: {directory} does not fit: missing {missing[:3]}, unexpected {unexpected[:3]}")


def _read_state(directory: Path) -> dict[str, Any]:
    path = directory / TRAINER_STATE
    try:
        state = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise CorruptFileError(f"{path}: unreadable trainer state ({e})") from None
    if not isinstance(state, dict) or state.get("format_version", 0) > TRAINER_STATE_VERSION or "step" not in state:
        raise CorruptFileError(f"{path}: not a trainer state this t2l-edge reads")
    return state


# -- building the objectives --------------------------------------------------------------------------------------


def _select(target, config: TrainConfig):
    try:
        return target.select(config.hypernet.modules)
    except InvalidInputError as e:
        raise InvalidInputError(f"{config.source}: [hypernet] field 'modules': {e}") from None


def _build_sft(config: TrainConfig, device: torch.device, embed, full_logits: bool, card_reader=None, progress=None):
    from ..model.base import LoraHooks, load_base_model
    from ..prompts import get_prompt_format
    from .data import PromptTokenizer, sft_tasks
    from .sft import SFTObjective

    train, held = sft_tasks(config)
    base = load_base_model(config.base.model)
    model = base.model.to(device)
    target = _select(base.target, config)
    scale = config.hypernet.hypernet_config(target, "-", 1).scale
    hooks = LoraHooks(model, target, scale).register()
    prompt = PromptTokenizer(base.tokenizer, get_prompt_format(config.hypernet.prompt_format), config.data.max_length)
    d = config.data
    from ..card_features import n_card_features

    n_features = n_card_features(model.config.get_text_config().hidden_size)
    pool = _card_pool(config, train, model, prompt, base, card_reader, progress) if d.card_share else None
    if pool is not None and pool.features.shape[1] != n_features:
        raise InvalidInputError(f"{d.card_pool}: card features of width {pool.features.shape[1]}, the base's give "
                                f"{n_features}")
    objective = SFTObjective(model, hooks, prompt, train, held, embed, d.batch_size, d.tasks_per_step,
                             config.run.seed, config.optim.l2, config.eval.n, device, full_logits, d.card_mix(),
                             d.instructed, pool, d.card_share, config.optim.distill)
    objective.card_features = n_features
    if config.run.compile:  # after the hooks are in place and the card pool is read: one graph, shapes dynamic
        from .sft import decoder_and_head

        decoder_and_head(model)[0].compile(dynamic=True)
    return objective, target, base.source


POOL_TOP_K = 16


def _card_pool(config: TrainConfig, train, model, prompt, base, card_reader, progress=None):
    """The run's card pool: read from [data] card_pool when it was built for these tasks and sizes, else built (the
    features through `card_reader`, the teacher through the base) and saved there."""
    from ..card_features import CARD_FEATURES
    from ..prompts import get_prompt_format
    from .card_pool import CardPool, PoolSpec, build_card_pool

    d = config.data
    spec = PoolSpec(tuple(t.name for t in train), d.card_pool_cards, d.card_pool_queries, tuple(d.card_pool_k),
                    d.card_no_description, POOL_TOP_K, d.seed, CARD_FEATURES, Path(base.source).name)
    path = Path(d.card_pool)
    if path.is_file():
        return CardPool.load(path, spec)
    if card_reader is None:
        raise InvalidInputError(f"{config.source}: [data] card_pool {path} does not exist and no card reader was given "
                                "to build it")
    reader = card_reader()
    try:
        pool = build_card_pool(spec, train, model, prompt, get_prompt_format(config.hypernet.prompt_format), reader,
                               progress)
    finally:
        getattr(reader, "close", lambda: None)()
    pool.save(path)
    return pool


def base_target(source: str | os.PathLike | None):
    """The base's LoRA targets from its GGUF header or config.json, without loading its weights."""
    from ..models import default_base_model
    from ..targets import TargetSpec

    path = default_base_model() if source is None else Path(source)
    if path.is_dir():
        return TargetSpec.from_hf_config(path), path
    if not path.is_file():
        raise MissingFileError(f"{path}: base model not found")
    return TargetSpec.from_gguf(path), path


def _build_reconstruction(config: TrainConfig, device: torch.device, embed, full_logits: bool, card_reader=None,
                          progress=None):
    from .reconstruction import ReconstructionObjective, load_library

    spec, source = base_target(config.base.model)
    target = _select(spec, config)
    h = config.hypernet.hypernet_config(target, "-", 1)
    train = load_library(config.data.library, target, h.rank, h.scale)
    held = load_library(config.eval.library, target, h.rank, h.scale) if config.eval.library else train
    d = config.data
    objective = ReconstructionObjective(train, held, embed, d.batch_size, d.tasks_per_step, config.run.seed,
                                        config.eval.n, device)
    return objective, target, source
