"""Options shared by several commands, declared once. Choices are (str, Enum) types, so `--help` lists them and a
wrong value is a usage error naming them; other spellings of one idea (`fp16` for `f16`) are accepted by the app's
token normalizer. Short flags mean one thing everywhere: -a adapter, -m base model, -q quantization, -o output,
-f adapter format, -p prompt, -t task files, -d device profile, -c config, -n instances per task. A long option means one
thing and has one default in every command that takes it (tests/test_cli_usage.py enumerates them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..bundle import EngineTarget
from ..choices import Precision
from ..export.formats import AdapterFormat
from ..export.recipes import Recipe
from ..limits import MAX_CONTEXT, MAX_SEED
from ..prompts import PromptMode

# One default recipe for every command that writes a GGUF adapter: q4_0 is the smallest recipe whose adapters stay
# at the quantized base's jitter floor (KL .0050 vs F32 on Gemma 3 270M, FACTS.md) and the fastest to write.
DEFAULT_RECIPE = Recipe.Q4_0
# One default context for every command that runs llama.cpp, and for `validate`'s estimate of them: a BoolQ passage or
# a GSM8K problem plus its answer fits (evaluate), and what `validate` checks is what `apply` and `serve` then use.
DEFAULT_CONTEXT = 2048
DEFAULT_MAX_TOKENS = 64  # answers of `apply`, `infer`: a task's output is a line; 64 tokens hold every suite answer
NO_METAVAR = ""  # flags take no value: show none


def flag(*names: str, help: str) -> typer.models.OptionInfo:
    return typer.Option(*names, help=help, metavar=NO_METAVAR)


AdapterPath = Annotated[Path, typer.Option("--adapter", "-a", help="Adapter: GGUF file, PEFT directory or .safetensors.")]
BaseModel = Annotated[
    Optional[Path], typer.Option("--base-model", "-m", help="Base model GGUF (default: Gemma 3 270M Q4_K_M).")
]
JsonFlag = Annotated[bool, flag("--json", help="Print JSON instead of tables.")]
Force = Annotated[
    bool,
    flag("--force", help="Write a folder output into a folder holding other files (they are kept, never deleted)."),
]
Quantization = Annotated[
    Optional[Recipe],
    typer.Option("--quantization", "-q", case_sensitive=False,
                 help=f"GGUF recipe of the adapter (default {DEFAULT_RECIPE.value}).", show_default=False),
]
Format = Annotated[
    Optional[AdapterFormat],
    typer.Option("--format", "-f", case_sensitive=False, show_default=False,
                 help="Adapter format to write (default: what --output's suffix names: .gguf, .safetensors; "
                      "no suffix: a PEFT directory)."),
]
PromptModeOption = Annotated[
    Optional[PromptMode],
    typer.Option("--prompt-mode", case_sensitive=False, show_default=False,
                 help="instructed: the task description goes into the prompt before the input, the adapter adds to "
                      "it; bare: the adapter alone carries the task (default: the mode the adapter was generated for)."),
]
Task = Annotated[Optional[str], typer.Option("--task", metavar="TEXT", help="The task, in words: the adapter is generated from it.")]
Examples = Annotated[
    Optional[Path], typer.Option("--examples", metavar="FILE", help="Input/output examples for the task card (JSONL or "
                                 "JSON of {\"input\", \"output\"}), with --task or alone.")
]
Bundle = Annotated[
    Optional[Path], typer.Option("--bundle", help="Generator bundle from build-engine (default: the shipped one).")
]
Checkpoint = Annotated[
    Optional[Path],
    typer.Option("--checkpoint", help="PyTorch reference instead of a bundle: checkpoint or training run directory."),
]
Encoder = Annotated[
    Optional[Path], typer.Option("--encoder", help="Text encoder folder for --checkpoint (default: the packaged MiniLM).")
]
Prompt = Annotated[Optional[str], typer.Option("--prompt", "-p", metavar="TEXT", help="One prompt to answer.")]
InputFile = Annotated[
    Optional[Path],
    typer.Option("--input-file", help="Prompts: one per line, or JSONL with a 'prompt' or 'input' field."),
]
MaxTokens = Annotated[int, typer.Option("--max-tokens", min=1, max=4096, help="Tokens to generate at most.")]
Context = Annotated[int, typer.Option("--context", min=64, max=MAX_CONTEXT, help="llama.cpp context length (tokens).")]
PromptFormatOption = Annotated[
    Optional[str],
    typer.Option("--prompt-format", metavar="NAME",
                 help="io-v1: wrap each prompt as 'Input: …\\nOutput:' and stop at the line's end; raw: send it as it is "
                      "(default: io-v1 for a generated adapter)."),
]
Target = Annotated[EngineTarget, typer.Option("--target", case_sensitive=False, help="Where the bundle runs.")]
PrecisionOption = Annotated[
    Optional[Precision],
    typer.Option("--precision", case_sensitive=False, show_default=False,
                 help="Bundle weights (default: f32 cpu, f16 cuda/tensorrt, int8 mobile)."),
]
Seed = Annotated[int, typer.Option("--seed", min=0, max=MAX_SEED, help="Seed of the instance generators.")]
ConfigFile = Annotated[Path, typer.Option("--config", "-c", help="Training config (TOML or YAML).")]


def recipe_or_default(recipe: Recipe | None) -> Recipe:
    return recipe if recipe is not None else DEFAULT_RECIPE
