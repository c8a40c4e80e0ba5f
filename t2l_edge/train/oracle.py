"""Oracle LoRAs: an ordinary per-task LoRA trained with PEFT on the same base, prompt format, targets and data
pipeline as the hypernetwork. They are the upper baseline of evaluation and the targets of reconstruction. Also the
multitask LoRA (`train_multitask`): one ordinary LoRA on the hypernetwork's whole training mixture, evaluate's
`multitask` baseline.

Each task becomes `<output>/<task name>/`: a PEFT directory (adapter_config.json + adapter_model.safetensors, with
`t2l.task` set to the task's first description) and `task.json` with every description and the training figures
(held-out loss before and after, the loss of every step: `losses`).
"""

from __future__ import annotations

import os
import random
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import torch

from ..adapter import LoraAdapter, ScaleRule
from ..errors import InvalidInputError
from ..tasks.format import Task, task_dirname
from .config import TrainConfig
from .data import Encoded, PromptTokenizer, Sample, collate, holdout_examples
from .loop import Event, lr_factor
from .sft import token_losses


@dataclass
class OracleResult:
    task: str
    path: Path
    steps: int
    loss_before: float | None  # held-out answer-token CE of the base alone (None: no held-out examples)
    loss_after: float | None  # ... with the trained LoRA
    train_loss: float  # last step's


def _mean_loss(model, prompt: PromptTokenizer, examples, batch_size: int, device) -> float:
    total, count = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(examples), batch_size):
            enc = [prompt.encode(ex) for ex in examples[start : start + batch_size]]
            losses, _ = token_losses(model, collate(enc, prompt.pad_id, device))
            total, count = total + float(losses.double().sum()), count + losses.numel()
    return total / count


class _PeftLora:
    """An ordinary PEFT LoRA on the base (the targets, rank, alpha and scale rule of the hypernetwork config),
    trained with AdamW on the schedule of `[optim]`; `adapter()` reads it back as a `LoraAdapter`."""

    def __init__(self, model, target, config: TrainConfig, device):
        from peft import LoraConfig, get_peft_model

        h = config.hypernet
        self.target, self.config, self.device = target, config, device
        self.rule = ScaleRule(h.scale_rule)
        torch.manual_seed(config.run.seed)
        lora_config = LoraConfig(
            r=h.rank, lora_alpha=h.alpha, target_modules=[k.value for k in target.modules], lora_dropout=0.0,
            bias="none", use_rslora=self.rule is ScaleRule.RSLORA, init_lora_weights=True,
        )
        with warnings.catch_warnings():  # peft calls a transformers API that transformers 5 deprecates
            warnings.simplefilter("ignore", FutureWarning)
            self.peft_model = get_peft_model(model, lora_config)
        self.lm = self.peft_model.get_base_model()
        self.params = [p for p in self.peft_model.parameters() if p.requires_grad]
        self.losses: list[float] = []  # every step's, for task.json

    def fit(self, batch: Callable[[int], list[Encoded]], pad_id: int, emit: Callable[[Event], None], name: str) -> float:
        """Train `[optim] steps` steps on `batch(step)`; the last step's loss."""
        o = self.config.optim
        optimizer = torch.optim.AdamW(self.params, lr=o.lr, betas=tuple(o.betas), eps=o.eps, weight_decay=o.weight_decay)
        emit(Event("start", 0, o.steps, {"task": name, "parameters": sum(p.numel() for p in self.params)}))
        loss_value = float("nan")
        for step in range(o.steps):
            for group in optimizer.param_groups:
                group["lr"] = o.lr * lr_factor(o.schedule, step, o.warmup, o.steps, o.min_lr_ratio)
            losses, _ = token_losses(self.lm, collate(batch(step), pad_id, self.device))
            loss = losses.mean()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if o.clip > 0:
                torch.nn.utils.clip_grad_norm_(self.params, o.clip)
            optimizer.step()
            loss_value = float(loss.detach())
            self.losses.append(loss_value)
            emit(Event("step", step + 1, o.steps, {"task": name, "loss": loss_value}))
        return loss_value

    def adapter(self, task: str) -> LoraAdapter:
        h, weights = self.config.hypernet, {}
        for layer, kind in self.target.slots():
            module = self.lm.get_submodule(self.target.hf_module_path(layer, kind))
            a = module.lora_A["default"].weight.detach().float().cpu().numpy().copy()  # (r, in)
            b = module.lora_B["default"].weight.detach().float().cpu().numpy().copy()  # (out, r)
            weights[(layer, kind)] = (a, b)
        return LoraAdapter(self.target, h.rank, h.alpha, weights, self.rule, task=task)

    def unload(self):
        """The plain base again."""
        return self.peft_model.unload()


def _setup(config: TrainConfig):
    """(base, model on its device, target, prompt tokenizer, device)."""
    from ..model.base import load_base_model
    from ..prompts import get_prompt_format

    if config.run.threads:
        torch.set_num_threads(config.run.threads)
    device = torch.device("cuda" if config.run.device != "cpu" and torch.cuda.is_available() else "cpu")
    base = load_base_model(config.base.model)
    model = base.model.to(device)
    try:
        target = base.target.select(config.hypernet.modules)
    except InvalidInputError as e:
        raise InvalidInputError(f"{config.source}: [hypernet] field 'modules': {e}") from None
    prompt = PromptTokenizer(base.tokenizer, get_prompt_format(config.hypernet.prompt_format), config.data.max_length)
    return base, model, target, prompt, device


def train_oracles(config: TrainConfig, tasks: Sequence[Task], output: str | os.PathLike,
                  callback: Callable[[Event], None] | None = None) -> list[OracleResult]:
    """Train one PEFT LoRA per task (sequentially, on one base model) and write each as described above."""
    from ..export.peft import write_peft
    from .reconstruction import write_task_sidecar

    if not tasks:
        raise InvalidInputError("no tasks to train oracle LoRAs for")
    names = [task_dirname(t.name) for t in tasks]
    if len(set(names)) != len(names):
        raise InvalidInputError(f"two tasks map to the same folder name: {names}")
    base, model, target, prompt, device = _setup(config)
    d, o = config.data, config.optim
    output = Path(output)
    emit = callback or (lambda event: None)
    results = []
    for task, dirname in zip(tasks, names):
        (train_task,), held = holdout_examples([task], config.eval.holdout)
        held_examples = list(held[0].examples) if held else []
        before = _mean_loss(model, prompt, held_examples, d.batch_size, device) if held_examples else None
        lora = _PeftLora(model, target, config, device)

        def batch(step: int, task=task, train_task=train_task) -> list[Encoded]:
            rng = random.Random(f"t2l-edge-oracle:{config.run.seed}:{task.name}:{step}")
            chosen = [train_task.examples[rng.randrange(len(train_task.examples))] for _ in range(d.batch_size)]
            return [prompt.encode(ex) for ex in chosen]

        loss_value = lora.fit(batch, prompt.pad_id, emit, task.name)
        after = _mean_loss(lora.lm, prompt, held_examples, d.batch_size, device) if held_examples else None
        adapter = lora.adapter(task.descriptions[0])
        path = write_peft(adapter, output / dirname, base_model=str(base.source))
        write_task_sidecar(
            path, task.name, task.descriptions, metric=task.metric.value, steps=o.steps, train_loss=loss_value,
            heldout_loss_base=before, heldout_loss=after, base=str(base.source), losses=lora.losses,
        )
        model = lora.unload()  # the plain base again, for the next task
        result = OracleResult(task.name, path, o.steps, before, after, loss_value)
        emit(Event("end", o.steps, o.steps, {"task": task.name, "path": str(path), "heldout_loss_base": before,
                                              "heldout_loss": after, "train_loss": loss_value}))
        results.append(result)
    return results


# -- the multitask LoRA: one ordinary LoRA on the hypernetwork's whole training mixture -------------------------------

MULTITASK_NAME = "multitask"


def _sample_loss(model, prompt: PromptTokenizer, tasks: Sequence[Task], samples: Sequence[Sample], batch_size: int,
                 device) -> float:
    """Token-mean answer CE of the samples, each prompt carrying its sample's description."""
    total, count = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(samples), batch_size):
            chunk = samples[start : start + batch_size]
            enc = [prompt.encode(tasks[s.task].examples[s.example], s.description) for s in chunk]
            losses, _ = token_losses(model, collate(enc, prompt.pad_id, device))
            total, count = total + float(losses.double().sum()), count + losses.numel()
    return total / count


def train_multitask(config: TrainConfig, output: str | os.PathLike,
                    callback: Callable[[Event], None] | None = None) -> OracleResult:
    """The paper's multitask baseline: one PEFT LoRA (the hypernetwork's targets, rank and alpha) trained on the
    same training mixture as `t2l-edge train --mode sft` with this config (the same tasks, and the same batches: the
    sampler of that seed, `[optim] steps` of them), each prompt carrying its sample's description, since one LoRA
    for every task learns which task from the prompt. Held-out loss (before / after) on the config's eval tasks.
    Written as a PEFT directory with a task.json."""
    from ..export.peft import write_peft
    from .data import TaskSampler, fixed_samples, sft_tasks
    from .reconstruction import write_task_sidecar

    config.check_mode("sft")
    train, held = sft_tasks(config)
    base, model, target, prompt, device = _setup(config)
    d, o = config.data, config.optim
    sampler = TaskSampler([len(t.examples) for t in train], [t.descriptions for t in train], d.batch_size,
                          d.tasks_per_step, config.run.seed)
    evals = fixed_samples([len(t.examples) for t in held], [t.descriptions for t in held], config.eval.n) if held else []
    emit = callback or (lambda event: None)
    before = _sample_loss(model, prompt, held, evals, d.batch_size, device) if evals else None
    lora = _PeftLora(model, target, config, device)

    def batch(step: int) -> list[Encoded]:
        return [prompt.encode(train[s.task].examples[s.example], s.description) for s in sampler.batch(step)]

    loss_value = lora.fit(batch, prompt.pad_id, emit, MULTITASK_NAME)
    after = _sample_loss(lora.lm, prompt, held, evals, d.batch_size, device) if evals else None
    adapter = lora.adapter(f"multitask LoRA: {len(train)} training tasks")
    path = write_peft(adapter, Path(output), base_model=str(base.source))
    write_task_sidecar(
        path, MULTITASK_NAME, [adapter.task], tasks=[t.name for t in train], steps=o.steps, train_loss=loss_value,
        heldout_loss_base=before, heldout_loss=after, base=str(base.source), prompt="description + input",
        losses=lora.losses,
    )
    emit(Event("end", o.steps, o.steps, {"task": MULTITASK_NAME, "path": str(path), "heldout_loss_base": before,
                                          "heldout_loss": after, "train_loss": loss_value}))
    return OracleResult(MULTITASK_NAME, path, o.steps, before, after, loss_value)
