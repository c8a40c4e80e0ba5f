"""What an output path and the options ask for must agree: the format a file's suffix names, the recipes a format
can honour, the architecture an adapter records. Refused in one line rather than written wrong."""

from __future__ import annotations

import os
from pathlib import Path

from t2l_edge.adapter import LoraAdapter
from t2l_edge.errors import InvalidInputError

from .formats import AdapterFormat
from .recipes import Recipe

# The suffix each file format is written under; a PEFT adapter is a directory (no suffix).
SUFFIX_FORMAT = {".gguf": AdapterFormat.GGUF, ".safetensors": AdapterFormat.SAFETENSORS}
# Recipes each format can write: GGUF every one; PEFT the float precisions (its weights' dtype); native safetensors
# stores float32 A and B.
FORMAT_RECIPES = {
    AdapterFormat.GGUF: frozenset(Recipe),
    AdapterFormat.PEFT: frozenset({Recipe.F32, Recipe.F16, Recipe.BF16}),
    AdapterFormat.SAFETENSORS: frozenset({Recipe.F32}),
}


def output_format(path: str | os.PathLike, fmt: AdapterFormat | str | None) -> AdapterFormat:
    """The format to write `path` in: `fmt`, else what its suffix names (no suffix: a PEFT directory). A suffix that
    names another format than `fmt` is refused."""
    suffix = Path(path).suffix.lower()
    implied = SUFFIX_FORMAT.get(suffix)
    if fmt is None:
        if implied is not None:
            return implied
        if suffix:
            raise InvalidInputError(f"--output {path}: cannot tell the format from {suffix!r}; name it .gguf or "
                                    ".safetensors, or pass --format")
        return AdapterFormat.PEFT
    fmt = AdapterFormat(fmt)
    if implied is not None and implied is not fmt:
        raise InvalidInputError(f"--output {path} names a {implied.value} file but --format is {fmt.value}: "
                                f"name it {Path(path).with_suffix(_suffix(fmt)).name} or pass --format {implied.value}")
    return fmt


def check_recipe(fmt: AdapterFormat, recipe: Recipe | None) -> None:
    """A recipe the format cannot honour is refused (None: the format's own)."""
    if recipe is not None and recipe not in FORMAT_RECIPES[fmt]:
        allowed = ", ".join(sorted(r.value for r in FORMAT_RECIPES[fmt]))
        raise InvalidInputError(f"--quantization {recipe.value} applies to GGUF adapters; {fmt.value} adapters are "
                                f"written in {allowed} (convert to GGUF to quantize)")


def check_architecture(adapter: LoraAdapter, architecture: str | None, source: str | os.PathLike) -> None:
    """`--architecture` must agree with the architecture an adapter records (a foreign PEFT adapter takes it)."""
    if architecture is not None and adapter.target.architecture != architecture.strip().lower():
        raise InvalidInputError(f"--architecture {architecture}, but {source} records {adapter.target.architecture}")


def _suffix(fmt: AdapterFormat) -> str:
    return next((s for s, f in SUFFIX_FORMAT.items() if f is fmt), "")
