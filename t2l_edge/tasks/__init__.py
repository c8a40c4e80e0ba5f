"""Tasks: our task format and Super-NaturalInstructions files, scoring, and the built-in offline suite with its
train / held-out splits. Torch-free (stdlib only)."""

from .format import Example, Metric, Task, load_tasks, save_tasks
from .metrics import normalize, score
from .splits import HELDOUT_FAMILIES, Split, build_split, parse_split
from .suite import FAMILIES, THEMES, Family

__all__ = [
    "Example", "Metric", "Task", "load_tasks", "save_tasks", "normalize", "score", "HELDOUT_FAMILIES", "Split",
    "build_split", "parse_split", "FAMILIES", "THEMES", "Family",
]
