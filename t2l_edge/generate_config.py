"""`t2l-edge generate --config FILE`: the command's options in a TOML or YAML file, under a `[generate]` table.

    [generate]                      # generate:
    task = "Reverse the words."     #   task: Reverse the words.
    output = "reverse.gguf"         #   output: reverse.gguf
    quantization = "q4_0"           #   quantization: q4_0
    validate = "raspberry-pi-4-4gb" #   validate: raspberry-pi-4-4gb

Options given on the command line win over the file. Paths are relative to the file. Messages name the file, the
table and the field, as `train --config` does: ``gen.yaml: [generate] unknown field 'taks' (known: …)``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .config_files import read_config_file
from .errors import InvalidInputError
from .limits import check_context
from .text import quote

SECTION = "generate"
PATH_FIELDS = ("examples", "batch_file", "output", "bundle", "checkpoint", "encoder")


@dataclass(frozen=True)
class GenerateConfig:
    task: str | None = None
    examples: str | None = None  # a file of solved examples for the task card
    batch_file: str | None = None
    output: str | None = None
    bundle: str | None = None
    checkpoint: str | None = None
    encoder: str | None = None
    format: str | None = None
    quantization: str | None = None
    validate: str | None = None  # a device profile: check the fit after generating
    context: int | None = None  # for validate

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            if f.name == "context":
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    raise InvalidInputError(f"field 'context': must be a positive integer, got {quote(repr(value), 40)}")
                check_context(value, "field 'context'")
            elif not isinstance(value, str) or not value.strip():
                raise InvalidInputError(f"field '{f.name}': must be a non-empty string, got {value!r}")

    @classmethod
    def load(cls, path: str | os.PathLike) -> "GenerateConfig":
        path = Path(path)
        return cls.from_dict(read_config_file(path), source=str(path), root=path.resolve().parent)

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "<config>", root: Path | None = None) -> "GenerateConfig":
        unknown = [k for k in data if k != SECTION]
        if unknown:
            raise InvalidInputError(f"{source}: unknown section [{unknown[0]}] (known: {SECTION})")
        raw = data.get(SECTION, {})
        if not isinstance(raw, dict):
            raise InvalidInputError(f"{source}: [{SECTION}] must be a table, got {type(raw).__name__}")
        known = [f.name for f in fields(cls)]
        for key in raw:
            if key not in known:
                raise InvalidInputError(f"{source}: [{SECTION}] unknown field '{key}' (known: {', '.join(known)})")
        raw = dict(raw)
        if root is not None:
            for key in PATH_FIELDS:
                if isinstance(raw.get(key), str) and raw[key].strip():
                    raw[key] = str(root / Path(raw[key]).expanduser())
        try:
            return cls(**raw)
        except InvalidInputError as e:
            raise InvalidInputError(f"{source}: [{SECTION}] {e}") from None

    def merged(self, **given) -> "GenerateConfig":
        """These values with the command line's (not None) on top."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update({k: str(v) if isinstance(v, Path) else v for k, v in given.items() if v is not None})
        return GenerateConfig(**values)
