"""Evaluation conditions: what goes into the prompt and which adapter is active, as one table.

| condition  | description in the prompt | solved examples in the prompt | adapter                                         |
|------------|---------------------------|-------------------------------|-------------------------------------------------|
| base       | no                        | no                            | none                                            |
| base+desc  | yes                       | no                            | none                                            |
| t2l        | no                        | no                            | generated from the task's description           |
| t2l+desc   | yes                       | no                            | generated from the task's description           |
| mismatched | no                        | no                            | generated from another task's description       |
| oracle     | no                        | no                            | the task's own trained LoRA (`train-lora`)      |
| icl        | yes                       | k (in-context learning)       | none                                            |
| t2l+card   | no                        | no                            | generated from the task card: description + k   |
|            |                           |                               | examples (the same k examples icl shows)        |
| t2l+card+icl | yes                     | k (the card's)                | generated from the task card: does the adapter  |
|            |                           |                               | make in-context learning better?                |
| multitask  | yes                       | no                            | one LoRA trained on the whole training mixture  |
|            |                           |                               | (`train-lora --multitask`), the same for all    |

The last three are baselines: they run when named (`--conditions icl,t2l+card,multitask`), not by default. The k
examples of an evaluated example are drawn from the task's other examples, never one with its input (see
`runner.shots_for`).

Also here: the seeded derangement that picks each task's "other" task, and the oracle LoRAs found in a folder.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Sequence

from ..errors import InvalidInputError, MissingFileError
from ..io import read_json
from ..keys import Files
from ..tasks.format import task_dirname


class AdapterSource(str, Enum):
    NONE = "none"  # the plain base model
    OWN = "own"  # generated from the task's own description
    OTHER = "other"  # generated from the description of the task it is mismatched with
    ORACLE = "oracle"  # the task's trained LoRA
    CARD = "card"  # generated from the task card: the task's description and the example's shots
    MULTITASK = "multitask"  # one LoRA trained on every training task, the same for every task
    GIVEN = "given"  # an adapter the user gave by name (`evaluate --adapter NAME=PATH`), the same for every task


GENERATED = (AdapterSource.OWN, AdapterSource.OTHER, AdapterSource.CARD)


@dataclass(frozen=True)
class Condition:
    name: str
    description_in_prompt: bool
    adapter: AdapterSource
    summary: str
    shots_in_prompt: bool = False  # k solved examples before the query
    baseline: bool = False  # run only when named

    @property
    def needs_generator(self) -> bool:
        return self.adapter in GENERATED

    @property
    def needs_shots(self) -> bool:
        return self.shots_in_prompt or self.adapter is AdapterSource.CARD

    def to_dict(self) -> dict:
        return {"name": self.name, "description_in_prompt": self.description_in_prompt, "adapter": self.adapter.value,
                "shots_in_prompt": self.shots_in_prompt}


CONDITIONS: dict[str, Condition] = {
    c.name: c
    for c in (
        Condition("base", False, AdapterSource.NONE, "the base model alone"),
        Condition("base+desc", True, AdapterSource.NONE, "the base model, the description in the prompt"),
        Condition("t2l", False, AdapterSource.OWN, "the adapter generated from the task's description"),
        Condition("t2l+desc", True, AdapterSource.OWN, "that adapter and the description in the prompt"),
        Condition("mismatched", False, AdapterSource.OTHER, "the adapter generated from another task's description"),
        Condition("oracle", False, AdapterSource.ORACLE, "the task's own trained LoRA"),
        Condition("icl", True, AdapterSource.NONE, "the base model, the description and k solved examples in the "
                  "prompt", shots_in_prompt=True, baseline=True),
        Condition("t2l+card", False, AdapterSource.CARD, "the adapter generated from the description and the same k "
                  "examples (a task card)", baseline=True),
        Condition("t2l+card+icl", True, AdapterSource.CARD, "the card's adapter, and the description and the same k "
                  "examples in the prompt", shots_in_prompt=True, baseline=True),
        Condition("multitask", True, AdapterSource.MULTITASK, "one LoRA trained on the training mixture, the "
                  "description in the prompt", baseline=True),
    )
}
SEPARATOR = ","


def given_conditions(names: Sequence[str]) -> list[Condition]:
    """One condition per adapter given by name: that adapter, no description in the prompt (as `t2l`)."""
    seen: set[str] = set()
    out = []
    for name in names:
        if not name or name in seen or name in CONDITIONS:
            why = "is empty" if not name else "is used twice" if name in seen else "is also a condition's name"
            raise InvalidInputError(f"adapter name {name!r} {why}: give each --adapter a distinct NAME=PATH")
        seen.add(name)
        out.append(Condition(name, False, AdapterSource.GIVEN, f"the adapter {name!r}"))
    return out


def parse_conditions(value: str | Sequence[str]) -> list[Condition]:
    """'base,t2l' (or a list of names) -> the conditions, in the table's order, each once."""
    names = value.split(SEPARATOR) if isinstance(value, str) else list(value)
    names = [n.strip().lower() for n in names if n.strip()]
    if not names:
        raise InvalidInputError(f"no conditions given (known: {', '.join(CONDITIONS)})")
    unknown = [n for n in names if n not in CONDITIONS]
    if unknown:
        raise InvalidInputError(f"unknown condition {unknown[0]!r} (known: {', '.join(CONDITIONS)})")
    return [c for name, c in CONDITIONS.items() if name in names]


def default_conditions(n_tasks: int, generator: bool, oracles: bool) -> list[Condition]:
    """Every condition the inputs allow, baselines aside: adapters need a generator, `mismatched` two tasks, `oracle`
    oracle LoRAs."""
    usable = {
        AdapterSource.NONE: True,
        AdapterSource.OWN: generator,
        AdapterSource.OTHER: generator and n_tasks >= 2,
        AdapterSource.ORACLE: oracles,
    }
    return [c for c in CONDITIONS.values() if not c.baseline and usable[c.adapter]]


# -- mismatched: a fixed derangement of the tasks -------------------------------------------------------------------

DERANGEMENT_ATTEMPTS = 1000


def derangement(names: Sequence[str], descriptions: Sequence[Sequence[str]] | None = None, seed: int = 0) -> dict[str, str]:
    """Each task -> another task, seeded: a random cyclic permutation (Sattolo's algorithm), so no task maps to
    itself. With `descriptions` (one list per task), a task never maps to one that shares a description with it
    (two benchmark files with the same standard instruction would otherwise be a matched pair)."""
    names = list(names)
    if len(names) < 2:
        raise InvalidInputError("condition 'mismatched' needs at least two tasks")
    if len(set(names)) != len(names):
        raise InvalidInputError("task names must be unique")
    sets = [set(d) for d in descriptions] if descriptions is not None else [{n} for n in names]
    rng = random.Random(f"t2l-edge-mismatch:{seed}")
    for _ in range(DERANGEMENT_ATTEMPTS):
        order = list(range(len(names)))
        for i in range(len(order) - 1, 0, -1):  # Sattolo: j < i, so the result is one cycle through every task
            j = rng.randrange(i)
            order[i], order[j] = order[j], order[i]
        if all(not (sets[i] & sets[order[i]]) for i in range(len(names))):
            return {names[i]: names[order[i]] for i in range(len(names))}
    raise InvalidInputError(
        "condition 'mismatched': no pairing gives every task another task with different descriptions "
        "(too many tasks share their descriptions)"
    )


# -- oracle LoRAs in a folder ---------------------------------------------------------------------------------------

TASK_SIDECAR = "task.json"  # what `train-lora` writes beside each PEFT dir's weights; <stem>.task.json beside a file
TASK_SIDECAR_SUFFIX = ".task.json"
ORACLE_FILE_SUFFIXES = (".gguf", ".safetensors")


def _sidecar(path: Path) -> Path:
    return path / TASK_SIDECAR if path.is_dir() else path.with_name(path.stem + TASK_SIDECAR_SUFFIX)


def _oracle_name(path: Path) -> str:
    side = _sidecar(path)
    if side.is_file():
        data = read_json(side)
        if isinstance(data, dict) and isinstance(data.get("name"), str) and data["name"].strip():
            return data["name"]
    return path.name if path.is_dir() else path.stem


def oracle_paths(folder: str | os.PathLike, tasks: Sequence[str]) -> dict[str, Path]:
    """Task name -> its oracle LoRA in `folder` (a PEFT dir or a .gguf / .safetensors file per task, named by its
    task.json, else by its folder or file name; `train-lora` writes `<folder>/<task>/`). Tasks without one are left
    out; a folder with none for any task is an error."""
    folder = Path(folder)
    if not folder.is_dir():
        raise MissingFileError(f"{folder}: oracle LoRA folder not found")
    found: dict[str, Path] = {}
    for p in sorted(folder.iterdir()):
        if p.name.startswith(".") or p.name.endswith(TASK_SIDECAR_SUFFIX):
            continue
        if (p.is_dir() and (p / Files.PEFT_CONFIG).is_file()) or (p.is_file() and p.suffix.lower() in ORACLE_FILE_SUFFIXES):
            found.setdefault(_oracle_name(p), p)
    by_folder = {task_dirname(name): path for name, path in found.items()}
    out = {}
    for task in tasks:
        path = found.get(task) or by_folder.get(task_dirname(task))
        if path is not None:
            out[task] = path
    if not out:
        have = ", ".join(found) or "no adapters"
        raise InvalidInputError(f"{folder}: no oracle LoRA for any of the tasks (it holds {have})")
    return out
