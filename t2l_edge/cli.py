"""`t2l-edge`: the command line. Commands parse, call the library and print; `main` maps errors to messages.

Heavy imports (llama_cpp, torch, onnxruntime) happen inside the commands that need them.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from . import __version__
from .choices import parse_choice
from .errors import (
    AdapterMismatchError,
    CorruptFileError,
    InvalidAdapterError,
    InvalidInputError,
    MissingFileError,
    OutputError,
    RuntimeBackendError,
    T2LEdgeError,
    UnsupportedArchitectureError,
)

app = typer.Typer(
    name="t2l-edge",
    help="Text-to-LoRA on the device: task text → LoRA adapter → quantized GGUF for llama.cpp.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()

# One table from error type to the words that open its message (most specific first).
ERROR_LABELS: list[tuple[type[BaseException], str]] = [
    (AdapterMismatchError, "adapter does not fit the base model"),
    (InvalidAdapterError, "invalid adapter"),
    (UnsupportedArchitectureError, "unsupported architecture"),
    (MissingFileError, "file not found"),
    (CorruptFileError, "unreadable file"),
    (InvalidInputError, "invalid input"),
    (OutputError, "cannot write the output"),
    (RuntimeBackendError, "runtime error"),
    (T2LEdgeError, "error"),
]

AdapterPath = Annotated[Path, typer.Option("--adapter", "-a", help="Adapter: GGUF file, PEFT directory or .safetensors.")]
BaseModel = Annotated[
    Optional[Path], typer.Option("--base-model", "-m", help="Base model GGUF (default: Gemma 3 270M Q4_K_M).")
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
Recipe = Annotated[
    str, typer.Option("--quantization", "-q", help="f32, f16, bf16, q8_0, q4_0, q4_k_m, q4_k, q5_0, q6_k.")
]


def _version(value: bool):
    if value:
        console.print(f"t2l-edge {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = False,
):
    pass


# -- export -------------------------------------------------------------------------------------------------------




@app.command()
def export(
    adapter: AdapterPath,
    format: Annotated[str, typer.Option("--format", "-f", help="gguf, peft or safetensors.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output file (gguf, safetensors) or directory (peft).")],
    quantization: Recipe = "f16",
    architecture: Annotated[
        Optional[str], typer.Option(help="Architecture of a foreign PEFT adapter (llama, gemma3, qwen2, …).")
    ] = None,
    base_model: BaseModel = None,
):
    """Convert an adapter between GGUF (quantized), PEFT and native safetensors."""
    from .compat import check_adapter_fits
    from .export.formats import AdapterFormat, load_adapter, save_adapter
    from .export.recipes import parse_recipe
    from .gguf_reader import read_gguf
    from .targets import TargetSpec

    fmt = parse_choice(AdapterFormat, format, "--format")
    recipe = parse_recipe(quantization)
    base = read_gguf(base_model) if base_model else None
    lora = load_adapter(adapter, architecture=architecture, target=TargetSpec.from_gguf(base) if base else None)
    if fmt is AdapterFormat.GGUF and base is not None:
        from .export.gguf import to_gguf_bytes
        from .io import write_bytes_atomic

        data = to_gguf_bytes(lora, recipe)
        check_adapter_fits(read_gguf(data), base)
        write_bytes_atomic(output, data)
    else:
        save_adapter(lora, output, fmt, recipe)
    size = _path_size(output)
    detail = f" ({recipe.value})" if fmt is AdapterFormat.GGUF else ""
    console.print(f"wrote {fmt.value}{detail} adapter to [bold]{output}[/] — {_human(size)}")


# -- inspect ------------------------------------------------------------------------------------------------------


@app.command()
def inspect(
    path: Annotated[Path, typer.Argument(help="A base model GGUF or an adapter (GGUF, PEFT dir, .safetensors).")],
    json_output: JsonFlag = False,
):
    """Describe a base model (architecture, shapes, quantization mix) or an adapter (rank, scale, tensors)."""
    from .describe import describe_adapter, describe_base
    from .export.formats import AdapterFormat, detect_format, load_adapter
    from .export.gguf import read_gguf_adapter
    from .gguf_reader import read_gguf
    from .keys import Adapter, General

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
            info = describe_adapter(read_gguf_adapter(gguf), fmt.value, str(path), gguf.size, tensors)
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
        f"[bold]{info['path']}[/]  base model · {info['architecture']} · {info['layers']} layers · "
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
        f"[bold]{info['path']}[/]  {info['format']} adapter · {info['architecture']} · {info['layers']} layers · "
        f"modules {', '.join(info['modules'])}\nrank {info['rank']} · alpha {info['alpha']:g} · "
        f"{info['scale_rule']} scale {info['scale']:.4g} · {info['parameters']:,} parameters · "
        f"{_human(info['size_bytes'])}\ntask: {info['task'] or '(none)'}"
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


@app.command()
def infer(
    adapter: AdapterPath,
    base_model: BaseModel = None,
    prompt: Annotated[Optional[str], typer.Option("--prompt", "-p", help="One prompt to complete.")] = None,
    input_file: Annotated[
        Optional[Path], typer.Option(help="Prompts: one per line, or JSONL with a 'prompt' or 'input' field.")
    ] = None,
    output_file: Annotated[Optional[Path], typer.Option(help="Where --input-file's answers go (JSONL).")] = None,
    interactive: Annotated[bool, typer.Option("--interactive", "-i", help="Read prompts from the terminal.")] = False,
    max_tokens: Annotated[int, typer.Option(min=1, max=4096, help="Tokens to generate at most.")] = 64,
    compare_adapter: Annotated[
        Optional[Path], typer.Option(help="A second adapter whose answers are shown beside the first.")
    ] = None,
    context: Annotated[int, typer.Option(min=64, help="Context length (tokens).")] = 1024,
    json_output: JsonFlag = False,
):
    """Run the base model with an adapter through llama.cpp (greedy decoding)."""
    modes = sum(x is not None and x is not False for x in (prompt, input_file, interactive or None))
    if modes != 1:
        raise InvalidInputError("give exactly one of --prompt, --input-file or --interactive")
    if input_file is not None and output_file is None:
        raise InvalidInputError("--input-file needs --output-file")
    prompts = _read_prompts(input_file) if input_file else [prompt] if prompt is not None else None

    from .runtimes.llama_cpp import LlamaCppRunner

    with console.status("loading the base model and adapters"):
        runner = LlamaCppRunner(base_model, n_ctx=context)
        adapters = {"adapter": _load_into(runner, adapter)}
        if compare_adapter is not None:
            adapters["compare"] = _load_into(runner, compare_adapter)

    def answer(text: str) -> dict:
        row = {"prompt": text}
        for label, loaded in adapters.items():
            runner.set_adapters([loaded])
            row[label] = runner.generate(text, max_tokens=max_tokens)
        return row

    with runner:
        if interactive:
            while True:
                try:
                    text = input("prompt> ")
                except EOFError:
                    break
                if text.strip():
                    _print_answers([answer(text)], json_output)
            return
        rows = [answer(p) for p in _progress(prompts, "generating")]
        if output_file is not None:
            from .io import write_bytes_atomic

            write_bytes_atomic(output_file, "".join(json.dumps(r) + "\n" for r in rows).encode())
            console.print(f"wrote {len(rows)} answers to [bold]{output_file}[/]")
        else:
            _print_answers(rows, json_output)


def _load_into(runner, path: Path):
    """Any adapter format into llama.cpp: GGUF files as they are, others converted to f16 GGUF in memory."""
    from .export.formats import AdapterFormat, detect_format, load_adapter
    from .export.gguf import to_gguf_bytes
    from .targets import TargetSpec

    if detect_format(path) is AdapterFormat.GGUF:
        return runner.load_adapter(path)
    lora = load_adapter(path, target=TargetSpec.from_gguf(runner.base))
    return runner.load_adapter(to_gguf_bytes(lora, "f16"), name=str(path))


def _read_prompts(path: Path) -> list[str]:
    """Prompts: one per line, or JSONL with a "prompt" or "input" field."""
    from .io import read_text_lines

    return [text for _, text in read_text_lines(path, ("prompt", "input"), "prompt")]


def _print_answers(rows: list[dict], json_output: bool) -> None:
    if json_output:
        print(json.dumps(rows if len(rows) > 1 else rows[0], indent=2, ensure_ascii=False))
        return
    compare = "compare" in rows[0]
    table = Table("prompt", "adapter", *(["compare adapter"] if compare else []), show_lines=True)
    for r in rows:
        table.add_row(r["prompt"], r["adapter"], *([r["compare"]] if compare else []))
    console.print(table)


def _progress(items, description: str):
    if len(items) < 3:
        return items
    from rich.progress import track

    return track(items, description=description, console=console)


# -- commands defined beside their libraries (their heavy imports stay inside each command) --------------------

from .engine_cli import apply, build_engine  # noqa: E402
from .evaluate.cli import evaluate  # noqa: E402
from .tasks.cli import tasks_app  # noqa: E402
from .train.cli import generate, train, train_lora  # noqa: E402
from .validate_cli import profiles_app, validate  # noqa: E402

for _name, _command in (
    ("generate", generate),
    ("apply", apply),
    ("build-engine", build_engine),
    ("validate", validate),
    ("evaluate", evaluate),
    ("train", train),
    ("train-lora", train_lora),
):
    app.command(_name)(_command)
app.add_typer(tasks_app, name="tasks")
app.add_typer(profiles_app, name="profiles")


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


def error_message(exc: BaseException) -> str:
    for kind, label in ERROR_LABELS:
        if isinstance(exc, kind):
            return f"error: {label}: {exc}"
    return f"error: {exc}"


def main(argv: list[str] | None = None) -> None:
    """Entry point: run a command; any `T2LEdgeError` becomes one line on stderr and a non-zero exit."""
    import click

    try:
        code = app(args=argv, standalone_mode=False, prog_name="t2l-edge")
    except T2LEdgeError as e:
        print(error_message(e), file=sys.stderr)
        sys.exit(e.exit_code)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):
        print("aborted", file=sys.stderr)
        sys.exit(130)
    except Exception as e:  # a bug, not bad input: still one line unless asked for the traceback
        if os.environ.get("T2L_EDGE_DEBUG"):
            raise
        print(f"internal error: {type(e).__name__}: {e} (set T2L_EDGE_DEBUG=1 for the traceback)", file=sys.stderr)
        sys.exit(3)
    sys.exit(code or 0)


if __name__ == "__main__":
    main()
