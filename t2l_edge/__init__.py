"""t2l-edge: a task description in, a LoRA adapter for the device's LLM out."""

from .adapter import LoraAdapter, ScaleRule
from .errors import T2LEdgeError
from .targets import ModuleKind, TargetSpec

__version__ = "0.1.0"
__all__ = ["LoraAdapter", "ScaleRule", "T2LEdgeError", "ModuleKind", "TargetSpec", "__version__"]
