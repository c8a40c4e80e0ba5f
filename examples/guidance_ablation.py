"""Amplify what is task-specific in generated adapters, as classifier-free guidance does (issue 19's ablation):

    python examples/guidance_ablation.py G TASKS.jsonl OUT.json TRAIN.jsonl [CONDITIONS]

ΔW' = ΔW_task + (G − 1)(ΔW_task − ΔW_mean), where ΔW_mean is the shipped bundle's adapter for the normalized mean
embedding of every description in TRAIN.jsonl (`t2l-edge tasks export --split train -o TRAIN.jsonl`), written as one
LoRA of twice the rank (q4_0). Scores TASKS.jsonl under CONDITIONS (default t2l,t2l+desc) as `t2l-edge evaluate`
does, into OUT.json for `t2l-edge compare`. G = 1 answers exactly as the bundle's own adapters.
"""

from __future__ import annotations

import json
import sys

import numpy as np

from t2l_edge.adapter import LoraAdapter


def guided(adapter: LoraAdapter, mean: LoraAdapter, g: float) -> LoraAdapter:
    """The rank-2r LoRA of g·ΔW_adapter − (g − 1)·ΔW_mean (same alpha / r, so the same scale). The ΔW of
    `merge_adapters([adapter, mean], "cat", [g, 1 - g])`, but that folds g·scale into A, and A's q4_0 blocks would
    then round otherwise than the published figures' did."""
    weights = {slot: (np.concatenate([a, mean.weights[slot][0]]), np.concatenate([g * b, (1 - g) * mean.weights[slot][1]], axis=1))
               for slot, (a, b) in adapter.weights.items()}
    return LoraAdapter(adapter.target, 2 * adapter.rank, 2 * adapter.alpha, weights, adapter.scale_rule, task=adapter.task,
                       generator=adapter.generator, extra=adapter.extra, prompt_mode=adapter.prompt_mode)


def main(g: str, tasks: str, out: str, train: str, conditions: str = "t2l,t2l+desc") -> None:
    from t2l_edge.bundle import adapters_from_outputs
    from t2l_edge.cli.options import recipe_or_default
    from t2l_edge.evaluate.conditions import parse_conditions
    from t2l_edge.evaluate.report import write_results
    from t2l_edge.evaluate.runner import evaluate
    from t2l_edge.evaluate.user_data import read_test_data
    from t2l_edge.export.gguf import to_gguf_bytes
    from t2l_edge.models import resolve_base_model
    from t2l_edge.prompts import get_prompt_format
    from t2l_edge.runtimes import open_generator
    from t2l_edge.runtimes.llama_cpp import LlamaCompleter, LlamaCppRunner

    generator = open_generator(None, None, None)
    texts = [d for line in open(train, encoding="utf-8") for d in json.loads(line)["descriptions"]]
    embedding = np.concatenate([generator.embed(texts[i : i + 256]) for i in range(0, len(texts), 256)]).mean(0)
    embedding = (embedding / np.linalg.norm(embedding))[None].astype(np.float32)
    (mean,) = adapters_from_outputs(generator.manifest, generator.run_hypernet(embedding), ["mean of the training tasks"])
    fmt = get_prompt_format(generator.prompt_format)
    recipe = recipe_or_default(None)
    with LlamaCppRunner(resolve_base_model(None), n_ctx=2048, n_threads=1) as runner:
        results = evaluate(read_test_data([tasks]), parse_conditions(conditions),
                           lambda items: [guided(a, mean, float(g)) for a in generator.generate(items)],
                           LlamaCompleter(runner, fmt.stop), lambda a: to_gguf_bytes(a, recipe), prompt_format=fmt,
                           meta={"guidance": float(g), "mean_of": train})
    write_results(results, out)
    for m in results.means.values():
        print(f"{m.condition}: {100 * m.estimate.value:.1f} [{100 * m.estimate.low:.1f}, {100 * m.estimate.high:.1f}]")


if __name__ == "__main__":
    main(*sys.argv[1:])
