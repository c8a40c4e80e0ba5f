"""t2l-edge: a task description in, a LoRA adapter for the device's LLM out."""

from .env import configure_runtime_env

configure_runtime_env()  # before llama.cpp, ONNX Runtime or torch initialize (OpenMP spinning, telemetry)

from .adapter import LoraAdapter, ScaleRule  # noqa: E402
from .errors import T2LEdgeError  # noqa: E402
from .targets import ModuleKind, TargetSpec  # noqa: E402

__version__ = "0.1.0"
__all__ = ["LoraAdapter", "ScaleRule", "T2LEdgeError", "ModuleKind", "TargetSpec", "__version__"]
