"""The generator bundle's side of the estimate, read from the manifest `build-engine` wrote (`bundle.Manifest`):
the graphs the device loads (not every file in the folder: a TensorRT bundle keeps its ONNX sources beside the
engines), their runtime, where they run (host memory, or a discrete GPU's for cuda / tensorrt) and their precision.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from ..bundle import Bundle, EngineTarget, Manifest
from ..choices import Precision, parse_choice
from ..device_profiles import ExecutionProvider, Runtime
from ..errors import InvalidInputError
from ..keys import BundleExtra

MiB = 1 << 20

# How a bundle of each build-engine target runs: its runtime and execution provider (which decides the pool).
TARGET_RUNTIME: dict[EngineTarget, tuple[Runtime, ExecutionProvider]] = {
    EngineTarget.CPU: (Runtime.ONNXRUNTIME, ExecutionProvider.CPU),
    EngineTarget.MOBILE: (Runtime.ONNXRUNTIME, ExecutionProvider.CPU),
    EngineTarget.CUDA: (Runtime.ONNXRUNTIME, ExecutionProvider.CUDA),
    EngineTarget.TENSORRT: (Runtime.TENSORRT, ExecutionProvider.TENSORRT),
}

# HEURISTIC, from FACTS.md: onnxruntime + tokenizers + the MiniLM encoder peaked at 199 MiB with fp32 weights (86 MiB)
# and 101 MiB with int8 ones (22 MiB): ~1.5x the weights while a session loads, plus ~36 MiB of libraries and
# activations.
BUNDLE_WEIGHT_FACTOR: dict[Runtime, float] = {Runtime.ONNXRUNTIME: 1.5, Runtime.TENSORRT: 1.0}
BUNDLE_RUNTIME_LIBS: dict[Runtime, int] = {Runtime.ONNXRUNTIME: 30 * MiB, Runtime.TENSORRT: 600 * MiB}
BUNDLE_ACTIVATION_PER_ITEM: dict[Precision, int] = {
    Precision.F32: 6 * MiB,
    Precision.F16: 3 * MiB,
    Precision.BF16: 3 * MiB,
    Precision.INT8: 6 * MiB,  # dynamic quantization keeps fp32 activations
    Precision.INT4: 6 * MiB,
}
BYTES_PER_PARAM: dict[Precision, float] = {
    Precision.F32: 4, Precision.F16: 2, Precision.BF16: 2, Precision.INT8: 1, Precision.INT4: 0.5,
}
GPU_PROVIDERS = frozenset({ExecutionProvider.CUDA, ExecutionProvider.TENSORRT})


@dataclass(frozen=True)
class BundleTerm:
    """A generator bundle as the device loads it: the graph files its runtime opens (name, bytes), the runtime, the
    execution provider and the precision, all from its manifest."""

    path: str
    files: tuple[tuple[str, int], ...]
    runtime: Runtime
    execution_provider: ExecutionProvider
    precision: Precision
    batch: int = 1

    def __post_init__(self):
        if self.batch <= 0:
            raise InvalidInputError(f"bundle batch must be positive, got {self.batch}")

    @property
    def weights(self) -> int:
        return sum(size for _, size in self.files)

    @property
    def on_gpu(self) -> bool:
        return self.execution_provider in GPU_PROVIDERS

    def with_precision(self, precision: Precision | str) -> "BundleTerm":
        """The same bundle built at another precision: every weight file scaled by the bytes per parameter."""
        precision = parse_choice(Precision, precision, "precision")
        ratio = BYTES_PER_PARAM[precision] / BYTES_PER_PARAM[self.precision]
        files = tuple((name, int(round(size * ratio))) for name, size in self.files)
        return replace(self, files=files, precision=precision)

    @classmethod
    def from_manifest(cls, manifest: Manifest, path: str | os.PathLike = "", batch: int = 1) -> "BundleTerm":
        runtime, provider = TARGET_RUNTIME[manifest.engine_target]
        if runtime is Runtime.TENSORRT:
            names = list((manifest.extra.get(BundleExtra.ENGINES) or {}).values())
        else:
            names = [g.file for g in manifest.graphs.values()]
        files = tuple(sorted((name, manifest.files[name].size) for name in names if name in manifest.files))
        if not files:
            raise InvalidInputError(f"{path or 'bundle'}: its manifest lists no graph files for {runtime.value}")
        return cls(str(path), files, runtime, provider, manifest.precision, batch)

    @classmethod
    def from_dir(cls, path: str | os.PathLike, batch: int = 1) -> "BundleTerm":
        """A bundle directory written by `build-engine`, verified as the runtimes load it (format version, every
        file's size and sha256, no file outside it): a verdict on a bundle that would not load is no verdict."""
        bundle = Bundle.load(Path(path), verify=True)
        return cls.from_manifest(bundle.manifest, bundle.path, batch)
