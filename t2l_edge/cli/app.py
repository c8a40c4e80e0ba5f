"""The `t2l-edge` app: one typer app, one console, one table from error type to message, and `main`.

Command groups live beside this module (adapters, engine, validate, evaluate, train, tasks) and are registered at the
bottom; their heavy imports (torch, onnxruntime, llama_cpp) stay inside the commands, so `--help` is fast.
Exit codes: 0 done, 1 a negative verdict (`validate`: does not fit), 2 bad input or usage, 3 an internal error.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
import sys

import typer

from .. import __version__
from ..choices import SPELLINGS
from ..errors import (
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
from .console import console, notice

USAGE_EXIT_CODE = 2
INTERNAL_EXIT_CODE = 3
ABORT_EXIT_CODE = 130


def _normalize_token(token: str) -> str:
    """Other spellings of one idea (`fp16` for `f16`) are accepted wherever a choice is parsed."""
    return SPELLINGS.get(token.lower(), token)


app = typer.Typer(
    name="t2l-edge",
    help="Text-to-LoRA on the device: task text → LoRA adapter → quantized GGUF for llama.cpp.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain help: no boxes, nothing cut when piped, no type label on flags
    context_settings={"token_normalize_func": _normalize_token},
)

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


def error_message(exc: BaseException) -> str:
    for kind, label in ERROR_LABELS:
        if isinstance(exc, kind):
            return f"error: {label}: {exc}"
    return f"error: {exc}"


def _click_classes(name: str) -> tuple[type[BaseException], ...]:
    """`name` from typer's vendored click (typer >= 0.2x ships `typer._click`, whose classes are not the installed
    click's) and from click itself where installed: a usage error may come from either."""
    import importlib

    found = []
    for module in ("typer._click.exceptions", "typer.exceptions", "click.exceptions"):
        try:
            cls = getattr(importlib.import_module(module), name, None)
        except ImportError:
            continue
        if cls is not None and cls not in found:
            found.append(cls)
    return tuple(found)


# typer's wording of a bad choice, rewritten in the one wording the library uses (`choices.choice_error`)
_BAD_CHOICE = re.compile(r"^Invalid value for '([^']+)'(?: / '[^']+')*: (.*) is not one of (.*)\.$")


def usage_message(exc: BaseException) -> str:
    """A click usage error as one line: its message with click's hint, plus a hint for an unknown command."""
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    message = " ".join(message.replace("Value error, ", "").split())  # typer's validation prefix; one line
    bad_choice = _BAD_CHOICE.match(message)
    if bad_choice:
        name, value, allowed = bad_choice.groups()
        message = f"{name} must be one of {allowed.replace(chr(39), '')}, got {value}"
    ctx = getattr(exc, "ctx", None)
    if message.startswith("No such command") and "Did you mean" not in message and ctx is not None and hasattr(ctx.command, "list_commands"):
        name = message.split("'")[1] if message.count("'") >= 2 else ""
        close = difflib.get_close_matches(name, ctx.command.list_commands(ctx), n=3)
        message += f" Did you mean {' or '.join(close)}?" if close else " See 't2l-edge --help'."
    param = getattr(exc, "param", None)
    hint = ctx.command_path if ctx is not None else "t2l-edge"
    return f"error: {message}" + ("" if param is not None or "Did you mean" in message else f" (see '{hint} --help')")


class _Notices(logging.Handler):
    """The library's notices (logger "t2l_edge", INFO: a model copied into the cache, with its size) as one stderr line."""

    def emit(self, record: logging.LogRecord) -> None:
        notice(f"note: {record.getMessage()}")


def _show_notices() -> None:
    logger = logging.getLogger("t2l_edge")
    if not any(isinstance(h, _Notices) for h in logger.handlers):
        logger.addHandler(_Notices())
        logger.setLevel(logging.INFO)
        logger.propagate = False  # not twice when a library has configured the root logger


def main(argv: list[str] | None = None) -> None:
    """Entry point: run a command; bad input or usage becomes one `error:` line on stderr and exit 2."""
    _show_notices()
    usage_errors = _click_classes("ClickException")
    aborts = _click_classes("Abort")
    try:
        code = app(args=argv, standalone_mode=False, prog_name="t2l-edge")
    except T2LEdgeError as e:
        print(error_message(e), file=sys.stderr)
        sys.exit(e.exit_code)
    except usage_errors as e:
        print(usage_message(e), file=sys.stderr)
        sys.exit(USAGE_EXIT_CODE if getattr(e, "exit_code", 2) in (0, 2) else e.exit_code)
    except (KeyboardInterrupt, *aborts):
        print("aborted", file=sys.stderr)
        sys.exit(ABORT_EXIT_CODE)
    except Exception as e:  # a bug, not bad input: still one line unless asked for the traceback
        if os.environ.get("T2L_EDGE_DEBUG"):
            raise
        print(f"internal error: {type(e).__name__}: {e} (set T2L_EDGE_DEBUG=1 for the traceback)", file=sys.stderr)
        sys.exit(INTERNAL_EXIT_CODE)
    sys.exit(code or 0)


def _version(value: bool):
    if value:
        console.print(f"t2l-edge {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, metavar="",
                                 help="Show the version."),
):
    pass


# -- the command groups (registered here, so that each module only declares its commands) ------------------------

from . import adapters, engine, evaluate, merge, serve, tasks, train, validate  # noqa: E402

# The main job first; each summary whole (click cuts a docstring's first line at ~45 characters, mid-phrase).
COMMANDS = [
    ("apply", engine.apply, "Make an adapter from a task and answer prompts with it."),
    ("generate", engine.generate, "Write adapters (GGUF, PEFT) from task descriptions."),
    ("infer", adapters.infer, "Answer prompts with an adapter file on the base model."),
    ("serve", serve.serve, "An OpenAI-compatible local server; a request may carry a task."),
    ("inspect", adapters.inspect, "Describe an adapter or a base model."),
    ("export", adapters.export, "Convert an adapter between GGUF, PEFT and safetensors."),
    ("merge", merge.merge, "Merge adapters of one base model into one."),
    ("validate", validate.validate, "Check that a deployment fits a device's memory."),
    ("evaluate", evaluate.evaluate, "Score tasks with and without generated adapters."),
    ("compare", evaluate.compare, "Compare two evaluate runs, with confidence intervals."),
    ("build-engine", engine.build_engine, "Export a hypernetwork to a generator bundle (ONNX)."),
    ("train", train.train, "Train a hypernetwork (SFT or reconstruction)."),
    ("train-lora", train.train_lora, "Train ordinary LoRAs: one per task, or one multitask."),
]
GROUPS = [
    ("tasks", tasks.app, "The built-in task suite and task files."),
    ("profiles", validate.profiles_app, "Device memory profiles."),
]

for _name, _command, _summary in COMMANDS:
    app.command(_name, short_help=_summary)(_command)
for _name, _group, _summary in GROUPS:
    app.add_typer(_group, name=_name, short_help=_summary)
