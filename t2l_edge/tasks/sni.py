"""The T2L reference's descriptions of Super-NaturalInstructions tasks, read from a local checkout of
SakanaAI/text-to-lora (Apache-2.0) given by path; nothing of it is copied into this project.

Each `tasks/lol_NNN/metadata.yaml` there holds `task_name: Lots-of-LoRAs/taskNNN_<name>` and `descriptions:` (about
200 LLM-written descriptions of the task). Suite rows that implement an SNI task (`Family.sni`) train on them as well
as on their own descriptions (`[data] sni_descriptions`); their held-out descriptions stay their own.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..config_files import read_config_file
from ..errors import CorruptFileError, MissingFileError

TASK_GLOB = "tasks/lol_*/metadata.yaml"
TASK_NAME_PREFIX = "Lots-of-LoRAs/"


def read_t2l_descriptions(checkout: str | os.PathLike) -> dict[str, tuple[str, ...]]:
    """SNI task id ("task063_first_i_elements") -> its descriptions, from every metadata file of the checkout."""
    root = Path(checkout)
    files = sorted(root.glob(TASK_GLOB))
    if not files:
        raise MissingFileError(f"{root}: no {TASK_GLOB} (give a checkout of SakanaAI/text-to-lora)")
    out: dict[str, tuple[str, ...]] = {}
    for path in files:
        data = read_config_file(path)
        name, descriptions = data.get("task_name"), data.get("descriptions")
        if not isinstance(name, str) or not isinstance(descriptions, list):
            raise CorruptFileError(f"{path}: needs a 'task_name' string and a 'descriptions' list")
        texts = tuple(dict.fromkeys(" ".join(d.split()) for d in descriptions if isinstance(d, str) and d.strip()))
        if texts:
            out[name.removeprefix(TASK_NAME_PREFIX)] = texts
    return out

