"""`t2l-edge evaluate`: tasks × conditions on the device path, scored with 95% intervals.

    t2l-edge evaluate --tasks heldout.jsonl gsm8k:test.jsonl --bundle bundle/ --output results.json --plot results.png
    t2l-edge evaluate --tasks tasks/ --checkpoint runs/sft --oracle-dir oracles/ --limit 50 --output results.json
    t2l-edge evaluate --adapter mine=a.gguf --adapter b/ --test-data my.jsonl --metrics accuracy,response_time -o r.json
    t2l-edge compare new.json old.json --condition t2l      # two runs of one task file, paired per example

Adapters come from the bundle (ONNX Runtime, no PyTorch) or, with --checkpoint, the PyTorch reference; each is
written as a GGUF adapter with the recipe and hot-swapped into llama.cpp on the base GGUF; decoding is greedy and
stops at the prompt format's stop. This module only wires: the work is in `t2l_edge.evaluate`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import InvalidInputError
from ..limits import MAX_LORA_MULTIPLIER, MAX_SEED
from .console import console, err
from .options import DEFAULT_CONTEXT, BaseModel, Bundle, Checkpoint, Context, Encoder, Quantization, recipe_or_default


def _named_adapter(text: str) -> tuple[str, Path]:
    """'NAME=PATH' -> (NAME, PATH); a bare PATH is named after its file or folder."""
    name, sep, path = text.partition("=")
    if sep and name and "/" not in name and not Path(text).exists():
        return name.strip(), Path(path)
    return Path(text).stem or text, Path(text)


def _given_adapter(path: Path, target):
    """A GGUF file's bytes, loaded as they are (the runner checks them against the base); other formats as adapters
    (encoded with the recipe, as generated ones are)."""
    from ..export.formats import AdapterFormat, detect_format, load_adapter

    if detect_format(path) is AdapterFormat.GGUF:
        return path.read_bytes()
    return load_adapter(path, target=target)


def _choose_conditions(names: str | None, n_tasks: int, oracle_dir: Path | None, multitask: Path | None = None):
    from ..evaluate.conditions import AdapterSource, default_conditions, parse_conditions

    if names is None:
        return default_conditions(n_tasks, True, oracle_dir is not None)  # the shipped generator is always there
    chosen = parse_conditions(names)
    for c in chosen:
        if c.adapter is AdapterSource.OTHER and n_tasks < 2:
            raise InvalidInputError(f"condition {c.name!r} needs at least two tasks, got {n_tasks}")
        if c.adapter is AdapterSource.ORACLE and oracle_dir is None:
            raise InvalidInputError(f"condition {c.name!r} needs --oracle-dir")
        if c.adapter is AdapterSource.MULTITASK and multitask is None:
            raise InvalidInputError(f"condition {c.name!r} needs --multitask-lora (a LoRA from train-lora --multitask)")
    return chosen


def evaluate(
    output: Annotated[Path, typer.Option("--output", "-o", help="Results JSON (scores, means, CIs, predictions).")],
    tasks: Annotated[
        Optional[list[str]],
        typer.Option("--tasks", "-t", metavar="PATH", help="Task file or folder: our format, Super-NaturalInstructions, or GSM8K / "
                     "ARC / BoolQ / PIQA JSONL (detected; or prefix the path: gsm8k:test.jsonl). Several may follow one --tasks.", show_default=False),
    ] = None,
    more_tasks: Annotated[
        Optional[list[str]], typer.Argument(metavar="PATH", hidden=True, show_default=False,
                                            help="More task files, so `--tasks a.jsonl b.jsonl` works.")
    ] = None,
    bundle: Bundle = None,
    checkpoint: Checkpoint = None,
    encoder: Encoder = None,
    base_model: BaseModel = None,
    quantization: Quantization = None,
    conditions: Annotated[
        Optional[str],
        typer.Option("--conditions", metavar="LIST", help="Comma-separated: base, base+desc, t2l, t2l+desc, mismatched, "
                     "oracle (default: all that the inputs allow); baselines when named: icl, t2l+card, multitask.",
                     show_default=False),
    ] = None,
    oracle_dir: Annotated[
        Optional[Path], typer.Option("--oracle-dir", help="Oracle LoRAs, one per task (t2l-edge train-lora's output).")
    ] = None,
    multitask: Annotated[
        Optional[Path], typer.Option("--multitask-lora", metavar="DIR", help="The multitask LoRA of condition multitask "
                                     "(t2l-edge train-lora --multitask's output).")
    ] = None,
    shots: Annotated[
        int, typer.Option("--shots", "-k", min=1, help="Solved examples in the icl prompt and on the t2l+card card.")
    ] = 3,
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="Examples per task (the first N).")] = None,
    plot: Annotated[Optional[Path], typer.Option("--plot", help="PNG chart of accuracy per task and condition.")] = None,
    context: Context = DEFAULT_CONTEXT,
    threads: Annotated[Optional[int], typer.Option("--threads", min=1, help="llama.cpp threads (default: up to 4).")] = None,
    lora_scale: Annotated[
        float, typer.Option("--lora-scale", min=0.0, max=MAX_LORA_MULTIPLIER, help="Multiply every adapter's ΔW by this "
                            "(llama.cpp's adapter scale; 0: the base answers).")
    ] = 1.0,
    seed: Annotated[int, typer.Option("--seed", min=0, max=MAX_SEED, help="Seed of the mismatched pairing and the bootstrap.")] = 0,
    adapter: Annotated[
        Optional[list[str]],
        typer.Option("--adapter", "-a", metavar="[NAME=]PATH", help="Score an adapter you have: GGUF file, PEFT folder "
                     "or .safetensors (repeatable to compare). Runs beside the base condition unless --conditions says.",
                     show_default=False),
    ] = None,
    test_data: Annotated[
        Optional[list[Path]],
        typer.Option("--test-data", metavar="PATH", help="Your examples: our task format, or plain JSONL of input/output (repeatable).",
                     show_default=False),
    ] = None,
    metrics: Annotated[
        Optional[str], typer.Option("--metrics", metavar="LIST", help="Comma-separated: accuracy, response_time (prompt "
                                    "and decode p50/p95 per answer), tokens_per_second (default: accuracy).",
                                    show_default=False)
    ] = None,
):
    """Evaluate tasks under base / base+desc / t2l / t2l+desc / mismatched / oracle (and the baselines icl,
    t2l+card, multitask) through llama.cpp: per-task
    accuracy with Wilson 95% intervals, macro means and differences with bootstrap intervals, a table and a chart."""
    from ..evaluate.conditions import given_conditions, oracle_paths, parse_conditions
    from ..evaluate.latency import Metric, parse_metrics
    from ..evaluate.user_data import read_test_data

    specs = list(tasks or []) + list(more_tasks or []) + [str(p) for p in test_data or []]
    if not specs:
        raise InvalidInputError("give the tasks to evaluate with --tasks or --test-data")
    wanted = parse_metrics(metrics)
    named = [_named_adapter(a) for a in adapter or []]
    if bundle is not None and checkpoint is not None:
        raise InvalidInputError("give --bundle or --checkpoint, not both")
    if encoder is not None and checkpoint is None:
        raise InvalidInputError("--encoder applies to --checkpoint only: a bundle carries its own encoder")
    recipe = recipe_or_default(quantization)
    task_list = read_test_data(specs)
    if named:  # your adapters, beside the base (or the conditions asked for)
        asked = _choose_conditions(conditions or "base", len(task_list), oracle_dir, multitask)
        clash = {c.name for c in asked} & {n for n, _ in named}
        if clash:
            raise InvalidInputError(f"adapter name {sorted(clash)[0]!r} is also a condition: name the adapter otherwise")
        chosen = asked + given_conditions([n for n, _ in named])
    else:
        chosen = _choose_conditions(conditions, len(task_list), oracle_dir, multitask)
    use_oracles = any(c.name == "oracle" for c in chosen)
    found_oracles = oracle_paths(oracle_dir, [t.name for t in task_list]) if use_oracles else {}
    needs_generator = any(c.needs_generator for c in chosen)

    from rich.progress import Progress

    from ..export.formats import load_adapter
    from ..export.gguf import to_gguf_bytes
    from ..models import resolve_base_model
    from ..prompts import DEFAULT_PROMPT_FORMAT, get_prompt_format
    from ..evaluate.report import differences_table, plot_results, require_matplotlib, results_table, write_results
    from ..evaluate.runner import evaluate as run_evaluation
    from ..runtimes import open_generator
    from ..runtimes.llama_cpp import LlamaCompleter, LlamaCppRunner
    from ..targets import TargetSpec

    if plot is not None:
        require_matplotlib()  # before the run, not after it
    base_path = resolve_base_model(base_model)
    make_adapters, prompt_format, provenance = None, None, None
    if needs_generator:
        with console.status("loading the generator") as status:
            from ..runtimes.llama_cpp import CardReader

            generator = open_generator(bundle, checkpoint, encoder, progress=status.update,
                                       card_reader=CardReader(base_path, n_threads=threads))
        make_adapters, prompt_format, provenance = generator.generate, generator.prompt_format, generator.provenance
    with console.status("loading the base model"):
        runner = LlamaCppRunner(base_path, n_ctx=context, n_threads=threads)
    with runner:
        target = TargetSpec.from_gguf(runner.base)
        oracles = {name: load_adapter(path, target=target) for name, path in found_oracles.items()}
        given = {name: _given_adapter(path, target) for name, path in named}
        uses_multitask = any(c.name == "multitask" for c in chosen)
        shared = load_adapter(multitask, target=target) if uses_multitask else None
        fmt = get_prompt_format(prompt_format or DEFAULT_PROMPT_FORMAT)
        meta = {
            "base_model": str(base_path),
            "quantization": recipe.value,
            "lora_scale": lora_scale,
            "generator": provenance,
            "task_files": specs,
            "oracle_dir": str(oracle_dir) if use_oracles else None,
            "oracles": {name: str(path) for name, path in found_oracles.items()},
            "adapters": {name: str(path) for name, path in named},
            "metrics": [m.value for m in wanted],
            "multitask": str(multitask) if uses_multitask else None,
        }
        with Progress(console=err, transient=True, disable=not err.is_terminal) as bar:
            job = bar.add_task("evaluating", total=None)
            results = run_evaluation(
                task_list, chosen, make_adapters, LlamaCompleter(runner, fmt.stop, lora_scale),
                lambda adapter: to_gguf_bytes(adapter, recipe), limit=limit, oracle=oracles, multitask=shared,
                shots=shots, prompt_format=fmt,
                seed=seed, meta=meta, progress=lambda done, total: bar.update(job, completed=done, total=total),
                given=given, timing=runner.last_timing if set(wanted) - {Metric.ACCURACY} else None,
            )
    write_results(results, output)
    if plot is not None:
        plot_results(results, plot)
    if Metric.ACCURACY in wanted:
        console.print(results_table(results))
        if results.differences:
            console.print(differences_table(results))
    if results.latency:
        from ..evaluate.report import latency_table

        console.print(latency_table(results, wanted))
    console.print(f"wrote results to {output}" + (f" and the chart to {plot}" if plot else ""))


def compare(
    results_a: Annotated[Path, typer.Argument(metavar="A.json", help="An evaluate --output file.", show_default=False)],
    results_b: Annotated[Path, typer.Argument(metavar="B.json", help="Another, of the same task file.", show_default=False)],
    condition: Annotated[str, typer.Option("--condition", help="A's condition to compare.")] = "t2l",
    condition_b: Annotated[
        Optional[str], typer.Option("--condition-b", help="B's condition (default: the same as A's).", show_default=False)
    ] = None,
    exclude: Annotated[
        Optional[list[Path]],
        typer.Option("--exclude", "-x", metavar="PATH", help="Leave out the tasks of this task file or folder, e.g. "
                     "the other model's training split (repeatable).", show_default=False),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, max=MAX_SEED, help="Seed of the bootstrap.")] = 0,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="The comparison as JSON, with per-task accuracies.",
                                     show_default=False)
    ] = None,
):
    """Compare two evaluate runs of the same task file (two hypernetworks, checkpoints or quantizations): A − B on
    the examples both scored, macro over tasks, with a paired, stratified bootstrap 95% interval."""
    from ..evaluate.benchmarks import read_tasks
    from ..evaluate.compare import compare_results, read_results
    from ..evaluate.report import comparison_table, write_comparison
    from ..io import check_not_an_input

    if output is not None:
        check_not_an_input(output, [results_a, results_b, *(exclude or [])])
    excluded = {t.name for t in read_tasks(exclude)} if exclude else set()
    result = compare_results(read_results(results_a), read_results(results_b), condition, condition_b,
                             exclude=excluded, seed=seed, names=(str(results_a), str(results_b)))
    console.print(comparison_table(result, str(results_a), str(results_b)))
    if output is not None:
        write_comparison(result, output)
        console.print(f"wrote the comparison to {output}")
