"""Merging LoRA adapters of one base into one adapter, with the combinations PEFT's `add_weighted_adapter` offers.

Every input's own scale is folded in first (c_i = w_i · scale_i), and the merged adapter gets alpha = rank with the
standard rule, so its scale is 1 and ΔW = B·A: what PEFT does, so PEFT, llama.cpp and we all read the same ΔW.

| strategy          | merged A / B (per module)                                  | merged ΔW                          | rank      |
|-------------------|------------------------------------------------------------|------------------------------------|-----------|
| `cat`             | A = [c_1 A_1; c_2 A_2; …], B = [B_1, B_2, …]               | Σ c_i B_i A_i, exactly             | Σ r_i     |
| `linear`          | A = Σ ±√|c_i| A_i, B = Σ √|c_i| B_i (sign on A, as PEFT)   | Σ_i Σ_j √(c_i c_j) B_i A_j         | r (equal) |
| `svd`             | the best rank-R factors of Σ c_i B_i A_i (truncated SVD, from the factors) | Σ c_i B_i A_i minus the truncation | R |
| `ties`            | A and B each: top-density magnitudes kept, sign elected, disjoint mean | product of the two     | r (equal) |
| `dare_ties`       | as ties, but a seeded random drop (kept / density) instead of top magnitudes | product          | r (equal) |
| `magnitude_prune` | A and B each: top-density magnitudes kept, weighted sum     | product of the two                 | r (equal) |

`linear` is not the ΔW sum: multiplying the summed B by the summed A adds the cross terms √(c_i c_j) B_i A_j
(i ≠ j, for positive c), which act like an adapter that was never trained; it is kept because PEFT users know it. `cat` is the exact
sum at the cost of a larger rank; `svd` is the sum brought back to a chosen rank, with the truncation error reported
per module (‖ΔW − ΔW_R‖_F / ‖ΔW‖_F); it never forms ΔW (out × in): the sum is B_cat · A_cat with the factors stacked
(rank Σ r_i), so an orthonormal basis of each stack and an SVD of the small (Σ r_i)² core give the same singular values
and vectors in milliseconds, where a dense SVD per module took a second. ties / dare_ties / magnitude_prune work on A and B separately with the weights
±√|c_i| (A) and √|c_i| (B), as PEFT does (TIES-Merging, arXiv 2306.01708; DARE, arXiv 2311.03099).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Callable, Sequence

import numpy as np

from t2l_edge.adapter import LoraAdapter, ScaleRule, Slot
from t2l_edge.errors import AdapterMismatchError, InvalidInputError
from t2l_edge.limits import check_seed
from t2l_edge.targets import TargetSpec


class MergeStrategy(str, Enum):
    CAT = "cat"
    LINEAR = "linear"
    SVD = "svd"
    TIES = "ties"
    DARE_TIES = "dare_ties"
    MAGNITUDE_PRUNE = "magnitude_prune"


# Strategies that combine A with A and B with B need one rank; those that prune need a density.
SAME_RANK = {MergeStrategy.LINEAR, MergeStrategy.TIES, MergeStrategy.DARE_TIES, MergeStrategy.MAGNITUDE_PRUNE}
USES_DENSITY = {MergeStrategy.TIES, MergeStrategy.DARE_TIES, MergeStrategy.MAGNITUDE_PRUNE}
DEFAULT_DENSITY = 0.5


@dataclass
class MergeReport:
    strategy: MergeStrategy
    rank: int
    weights: list[float]
    truncation_error: dict[Slot, float] = field(default_factory=dict)  # svd: ‖ΔW − ΔW_R‖_F / ‖ΔW‖_F per module

    def to_dict(self) -> dict:
        out = {"strategy": self.strategy.value, "rank": self.rank, "weights": self.weights}
        if self.truncation_error:
            errs = list(self.truncation_error.values())
            out["truncation_error"] = {
                "max": max(errs), "mean": float(np.mean(errs)),
                "per_module": {f"{layer}.{kind.value}": e for (layer, kind), e in self.truncation_error.items()},
            }
        return out


def parse_strategy(name: str | MergeStrategy) -> MergeStrategy:
    try:
        return MergeStrategy(str(getattr(name, "value", name)).lower())
    except ValueError:
        raise InvalidInputError(
            f"unknown merge strategy {name!r} (choose from: {', '.join(s.value for s in MergeStrategy)})"
        ) from None


def check_compatible(adapters: Sequence[LoraAdapter], names: Sequence[str] | None = None) -> None:
    """One base, one set of modules, one set of shapes; else an error naming the first difference."""
    names = list(names) if names is not None else [f"adapter {i + 1}" for i in range(len(adapters))]
    first = adapters[0].target
    for name, adapter in zip(names[1:], adapters[1:]):
        t = adapter.target
        if t.architecture != first.architecture:
            raise AdapterMismatchError(f"{name} is for {t.architecture}, {names[0]} for {first.architecture}")
        if t.n_layers != first.n_layers:
            raise AdapterMismatchError(f"{name} has {t.n_layers} layers, {names[0]} {first.n_layers}")
        if set(t.modules) != set(first.modules):
            mine, theirs = sorted(k.value for k in t.modules), sorted(k.value for k in first.modules)
            raise AdapterMismatchError(f"{name} targets {','.join(mine)}, {names[0]} {','.join(theirs)}")
        for kind, shape in t.modules.items():
            if shape != first.modules[kind]:
                raise AdapterMismatchError(
                    f"{name}'s {kind.value} is {shape.in_features}→{shape.out_features}, {names[0]}'s "
                    f"{first.modules[kind].in_features}→{first.modules[kind].out_features} (another base model)"
                )


def check_rank_fits(rank: int, target: TargetSpec) -> None:
    """A LoRA rank above min(in, out) of a module adds nothing (ΔW has no more rank than that) and only costs memory."""
    kind, shape = min(target.modules.items(), key=lambda kv: min(kv[1].in_features, kv[1].out_features))
    bound = min(shape.in_features, shape.out_features)
    if rank > bound:
        raise InvalidInputError(f"--rank {rank:,} is larger than {kind.value}'s min(in, out) = {bound} "
                                f"({shape.in_features}→{shape.out_features}): at most {bound}")


def dare_mask(seed: int, slot: Slot, which: str, index: int, shape: tuple[int, ...], density: float) -> np.ndarray:
    """DARE's keep-mask for one tensor (A or B of input `index` at `slot`): Bernoulli(density), seeded per tensor so
    the result does not depend on the order modules are merged in."""
    layer, kind = slot
    key = [seed, layer, list(type(kind)).index(kind), "AB".index(which), index]
    return np.random.default_rng(key).random(shape) < density


# -- the combinations of A tensors or of B tensors (PEFT's merge_utils, on numpy) ----------------------------------


def _magnitude_prune(t: np.ndarray, density: float) -> np.ndarray:
    """Keep the int(density · size) largest magnitudes, zero the rest."""
    k = int(density * t.size)
    flat = np.abs(t).ravel()
    mask = np.zeros(t.size, bool)
    if k > 0:
        mask[np.argpartition(flat, t.size - k)[t.size - k:]] = True
    return t * mask.reshape(t.shape)


def _disjoint_merge(stacked: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """TIES: elect each entry's sign by the sum of the (pruned, unweighted) inputs, then average the weighted inputs
    that agree with it."""
    majority = np.where(stacked.sum(axis=0) >= 0, 1.0, -1.0)
    agree = np.sign(stacked) == majority  # pruned zeros never agree
    weighted = stacked * weights.reshape(-1, *([1] * (stacked.ndim - 1)))
    return (weighted * agree).sum(axis=0) / np.maximum(agree.sum(axis=0), 1.0)


Combine = Callable[[list[np.ndarray], np.ndarray, float, list[np.ndarray] | None], np.ndarray]


def _linear(ts, w, density, masks):
    return np.tensordot(w, np.stack(ts), axes=1)


def _ties(ts, w, density, masks):
    return _disjoint_merge(np.stack([_magnitude_prune(t, density) for t in ts]), w)


def _dare_ties(ts, w, density, masks):
    return _disjoint_merge(np.stack([t * m / density for t, m in zip(ts, masks)]), w)


def _prune_sum(ts, w, density, masks):
    return np.tensordot(w, np.stack([_magnitude_prune(t, density) for t in ts]), axes=1)


COMBINE: dict[MergeStrategy, Combine] = {
    MergeStrategy.LINEAR: _linear,
    MergeStrategy.TIES: _ties,
    MergeStrategy.DARE_TIES: _dare_ties,
    MergeStrategy.MAGNITUDE_PRUNE: _prune_sum,
}


GRAM_FLOOR = 1e-20  # eigenvalues of a Gram matrix below this fraction of its largest are rounding: no direction


def _orthonormal_basis(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x (m, R), R small = q (m, k) · c (k, R) with q's columns orthonormal: a QR of x with q from the eigenvectors of
    its R × R Gram matrix (q = x·W·Σ⁻¹, c = Σ·Wᵀ). Directions below √GRAM_FLOOR of the largest are dropped (x lacks
    them: rounding), so equal or nearly equal adapters need no special case. LAPACK's Householder QR of a 2048 × 16
    matrix gives the same span but spends its time synchronising BLAS threads on a busy machine (1-8 s for a Gemma 3
    270M merge on 2 loaded cores, against 0.3 s for this)."""
    eigenvalues, w = np.linalg.eigh(x.T @ x)  # (R,), (R, R)
    keep = eigenvalues > max(float(eigenvalues.max()), 0.0) * GRAM_FLOOR
    sigma = np.sqrt(eigenvalues[keep])  # (k,)
    return (x @ w[:, keep]) / sigma, sigma[:, None] * w[:, keep].T


def svd_of_sum(a_stack: np.ndarray, b_stack: np.ndarray, rank: int) -> tuple[np.ndarray, np.ndarray, float]:
    """The best rank-`rank` factors (A (rank, in), B (out, rank)) of ΔW = b_stack · a_stack, and the truncation error
    ‖ΔW − B·A‖_F / ‖ΔW‖_F, without forming ΔW. b_stack (out, R), a_stack (R, in), R = Σ r_i (small):
    b_stack = Q_b C_b, a_stackᵀ = Q_a C_a, so ΔW = Q_b (C_b C_aᵀ) Q_aᵀ and the SVD of the small core is ΔW's."""
    q_b, c_b = _orthonormal_basis(b_stack)  # (out, k_b), (k_b, R)
    q_a, c_a = _orthonormal_basis(a_stack.T)  # (in, k_a), (k_a, R)
    b = np.zeros((b_stack.shape[0], rank))
    a = np.zeros((rank, a_stack.shape[1]))
    if not (q_b.shape[1] and q_a.shape[1]):
        return a, b, 0.0  # ΔW = 0
    u, s, vh = np.linalg.svd(c_b @ c_a.T, full_matrices=False)  # the core (k_b, k_a): u (k_b, k), vh (k, k_a)
    signs = np.where(u[np.abs(u).argmax(axis=0), range(u.shape[1])] < 0, -1.0, 1.0)  # one sign per component
    u, vh = u * signs, vh * signs[:, None]
    kept = min(rank, len(s))
    b[:, :kept] = (q_b @ u[:, :kept]) * s[:kept]  # (out, kept)
    a[:kept] = vh[:kept] @ q_a.T  # (kept, in)
    total = float(np.sqrt((s**2).sum()))
    error = float(np.sqrt((s[kept:] ** 2).sum()) / total) if total > 0 else 0.0
    return a, b, error


# -- the API ----------------------------------------------------------------------------------------------------


def merge_with_report(
    adapters: Sequence[LoraAdapter],
    strategy: MergeStrategy | str = MergeStrategy.CAT,
    weights: Sequence[float] | None = None,
    rank: int | None = None,
    density: float | None = None,
    seed: int = 0,
    names: Sequence[str] | None = None,
) -> tuple[LoraAdapter, MergeReport]:
    """The merged adapter and what the merge did (for svd: the truncation error of each module)."""
    strategy = parse_strategy(strategy)
    adapters = list(adapters)
    if len(adapters) < 2:
        raise InvalidInputError(f"merging needs at least two adapters, got {len(adapters)}")
    weights = [1.0] * len(adapters) if weights is None else [float(w) for w in weights]
    if len(weights) != len(adapters):
        raise InvalidInputError(f"{len(weights)} weights for {len(adapters)} adapters")
    if any(not np.isfinite(w) for w in weights):
        raise InvalidInputError(f"weights must be finite numbers, got {weights}")
    if density is not None and strategy not in USES_DENSITY:
        raise InvalidInputError(f"--density applies to {', '.join(s.value for s in USES_DENSITY)}, not {strategy.value}")
    density = DEFAULT_DENSITY if density is None else float(density)
    if not 0.0 < density <= 1.0:
        raise InvalidInputError(f"density must be in (0, 1], got {density}")
    if rank is not None and strategy is not MergeStrategy.SVD:
        raise InvalidInputError(f"--rank applies to svd only (cat adds the ranks, {strategy.value} keeps them)")
    if rank is not None and (not isinstance(rank, int) or isinstance(rank, bool) or rank < 1):
        raise InvalidInputError(f"rank must be a positive integer, got {rank!r}")
    check_seed(seed, "--seed")
    check_compatible(adapters, names)
    if rank is not None:
        check_rank_fits(rank, adapters[0].target)
    ranks = [a.rank for a in adapters]
    if strategy in SAME_RANK and len(set(ranks)) != 1:
        raise AdapterMismatchError(f"--strategy {strategy.value} needs adapters of one rank, got ranks {ranks}: use cat or svd")

    target = adapters[0].target
    coef = np.array([w * a.scale for w, a in zip(weights, adapters)])  # c_i
    out: dict[Slot, tuple[np.ndarray, np.ndarray]] = {}
    errors: dict[Slot, float] = {}
    if strategy is MergeStrategy.CAT:
        new_rank = sum(ranks)
        for slot in target.slots():
            out[slot] = (
                np.concatenate([c * a.weights[slot][0].astype(np.float64) for c, a in zip(coef, adapters)], axis=0),
                np.concatenate([a.weights[slot][1] for a in adapters], axis=1),
            )
    elif strategy is MergeStrategy.SVD:
        new_rank = rank or max(ranks)
        for slot in target.slots():
            a_stack = np.concatenate([c * a.weights[slot][0].astype(np.float64) for c, a in zip(coef, adapters)], axis=0)
            b_stack = np.concatenate([a.weights[slot][1].astype(np.float64) for a in adapters], axis=1)
            a_, b_, errors[slot] = svd_of_sum(a_stack, b_stack, new_rank)
            out[slot] = (a_, b_)
    else:
        new_rank = ranks[0]
        combine, root = COMBINE[strategy], np.sqrt(np.abs(coef))
        signed = {"A": np.sign(coef) * root, "B": root}  # a negative weight flips A only, as in PEFT
        for slot in target.slots():
            pair = []
            for which, pos in (("A", 0), ("B", 1)):
                ts = [a.weights[slot][pos].astype(np.float64) for a in adapters]
                masks = (
                    [dare_mask(seed, slot, which, i, t.shape, density) for i, t in enumerate(ts)]
                    if strategy is MergeStrategy.DARE_TIES else None
                )
                pair.append(combine(ts, signed[which], density, masks))
            out[slot] = (pair[0], pair[1])

    merged = LoraAdapter(
        target,
        new_rank,
        float(new_rank),  # alpha = rank: scale 1, every input's scale is folded into A already
        {slot: (a.astype(np.float32), b.astype(np.float32)) for slot, (a, b) in out.items()},
        ScaleRule.STANDARD,
        task=" + ".join(a.task for a in adapters if a.task),
        generator=_common(a.generator for a in adapters),
        extra={"merge": strategy.value, "merge_weights": ",".join(f"{w:g}" for w in weights)},
    )
    return merged, MergeReport(strategy, new_rank, weights, errors)


def merge_adapters(
    adapters: Sequence[LoraAdapter],
    strategy: MergeStrategy | str = MergeStrategy.CAT,
    weights: Sequence[float] | None = None,
    rank: int | None = None,
    density: float | None = None,
    seed: int = 0,
) -> LoraAdapter:
    """Merge adapters of one base into one (see the module docstring for each strategy's ΔW)."""
    return merge_with_report(adapters, strategy, weights, rank, density, seed)[0]


def _common(values) -> str:
    values = set(values)
    return values.pop() if len(values) == 1 else ""
