"""A training run directory's layout, read without torch: `step-NNNNNN/` checkpoints, `latest.json` naming the newest.
Export, the generators and the trainer all find a run's checkpoint here."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .errors import CorruptFileError, MissingFileError
from .keys import Files

LATEST = "latest.json"
TRAINER_STATE = "trainer_state.json"
STEP_PREFIX = "step-"


def step_dir(output: str | os.PathLike, step: int) -> Path:
    return Path(output) / f"{STEP_PREFIX}{step:06d}"


def latest_checkpoint(output: str | os.PathLike) -> Path | None:
    """The newest complete checkpoint of a run directory (latest.json, else the highest step-* folder)."""
    output = Path(output)
    pointer = output / LATEST
    if pointer.is_file():
        try:
            name = json.loads(pointer.read_text())["checkpoint"]
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise CorruptFileError(f"{pointer}: not a checkpoint pointer ({e})") from None
        path = output / name
        if (path / TRAINER_STATE).is_file():
            return path
    found = sorted(p for p in output.glob(f"{STEP_PREFIX}*") if (p / TRAINER_STATE).is_file()) if output.is_dir() else []
    return found[-1] if found else None


def resolve_checkpoint(path: str | os.PathLike) -> Path:
    """A checkpoint directory, or a training run directory (its newest checkpoint)."""
    path = Path(path)
    if not path.is_dir():
        raise MissingFileError(f"{path}: checkpoint directory not found")
    if (path / LATEST).is_file() or not (path / Files.HF_CONFIG).is_file():
        found = latest_checkpoint(path)
        if found is not None:
            return found
    return path
