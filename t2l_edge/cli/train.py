"""`t2l-edge train` (hypernetwork: SFT or reconstruction) and `t2l-edge train-lora` (oracle LoRAs): the PyTorch side.

    t2l-edge train --mode sft --config examples/train_sft_gemma.toml --output runs/sft-gemma
    t2l-edge train-lora --tasks heldout.jsonl --output oracles/ --steps 100
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import InvalidInputError
from ..limits import MAX_RANK
from ..train.config import Objective
from .console import Heartbeat, console, err, notice
from .options import BaseModel, ConfigFile

# A trial run: fewer optimizer steps than the config's, from the command line or the environment (the docs test sets
# it to run docs/training.md's and docs/evaluation.md's blocks as written in minutes)
STEPS_ENV = "T2L_EDGE_STEPS"


def _is_main_rank() -> bool:
    return int(os.environ.get("RANK", "0")) == 0


class _Progress:
    """A rich progress bar fed by the trainer's events: loss, tokens/s (or samples/s), ETA; evaluations as lines.
    Off a terminal the bar is a heartbeat: a line a minute on stderr."""

    def __init__(self, label: str):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self.label = label
        self.progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("loss {task.fields[loss]}"), TextColumn("{task.fields[speed]}"),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=err, disable=not err.is_terminal,
        )
        self.task = None
        self.heartbeat = Heartbeat()
        self.started: tuple[float, int] | None = None  # (time, step) before the current bar's first step: its ETA
        self.current = label

    def __enter__(self):
        self.progress.start()
        return self

    def __exit__(self, *exc):
        self.progress.stop()

    def _eta(self, step: int, total: int, step_time: float | None) -> str:
        if self.started is None:  # timed from the first step's start (not from an evaluation before it)
            self.started = (time.monotonic() - (step_time or 0.0), step - (step_time is not None))
        began, first = self.started
        if step == first:  # a step of unknown length: no rate yet
            return "-"
        left = (time.monotonic() - began) / (step - first) * (total - step)
        return f"{int(left // 3600)}:{int(left % 3600 // 60):02d}:{int(left % 60):02d}"

    def __call__(self, event) -> None:
        v = event.values
        if event.kind == "start":
            label = f"{self.label} {v['task']}" if "task" in v else self.label
            if self.task is not None:
                self.progress.remove_task(self.task)
            self.task = self.progress.add_task(label, total=event.total, completed=event.step, loss="-", speed="")
            self.started, self.current = None, label
            if "world_size" in v:
                console.print(
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
            parts = [f"step {event.step}/{event.total}", f"loss {v['loss']:.4f}", speed,
                     f"ETA {self._eta(event.step, event.total, v.get('step_time'))}"]
            self.heartbeat(f"{self.current}: " + " · ".join(p for p in parts if p), last=event.step == event.total)
        elif event.kind == "eval":
            shown = " · ".join(f"{k} {x:.4f}" for k, x in v.items())
            console.print(f"step {event.step}: {shown}")
        elif event.kind == "checkpoint":
            console.print(f"step {event.step}: checkpoint {v['path']}")
        elif event.kind == "end" and "path" in v:
            before, after = v.get("heldout_loss_base"), v.get("heldout_loss")
            detail = f" · held-out loss {before:.4f} → {after:.4f}" if before is not None else ""
            console.print(f"{v['task']}: wrote {v['path']}{detail}")


def train(
    mode: Annotated[
        Objective, typer.Option("--mode", case_sensitive=False, help="sft (end-to-end through the base) or reconstruction.")
    ],
    config: ConfigFile,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Run directory (default: the config's run.output).")
    ] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue from the newest checkpoint in the output.")] = False,
    steps: Annotated[
        Optional[int], typer.Option("--steps", min=1, envvar=STEPS_ENV, help="Optimizer steps instead of the config's "
                                    "[optim] steps (a trial run).")
    ] = None,
):
    """Train a hypernetwork (SFT or reconstruction). Runs under torchrun as DDP (gloo on CPU, NCCL on GPUs)."""
    import dataclasses

    from ..train.config import TrainConfig

    mode_ = mode
    cfg = TrainConfig.load(config, mode_)
    if steps is not None:
        cfg.optim = dataclasses.replace(cfg.optim, steps=steps)
    out = output if output is not None else Path(cfg.run.output) if cfg.run.output else None
    if out is None:
        raise InvalidInputError(f"no output directory: pass --output or set [run] output in {config}")
    from ..train.loop import Trainer

    def card_reader():  # built only when a card pool must be computed: llama.cpp over the base GGUF
        from ..runtimes.llama_cpp import CardReader

        return CardReader(cfg.base.model, n_threads=cfg.run.threads)

    main = _is_main_rank()
    if main:
        heartbeat = Heartbeat()
        with console.status("loading the base model, the encoder and the data") as status:
            def setup(what: str, done: int, total: int) -> None:  # the card pool's build: half an hour on 2 cores
                status.update(f"card pool: {what} {done}/{total}")
                heartbeat(f"card pool: {what} {done}/{total}", last=done == total)

            trainer = Trainer(cfg, mode_, out, resume=resume, card_reader=card_reader, progress=setup)
        if trainer.resume_note:
            notice(trainer.resume_note)
        with _Progress(mode_.value) as progress:
            result = trainer.fit(progress)
        shown = " · ".join(f"{k} {v:.4f}" for k, v in result.items() if k.startswith(("loss", "eval")))
        console.print(f"trained to step {result['step']} ({shown}); checkpoints in {out}")
    else:
        Trainer(cfg, mode_, out, resume=resume, card_reader=card_reader).fit()


def train_lora(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder: one PEFT directory per task (--multitask: "
                                         "the one PEFT directory).")],
    tasks: Annotated[
        Optional[Path], typer.Option("--tasks", "-t", help="Task file or folder (ours or Super-NaturalInstructions); "
                                     "with --multitask, instead of the config's [data].")
    ] = None,
    config: Annotated[
        Optional[Path], typer.Option("--config", "-c", help="Training config (TOML): its base, hypernet, data and optim sections.")
    ] = None,
    base_model: BaseModel = None,
    only: Annotated[Optional[list[str]], typer.Option("--only", metavar="NAME", help="Only the task of this name (repeatable).")] = None,
    steps: Annotated[
        Optional[int], typer.Option("--steps", min=1, envvar=STEPS_ENV, help="Optimizer steps per task (default 100).")
    ] = None,
    lr: Annotated[Optional[float], typer.Option("--lr", help="Learning rate (default 3e-4).")] = None,
    rank: Annotated[Optional[int], typer.Option("--rank", min=1, max=MAX_RANK, help="LoRA rank.")] = None,
    modules: Annotated[Optional[str], typer.Option("--modules", metavar="LIST", help="Target modules, comma-separated (q_proj,v_proj).")] = None,
    multitask: Annotated[
        bool, typer.Option("--multitask", help="One LoRA on the whole training mixture of --config (the hypernetwork's "
                           "tasks and batches), the description in each prompt: evaluate's multitask baseline.")
    ] = False,
):
    """Train an ordinary per-task LoRA with PEFT (the oracle): same base, prompt format and targets as the hypernetwork.
    With --multitask, one LoRA for all the training tasks."""
    import dataclasses

    from ..tasks.format import load_tasks
    from ..train.config import TrainConfig

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
    if multitask:
        return _train_multitask(cfg, config, tasks, only, output)
    if tasks is None:
        raise InvalidInputError("give the tasks with --tasks (or --multitask with --config)")
    chosen = load_tasks(tasks)
    if only:
        missing = [n for n in only if n not in {t.name for t in chosen}]
        if missing:
            raise InvalidInputError(f"{tasks}: no task named {', '.join(map(repr, missing))}")
        chosen = [t for t in chosen if t.name in only]
    from ..train.oracle import train_oracles

    with console.status("loading the base model"):
        import torch  # noqa: F401  (the slow import, under the spinner)
    with _Progress("oracle") as progress:
        results = train_oracles(cfg, chosen, output, progress)
    console.print(f"wrote {len(results)} oracle LoRA(s) to {output}")


ORACLE_DEFAULTS = {"optim": {"steps": 100, "lr": 3e-4, "warmup": 10, "weight_decay": 0.0}}


def _train_multitask(cfg, config: Path | None, tasks: Path | None, only, output: Path) -> None:
    import dataclasses

    if only:
        raise InvalidInputError("--only picks oracles by task; --multitask trains on every training task")
    if tasks is not None:
        try:
            cfg.data = dataclasses.replace(cfg.data, split=None, families=None, tasks=[str(tasks)])
        except InvalidInputError as e:
            raise InvalidInputError(f"--tasks: {e}") from None
    elif config is None:
        raise InvalidInputError("--multitask needs the training mixture: --config (its [data]) or --tasks")
    cfg.check_mode("sft")
    from ..train.oracle import train_multitask

    with console.status("loading the base model"):
        import torch  # noqa: F401  (the slow import, under the spinner)
    with _Progress("multitask") as progress:
        result = train_multitask(cfg, output, progress)
    console.print(f"wrote the multitask LoRA to {result.path}")

