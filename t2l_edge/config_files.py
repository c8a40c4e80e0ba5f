"""Config files in TOML or YAML: one reader, so `train --config` and `generate --config` take either with the same
schema and the same messages. YAML is read with PyYAML's SafeLoader only (plain data: no tags that build objects)."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Callable

from .errors import InvalidInputError, MissingFileError
from .io import check_structure, read_text
from .limits import MAX_CONFIG_FILE_BYTES, MAX_CONFIG_VALUES, MAX_NESTING
from .text import quote


def _toml(text: str, path: Path) -> Any:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InvalidInputError(f"{path}: not valid TOML ({e})") from None
    except RecursionError:
        raise InvalidInputError(f"{path}: nested more than {MAX_NESTING} levels deep") from None


def _yaml(text: str, path: Path) -> Any:
    try:
        import yaml
    except ImportError:
        raise InvalidInputError(f"{path}: reading YAML needs PyYAML: pip install pyyaml (or write the config as TOML)") from None
    try:
        return yaml.load(text, Loader=_safe_loader(yaml))  # SafeLoader: plain data only
    except yaml.YAMLError as e:
        where = getattr(e, "problem_mark", None)
        at = f" at line {where.line + 1}" if where is not None else ""
        problem = getattr(e, "problem", None) or type(e).__name__
        raise InvalidInputError(f"{path}: not valid YAML ({problem}{at})") from None
    except RecursionError:
        raise InvalidInputError(f"{path}: nested more than {MAX_NESTING} levels deep") from None


_LOADER = None
# YAML 1.2 floats: PyYAML (YAML 1.1) reads `lr: 3e-4` as the string "3e-4"; configs write learning rates that way.
_FLOAT = r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
|\.[0-9_]+(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"""


def _safe_loader(yaml):
    """`yaml.SafeLoader` (no tags that build objects) that also reads YAML 1.2 floats such as 3e-4."""
    global _LOADER
    if _LOADER is None:
        import re

        class Loader(yaml.SafeLoader):
            def construct_mapping(self, node, deep=False):
                """A key given twice is refused, as TOML refuses it (PyYAML keeps the last one silently)."""
                seen = set()
                for key_node, _ in node.value:
                    if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                        if key_node.value in seen:
                            raise yaml.constructor.ConstructorError(
                                None, None, f"duplicate key {quote(key_node.value, 60)!r}", key_node.start_mark)
                        seen.add(key_node.value)
                return super().construct_mapping(node, deep)

        Loader.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(_FLOAT, re.X), list("-+0123456789."))
        _LOADER = Loader
    return _LOADER


# Suffix -> parser; anything else is read as TOML (the format the examples use).
PARSERS: dict[str, Callable[[str, Path], Any]] = {".toml": _toml, ".yaml": _yaml, ".yml": _yaml}
CONFIG_SUFFIXES = tuple(PARSERS)


def read_config_file(path: str | os.PathLike) -> dict[str, Any]:
    """The file's top-level table as a dict (TOML by default, YAML for .yaml / .yml)."""
    path = Path(path)
    if not path.is_file():
        raise MissingFileError(f"{path}: no such config file")
    data = PARSERS.get(path.suffix.lower(), _toml)(read_text(path, MAX_CONFIG_FILE_BYTES), path)
    check_structure(data, str(path), max_values=MAX_CONFIG_VALUES)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InvalidInputError(f"{path}: the config must be a mapping of sections, got {type(data).__name__}")
    bad = [k for k in data if not isinstance(k, str)]
    if bad:
        raise InvalidInputError(f"{path}: section names must be strings, got {bad[0]!r}")
    return data
