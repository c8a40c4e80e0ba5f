"""`t2l-edge merge`: several adapters of one base into one. Parses, calls `t2l_edge.export.merge`, prints.

    t2l-edge merge spanish.gguf french.gguf --strategy cat --output both.gguf -q q4_0
    t2l-edge merge a/ b/ c/ --strategy svd --rank 8 --weights 0.5,0.3,0.2 --output merged/ --format peft
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import InvalidInputError
from ..limits import MAX_SEED
from .console import console
from .options import Format, JsonFlag, Quantization, flag


def _weights(text: str | None) -> list[float] | None:
    if text is None:
        return None
    try:
        return [float(w) for w in text.split(",")]
    except ValueError:
        raise InvalidInputError(f"--weights must be numbers separated by commas, got {text!r}") from None


def merge(
    adapters: Annotated[list[Path], typer.Argument(metavar="ADAPTER...", help="Adapters to merge (GGUF files, PEFT folders, .safetensors).", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Merged adapter: file (gguf, safetensors) or folder (peft).")],
    strategy: Annotated[
        str, typer.Option("--strategy", metavar="NAME", help="cat (exact ΔW sum, ranks add), linear, svd, ties, dare_ties, magnitude_prune.")
    ] = "cat",
    weights: Annotated[Optional[str], typer.Option("--weights", metavar="W1,W2,…", help="One weight per adapter, e.g. 0.5,0.5 (default: all 1).")] = None,
    rank: Annotated[Optional[int], typer.Option("--rank", min=1, help="svd: rank of the result (default: the largest input rank).")] = None,
    density: Annotated[
        Optional[float], typer.Option("--density", help="ties, dare_ties, magnitude_prune: fraction of entries kept (default 0.5).")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, max=MAX_SEED, help="dare_ties: seed of the random drop.")] = 0,
    format: Format = None,
    quantization: Quantization = None,
    architecture: Annotated[
        Optional[str], typer.Option("--architecture", metavar="NAME", help="Architecture of foreign PEFT adapters (llama, gemma3, qwen2, …).")
    ] = None,
    model_card: Annotated[bool, flag("--model-card", help="Write a README.md model card into the PEFT folder.")] = False,
    json_output: JsonFlag = False,
):
    """Merge adapters of one base model into one adapter (refuses adapters of different bases or modules)."""
    from ..export.formats import AdapterFormat, load_adapter, save_adapter
    from ..export.merge import merge_with_report
    from ..export.output import check_recipe, output_format
    from .options import recipe_or_default

    fmt = output_format(output, format)
    check_recipe(fmt, quantization)
    recipe = recipe_or_default(quantization) if fmt is AdapterFormat.GGUF else quantization
    if model_card and fmt is not AdapterFormat.PEFT:
        raise InvalidInputError(f"a model card goes into a PEFT folder (--format peft), not a {fmt.value} file")
    with console.status(f"merging {len(adapters)} adapters ({strategy}; svd and ties take a minute or more on a "
                        "CPU)") as status:
        loaded = [load_adapter(path, architecture=architecture) for path in adapters]
        merged, report = merge_with_report(
            loaded, strategy, _weights(weights), rank, density, seed, names=[str(p) for p in adapters]
        )
        status.update(f"writing {output}")
        save_adapter(merged, output, fmt, recipe, model_card=model_card, source=" + ".join(map(str, adapters)))
    info = {"output": str(output), "format": fmt.value, "inputs": [str(p) for p in adapters], **report.to_dict()}
    if json_output:
        print(json.dumps(info, indent=2))
        return
    detail = ""
    if report.truncation_error:
        t = info["truncation_error"]
        worst = max(report.truncation_error, key=report.truncation_error.get)
        detail = (f"\nsvd truncation error ‖ΔW − ΔW_r‖/‖ΔW‖: mean {t['mean']:.4f}, max {t['max']:.4f} "
                  f"(layer {worst[0]} {worst[1].value})")
    console.print(
        f"merged {len(adapters)} adapters ({report.strategy.value}, rank {report.rank}) into "
        f"{output} ({fmt.value}){detail}"
    )
