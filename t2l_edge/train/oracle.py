"""Oracle LoRAs: an ordinary per-task LoRA trained with PEFT on the same base, prompt format, targets and data
pipeline as the hypernetwork. They are the upper baseline of evaluation and the targets of reconstruction.

Each task becomes `<output>/<task name>/`: a PEFT directory (adapter_config.json + adapter_model.safetensors, with
`t2l.task` set to the task's first description) and `task.json` with every description and the training figures.
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
from .data import PromptTokenizer, collate, holdout_examples
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


def train_oracles(config: TrainConfig, tasks: Sequence[Task], output: str | os.PathLike,
                  callback: Callable[[Event], None] | None = None) -> list[OracleResult]:
    """Train one PEFT LoRA per task (sequentially, on one base model) and write each as described above."""
    from peft import LoraConfig, get_peft_model

    from ..export.peft import write_peft
    from ..model.base import load_base_model
    from ..prompts import get_prompt_format
    from .reconstruction import write_task_sidecar

    if not tasks:
        raise InvalidInputError("no tasks to train oracle LoRAs for")
    names = [task_dirname(t.name) for t in tasks]
    if len(set(names)) != len(names):
        raise InvalidInputError(f"two tasks map to the same folder name: {names}")
    if config.run.threads:
        torch.set_num_threads(config.run.threads)
    device = torch.device("cuda" if config.run.device != "cpu" and torch.cuda.is_available() else "cpu")
    h, d, o = config.hypernet, config.data, config.optim
    base = load_base_model(config.base.model)
    model = base.model.to(device)
    try:
        target = base.target.select(h.modules)
    except InvalidInputError as e:
        raise InvalidInputError(f"{config.source}: [hypernet] field 'modules': {e}") from None
    rule = ScaleRule(h.scale_rule)
    prompt = PromptTokenizer(base.tokenizer, get_prompt_format(h.prompt_format), d.max_length)
    output = Path(output)
    emit = callback or (lambda event: None)
    results = []
    for task, dirname in zip(tasks, names):
        (train_task,), held = holdout_examples([task], config.eval.holdout)
        held_examples = list(held[0].examples) if held else []
        before = _mean_loss(model, prompt, held_examples, d.batch_size, device) if held_examples else None
        torch.manual_seed(config.run.seed)
        lora_config = LoraConfig(
            r=h.rank, lora_alpha=h.alpha, target_modules=[k.value for k in target.modules], lora_dropout=0.0,
            bias="none", use_rslora=rule is ScaleRule.RSLORA, init_lora_weights=True,
        )
        with warnings.catch_warnings():  # peft calls a transformers API that transformers 5 deprecates
            warnings.simplefilter("ignore", FutureWarning)
            peft_model = get_peft_model(model, lora_config)
        lm = peft_model.get_base_model()
        params = [p for p in peft_model.parameters() if p.requires_grad]
        optimizer = torch.optim.AdamW(params, lr=o.lr, betas=tuple(o.betas), eps=o.eps, weight_decay=o.weight_decay)
        emit(Event("start", 0, o.steps, {"task": task.name, "parameters": sum(p.numel() for p in params)}))
        loss_value = float("nan")
        for step in range(o.steps):
            for group in optimizer.param_groups:
                group["lr"] = o.lr * lr_factor(o.schedule, step, o.warmup, o.steps, o.min_lr_ratio)
            rng = random.Random(f"t2l-edge-oracle:{config.run.seed}:{task.name}:{step}")
            chosen = [train_task.examples[rng.randrange(len(train_task.examples))] for _ in range(d.batch_size)]
            losses, _ = token_losses(lm, collate([prompt.encode(ex) for ex in chosen], prompt.pad_id, device))
            loss = losses.mean()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if o.clip > 0:
                torch.nn.utils.clip_grad_norm_(params, o.clip)
            optimizer.step()
            loss_value = float(loss.detach())
            emit(Event("step", step + 1, o.steps, {"task": task.name, "loss": loss_value}))
        after = _mean_loss(lm, prompt, held_examples, d.batch_size, device) if held_examples else None

        weights = {}
        for layer, kind in target.slots():
            module = lm.get_submodule(target.hf_module_path(layer, kind))
            a = module.lora_A["default"].weight.detach().float().cpu().numpy().copy()  # (r, in)
            b = module.lora_B["default"].weight.detach().float().cpu().numpy().copy()  # (out, r)
            weights[(layer, kind)] = (a, b)
        adapter = LoraAdapter(target, h.rank, h.alpha, weights, rule, task=task.descriptions[0])
        path = write_peft(adapter, output / dirname, base_model=str(base.source))
        write_task_sidecar(
            path, task.name, task.descriptions, metric=task.metric.value, steps=o.steps, train_loss=loss_value,
            heldout_loss_base=before, heldout_loss=after, base=str(base.source),
        )
        model = peft_model.unload()  # the plain base again, for the next task
        result = OracleResult(task.name, path, o.steps, before, after, loss_value)
        emit(Event("end", o.steps, o.steps, {"task": task.name, "path": str(path), "heldout_loss_base": before,
                                              "heldout_loss": after, "train_loss": loss_value}))
        results.append(result)
    return results
