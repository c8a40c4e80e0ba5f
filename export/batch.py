"""A folder of adapters for a batch file: numbered by position (0001.gguf, …) plus `index.jsonl`, written atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Sequence

from t2l_edge.adapter import LoraAdapter
from t2l_edge.batch import EXTENSIONS, INDEX_FILE, TaskLine
from t2l_edge.io import atomic_dir

from .formats import AdapterFormat, save_adapter


def write_batch(adapters: Sequence[LoraAdapter], lines: Sequence[TaskLine], output: str | os.PathLike, fmt: str,
                recipe: str | None = None) -> Path:
    fmt = AdapterFormat(fmt)
    width = max(4, len(str(len(adapters))))
    with atomic_dir(output) as tmp:
        rows = []
        for i, (adapter, line) in enumerate(zip(adapters, lines), 1):
            name = f"{i:0{width}d}{EXTENSIONS[fmt.value]}"
            save_adapter(adapter, tmp / name, fmt, recipe)
            rows.append({"line": line.line, "file": name, "task": line.text})
        (tmp / INDEX_FILE).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return Path(output)
