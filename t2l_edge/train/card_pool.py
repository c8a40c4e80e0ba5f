"""Training cards with examples and their in-context teacher, computed once (issue 20).

A card-reading hypernetwork learns from task cards with k ∈ {1, 2, 3} examples. Each card's features (the base
model's hidden states over it, card_features.py) and the teacher's answers cost a forward pass of the base, so they
are computed once for a fixed pool of cards and stored; a training step then costs what a description-only step
costs. Per training task the pool holds `cards` cards (k examples drawn from the task, a description on most), and
per card `queries` of the task's other examples (never one shown on the card) with the teacher's top-k log-probs at
each answer token: the teacher is the base with the card's description and examples in its prompt (in-context
learning), the student the base with the generated adapter and without the examples (distillation as in MEND and
Doc-to-LoRA: the student learns what the teacher does with the examples).

The pool file is safetensors (tensors) with its cards as JSON metadata; a file built for other tasks, seeds, base or
sizes is refused, naming the difference.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import torch

from ..errors import CorruptFileError, InvalidInputError
from ..io import atomic_path
from ..prompts import PromptFormat
from ..task_card import pick_shots, render_card
from ..tasks.format import Task
from .data import IGNORE_INDEX, PromptTokenizer, collate
from .sft import token_logits

POOL_FORMAT = "t2l-card-pool-v1"
MAX_ANSWER_TOKENS = 24  # teacher positions stored per query (answers are one short line)


@dataclass(frozen=True)
class PoolCard:
    task: int  # index into the training tasks
    shots: tuple[int, ...]  # the task's examples shown on the card
    description: str | None  # None: a card of examples alone
    queries: tuple[int, ...]  # examples the teacher answered (none of them on the card)

    def text(self, task: Task) -> str:
        return render_card(self.description, [task.examples[i] for i in self.shots])


@dataclass(frozen=True)
class PoolSpec:
    """What a pool is built from: a pool file holds it and is refused when any of it differs."""

    tasks: tuple[str, ...]
    cards: int  # per task
    queries: int  # per card
    k: tuple[int, ...]  # examples per card, drawn uniformly
    no_description: float  # chance a card has no description
    top_k: int
    seed: int
    features: str  # card_features.CARD_FEATURES
    base: str  # the base model file the teacher and the features came from


@dataclass
class CardPool:
    spec: PoolSpec
    cards: list[PoolCard]
    features: np.ndarray  # (P, F) float32
    teacher_ids: np.ndarray  # (P, Q, A, K) int32: the teacher's top-k tokens at each answer position
    teacher_logprobs: np.ndarray  # (P, Q, A, K) float32
    answer_tokens: np.ndarray  # (P, Q) int32: answer positions stored per query (≤ MAX_ANSWER_TOKENS)

    def by_task(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for i, card in enumerate(self.cards):
            out.setdefault(card.task, []).append(i)
        return out

    # -- file ---------------------------------------------------------------------------------------------------

    def save(self, path: str | os.PathLike) -> Path:
        from safetensors.numpy import save

        meta = {"format": POOL_FORMAT, "spec": json.dumps(asdict(self.spec)),
                "cards": json.dumps([asdict(c) for c in self.cards])}
        data = save({"features": self.features, "teacher_ids": self.teacher_ids,
                     "teacher_logprobs": self.teacher_logprobs, "answer_tokens": self.answer_tokens}, metadata=meta)
        with atomic_path(path) as tmp:
            tmp.write_bytes(data)
        return Path(path)

    @classmethod
    def load(cls, path: str | os.PathLike, expect: PoolSpec) -> "CardPool":
        from safetensors import SafetensorError, safe_open

        try:
            with safe_open(str(path), framework="numpy") as f:
                meta = f.metadata() or {}
                tensors = {name: f.get_tensor(name) for name in f.keys()}
        except (SafetensorError, OSError) as e:
            raise CorruptFileError(f"{path}: unreadable card pool ({e}); delete it to rebuild") from None
        if meta.get("format") != POOL_FORMAT:
            raise CorruptFileError(f"{path}: not a card pool ({POOL_FORMAT})")
        try:
            spec = json.loads(meta["spec"])
            spec = PoolSpec(**{k: tuple(v) if isinstance(v, list) else v for k, v in spec.items()})
            cards = [PoolCard(c["task"], tuple(c["shots"]), c["description"], tuple(c["queries"]))
                     for c in json.loads(meta["cards"])]
        except (KeyError, TypeError, ValueError) as e:
            raise CorruptFileError(f"{path}: malformed card pool metadata ({e})") from None
        if spec != expect:
            differ = [k for k in asdict(spec) if getattr(spec, k) != getattr(expect, k)]
            raise InvalidInputError(f"{path}: a card pool built with other {', '.join(differ)}; delete it to rebuild")
        return cls(spec, cards, tensors["features"], tensors["teacher_ids"], tensors["teacher_logprobs"],
                   tensors["answer_tokens"])


def draw_cards(tasks: Sequence[Task], spec: PoolSpec) -> list[PoolCard]:
    """The pool's cards: per task `spec.cards` cards, k from `spec.k`, the queries among the examples not shown."""
    rng = random.Random(f"t2l-edge-card-pool:{spec.seed}")
    cards = []
    for t, task in enumerate(tasks):
        n = len(task.examples)
        for _ in range(spec.cards):
            k = min(rng.choice(spec.k), n - 1)
            query_pool = list(range(n))
            shots = pick_shots([e.input for e in task.examples], rng.randrange(n), k, rng)
            free = [i for i in query_pool if i not in shots and task.examples[i].input not in
                    {task.examples[s].input for s in shots}]
            queries = tuple(rng.sample(free, min(spec.queries, len(free))))
            description = None if rng.random() < spec.no_description else rng.choice(task.descriptions)
            if not shots:  # a task with one example has no card to learn from
                continue
            cards.append(PoolCard(t, tuple(shots), description, queries))
    return cards


@torch.no_grad()
def teacher_topk(model, prompt: PromptTokenizer, fmt: PromptFormat, tasks: Sequence[Task], cards: Sequence[PoolCard],
                 n_queries: int, top_k: int, batch_size: int = 8, progress: Callable[[int, int], None] | None = None):
    """The in-context teacher's top-k log-probs at every answer token of every (card, query): the base alone, its
    prompt the card's description, its examples, then the query (what `evaluate`'s icl condition shows)."""
    ids = np.zeros((len(cards), n_queries, MAX_ANSWER_TOKENS, top_k), np.int32)
    logprobs = np.full((len(cards), n_queries, MAX_ANSWER_TOKENS, top_k), -np.inf, np.float32)
    lengths = np.zeros((len(cards), n_queries), np.int32)
    jobs = [(c, q) for c, card in enumerate(cards) for q in range(len(card.queries))]
    for start in range(0, len(jobs), batch_size):
        chunk = jobs[start : start + batch_size]
        encoded = []
        for c, q in chunk:
            card, task = cards[c], tasks[cards[c].task]
            shots = [(task.examples[i].input, task.examples[i].output) for i in card.shots]
            query = task.examples[card.queries[q]]
            encoded.append(prompt.encode_text(fmt.prompt(query.input, card.description, shots), query.output))
        batch = collate(encoded, prompt.pad_id)
        logits, rows = token_logits(model, batch)  # (N, V), (N,)
        top = torch.log_softmax(logits.float(), dim=-1).topk(top_k, dim=-1)
        row_ids, row_lp = top.indices.numpy(), top.values.numpy()
        for j, (c, q) in enumerate(chunk):
            mine = np.flatnonzero(rows.numpy() == j)[:MAX_ANSWER_TOKENS]
            lengths[c, q] = len(mine)
            ids[c, q, : len(mine)] = row_ids[mine]
            logprobs[c, q, : len(mine)] = row_lp[mine]
        if progress is not None:
            progress(min(start + batch_size, len(jobs)), len(jobs))
    return ids, logprobs, lengths


def build_card_pool(spec: PoolSpec, tasks: Sequence[Task], model, prompt: PromptTokenizer, fmt: PromptFormat,
                    reader: Callable[[list[str]], np.ndarray],
                    progress: Callable[[str, int, int], None] | None = None) -> CardPool:
    """Draw the cards, read their features (`reader`: texts -> (N, F), the base through llama.cpp) and run the
    teacher."""
    if [t.name for t in tasks] != list(spec.tasks):
        raise InvalidInputError("the card pool's spec names other tasks than the ones given")
    cards = draw_cards(tasks, spec)
    if not cards:
        raise InvalidInputError("no training task has two examples: no task card to learn from")
    say = progress or (lambda what, done, total: None)
    features = []
    for start in range(0, len(cards), 32):
        chunk = cards[start : start + 32]
        features.append(reader([c.text(tasks[c.task]) for c in chunk]))
        say("card features", min(start + 32, len(cards)), len(cards))
    ids, logprobs, lengths = teacher_topk(model, prompt, fmt, tasks, cards, spec.queries, spec.top_k,
                                          progress=lambda done, total: say("teacher", done, total))
    return CardPool(spec, cards, np.concatenate(features).astype(np.float32), ids, logprobs, lengths)


__all__ = ["CardPool", "PoolCard", "PoolSpec", "build_card_pool", "draw_cards", "teacher_topk",
           "IGNORE_INDEX"]
