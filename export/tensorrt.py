"""TensorRT engines for a bundle: Builder -> network -> OnnxParser -> optimization profile -> serialized engine.

TensorRT is imported lazily; where it (or a CUDA GPU) is missing, `require_tensorrt` raises one line saying what to
install. TensorRT 10 and 11 differ in how a precision is asked for:
  - 10 (Jetson stays here): weakly typed network; fp16 = the fp32 ONNX + BuilderFlag.FP16.
  - 11: strongly typed only (BuilderFlag.FP16/INT8 and calibrators are gone); fp16 = build from the fp16 ONNX.
int8 needs explicit Q/DQ calibration in both: not built here (`bundle.ALLOWED_PRECISIONS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from t2l_edge.bundle import Precision
from t2l_edge.errors import InvalidInputError, RuntimeBackendError
from t2l_edge.keys import BundleFiles, BundleGraph

INSTALL_HINT = (
    "TensorRT is not installed: install it from NVIDIA (pip install tensorrt --extra-index-url "
    "https://pypi.nvidia.com, or the JetPack/TensorRT packages) on a machine with an NVIDIA GPU and driver"
)
WORKSPACE_BYTES = 1 << 30
ENGINE_FILES = {BundleGraph.ENCODER: BundleFiles.ENCODER_ENGINE, BundleGraph.HYPERNET: BundleFiles.HYPERNET_ENGINE}


def require_tensorrt():
    """The tensorrt module, or a `RuntimeBackendError` naming what to install (no TensorRT, or no GPU)."""
    try:
        import tensorrt as trt
    except ImportError:
        raise RuntimeBackendError(INSTALL_HINT) from None
    if not _has_cuda_gpu():
        raise RuntimeBackendError("TensorRT is installed but no NVIDIA GPU is visible (check the driver, nvidia-smi)")
    return trt


def _has_cuda_gpu() -> bool:
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("cuda") or "libcuda.so.1"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return False
    count = ctypes.c_int(0)
    return lib.cuInit(0) == 0 and lib.cuDeviceGetCount(ctypes.byref(count)) == 0 and count.value > 0


def major_version(version: str) -> int:
    try:
        return int(str(version).split(".")[0])
    except ValueError:
        raise RuntimeBackendError(f"unrecognised TensorRT version {version!r}") from None


@dataclass(frozen=True)
class BuildPlan:
    """What to parse and which builder flags to set, for one TensorRT major version and precision."""

    onnx_precision: Precision  # which ONNX graph the parser reads
    strongly_typed: bool  # NetworkDefinitionCreationFlag.STRONGLY_TYPED
    fp16_flag: bool  # BuilderFlag.FP16 (TensorRT 10 only)


def build_plan(trt_major: int, precision: Precision | str) -> BuildPlan:
    precision = Precision(precision)
    if precision is Precision.INT8:
        raise InvalidInputError("int8 TensorRT engines need explicit Q/DQ calibration, which build-engine does not do; "
                                "use --precision fp16 or fp32")
    if trt_major >= 11:  # strongly typed: the types in the ONNX are the types of the engine
        return BuildPlan(precision, strongly_typed=True, fp16_flag=False)
    if trt_major >= 10:
        return BuildPlan(Precision.FP32, strongly_typed=False, fp16_flag=precision is Precision.FP16)
    raise RuntimeBackendError(f"TensorRT {trt_major} is too old: TensorRT 10 or 11 is required")


def profile_shapes(role: str, max_batch: int, max_sequence: int, embedding_dim: int | None = None
                   ) -> dict[str, tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]]:
    """(min, opt, max) shape per input: batch 1…max_batch, sequence 1…max_sequence (opt: one text of 32 tokens)."""
    if max_batch < 1 or max_sequence < 1:
        raise InvalidInputError(f"profile needs max_batch ≥ 1 and max_sequence ≥ 1, got {max_batch}, {max_sequence}")
    if role == BundleGraph.ENCODER:
        shape = ((1, 1), (1, min(32, max_sequence)), (max_batch, max_sequence))
        return {BundleGraph.INPUT_IDS: shape, BundleGraph.ATTENTION_MASK: shape}
    if role == BundleGraph.HYPERNET:
        if embedding_dim is None:
            raise InvalidInputError("the hypernetwork profile needs the embedding dimension")
        return {BundleGraph.EMBEDDING: ((1, embedding_dim), (1, embedding_dim), (max_batch, embedding_dim))}
    raise InvalidInputError(f"no TensorRT profile for graph {role!r}")


def build_engines(out: Path, onnx_files: Mapping[str, Path], precision: Precision, max_batch: int = 16,
                  max_sequence: int = 256) -> dict[str, str]:
    """Serialize one engine per graph into `out`; returns {role: engine file name}. `onnx_files` are the graphs in
    the bundle's precision (fp16 ONNX for an fp16 bundle); TensorRT 10 re-reads the fp32 export beside them."""
    trt = require_tensorrt()
    plan = build_plan(major_version(trt.__version__), precision)
    logger = trt.Logger(trt.Logger.WARNING)
    engines = {}
    for role, path in onnx_files.items():
        source = path if plan.onnx_precision is precision else path.with_name(path.name.split(".", 1)[-1])
        builder = trt.Builder(logger)
        flags = 1 << int(trt.NetworkDefinitionCreationFlag.STRONGLY_TYPED) if plan.strongly_typed else 0
        network = builder.create_network(flags)
        parser = trt.OnnxParser(network, logger)
        if not parser.parse_from_file(str(source)):
            errors = "; ".join(str(parser.get_error(i)) for i in range(parser.num_errors))
            raise RuntimeBackendError(f"{source}: TensorRT could not parse the graph ({errors})")
        config = builder.create_builder_config()
        config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, WORKSPACE_BYTES)
        if plan.fp16_flag:
            config.set_flag(trt.BuilderFlag.FP16)
        profile = builder.create_optimization_profile()
        dim = network.get_input(0).shape[-1] if role == BundleGraph.HYPERNET else None
        for name, (lo, opt, hi) in profile_shapes(role, max_batch, max_sequence, dim).items():
            profile.set_shape(name, lo, opt, hi)
        config.add_optimization_profile(profile)
        blob = builder.build_serialized_network(network, config)
        if blob is None:
            raise RuntimeBackendError(f"{source}: TensorRT failed to build an engine")
        (out / ENGINE_FILES[role]).write_bytes(bytes(blob))
        engines[role] = ENGINE_FILES[role]
    return engines
