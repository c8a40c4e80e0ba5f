"""`t2l-edge export | inspect | infer`: adapters between formats, what an adapter or base model holds, and answers
from llama.cpp with an adapter. Heavy imports (llama_cpp) happen inside the commands.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from ..errors import InvalidInputError
from ..text import quote
from .console import console, progress

EXIT_WORDS = ("exit", "quit")  # end `infer --interactive` (so does Ctrl-D)
from .options import (
    DEFAULT_CONTEXT, DEFAULT_MAX_TOKENS, AdapterPath, BaseModel, Context, Force, Format, InputFile, JsonFlag, MaxTokens,
    Prompt, PromptFormatOption, PromptModeOption, Quantization, flag,
)


# -- export -------------------------------------------------------------------------------------------------------




def export(
    adapter: AdapterPath,
    output: Annotated[Path, typer.Option("--output", "-o", help="Output file (gguf, safetensors) or directory (peft).")],
    format: Format = None,
    quantization: Quantization = None,
    architecture: Annotated[
        Optional[str], typer.Option("--architecture", metavar="NAME", help="Architecture of a foreign PEFT adapter (llama, gemma3, qwen2, …).")
    ] = None,
    base_model: BaseModel = None,
    model_card: Annotated[
        bool, flag("--model-card", help="PEFT: write a README.md model card (task, generator, base, rank…).")
    ] = False,
    force: Force = False,
):
    """Convert an adapter between GGUF (quantized), PEFT (f32, or -q f16 / bf16 weights) and native safetensors."""
    from ..compat import check_adapter_fits
    from ..export.formats import AdapterFormat, load_adapter, save_adapter
    from ..export.output import check_architecture, check_recipe, output_format
    from ..gguf_reader import read_gguf
    from ..targets import TargetSpec
    from .options import recipe_or_default

    fmt = output_format(output, format)
    check_recipe(fmt, quantization)
    recipe = recipe_or_default(quantization) if fmt is AdapterFormat.GGUF else quantization  # PEFT: its precision
    if model_card and fmt is not AdapterFormat.PEFT:
        raise InvalidInputError(f"a model card goes into a PEFT folder (--format peft), not a {fmt.value} file")
    base = read_gguf(base_model) if base_model else None
    lora = load_adapter(adapter, architecture=architecture, target=TargetSpec.from_gguf(base) if base else None)
    check_architecture(lora, architecture, adapter)
    if fmt is AdapterFormat.GGUF and base is not None:
        from ..export.gguf import to_gguf_bytes
        from ..io import write_bytes_atomic

        data = to_gguf_bytes(lora, recipe)
        check_adapter_fits(read_gguf(data), base)
        write_bytes_atomic(output, data)
    else:
        save_adapter(lora, output, fmt, recipe, model_card=model_card,
                     base_model=base_model.name if base_model else None, source=str(adapter), force=force)
    size = _path_size(output)
    detail = f" ({(recipe.value if recipe else 'f32')})" if fmt in (AdapterFormat.GGUF, AdapterFormat.PEFT) else ""
    console.print(f"wrote {fmt.value}{detail} adapter to {output} — {_human(size)}")


# -- inspect ------------------------------------------------------------------------------------------------------


def inspect(
    path: Annotated[Path, typer.Argument(help="A base model GGUF or an adapter (GGUF, PEFT dir, .safetensors).")],
    json_output: JsonFlag = False,
):
    """Describe a base model (architecture, shapes, quantization mix) or an adapter (rank, scale, tensors)."""
    from ..describe import describe_adapter, describe_base
    from ..export.formats import AdapterFormat, detect_format, load_adapter
    from ..export.gguf import read_gguf_adapter
    from ..gguf_reader import read_gguf
    from ..keys import Adapter, General

    fmt = detect_format(path)
    if fmt is AdapterFormat.GGUF:
        gguf = read_gguf(path)
        if gguf.metadata.get(General.TYPE) != Adapter.GENERAL_TYPE_VALUE:
            info = describe_base(gguf)
        else:
            tensors = [
                {"name": t.name, "type": t.qtype.name, "shape": list(t.shape), "bytes": t.nbytes}
                for t in gguf.tensors.values()
            ]
            info = describe_adapter(read_gguf_adapter(gguf), fmt.value, str(path), gguf.size, tensors,
                                    gguf.metadata.get(Adapter.LORA_ALPHA))
    else:
        lora = load_adapter(path)
        tensors = [
            {"name": f"layers.{layer}.{kind.value}.lora_{w}", "type": "F32", "shape": list(m.shape), "bytes": m.nbytes}
            for (layer, kind), a, b in lora.items()
            for w, m in (("A", a), ("B", b))
        ]
        info = describe_adapter(lora, fmt.value, str(path), _path_size(path), tensors)
    if json_output:
        print(json.dumps(info, indent=2))
    elif info["kind"] == "base":
        _print_base(info)
    else:
        _print_adapter(info)


def _print_base(info: dict) -> None:
    console.print(
        f"{info['path']}  base model · {info['architecture']} · {info['layers']} layers · "
        f"context {info['context_length']} · {info['parameters'] / 1e6:.1f}M parameters · {_human(info['size_bytes'])}"
    )
    if info["targets"]:
        table = Table("module", "in", "out", title="LoRA targets")
        for name, s in info["targets"].items():
            table.add_row(name, str(s["in"]), str(s["out"]))
        console.print(table)
    mix = Table("type", "tensors", "size", title="quantization mix")
    for qtype, m in info["quantization_mix"].items():
        mix.add_row(qtype, str(m["tensors"]), _human(m["bytes"]))
    console.print(mix)


def _print_adapter(info: dict) -> None:
    console.print(
        f"{info['path']}  {info['format']} adapter · {info['architecture']} · {info['layers']} layers · "
        f"modules {', '.join(info['modules'])}\nrank {info['rank']} · alpha {info['alpha']:g} · "
        f"{info['scale_rule']} scale {info['scale']:.4g} · {info['parameters']:,} parameters · "
        f"{_human(info['size_bytes'])}\n"
        + (f"adapter.lora.alpha {info['gguf_alpha']:g}: llama.cpp scales by {info['llama_cpp_scale']:.4g}\n"
           if info["gguf_alpha"] is not None else "")
        # shortened: rich wraps one long word in quadratic time (100 KB took 60 s); --json has it whole
        + f"task: {quote(info['task']) if info['task'] else '(none)'}"
    )
    by_type: dict[str, list[int]] = {}
    for t in info["tensors"]:
        acc = by_type.setdefault(t["type"], [0, 0])
        acc[0] += 1
        acc[1] += t["bytes"]
    table = Table("type", "tensors", "size", title="tensor types")
    for qtype, (n, size) in by_type.items():
        table.add_row(qtype, str(n), _human(size))
    console.print(table)
    detail = Table("tensor", "type", "shape", "bytes", title="tensors (first 8)")
    for t in info["tensors"][:8]:
        detail.add_row(t["name"], t["type"], "×".join(map(str, t["shape"])), f"{t['bytes']:,}")
    console.print(detail)


# -- infer --------------------------------------------------------------------------------------------------------


def infer(
    adapter: AdapterPath,
    base_model: BaseModel = None,
    prompt: Prompt = None,
    input_file: InputFile = None,
    output_file: Annotated[Optional[Path], typer.Option("--output-file", help="Where --input-file's answers go (JSONL).")] = None,
    interactive: Annotated[bool, flag("--interactive", "-i", help="Read prompts from the terminal.")] = False,
    max_tokens: MaxTokens = DEFAULT_MAX_TOKENS,
    compare_adapter: Annotated[
        Optional[Path], typer.Option("--compare-adapter", help="A second adapter whose answers are shown beside the first.")
    ] = None,
    context: Context = DEFAULT_CONTEXT,
    prompt_format: PromptFormatOption = None,
    prompt_mode: PromptModeOption = None,
    json_output: JsonFlag = False,
):
    """Run the base model with an adapter through llama.cpp (greedy decoding; on a terminal the tokens are printed
    as they come)."""
    modes = sum(x is not None and x is not False for x in (prompt, input_file, interactive or None))
    if modes != 1:
        raise InvalidInputError("give exactly one of --prompt, --input-file or --interactive")
    if input_file is not None and output_file is None:
        raise InvalidInputError("--input-file needs --output-file")
    prompts = read_prompts(input_file) if input_file else [prompt] if prompt is not None else None

    from ..runtimes.llama_cpp import LlamaCppRunner

    from ..prompts import RAW_FORMAT, adapter_prompt, choose_prompt_format, effective_prompt_mode

    if prompt_format is not None and prompt_format != RAW_FORMAT:
        choose_prompt_format(prompt_format, "")  # refuse an unknown name before loading anything
    with console.status("loading the base model and adapters"):
        runner = LlamaCppRunner(base_model, n_ctx=context)
        adapters = {"answer": _load_into(runner, adapter)}
        if compare_adapter is not None:
            adapters["compare"] = _load_into(runner, compare_adapter)
    first = adapters["answer"]
    fmt = choose_prompt_format(prompt_format, first.generator)  # None: raw

    def complete(text: str, loaded: "_Loaded") -> tuple[str, tuple[str, ...]]:
        """The prompt in the format, rendered in the adapter's prompt mode (or --prompt-mode) for its task."""
        if fmt is None:
            return text, ()
        return adapter_prompt(fmt, text, loaded.task, effective_prompt_mode(prompt_mode, loaded.prompt_mode)), fmt.stop

    def answer(text: str) -> dict:
        row = {"prompt": text}
        for label, loaded in adapters.items():
            full, stop = complete(text, loaded)
            runner.set_adapters([loaded.handle])
            out = runner.generate(full, max_tokens=max_tokens, stop=stop)
            row[label] = out.strip() if fmt else out
        return row

    streaming = console.is_terminal and not json_output and compare_adapter is None and input_file is None
    with runner:
        if interactive:
            console.print(f"one prompt per line; {' or '.join(EXIT_WORDS)} or Ctrl-D ends", highlight=False)
        if streaming:  # one adapter, answers to a person: print the tokens as llama.cpp decodes them
            runner.set_adapters([first.handle])
            for text in [prompt] if prompt is not None else _read_interactive():
                full, stop = complete(text, first)
                stream_answer(runner.stream(full, max_tokens=max_tokens, stop=stop), strip=fmt is not None)
            return
        if interactive:
            for text in _read_interactive():
                _print_answers([answer(text)], json_output)
            return
        rows = [answer(p) for p in _progress(prompts, "generating")]
        if output_file is not None:
            from ..io import write_bytes_atomic

            write_bytes_atomic(output_file, "".join(json.dumps(r) + "\n" for r in rows).encode())
            console.print(f"wrote {len(rows)} answers to {output_file}")
        else:
            _print_answers(rows, json_output)


@dataclass(frozen=True)
class _Loaded:
    handle: object  # the runner's adapter
    generator: str  # the generator hash it records ("" if none)
    task: str  # the task text it was generated from
    prompt_mode: str  # the prompt mode it records ("" if none)


def _load_into(runner, path: Path) -> _Loaded:
    """Any adapter format into llama.cpp (GGUF files as they are, others converted to f16 GGUF in memory), with what
    it records about its making."""
    from ..export.formats import AdapterFormat, detect_format, load_adapter
    from ..export.gguf import to_gguf_bytes
    from ..gguf_reader import read_gguf
    from ..keys import T2L, Adapter
    from ..targets import TargetSpec

    if detect_format(path) is AdapterFormat.GGUF:
        meta = read_gguf(path).metadata
        text = lambda key: meta.get(key) if isinstance(meta.get(key), str) else ""  # noqa: E731
        return _Loaded(runner.load_adapter(path), text(T2L.GENERATOR), text(Adapter.LORA_TASK_NAME),
                       text(T2L.PROMPT_MODE))
    lora = load_adapter(path, target=TargetSpec.from_gguf(runner.base))
    return _Loaded(runner.load_adapter(to_gguf_bytes(lora, "f16"), name=str(path)), lora.generator, lora.task,
                   lora.prompt_mode)


def _read_interactive():
    """Prompts typed at `prompt> ` until an exit word or Ctrl-D."""
    while True:
        try:
            text = input("prompt> ")
        except EOFError:
            return
        if text.strip().lower() in EXIT_WORDS:
            return
        if text.strip():
            yield text


def stream_answer(pieces, strip: bool = False) -> str:
    """Print an answer piece by piece as it is decoded (leading spaces dropped with `strip`); returns the text."""
    import sys

    out = []
    for piece in pieces:
        if strip and not out:
            piece = piece.lstrip()
            if not piece:
                continue
        out.append(piece)
        sys.stdout.write(piece)
        sys.stdout.flush()
    sys.stdout.write("\n")
    text = "".join(out)
    return text.rstrip() if strip else text


def read_prompts(path: Path) -> list[str]:
    """Prompts: one per line, or JSONL with a "prompt" or "input" field."""
    from ..io import read_text_lines

    return [text for _, text in read_text_lines(path, ("prompt", "input"), "prompt")]


def _print_answers(rows: list[dict], json_output: bool) -> None:
    if json_output:
        print(json.dumps(rows if len(rows) > 1 else rows[0], indent=2, ensure_ascii=False))
        return
    compare = "compare" in rows[0]
    table = Table("prompt", "answer", *(["compare adapter's answer"] if compare else []), show_lines=True)
    for r in rows:
        table.add_row(r["prompt"], r["answer"], *([r["compare"]] if compare else []))
    console.print(table)


def _progress(items, description: str):
    return items if len(items) < 3 else progress(items, description)


# -- helpers ------------------------------------------------------------------------------------------------------



def _path_size(path: Path) -> int:
    path = Path(path)
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else path.stat().st_size


def _human(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.2f} {unit}"
        n /= 1024
    return f"{n} B"
