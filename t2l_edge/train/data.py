"""Training data: tasks for SFT, prompt + answer tokenized with the base's tokenizer in THE prompt format, labels on
the answer tokens only, padded batches, and a seeded sampler whose batch at step s depends only on (seed, s), so a
resumed run sees exactly the batches an uninterrupted one would.

The adapter is generated from the sample's task card (`t2l_edge.task_card`): its description and k of the task's
other examples, k drawn from `[data] card_examples` (a description alone when k = 0). The prompt is rendered in one
of the two prompt modes (`prompts.PromptMode`), drawn per sample with `[data] instructed` the chance of the first:
instructed, the card's description before the input (the adapter adds to it, as in the T2L paper); bare, no
description (the adapter alone tells the base which task it is doing).
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from typing import Any, Sequence

import torch
from torch import Tensor

from ..errors import InvalidInputError
from ..prompts import PromptFormat
from ..task_card import pick_shots, render_card
from ..tasks.format import Example, Task, load_tasks
from ..tasks.splits import EVAL_SPLIT_OF, build_split, parse_split
from .config import CardMix, TrainConfig

IGNORE_INDEX = -100  # label of a token the loss skips (prompt, padding)


@dataclass(frozen=True)
class Encoded:
    input_ids: tuple[int, ...]  # prompt then answer
    n_prompt: int  # the first n_prompt tokens are the prompt (no loss)

    @property
    def n_answer(self) -> int:
        return len(self.input_ids) - self.n_prompt

    @property
    def labels(self) -> list[int]:
        return [IGNORE_INDEX] * self.n_prompt + list(self.input_ids[self.n_prompt :])


class PromptTokenizer:
    """Example -> token ids of `prompt(input)` (with the tokenizer's special tokens, e.g. BOS) followed by
    `target(output)` tokenized on its own, as a runtime sees them: the prompt tokenized, then the answer generated.

    Too long: the prompt loses its oldest tokens (the first, BOS, is kept), then the answer its last ones.
    """

    def __init__(self, tokenizer: Any, prompt_format: PromptFormat, max_length: int):
        if max_length < 4:
            raise InvalidInputError(f"max_length must be at least 4, got {max_length}")
        self.tokenizer, self.format, self.max_length = tokenizer, prompt_format, max_length
        pad = tokenizer.pad_token_id
        self.pad_id = int(pad if pad is not None else tokenizer.eos_token_id if tokenizer.eos_token_id is not None else 0)
        self._cache: dict[tuple[str, str, str | None], Encoded] = {}

    def encode(self, example: Example, description: str | None = None) -> Encoded:
        """`description`: in the prompt too (a multitask LoRA learns from it; a hypernetwork's prompt has none)."""
        key = (example.input, example.output, description)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self._encode(example, description)
        return hit

    def _encode(self, example: Example, description: str | None) -> Encoded:
        return self.encode_text(self.format.prompt(example.input, description), example.output)

    def encode_text(self, prompt_text: str, output: str) -> Encoded:
        """A prompt already rendered (e.g. a few-shot prompt) and the answer, as `encode` tokenizes them."""
        prompt = list(self.tokenizer(prompt_text).input_ids)
        answer = list(self.tokenizer(self.format.target(output), add_special_tokens=False).input_ids)
        if not answer:
            raise InvalidInputError(f"the answer {output!r} tokenizes to nothing")
        limit = self.max_length
        if len(answer) > limit - 2:
            answer = answer[: limit - 2]
        if len(prompt) + len(answer) > limit:
            keep = limit - len(answer) - 1  # tokens of the prompt's end kept after its first token
            prompt = prompt[:1] + (prompt[len(prompt) - keep :] if keep > 0 else [])
        return Encoded(tuple(prompt + answer), len(prompt))


def collate(encoded: Sequence[Encoded], pad_id: int, device: torch.device | str = "cpu") -> dict[str, Tensor]:
    """Right-padded input_ids, attention_mask and labels (IGNORE_INDEX on prompt and padding), each (B, T)."""
    width = max(len(e.input_ids) for e in encoded)
    ids = torch.full((len(encoded), width), pad_id, dtype=torch.long)  # (B, T)
    mask = torch.zeros((len(encoded), width), dtype=torch.long)  # (B, T)
    labels = torch.full((len(encoded), width), IGNORE_INDEX, dtype=torch.long)  # (B, T)
    for i, e in enumerate(encoded):
        n = len(e.input_ids)
        ids[i, :n] = torch.tensor(e.input_ids)
        mask[i, :n] = 1
        labels[i, :n] = torch.tensor(e.labels)
    return {"input_ids": ids.to(device), "attention_mask": mask.to(device), "labels": labels.to(device)}


@dataclass(frozen=True)
class Sample:
    """One element of a batch: which task (index), which of its examples, and the task card the adapter is generated
    from: a description (sampled per sample among the task's descriptions; None: a card of examples alone) and the
    indices of the task's examples shown on the card (never the sample's own)."""

    task: int
    example: int
    description: str | None
    shots: tuple[int, ...] = ()
    instructed: bool = False  # the prompt carries the description (PromptMode.INSTRUCTED), else bare
    pool: tuple[int, int] | None = None  # (card, query) of a card pool (train/card_pool.py): its features, teacher

    @property
    def prompt_description(self) -> str | None:
        """What the prompt carries before the input: the card's description in the instructed mode."""
        return self.description if self.instructed else None

    def card(self, task: Task) -> str:
        """The text the encoder reads (`task_card.render_card`, as every generator renders it; without shots, the
        description as it is)."""
        if not self.shots:
            return self.description
        return render_card(self.description, [task.examples[i] for i in self.shots])


class TaskSampler:
    """The global batch of step s: `tasks_per_step` distinct tasks (round-robin over the batch), a random example
    and a random description per sample. A pure function of (seed, step): nothing to save for an exact resume."""

    def __init__(self, n_examples: Sequence[int], descriptions: Sequence[Sequence[str]], batch_size: int,
                 tasks_per_step: int, seed: int, cards: CardMix | None = None,
                 inputs: Sequence[Sequence[str]] | None = None, instructed: float = 0.0):
        if not n_examples:
            raise InvalidInputError("no training tasks")
        if len(n_examples) != len(descriptions):
            raise InvalidInputError(f"{len(n_examples)} tasks but {len(descriptions)} description lists")
        self.n_examples, self.descriptions = list(n_examples), [tuple(d) for d in descriptions]
        self.batch_size, self.tasks_per_step, self.seed = batch_size, tasks_per_step, seed
        self.cards = cards or CardMix()
        if self.cards.with_examples and (inputs is None or len(inputs) != len(n_examples)):
            raise InvalidInputError("task cards with examples need every task's example inputs")
        self.inputs = [list(i) for i in inputs] if inputs is not None else None
        self.instructed = instructed

    def batch(self, step: int) -> list[Sample]:
        rng = random.Random(f"t2l-edge-train:{self.seed}:{step}")
        chosen = rng.sample(range(len(self.n_examples)), min(self.tasks_per_step, len(self.n_examples)))
        out = []
        for i in range(self.batch_size):
            t = chosen[i % len(chosen)]
            out.append(Sample(t, rng.randrange(self.n_examples[t]), rng.choice(self.descriptions[t])))
        if self.cards.with_examples:  # drawn from their own stream: a description-only mix keeps the batches above
            cards = random.Random(f"t2l-edge-card:{self.seed}:{step}")
            out = [self._card(s, cards) for s in out]
        if self.instructed:  # its own stream too: a bare run's batches are those of the runs before modes
            modes = random.Random(f"t2l-edge-mode:{self.seed}:{step}")
            out = [dataclasses.replace(s, instructed=modes.random() < self.instructed) for s in out]
        return out

    def _card(self, sample: Sample, rng: random.Random) -> Sample:
        k = rng.choice(self.cards.k)
        shots = pick_shots(self.inputs[sample.task], sample.example, k, rng)
        drop = bool(shots) and rng.random() < self.cards.no_description
        return dataclasses.replace(sample, description=None if drop else sample.description, shots=shots)


def fixed_samples(n_examples: Sequence[int], descriptions: Sequence[Sequence[str]], n: int,
                  instructed: bool = False) -> list[Sample]:
    """A deterministic evaluation set: tasks round-robin, walking through each task's examples and descriptions."""
    out = []
    for j in range(n):
        t, k = j % len(n_examples), j // len(n_examples)
        out.append(Sample(t, k % n_examples[t], descriptions[t][k % len(descriptions[t])], instructed=instructed))
    return out


def shard(samples: Sequence[Sample], rank: int, world: int) -> list[Sample]:
    """This rank's contiguous share of the global batch (the batch size must divide by the world size)."""
    if len(samples) % world:
        raise InvalidInputError(f"the global batch of {len(samples)} does not divide among {world} processes")
    per = len(samples) // world
    return list(samples[rank * per : (rank + 1) * per])


# -- which tasks ----------------------------------------------------------------------------------------------------


def sft_tasks(config: TrainConfig) -> tuple[list[Task], list[Task]]:
    """(training tasks, held-out tasks) for SFT, from the built-in suite or task files."""
    data, ev = config.data, config.eval
    if data.split is not None:
        train = _suite(data.split, data.n_instances, data.seed, data.families)
        if data.sni_descriptions is not None:
            train = with_t2l_descriptions(train, data.sni_descriptions)
        missing = sorted(set(data.families or ()) - {t.name for t in train})
        if missing:
            raise InvalidInputError(
                f"{config.source}: [data] field 'families': {missing} are not in the split {data.split!r}"
            )
        eval_split = ev.split or EVAL_SPLIT_OF.get(parse_split(data.split))
    elif data.tasks is not None:
        train = _files(data.tasks)
        eval_split = ev.split
    else:
        raise InvalidInputError(f"{config.source}: [data] field 'split' or 'tasks': one is required for sft (missing)")
    if ev.tasks is not None:
        held = _files(ev.tasks)
    elif eval_split is not None:
        held = _suite(eval_split, data.n_instances, data.seed, data.families)
    else:
        train, held = holdout_examples(train, ev.holdout)
    return train, held


def with_t2l_descriptions(tasks: list[Task], checkout: str) -> list[Task]:
    """The suite's SNI rows (`Family.sni`) with the T2L reference's descriptions of their task added to their own."""
    from ..tasks.sni import read_t2l_descriptions
    from ..tasks.suite import FAMILIES

    paper = read_t2l_descriptions(checkout)
    out = []
    for task in tasks:
        family = FAMILIES.get(task.name)
        extra = paper.get(family.sni, ()) if family is not None and family.sni else ()
        out.append(dataclasses.replace(task, descriptions=tuple(dict.fromkeys(task.descriptions + extra))))
    return out


def _suite(split: str, n_instances: int, seed: int, families: list[str] | None) -> list[Task]:
    """A suite split, restricted to `families` where the split has them (heldout-families has none of the trained
    ones, so it stays whole)."""
    tasks = build_split(split, n_instances=n_instances, seed=seed)
    if families is not None and any(t.name in families for t in tasks):
        tasks = [t for t in tasks if t.name in families]
    return tasks


def _files(paths: list[str]) -> list[Task]:
    tasks, seen = [], set()
    for path in paths:
        for task in load_tasks(path):
            if task.name in seen:
                raise InvalidInputError(f"{path}: task name {task.name!r} is already used by another task file")
            seen.add(task.name)
            tasks.append(task)
    return tasks


def holdout_examples(tasks: list[Task], fraction: float) -> tuple[list[Task], list[Task]]:
    """Hold out the last `fraction` of each task's examples (tasks with one example stay whole, unevaluated)."""
    train, held = [], []
    for task in tasks:
        n = len(task.examples)
        k = min(n - 1, max(1, round(fraction * n))) if fraction > 0 and n > 1 else 0
        train.append(dataclasses.replace(task, examples=task.examples[: n - k]))
        if k:
            held.append(dataclasses.replace(task, examples=task.examples[n - k :]))
    return train, held
