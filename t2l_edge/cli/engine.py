"""`t2l-edge build-engine | generate | apply`: bundles, adapters from task texts, and answers with them.

    t2l-edge build-engine --target cpu --precision int8 --output bundle/      # the shipped hypernetwork
    t2l-edge generate --bundle bundle/ --task "Reverse the words." --output reverse.gguf
    t2l-edge apply --bundle bundle/ --task "Reverse the words." --prompt "red fox" --compare-base

Every generator comes from `runtimes.open_generator` (a bundle in ONNX Runtime or TensorRT, or --checkpoint with the
PyTorch reference). Heavy imports happen inside the commands.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from ..bundle import EngineTarget
from ..errors import InvalidInputError, T2LEdgeError
from ..limits import MAX_CONTEXT
from ..text import quote
from .console import console
from .options import (
    BaseModel,
    Bundle,
    Checkpoint,
    DEFAULT_CONTEXT,
    DEFAULT_MAX_TOKENS,
    Context,
    Encoder,
    Examples,
    Force,
    Format,
    InputFile,
    JsonFlag,
    MaxTokens,
    PrecisionOption,
    Prompt,
    PromptFormatOption,
    PromptModeOption,
    Quantization,
    Target,
    Task,
    flag,
    recipe_or_default,
)


def build_engine(
    output: Annotated[Path, typer.Option("--output", "-o", help="Bundle directory to write (replaced atomically).")],
    checkpoint: Annotated[
        Optional[Path],
        typer.Option("--checkpoint", help="Hypernetwork checkpoint or training run directory (default: the shipped one)."),
    ] = None,
    target: Target = EngineTarget.CPU,
    precision: PrecisionOption = None,
    encoder: Encoder = None,
    optimize_encoder: Annotated[
        bool, flag("--optimize-encoder", help="Apply ONNX Runtime's transformer fusions to the encoder.")
    ] = False,
    max_batch: Annotated[int, typer.Option("--max-batch", min=1, help="TensorRT: largest batch in the optimization profile.")] = 16,
    gguf_recipe: Annotated[
        str, typer.Option("--gguf-recipe", help="What the bundle's GGUF graph writes: q4_0, q8_0 or f16.")
    ] = "q4_0",
    force: Force = False,
):
    """Export a checkpoint and its text encoder to a generator bundle: ONNX (cpu, cuda), ORT format (mobile) or
    TensorRT engines, validated against PyTorch."""
    from ..bundle import check_precision

    precision_ = check_precision(target, precision)
    if target is EngineTarget.TENSORRT:
        from ..export.tensorrt import require_tensorrt

        require_tensorrt()
    from ..export.onnx import build_bundle

    with console.status("exporting") as status:
        bundle = build_bundle(
            checkpoint, output, target, precision_, encoder=encoder, optimize=optimize_encoder or None,
            max_batch=max_batch, progress=lambda msg: status.update(msg), gguf_recipe=gguf_recipe, force=force,
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


def generate(
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Adapter file/dir; a folder with --batch-file.")
    ] = None,
    task: Task = None,
    examples: Examples = None,
    batch_file: Annotated[
        Optional[Path], typer.Option("--batch-file", help="One task per line (text or JSON with 'task').")
    ] = None,
    bundle: Bundle = None,
    checkpoint: Checkpoint = None,
    format: Format = None,
    quantization: Quantization = None,
    encoder: Encoder = None,
    validate: Annotated[
        Optional[str], typer.Option("--validate", metavar="DEVICE", help="Then check the fit on this device profile "
                                    "(as `validate`; exit 1 when it does not fit).")
    ] = None,
    context: Annotated[Optional[int], typer.Option("--context", min=64, max=MAX_CONTEXT, show_default=False,
                                                   help=f"llama.cpp context length (tokens) for --validate (default {DEFAULT_CONTEXT}).")] = None,
    config: Annotated[
        Optional[Path], typer.Option("--config", "-c", help="These options in a TOML or YAML file ([generate] table); "
                                     "the command line wins.")
    ] = None,
    force: Force = False,
):
    """Generate LoRA adapters from task descriptions: a bundle in ONNX Runtime (no PyTorch), or --checkpoint with
    the PyTorch reference. Batched for a file."""
    from ..batch import TaskLine, read_batch_file
    from ..export.batch import write_batch
    from ..export.formats import AdapterFormat, save_adapter
    from ..export.output import check_recipe, output_format
    from ..export.recipes import parse_recipe
    from ..generate_config import GenerateConfig
    from ..runtimes import open_generator
    from ..task_card import card_from

    cfg = (GenerateConfig.load(config) if config is not None else GenerateConfig()).merged(
        output=output, task=task, examples=examples, batch_file=batch_file, bundle=bundle, checkpoint=checkpoint,
        format=format.value if format is not None else None, quantization=quantization.value if quantization else None,
        encoder=encoder, validate=validate, context=context,
    )
    as_path = lambda v: Path(v) if v is not None else None  # noqa: E731
    task, examples, batch_file = cfg.task, as_path(cfg.examples), as_path(cfg.batch_file)
    if cfg.output is None:
        raise InvalidInputError("give --output (or output in the --config file)")
    if batch_file is not None and (task is not None or examples is not None):
        raise InvalidInputError("give --batch-file, or --task and/or --examples, not both")
    if batch_file is None and task is None and examples is None:
        raise InvalidInputError("give --task, --examples (or both), or --batch-file")
    if task is not None and not task.strip():
        raise InvalidInputError("--task is empty")
    output = Path(cfg.output)
    card = card_from(task, examples) if batch_file is None else None  # a bad examples file fails before loading
    given_format = AdapterFormat(cfg.format.lower()) if cfg.format else None
    fmt = output_format(output, given_format) if batch_file is None else AdapterFormat(given_format or AdapterFormat.GGUF)
    quant = parse_recipe(cfg.quantization) if cfg.quantization else None
    check_recipe(fmt, quant)
    recipe = recipe_or_default(quant) if fmt is AdapterFormat.GGUF else quant  # PEFT: its precision (default f32)
    lines = read_batch_file(batch_file) if batch_file is not None else [TaskLine(0, card.text)]
    what = "the checkpoint and the encoder" if cfg.checkpoint is not None else "the bundle"
    with console.status(f"loading {what}") as status:
        generator = open_generator(as_path(cfg.bundle), as_path(cfg.checkpoint), as_path(cfg.encoder),
                                   progress=status.update, card_reader=_card_reader(None))
    adapters = generator.generate([card] if card is not None else [line.text for line in lines])
    detail = f" ({recipe.value})" if recipe is not None else ""
    if batch_file is None:
        save_adapter(adapters[0], output, fmt, recipe, force=force)
        console.print(f"wrote {fmt.value}{detail} adapter for {quote(card.summary)} to {output}")
        written = [output]
    else:
        write_batch(adapters, lines, output, fmt.value, recipe.value if recipe else None, force=force)
        console.print(f"wrote {len(adapters)} {fmt.value}{detail} adapters and index.jsonl to {output}")
        written = sorted(p for p in output.iterdir() if p.name != "index.jsonl")
    if cfg.validate is not None:
        from .validate import validate as check_fit

        bundle_dir = getattr(getattr(generator, "bundle", None), "path", None)  # the generator runs on the device too
        check_fit(device_profile=cfg.validate, adapter=written, bundle=bundle_dir, context=cfg.context or DEFAULT_CONTEXT)


def apply(
    task: Task = None,
    examples: Examples = None,
    prompt: Prompt = None,
    input_file: InputFile = None,
    bundle: Bundle = None,
    checkpoint: Checkpoint = None,
    base_model: BaseModel = None,
    quantization: Quantization = None,
    compare_base: Annotated[bool, flag("--compare-base", help="Show the base model's answer beside.")] = False,
    prompt_format: PromptFormatOption = None,
    prompt_mode: PromptModeOption = None,
    max_tokens: MaxTokens = DEFAULT_MAX_TOKENS,
    context: Context = DEFAULT_CONTEXT,
    json_output: JsonFlag = False,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Also keep the adapter that was applied: .gguf (the very "
                                     "bytes, in --quantization), .safetensors, or a folder (PEFT).")
    ] = None,
):
    """Generate an adapter from --task and/or --examples, hot-swap it into llama.cpp and answer the prompt(s) (greedy;
    on a terminal the tokens are printed as they come)."""
    import time

    from ..export.formats import AdapterFormat
    from ..export.gguf import to_gguf_bytes
    from ..export.output import output_format
    from ..prompts import adapter_prompt, choose_prompt_format, effective_prompt_mode, get_prompt_format
    from ..runtimes import open_generator
    from ..runtimes.llama_cpp import LlamaCppRunner
    from ..task_card import card_from
    from .adapters import read_prompts

    if (prompt is None) == (input_file is None):
        raise InvalidInputError("give exactly one of --prompt or --input-file")
    if task is None and examples is None:
        raise InvalidInputError("give --task, --examples, or both")
    if task is not None and not task.strip():
        raise InvalidInputError("--task is empty")
    card = card_from(task, examples)
    recipe = recipe_or_default(quantization)
    prompts = [prompt] if prompt is not None else read_prompts(input_file)

    with console.status("loading the generator and the base model") as status:
        generator = open_generator(bundle, checkpoint, progress=status.update, card_reader=_card_reader(base_model))
        runner = LlamaCppRunner(base_model, n_ctx=context)
    # the generator's own format unless --prompt-format names one (raw: the prompt as it is)
    chosen = choose_prompt_format(prompt_format, "generated") if prompt_format is not None else None
    fmt = chosen or get_prompt_format(generator.prompt_format)
    raw = prompt_format is not None and chosen is None
    mode = effective_prompt_mode(prompt_mode, generator.prompt_mode)

    def render(text: str) -> str:
        return text if raw else adapter_prompt(fmt, text, card.text, mode)

    start = time.perf_counter()
    # a bundle's generator writes the file through its GGUF graph + template (same bytes as the numpy writer);
    # `--output` in another format needs the adapter's float weights
    gguf = getattr(generator, "generate_gguf", None)
    if gguf is not None and (output is None or output_format(output, None) is AdapterFormat.GGUF):
        lora, data = None, gguf(card, recipe.value)
    else:
        lora = generator.generate([card])[0]
        data = to_gguf_bytes(lora, recipe)
    generated_ms = (time.perf_counter() - start) * 1000
    if output is not None:
        _keep_adapter(lora, data, output)
    kept = f", kept in {output}" if output else ""
    streaming = console.is_terminal and not json_output and not compare_base and len(prompts) == 1
    with runner:
        adapter = runner.load_adapter(data, name=task or "examples")
        if streaming:  # answers to a person: print the tokens as llama.cpp decodes them
            from .adapters import stream_answer

            console.print(f"adapter for {quote(card.summary)}: {recipe.value}, {len(data) / 2**20:.2f} MiB, generated in "
                          f"{generated_ms:.0f} ms{kept}")
            runner.set_adapters([adapter])
            full = render(prompts[0])
            stream_answer(runner.stream(full, max_tokens=max_tokens, stop=() if raw else fmt.stop), strip=True)
            return
        rows = []
        for text in prompts:
            full = render(text)
            stop = () if raw else fmt.stop
            row = {"prompt": text}
            runner.set_adapters([adapter])
            row["adapter"] = runner.generate(full, max_tokens=max_tokens, stop=stop).strip()
            if compare_base:
                runner.set_adapters([])
                row["base"] = runner.generate(full, max_tokens=max_tokens, stop=stop).strip()
            rows.append(row)
    if json_output:
        print(json.dumps({"task": task, "examples": card.k, "card": card.text, "prompt_mode": mode.value, "generate_ms": round(generated_ms, 2), "gguf_bytes": len(data),
                          "quantization": recipe.value, "adapter_file": str(output) if output else None,
                          "answers": rows}, indent=2, ensure_ascii=False))
        return
    console.print(f"adapter for {quote(card.summary)}: {recipe.value}, {len(data) / 2**20:.2f} MiB, generated in "
                  f"{generated_ms:.0f} ms{kept}")
    table = Table("prompt", "adapted", *(["base"] if compare_base else []), show_lines=True)
    for r in rows:
        table.add_row(r["prompt"], r["adapter"], *([r["base"]] if compare_base else []))
    console.print(table)


def _card_reader(base_model):
    """The base model's card reader for a card-reading generator (opens at the first card with examples); None when
    llama.cpp is not installed: a card with examples then gets one clear line from the generator."""
    try:
        from ..runtimes.llama_cpp import CardReader

        return CardReader(base_model)
    except T2LEdgeError:
        return None


def _keep_adapter(lora, data: bytes, output: Path) -> None:
    """`apply --output`: a .gguf gets the very bytes that were applied; other formats are written from the adapter."""
    from ..export.formats import AdapterFormat, save_adapter
    from ..export.output import output_format
    from ..io import write_bytes_atomic

    fmt = output_format(output, None)
    if fmt is AdapterFormat.GGUF:
        write_bytes_atomic(output, data)
    else:
        save_adapter(lora, output, fmt)
