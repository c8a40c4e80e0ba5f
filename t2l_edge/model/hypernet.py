"""The hypernetwork: a task embedding in, one LoRA (A, B for every target layer and module) out.

Architecture after Text-to-LoRA (arXiv 2506.06105) and its reference implementation:

    task emb (B, d_emb) ─ Linear + LN ─────────────► (B, latent/2)   ┐
    layer index ─ Embedding + LN ──────────────────► (L, latent/4)   ├ concat ► mixer MLP ► [+ A/B emb, + rank emb]
    module kind ─ Embedding + LN ──────────────────► (K, latent/4)   ┘            ► residual MLP blocks ► MLP ► head[kind]

One head (a Linear) per module kind. Every layer of a module kind goes through its head in one batched call.
  L: one call per (layer, module) emits r·in + out·r values: A and B.
  M: one call per (layer, module, A|B) emits r·max(in, out) values, sliced to A (r, in) or B (out, r).
  S: one call per (layer, module, A|B, rank row) emits max(in, out) values: one row of A or one column of B.

bias-HyperInit: every head weight starts at zero and its bias holds a standard LoRA init (A from PEFT's
kaiming_uniform(a=√5), i.e. U(-1/√in, 1/√in); B = 0), so the step-0 adapter is a normal fresh LoRA with ΔW = 0
whatever the task. The bias is indexed by what the call emits (A or B; for S also the rank row), otherwise M and S
would emit the same values for A and B (and S the same row for every rank) while the head weights are zero.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..adapter import LoraAdapter
from ..errors import InvalidInputError
from ..targets import ModuleKind
from .base import LoraTensors  # per module kind: A (B, L, r, in), B (B, L, out, r); what the hooks consume
from .config import HypernetConfig, Variant


class ResidualBlock(nn.Module):
    """x + MLP(LN(x)), width kept."""

    def __init__(self, width: int, dropout: float):
        super().__init__()
        self.norm = nn.LayerNorm(width)
        self.fc1 = nn.Linear(width, width)
        self.fc2 = nn.Linear(width, width)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: Tensor) -> Tensor:  # (..., width)
        return x + self.drop(self.fc2(self.drop(F.silu(self.fc1(self.norm(x))))))


class CardNet(nn.Module):
    """Card features (the base model's hidden states pooled over a task card, card_features.py) -> a change of the
    task embedding: the hypernetwork reads `embedding + CardNet(features)` for a card with examples. Its last layer
    starts at zero, so a hypernetwork given one generates exactly what it generated before."""

    def __init__(self, n_features: int, embedding_dim: int, width: int = 256):
        super().__init__()
        self.net = nn.Sequential(nn.LayerNorm(n_features), nn.Linear(n_features, width), nn.SiLU(),
                                 nn.Linear(width, embedding_dim))
        nn.init.zeros_(self.net[-1].weight)
        nn.init.zeros_(self.net[-1].bias)

    def forward(self, features: Tensor) -> Tensor:  # (B, F) -> (B, d_emb)
        return self.net(features)


class LoraHead(nn.Module):
    """Linear head with zero weight and a bias that is a standard LoRA init (bias-HyperInit).

    The bias has one row per kind of call (see `bias_shape`), broadcast over the leading batch and layer axes.
    """

    def __init__(self, config: HypernetConfig, kind: ModuleKind):
        super().__init__()
        shape = config.target.modules[kind]
        self.variant, self.rank = config.variant, config.rank
        self.in_features, self.out_features = shape.in_features, shape.out_features
        self.n_out = config.head_outputs(kind)
        self.weight = nn.Parameter(torch.zeros(self.n_out, config.head_width))  # (n_out, head_width)
        self.bias = nn.Parameter(torch.zeros(bias_shape(config.variant, config.rank, self.n_out)))
        self.reset_bias()

    @torch.no_grad()
    def reset_bias(self) -> None:
        """A as PEFT initialises lora_A (kaiming_uniform, a=√5: U(-1/√in, 1/√in)), B zero."""
        r, d_in = self.rank, self.in_features
        a = torch.empty(r, d_in)
        nn.init.kaiming_uniform_(a, a=math.sqrt(5))  # (r, d_in), exactly PEFT's LoraLayer.reset_lora_parameters
        self.bias.zero_()
        if self.variant is Variant.L:
            self.bias[: r * d_in] = a.flatten()  # bias (r·in + out·r,): A then B
        elif self.variant is Variant.M:
            self.bias[0].view(r, -1)[:, :d_in] = a  # bias (2, r·max): row 0 = A call, row 1 = B call
        else:
            self.bias[0, :, :d_in] = a  # bias (2, r, max): [A|B, rank row]

    def forward(self, h: Tensor) -> tuple[Tensor, Tensor]:
        """h: L (B, L, hw); M (B, L, 2, hw); S (B, L, 2, r, hw) -> A (B, L, r, in), B (B, L, out, r)."""
        out = F.linear(h, self.weight) + self.bias
        r, d_in, d_out = self.rank, self.in_features, self.out_features
        if self.variant is Variant.L:  # out (B, L, r·in + out·r)
            a = out[..., : r * d_in].unflatten(-1, (r, d_in))  # (B, L, r, in)
            b = out[..., r * d_in :].unflatten(-1, (d_out, r))  # (B, L, out, r)
        elif self.variant is Variant.M:  # out (B, L, 2, r·max)
            rows = out.unflatten(-1, (r, -1))  # (B, L, 2, r, max)
            a = rows[:, :, 0, :, :d_in]  # (B, L, r, in)
            b = rows[:, :, 1, :, :d_out].transpose(-1, -2)  # (B, L, out, r)
        else:  # out (B, L, 2, r, max)
            a = out[:, :, 0, :, :d_in]  # (B, L, r, in)
            b = out[:, :, 1, :, :d_out].transpose(-1, -2)  # (B, L, out, r)
        return a, b


def bias_shape(variant: Variant, rank: int, n_out: int) -> tuple[int, ...]:
    return {Variant.L: (n_out,), Variant.M: (2, n_out), Variant.S: (2, rank, n_out)}[variant]


class HyperNetwork(nn.Module):
    def __init__(self, config: HypernetConfig):
        super().__init__()
        self.config = config
        c = config
        quarter = c.latent_size // 4
        self.kinds: list[ModuleKind] = list(c.target.modules)
        self.n_layers = c.target.n_layers

        self.task_proj = nn.Sequential(nn.Linear(c.embedding_dim, 2 * quarter), nn.LayerNorm(2 * quarter))
        self.layer_emb = nn.Embedding(self.n_layers, quarter)
        self.layer_norm = nn.LayerNorm(quarter)
        self.module_emb = nn.Embedding(len(self.kinds), quarter)
        self.module_norm = nn.LayerNorm(quarter)
        self.mixer = nn.Sequential(
            nn.Dropout(c.dropout),
            nn.Linear(c.latent_size, c.latent_size),
            nn.SiLU(),
            nn.Dropout(c.dropout),
            nn.Linear(c.latent_size, c.latent_size),
        )
        # Added after the mixer ("mid-network"): which matrix (M, S) and which rank row (S) a call emits.
        self.ab_emb = nn.Embedding(2, c.latent_size) if c.variant in (Variant.M, Variant.S) else None
        self.rank_emb = nn.Embedding(c.rank, c.latent_size) if c.variant is Variant.S else None
        self.blocks = nn.Sequential(*(ResidualBlock(c.latent_size, c.dropout) for _ in range(c.n_blocks)))
        self.to_head = nn.Sequential(
            nn.LayerNorm(c.latent_size), nn.Linear(c.latent_size, c.head_width), nn.SiLU(), nn.Dropout(c.dropout)
        )
        self.heads = nn.ModuleDict({kind.value: LoraHead(c, kind) for kind in self.kinds})
        self.card_net = CardNet(c.card_features, c.embedding_dim) if c.card_features else None
        self._hash_cache: tuple[tuple[int, ...], str] | None = None

    # -- forward ------------------------------------------------------------------------------------------------

    def card_embeddings(self, embeddings: Tensor, features: Tensor, has_card: Tensor) -> Tensor:
        """The embeddings the heads read for task cards: `embeddings` (B, d_emb) moved by the card features
        (B, F) where `has_card` (B,) is true (a card with examples), unchanged elsewhere."""
        if self.card_net is None:
            raise InvalidInputError("this hypernetwork reads no card features (card_features = 0)")
        return embeddings + self.card_net(features) * has_card.to(embeddings.dtype)[:, None]

    def forward(self, embeddings: Tensor) -> LoraTensors:
        """embeddings (B, d_emb) -> {kind: (A (B, L, r, in), B (B, L, out, r))}."""
        if embeddings.dim() != 2 or embeddings.shape[1] != self.config.embedding_dim:
            raise InvalidInputError(
                f"task embeddings must have shape (batch, {self.config.embedding_dim}), got {tuple(embeddings.shape)}"
            )
        bsz, n_kinds, n_layers = embeddings.shape[0], len(self.kinds), self.n_layers
        task = self.task_proj(embeddings)  # (B, latent/2)
        layer = self.layer_norm(self.layer_emb.weight)  # (L, latent/4)
        module = self.module_norm(self.module_emb.weight)  # (K, latent/4)
        x = torch.cat(
            [
                task[:, None, None, :].expand(bsz, n_kinds, n_layers, -1),
                layer[None, None, :, :].expand(bsz, n_kinds, -1, -1),
                module[None, :, None, :].expand(bsz, -1, n_layers, -1),
            ],
            dim=-1,
        )  # (B, K, L, latent)
        x = self.mixer(x)  # (B, K, L, latent)
        if self.config.variant is Variant.M:
            x = x[:, :, :, None, :] + self.ab_emb.weight  # (B, K, L, 2, latent)
        elif self.config.variant is Variant.S:
            x = (
                x[:, :, :, None, None, :] + self.ab_emb.weight[:, None, :] + self.rank_emb.weight[None, :, :]
            )  # (B, K, L, 2, r, latent)
        h = self.to_head(self.blocks(x))  # (B, K, L, [2, [r,]] head_width)
        return {kind: self.heads[kind.value](h[:, k]) for k, kind in enumerate(self.kinds)}

    @torch.no_grad()
    def generate(self, embeddings: Tensor | np.ndarray, tasks: Sequence[str] | None = None) -> list[LoraAdapter]:
        """One `LoraAdapter` (float32 numpy) per embedding row, in eval mode; provenance: task text, generator hash."""
        embeddings = torch.as_tensor(embeddings, dtype=torch.float32)
        if embeddings.dim() == 1:
            embeddings = embeddings[None]  # one task
        if tasks is not None and len(tasks) != embeddings.shape[0]:
            raise InvalidInputError(f"{len(tasks)} task texts for {embeddings.shape[0]} embeddings")
        was_training = self.training
        self.eval()
        try:
            device = next(self.parameters()).device
            out = self(embeddings.to(device))
        finally:
            self.train(was_training)
        arrays = {kind: (a.float().cpu().numpy(), b.float().cpu().numpy()) for kind, (a, b) in out.items()}
        c, generator = self.config, self.generator_hash()
        adapters = []
        for i in range(embeddings.shape[0]):
            weights = {
                (layer, kind): (np.ascontiguousarray(a[i, layer]), np.ascontiguousarray(b[i, layer]))
                for kind, (a, b) in arrays.items()
                for layer in range(self.n_layers)
            }
            adapters.append(
                LoraAdapter(
                    c.target, c.rank, c.alpha, weights, c.scale_rule,
                    task=tasks[i] if tasks is not None else "", generator=generator, prompt_mode=c.prompt_mode,
                )
            )
        return adapters

    # -- training helpers ---------------------------------------------------------------------------------------

    def param_groups(self, lr: float) -> list[dict]:
        """AdamW groups: head biases at lr, head weights at lr/100, everything else at lr/10.

        Plain AdamW diverged (FACTS.md): a head weight sees ~head_width features, so one step moves the generated
        B far more than a LoRA step would; the bias is the LoRA itself and learns at the LoRA's rate.
        """
        head_bias = [h.bias for h in self.heads.values()]
        head_weight = [h.weight for h in self.heads.values()]
        card = list(self.card_net.parameters()) if self.card_net is not None else []
        taken = {id(p) for p in head_bias + head_weight + card}
        rest = [p for p in self.parameters() if id(p) not in taken]
        groups = [
            {"name": "head_bias", "params": head_bias, "lr": lr},
            {"name": "head_weight", "params": head_weight, "lr": lr / 100},
            {"name": "trunk", "params": rest, "lr": lr / 10},
        ]
        if card:  # what reads the card features: trunk-like, at the trunk's rate
            groups.append({"name": "card", "params": card, "lr": lr / 10})
        return groups

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def generator_hash(self) -> str:
        """Short sha256 of the config and every weight: names what produced an adapter. Cached until a weight changes."""
        versions = tuple(t._version for t in self.state_dict().values())
        if self._hash_cache is not None and self._hash_cache[0] == versions:
            return self._hash_cache[1]
        h = hashlib.sha256(json.dumps(self.config.to_dict(), sort_keys=True).encode())
        for name, t in sorted(self.state_dict().items()):
            t = t.detach().cpu().contiguous()
            h.update(f"{name}:{t.dtype}:{tuple(t.shape)}".encode())
            h.update(t.numpy().tobytes())
        digest = h.hexdigest()[:16]
        self._hash_cache = (versions, digest)
        return digest
