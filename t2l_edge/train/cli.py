"""`t2l-edge train`, `train-lora` and `generate`: parse, call the library, show progress. Torch is imported inside
the commands, so `t2l-edge --help` stays fast where it is not installed.

    t2l-edge train --mode sft --config examples/train_sft_gemma.toml --output runs/sft
    torchrun --nproc_per_node 4 -m t2l_edge.cli train --mode sft --config … --output runs/sft   # DDP
    t2l-edge train-lora --tasks tasks.jsonl --output oracles/
    t2l-edge generate --bundle bundle/ --task "Reverse the words." --output a.gguf -q q4_0    # no torch
    t2l-edge generate --checkpoint runs/sft --task "Reverse the words." --output a.gguf      # PyTorch reference
    t2l-edge generate --config gen.yaml --validate raspberry-pi-4-4gb                       # options from a file
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from ..errors import InvalidInputError

console = Console()

ConfigFile = Annotated[Path, typer.Option("--config", "-c", help="Training config (TOML or YAML).")]


def _is_main_rank() -> bool:
    return int(os.environ.get("RANK", "0")) == 0


def _parse(enum, value: str, option: str):
    try:
        return enum(value.lower())
    except ValueError:
        raise InvalidInputError(f"{option} must be one of {', '.join(e.value for e in enum)}, got {value!r}") from None


class _Progress:
    """A rich progress bar fed by the trainer's events: loss, tokens/s (or samples/s), ETA; evaluations as lines."""

    def __init__(self, label: str):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self.label = label
        self.progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("loss {task.fields[loss]}"), TextColumn("{task.fields[speed]}"),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=console,
        )
        self.task = None

    def __enter__(self):
        self.progress.start()
        return self

    def __exit__(self, *exc):
        self.progress.stop()

    def __call__(self, event) -> None:
        v = event.values
        if event.kind == "start":
            label = f"{self.label} {v['task']}" if "task" in v else self.label
            if self.task is not None:
                self.progress.remove_task(self.task)
            self.task = self.progress.add_task(label, total=event.total, completed=event.step, loss="-", speed="")
            if "world_size" in v:
                self.progress.console.print(
                    f"hypernetwork {v['parameters'] / 1e6:.2f}M parameters · {v['world_size']} process(es) on "
                    f"{v['device']} · from step {event.step}"
                )
        elif event.kind == "step":
            if "tokens_per_s" in v:
                speed = f"{v['tokens_per_s']:,.0f} tok/s"
            elif "step_time" in v:
                speed = f"{v['samples'] / v['step_time']:,.1f} samples/s"
            else:
                speed = ""
            self.progress.update(self.task, completed=event.step, loss=f"{v['loss']:.4f}", speed=speed)
        elif event.kind == "eval":
            shown = " · ".join(f"{k} {x:.4f}" for k, x in v.items())
            self.progress.console.print(f"step {event.step}: {shown}")
        elif event.kind == "checkpoint":
            self.progress.console.print(f"step {event.step}: checkpoint {v['path']}")
        elif event.kind == "end" and "path" in v:
            before, after = v.get("heldout_loss_base"), v.get("heldout_loss")
            detail = f" · held-out loss {before:.4f} → {after:.4f}" if before is not None else ""
            self.progress.console.print(f"{v['task']}: wrote {v['path']}{detail}")


def train(
    mode: Annotated[str, typer.Option("--mode", help="sft (end-to-end through the base) or reconstruction.")],
    config: ConfigFile,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Run directory (default: the config's run.output).")
    ] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue from the newest checkpoint in the output.")] = False,
):
    """Train a hypernetwork (SFT or reconstruction). Runs under torchrun as DDP (gloo on CPU, NCCL on GPUs)."""
    from .config import Mode, TrainConfig

    mode_ = _parse(Mode, mode, "--mode")
    cfg = TrainConfig.load(config, mode_)
    out = output if output is not None else Path(cfg.run.output) if cfg.run.output else None
    if out is None:
        raise InvalidInputError(f"no output directory: pass --output or set [run] output in {config}")
    from .loop import Trainer

    main = _is_main_rank()
    if main:
        with console.status("loading the base model, the encoder and the data"):
            trainer = Trainer(cfg, mode_, out, resume=resume)
        with _Progress(mode_.value) as progress:
            result = trainer.fit(progress)
        shown = " · ".join(f"{k} {v:.4f}" for k, v in result.items() if k.startswith(("loss", "eval")))
        console.print(f"trained to step {result['step']} ({shown}); checkpoints in [bold]{out}[/]")
    else:
        Trainer(cfg, mode_, out, resume=resume).fit()


def train_lora(
    tasks: Annotated[Path, typer.Option("--tasks", "-t", help="Task file or folder (ours or Super-NaturalInstructions).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder: one PEFT directory per task.")],
    config: Annotated[
        Optional[Path], typer.Option("--config", "-c", help="Training config (TOML): its base, hypernet, data and optim sections.")
    ] = None,
    base_model: Annotated[Optional[Path], typer.Option("--base-model", "-m", help="Base GGUF or transformers folder.")] = None,
    only: Annotated[Optional[list[str]], typer.Option("--task", help="Only this task (repeatable).")] = None,
    steps: Annotated[Optional[int], typer.Option(min=1, help="Optimizer steps per task (default 100).")] = None,
    lr: Annotated[Optional[float], typer.Option(help="Learning rate (default 3e-4).")] = None,
    rank: Annotated[Optional[int], typer.Option(min=1, help="LoRA rank.")] = None,
    modules: Annotated[Optional[str], typer.Option(help="Target modules, comma-separated (q_proj,v_proj).")] = None,
):
    """Train an ordinary per-task LoRA with PEFT (the oracle): same base, prompt format and targets as the hypernetwork."""
    import dataclasses

    from ..tasks.format import load_tasks
    from .config import TrainConfig

    cfg = TrainConfig.load(config) if config is not None else TrainConfig.from_dict(ORACLE_DEFAULTS, source="defaults")
    try:
        if base_model is not None:
            cfg.base = dataclasses.replace(cfg.base, model=str(base_model))
        optim = {k: v for k, v in (("steps", steps), ("lr", lr)) if v is not None}
        if optim:
            cfg.optim = dataclasses.replace(cfg.optim, **optim)
        hyper = {"rank": rank} if rank is not None else {}
        if modules is not None:
            hyper["modules"] = [m.strip() for m in modules.split(",") if m.strip()]
        if hyper:
            cfg.hypernet = dataclasses.replace(cfg.hypernet, **hyper)
    except InvalidInputError as e:
        raise InvalidInputError(f"option: {e}") from None
    chosen = load_tasks(tasks)
    if only:
        missing = [n for n in only if n not in {t.name for t in chosen}]
        if missing:
            raise InvalidInputError(f"{tasks}: no task named {', '.join(map(repr, missing))}")
        chosen = [t for t in chosen if t.name in only]
    from .oracle import train_oracles

    with console.status("loading the base model"):
        import torch  # noqa: F401  (the slow import, under the spinner)
    with _Progress("oracle") as progress:
        results = train_oracles(cfg, chosen, output, progress)
    console.print(f"wrote {len(results)} oracle LoRA(s) to [bold]{output}[/]")


ORACLE_DEFAULTS = {"optim": {"steps": 100, "lr": 3e-4, "warmup": 10, "weight_decay": 0.0}}


def generate(
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Adapter file/dir; a folder with --batch-file.")
    ] = None,
    task: Annotated[Optional[str], typer.Option("--task", help="The task, in words.")] = None,
    batch_file: Annotated[
        Optional[Path], typer.Option("--batch-file", help="One task per line (text or JSON with 'task').")
    ] = None,
    bundle: Annotated[
        Optional[Path], typer.Option("--bundle", help="Generator bundle (t2l-edge build-engine); the default runtime.")
    ] = None,
    checkpoint: Annotated[
        Optional[Path], typer.Option("--checkpoint", help="PyTorch reference instead: checkpoint or training run directory.")
    ] = None,
    format: Annotated[Optional[str], typer.Option("--format", "-f", help="gguf (default), peft or safetensors.")] = None,
    quantization: Annotated[
        Optional[str], typer.Option("--quantization", "-q", help="GGUF recipe (default f16): f32, f16, bf16, q8_0, q4_0, "
                                    "q4_k_m, q4_k, q5_0, q6_k; PEFT precision (default f32): f32, f16, bf16.")
    ] = None,
    encoder: Annotated[
        Optional[Path], typer.Option(help="Text encoder folder for --checkpoint (default: the packaged MiniLM).")
    ] = None,
    validate: Annotated[
        Optional[str], typer.Option("--validate", help="Then check the fit on this device profile (as `validate`; exit 1 "
                                    "when it does not fit).")
    ] = None,
    context: Annotated[Optional[int], typer.Option("--context", min=1, help="Context length for --validate (default 1024).")] = None,
    config: Annotated[
        Optional[Path], typer.Option("--config", "-c", help="These options in a TOML or YAML file ([generate] table); "
                                     "the command line wins.")
    ] = None,
):
    """Generate LoRA adapters from task descriptions: a bundle in ONNX Runtime (no PyTorch), or --checkpoint with
    the PyTorch reference. Batched for a file."""
    from ..export.formats import AdapterFormat, save_adapter
    from ..generate_config import GenerateConfig

    cfg = (GenerateConfig.load(config) if config is not None else GenerateConfig()).merged(
        output=output, task=task, batch_file=batch_file, bundle=bundle, checkpoint=checkpoint, format=format,
        quantization=quantization, encoder=encoder, validate=validate, context=context,
    )
    if cfg.output is None:
        raise InvalidInputError("give --output (or output in the --config file)")
    if (cfg.task is None) == (cfg.batch_file is None):
        raise InvalidInputError("give exactly one of --task or --batch-file")
    if cfg.task is not None and not cfg.task.strip():
        raise InvalidInputError("--task is empty")
    output = Path(cfg.output)
    fmt = _parse(AdapterFormat, cfg.format or "gguf", "--format")
    from ..export.recipes import parse_recipe

    recipe = parse_recipe(cfg.quantization) if cfg.quantization else None
    from .generate import TaskLine, load_generator, read_batch_file, write_batch

    lines = read_batch_file(Path(cfg.batch_file)) if cfg.batch_file is not None else [TaskLine(0, cfg.task)]
    as_path = lambda v: Path(v) if v is not None else None  # noqa: E731
    what = "the checkpoint and the encoder" if cfg.checkpoint is not None else "the bundle"
    with console.status(f"loading {what}") as status:
        generator = load_generator(as_path(cfg.bundle), as_path(cfg.checkpoint), as_path(cfg.encoder), progress=status.update)
    adapters = generator.generate([line.text for line in lines])
    shown = recipe.value if recipe else ("f16" if fmt is AdapterFormat.GGUF else "f32")
    detail = f" ({shown})" if fmt is not AdapterFormat.SAFETENSORS else ""
    if cfg.batch_file is None:
        save_adapter(adapters[0], output, fmt, recipe)
        console.print(f"wrote {fmt.value}{detail} adapter for {cfg.task!r} to [bold]{output}[/]")
        written = [output]
    else:
        write_batch(adapters, lines, output, fmt.value, recipe.value if recipe else None)
        console.print(f"wrote {len(adapters)} {fmt.value}{detail} adapters and index.jsonl to [bold]{output}[/]")
        written = sorted(p for p in output.iterdir() if p.name != "index.jsonl")
    if cfg.validate is not None:
        from ..validate_cli import validate as check_fit

        bundle_dir = getattr(getattr(generator, "bundle", None), "path", None)  # the generator runs on the device too
        check_fit(device_profile=cfg.validate, adapter=written, bundle=bundle_dir, context=cfg.context or 1024)
