"""How task-specific generated adapters are, beside a LoRA trained per task (issue 19's "direction" question):

    python examples/adapter_geometry.py TASKS.jsonl [ORACLE_DIR] [--bundle DIR]

Generates one adapter per task from its first description (the shipped bundle unless --bundle) and reads the tasks'
oracle LoRAs (`train-lora` output) when given. Prints, over every pair of tasks, the cosine of their ΔW (all modules
and layers as one vector, from the LoRA factors: no ΔW is materialized), the share of an adapter's squared norm that
the mean ΔW of the set holds (1: every task gets the same adapter), and each generated adapter's cosine to its own
task's oracle against the other tasks' oracles. ΔW = B·A lies in A's row space and a short LoRA training barely moves
A, so adapters whose A started from different random draws are near orthogonal whatever they do: compare generated
with generated, and oracles with oracles (`train-lora` starts every one from the same A).
"""

from __future__ import annotations

import sys

import numpy as np

from t2l_edge.adapter import LoraAdapter
from t2l_edge.evaluate.conditions import oracle_paths
from t2l_edge.export.formats import load_adapter
from t2l_edge.runtimes import open_generator
from t2l_edge.tasks.format import load_tasks


def inner(x: LoraAdapter, y: LoraAdapter) -> float:
    """<ΔW_x, ΔW_y> summed over the slots: trace((s_x B_x A_x)ᵀ s_y B_y A_y) = s_x s_y Σ (B_xᵀ B_y) ⊙ (A_x A_yᵀ)."""
    total = 0.0
    for slot, (ax, bx) in x.weights.items():
        ay, by = y.weights[slot]
        total += float(np.sum((bx.T.astype(np.float64) @ by) * (ax.astype(np.float64) @ ay.T)))
    return x.scale * y.scale * total


def gram(xs: list[LoraAdapter], ys: list[LoraAdapter] | None = None) -> np.ndarray:
    ys = xs if ys is None else ys
    return np.array([[inner(x, y) for y in ys] for x in xs])


def cosines(g: np.ndarray, nx: np.ndarray, ny: np.ndarray) -> np.ndarray:
    return g / np.outer(nx, ny)


def describe(name: str, g: np.ndarray) -> str:
    norms = np.sqrt(np.diag(g))
    c = cosines(g, norms, norms)[~np.eye(len(g), dtype=bool)]
    share = g.sum() / len(g) ** 2 / np.diag(g).mean()  # ||mean ΔW||² / mean ||ΔW_i||²
    return (f"{name}: cosine between tasks mean {c.mean():.3f} (min {c.min():.3f}, max {c.max():.3f}); "
            f"the mean ΔW holds {share:.1%} of an adapter's squared norm")


def main(tasks_path: str, *rest: str) -> None:
    bundle = None
    if "--bundle" in rest:
        i = rest.index("--bundle")
        bundle, rest = rest[i + 1], rest[:i] + rest[i + 2 :]
    tasks = load_tasks(tasks_path)
    generated = open_generator(bundle, None, None).generate([t.descriptions[0] for t in tasks])
    g = gram(generated)
    print(f"{len(tasks)} tasks")
    print(describe("generated", g))
    if rest:
        found = oracle_paths(rest[0], [t.name for t in tasks])
        paired = [i for i, t in enumerate(tasks) if t.name in found]  # tasks with an oracle
        gen = [generated[i] for i in paired]
        oracles = [load_adapter(found[tasks[i].name], target=generated[i].target) for i in paired]
        go = gram(oracles)
        print(describe("oracles", go))
        norms_g, norms_o = np.sqrt(np.diag(g)[paired]), np.sqrt(np.diag(go))  # the generated ones' from g: no second Gram
        c = cosines(gram(gen, oracles), norms_g, norms_o)
        off = c[~np.eye(len(c), dtype=bool)]
        print(f"generated vs oracle ({len(paired)} tasks): own task's {np.diag(c).mean():.3f} "
              f"(min {np.diag(c).min():.3f}, max {np.diag(c).max():.3f}), other tasks' {off.mean():.3f}")


if __name__ == "__main__":
    main(*sys.argv[1:])
