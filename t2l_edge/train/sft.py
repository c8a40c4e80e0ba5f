"""SFT through the frozen base: per-sample generated LoRAs applied by hooks, cross-entropy on the answer tokens only.

The vocabulary projection is computed only where a loss is taken: the base's decoder gives hidden states (B, T, d),
the answer positions are gathered (N, d) and only they go through the LM head (N, V). On Gemma 3 (262k vocabulary)
the head over every position is most of a step; here it is a few rows. `full_logits=True` computes the ordinary
way (the whole (B, T, V) logits) for comparison.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..errors import InvalidInputError
from ..model.base import LoraHooks, LoraTensors
from ..tasks.format import Task
from .config import CardMix
from .data import IGNORE_INDEX, Encoded, PromptTokenizer, Sample, TaskSampler, collate, fixed_samples


def decoder_and_head(model: nn.Module) -> tuple[nn.Module, nn.Module, float | None]:
    """A transformers causal LM's decoder (returns final-normed hidden states), its LM head and logit soft-cap."""
    decoder = getattr(model, getattr(model, "base_model_prefix", "model"), None)
    head = model.get_output_embeddings()
    if decoder is None or head is None:
        raise InvalidInputError(f"{type(model).__name__} is not a causal LM with a decoder and an LM head")
    return decoder, head, getattr(model.config, "final_logit_softcapping", None)


def token_losses(model: nn.Module, batch: dict[str, Tensor], full_logits: bool = False) -> tuple[Tensor, Tensor]:
    """Cross-entropy of every answer token, (N,), and the batch row each belongs to, (N,).

    Position t predicts token t+1; a token counts when its label is not IGNORE_INDEX.
    """
    losses, rows, _ = token_losses_and_logits(model, batch, full_logits)
    return losses, rows


def token_logits(model: nn.Module, batch: dict[str, Tensor]) -> tuple[Tensor, Tensor]:
    """The logits predicting every answer token, (N, V), and the batch row each belongs to, (N,)."""
    _, rows, logits = token_losses_and_logits(model, batch)
    return logits, rows


def token_losses_and_logits(model: nn.Module, batch: dict[str, Tensor],
                            full_logits: bool = False) -> tuple[Tensor, Tensor, Tensor]:
    """`token_losses` and the logits they came from, (N, V)."""
    ids, mask, labels = batch["input_ids"], batch["attention_mask"], batch["labels"]
    target = labels[:, 1:]  # (B, T-1)
    keep = target != IGNORE_INDEX  # (B, T-1)
    if full_logits:
        logits = model(input_ids=ids, attention_mask=mask, use_cache=False).logits  # (B, T, V)
        logits = logits[:, :-1][keep]  # (N, V)
    else:
        decoder, head, softcap = decoder_and_head(model)
        hidden = decoder(input_ids=ids, attention_mask=mask, use_cache=False).last_hidden_state  # (B, T, d)
        logits = head(hidden[:, :-1][keep])  # (N, V): the head only at answer positions
        if softcap:
            logits = torch.tanh(logits / softcap) * softcap
    losses = F.cross_entropy(logits.float(), target[keep], reduction="none")  # (N,)
    rows = keep.nonzero()[:, 0]  # (N,)
    return losses, rows, logits


def distillation_loss(logits: torch.Tensor, ids: torch.Tensor, logprobs: torch.Tensor) -> torch.Tensor:
    """Per answer position (N,): cross-entropy of the student's distribution against the teacher's top-k,
    renormalized over those k tokens (the mass outside them is not stored). logits (N, V); ids, logprobs (N, K)."""
    student = torch.log_softmax(logits.float(), dim=-1).gather(1, ids.long())  # (N, K)
    teacher = torch.softmax(logprobs.float(), dim=-1)  # (N, K), renormalized top-k
    return -(teacher * student).sum(dim=-1)


def generated_l2(lora: LoraTensors) -> Tensor:
    """Per sample, the mean square of the generated A and of B, summed over modules: (B,)."""
    return sum(a.pow(2).mean(dim=(1, 2, 3)) + b.pow(2).mean(dim=(1, 2, 3)) for a, b in lora.values())


@dataclass
class SFTStats:
    tokens: int  # non-padding tokens of the global batch
    answer_tokens: int  # tokens with a loss in the global batch


class SFTObjective:
    """What the trainer needs for SFT: the batch of a step, its loss on one rank's shard, held-out evaluation."""

    def __init__(self, model: nn.Module, hooks: LoraHooks, prompt: PromptTokenizer, train: list[Task],
                 held: list[Task], embed, batch_size: int, tasks_per_step: int, seed: int, l2: float,
                 eval_n: int, device: torch.device, full_logits: bool = False, cards: CardMix | None = None,
                 instructed: float = 0.0, pool=None, card_share: float = 0.0, distill: float = 0.0):
        self.model, self.hooks, self.prompt = model, hooks, prompt
        self.train_tasks, self.held_tasks = train, held
        self.embed = embed  # (texts, store=True) -> (N, d) float32 tensor (an EmbeddingCache's get, or the encoder)
        self.batch_size, self.l2, self.device, self.full_logits = batch_size, l2, device, full_logits
        self.seed, self.pool, self.card_share, self.distill = seed, pool, card_share, distill
        self.pool_cards = pool.by_task() if pool is not None else {}
        self.sampler = TaskSampler(
            [len(t.examples) for t in train], [t.descriptions for t in train], batch_size, tasks_per_step, seed,
            cards, [[e.input for e in t.examples] for t in train], instructed,
        )
        # held-out loss in each prompt mode the run trains (suffix "" bare, "_instructed")
        modes = [m for m, share in ((False, 1 - instructed), (True, instructed)) if share > 0]
        self.eval_samples = {
            instr: fixed_samples([len(t.examples) for t in held], [t.descriptions for t in held], eval_n, instr)
            for instr in modes
        } if held else {}
        self._base_eval: dict[bool, float] = {}

    def texts(self) -> list[str]:
        return list(dict.fromkeys(d for t in self.train_tasks + self.held_tasks for d in t.descriptions))

    def embed_cards(self, samples: Sequence[Sample], tasks: list[Task]) -> Tensor:
        """(b, d_emb) embeddings of the samples' task cards; cards with examples are seen once, so not cached."""
        texts = [s.card(tasks[s.task]) for s in samples]
        if any(s.shots and s.pool is None for s in samples):
            return self.embed(texts, store=False)
        return self.embed(texts)

    def global_batch(self, step: int) -> list[Sample]:
        samples = self.sampler.batch(step)
        if self.pool is not None and self.card_share:  # its own stream: the other draws stay those of a run without
            rng = random.Random(f"t2l-edge-cardpool:{self.seed}:{step}")
            samples = [self._pool_sample(s, rng) for s in samples]
        return samples

    def _pool_sample(self, sample: Sample, rng: random.Random) -> Sample:
        """With chance `card_share`, the sample becomes one of its task's pool cards and one of that card's queries
        (its prompt instructed when the sample's was and the card has a description)."""
        take, pick, query = rng.random(), rng.random(), rng.random()
        cards = self.pool_cards.get(sample.task)
        if take >= self.card_share or not cards:
            return sample
        c = cards[int(pick * len(cards))]
        card = self.pool.cards[c]
        q = int(query * len(card.queries))
        return dataclasses.replace(sample, example=card.queries[q], description=card.description, shots=card.shots,
                                   instructed=sample.instructed and card.description is not None, pool=(c, q))

    def task_embeddings(self, hypernet: nn.Module, samples: Sequence[Sample], tasks: list[Task]) -> Tensor:
        """(b, d_emb): the cards' text embeddings, moved by their card features where the sample has a pool card and
        the hypernetwork reads them."""
        emb = self.embed_cards(samples, tasks).to(self.device)
        net = getattr(hypernet, "module", hypernet)  # DDP wraps it
        if getattr(net, "card_net", None) is None or self.pool is None:
            return emb
        has = torch.tensor([s.pool is not None for s in samples], device=self.device)
        rows = [s.pool[0] if s.pool is not None else 0 for s in samples]
        features = torch.from_numpy(self.pool.features[rows]).to(self.device)  # (b, F)
        return net.card_embeddings(emb, features, has)

    def encode(self, samples: Sequence[Sample], tasks: list[Task]) -> list[Encoded]:
        return [self.prompt.encode(tasks[s.task].examples[s.example], s.prompt_description) for s in samples]

    def loss(self, hypernet: nn.Module, shard: Sequence[Sample], global_samples: Sequence[Sample], world: int):
        """This rank's loss. Scaled so that the gradients DDP averages over ranks are those of the global batch's
        token-mean cross-entropy (+ l2 · mean generated-weight square), whatever each shard's token count."""
        every = self.encode(global_samples, self.train_tasks)
        total = sum(e.n_answer for e in every)
        mine = self.encode(shard, self.train_tasks)
        batch = collate(mine, self.prompt.pad_id, self.device)
        emb = self.task_embeddings(hypernet, shard, self.train_tasks)  # (b, d_emb)
        lora = hypernet(emb)
        self.hooks.set(lora)
        try:
            losses, rows, logits = token_losses_and_logits(self.model, batch, self.full_logits)
        finally:
            self.hooks.clear()
        summed = losses.sum()
        if self.distill and any(s.pool is not None for s in shard):
            summed = summed + self.distill * self._distillation(shard, rows, logits).sum()
        loss = summed * (world / total)
        if self.l2:
            loss = loss + self.l2 * generated_l2(lora).mean()
        return loss, SFTStats(tokens=sum(len(e.input_ids) for e in every), answer_tokens=total)

    def _distillation(self, samples: Sequence[Sample], rows: Tensor, logits: Tensor) -> Tensor:
        """Per answer token of the pool samples: the cross-entropy against their stored in-context teacher."""
        keep, ids, lps = [], [], []
        for j, s in enumerate(samples):
            if s.pool is None:
                continue
            c, q = s.pool
            mine = (rows == j).nonzero()[:, 0]  # (n_j,) this sample's answer positions, in order
            n = min(len(mine), int(self.pool.answer_tokens[c, q]))
            keep.append(mine[:n])
            ids.append(torch.from_numpy(self.pool.teacher_ids[c, q, :n]))
            lps.append(torch.from_numpy(self.pool.teacher_logprobs[c, q, :n]))
        index = torch.cat(keep)
        return distillation_loss(logits[index], torch.cat(ids).to(self.device), torch.cat(lps).to(self.device))

    @torch.no_grad()
    def sample_losses(self, hypernet: nn.Module | None, samples: Sequence[Sample], tasks: list[Task]) -> tuple[Tensor, Tensor]:
        """Per sample: summed answer-token CE and token count, with the adapter generated from its description
        (hypernet None: the base alone)."""
        ce, n = torch.zeros(len(samples), dtype=torch.float64), torch.zeros(len(samples), dtype=torch.long)
        for start in range(0, len(samples), self.batch_size):
            chunk = samples[start : start + self.batch_size]
            batch = collate(self.encode(chunk, tasks), self.prompt.pad_id, self.device)
            if hypernet is not None:
                self.hooks.set(hypernet(self.embed([s.description for s in chunk]).to(self.device)))
            try:
                losses, rows = token_losses(self.model, batch)
            finally:
                self.hooks.clear()
            ce[start : start + len(chunk)] = torch.zeros(len(chunk), dtype=torch.float64).index_add_(
                0, rows.cpu(), losses.double().cpu()
            )
            n[start : start + len(chunk)] = torch.bincount(rows.cpu(), minlength=len(chunk))
        return ce, n

    @torch.no_grad()
    def evaluate(self, hypernet: nn.Module) -> dict[str, float]:
        """Token-mean CE on the held-out samples with generated adapters, and once, the base alone (told the task
        in the instructed mode), per prompt mode: `eval_loss` (bare), `eval_loss_instructed`."""
        out = {}
        for instructed, samples in self.eval_samples.items():
            suffix = "_instructed" if instructed else ""
            ce, n = self.sample_losses(hypernet, samples, self.held_tasks)  # the trainer set eval mode
            if instructed not in self._base_eval:
                base_ce, base_n = self.sample_losses(None, samples, self.held_tasks)
                self._base_eval[instructed] = float(base_ce.sum() / base_n.sum())
            out.update({f"eval_loss{suffix}": float(ce.sum() / n.sum()), f"eval_loss_base{suffix}": self._base_eval[instructed]})
        return out
