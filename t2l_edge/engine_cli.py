"""`t2l-edge build-engine` and `t2l-edge apply`: parse, call the library, print. Heavy imports inside the commands.

    t2l-edge build-engine --target cpu --precision int8 --output bundle/      # the shipped hypernetwork
    t2l-edge apply --bundle bundle/ --task "Reverse the words." --prompt "red fox" --compare-base
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from .choices import parse_choice
from .errors import InvalidInputError

console = Console()


def build_engine(
    output: Annotated[Path, typer.Option("--output", "-o", help="Bundle directory to write (replaced atomically).")],
    checkpoint: Annotated[
        Optional[Path],
        typer.Option("--checkpoint", help="Hypernetwork checkpoint or training run directory (default: the shipped one)."),
    ] = None,
    target: Annotated[str, typer.Option("--target", "-t", help="cpu, cuda, tensorrt or mobile.")] = "cpu",
    precision: Annotated[
        Optional[str], typer.Option("--precision", "-p", help="fp32, fp16 or int8 (default: fp32 cpu, fp16 cuda/tensorrt, int8 mobile).")
    ] = None,
    encoder: Annotated[Optional[Path], typer.Option(help="Text encoder folder (default: the packaged MiniLM).")] = None,
    optimize_encoder: Annotated[
        bool, typer.Option("--optimize-encoder", help="Apply ONNX Runtime's transformer fusions to the encoder.")
    ] = False,
    max_batch: Annotated[int, typer.Option(min=1, help="TensorRT: largest batch in the optimization profile.")] = 16,
    gguf_recipe: Annotated[
        str, typer.Option("--gguf-recipe", help="What the bundle's GGUF graph writes: q4_0, q8_0 or f16.")
    ] = "q4_0",
):
    """Export a checkpoint and its text encoder to a generator bundle: ONNX (cpu, cuda), ORT format (mobile) or
    TensorRT engines, validated against PyTorch."""
    from .bundle import EngineTarget, check_precision

    target_ = parse_choice(EngineTarget, target, "--target")
    precision_ = check_precision(target_, precision)
    if target_ is EngineTarget.TENSORRT:
        from .export.tensorrt import require_tensorrt

        require_tensorrt()
    from .export.onnx import build_bundle

    with console.status("exporting") as status:
        bundle = build_bundle(
            checkpoint, output, target_, precision_, encoder=encoder, optimize=optimize_encoder or None,
            max_batch=max_batch, progress=lambda msg: status.update(msg), gguf_recipe=gguf_recipe,
        )
    m = bundle.manifest
    table = Table("file", "size", title=f"{output} · {m.engine_target.value} · {m.precision.value}")
    for name, info in m.files.items():
        table.add_row(name, f"{info.size / 2**20:.2f} MiB")
    console.print(table)
    console.print(
        f"bundle for {m.target.architecture} ({', '.join(k.value for k in m.modules)}, rank {m.rank}) · "
        f"{bundle.size() / 2**20:.1f} MiB · generator {m.generator}"
    )


def apply(
    task: Annotated[str, typer.Option("--task", help="The task, in words: the adapter is generated from it.")],
    prompt: Annotated[Optional[str], typer.Option("--prompt", "-p", help="One input to answer.")] = None,
    input_file: Annotated[
        Optional[Path], typer.Option(help="Inputs: one per line, or JSONL with a 'prompt' or 'input' field.")
    ] = None,
    bundle: Annotated[Optional[Path], typer.Option("--bundle", help="Generator bundle (default: the shipped one).")] = None,
    checkpoint: Annotated[
        Optional[Path], typer.Option("--checkpoint", help="PyTorch reference instead of a bundle.")
    ] = None,
    base_model: Annotated[
        Optional[Path], typer.Option("--base-model", "-m", help="Base model GGUF (default: Gemma 3 270M Q4_K_M).")
    ] = None,
    quantization: Annotated[
        str, typer.Option("--quantization", "-q", help="GGUF recipe of the adapter: f16, q8_0, q4_0, q4_k_m, …")
    ] = "q4_0",
    compare_base: Annotated[bool, typer.Option("--compare-base", help="Show the base model's answer beside.")] = False,
    raw: Annotated[
        bool, typer.Option("--raw", help="Send the prompt as it is, not in the bundle's prompt format.")
    ] = False,
    max_tokens: Annotated[int, typer.Option(min=1, max=4096, help="Tokens to generate at most.")] = 48,
    context: Annotated[int, typer.Option(min=64, help="Context length (tokens).")] = 1024,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
):
    """Generate an adapter from --task, hot-swap it into llama.cpp and answer the prompt(s) (greedy)."""
    import time

    from .cli import _read_prompts
    from .export.gguf import to_gguf_bytes
    from .export.recipes import parse_recipe
    from .prompts import get_prompt_format
    from .runtimes.llama_cpp import LlamaCppRunner
    from .train.generate import load_generator

    if (prompt is None) == (input_file is None):
        raise InvalidInputError("give exactly one of --prompt or --input-file")
    if not task.strip():
        raise InvalidInputError("--task is empty")
    recipe = parse_recipe(quantization)
    prompts = [prompt] if prompt is not None else _read_prompts(input_file)

    with console.status("loading the generator and the base model") as status:
        generator = load_generator(bundle, checkpoint, progress=status.update)
        runner = LlamaCppRunner(base_model, n_ctx=context)
    config = getattr(generator, "manifest", None) or generator.hypernet.config
    fmt = get_prompt_format(config.prompt_format)
    start = time.perf_counter()
    # a bundle's generator writes the file through its GGUF graph + template (same bytes as the numpy writer)
    gguf = getattr(generator, "generate_gguf", None)
    data = gguf(task, recipe.value) if gguf is not None else to_gguf_bytes(generator.generate([task])[0], recipe)
    generated_ms = (time.perf_counter() - start) * 1000
    with runner:
        adapter = runner.load_adapter(data, name=task)
        rows = []
        for text in prompts:
            full = text if raw else fmt.prompt(text)
            stop = () if raw else fmt.stop
            row = {"prompt": text}
            runner.set_adapters([adapter])
            row["adapter"] = runner.generate(full, max_tokens=max_tokens, stop=stop).strip()
            if compare_base:
                runner.set_adapters([])
                row["base"] = runner.generate(full, max_tokens=max_tokens, stop=stop).strip()
            rows.append(row)
    if json_output:
        print(json.dumps({"task": task, "generate_ms": round(generated_ms, 2), "gguf_bytes": len(data),
                          "quantization": recipe.value, "answers": rows}, indent=2, ensure_ascii=False))
        return
    console.print(f"adapter for {task!r}: {recipe.value}, {len(data) / 2**20:.2f} MiB, generated in {generated_ms:.0f} ms")
    table = Table("prompt", "adapted", *(["base"] if compare_base else []), show_lines=True)
    for r in rows:
        table.add_row(r["prompt"], r["adapter"], *([r["base"]] if compare_base else []))
    console.print(table)

