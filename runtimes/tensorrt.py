"""The TensorRT generator: a bundle's serialized engines, run with the TensorRT Python API and CUDA through
cuda-python (no torch). Same interface as the ONNX Runtime `Generator`.

    deserialize_cuda_engine -> set_input_shape -> set_tensor_address -> execute_async_v3

Not run on the machines this was written on (no TensorRT): `export.tensorrt.require_tensorrt` gives the message.
"""

from __future__ import annotations

import numpy as np

from t2l_edge.adapter import LoraAdapter
from t2l_edge.bundle import Bundle, adapters_from_outputs
from t2l_edge.errors import RuntimeBackendError
from t2l_edge.export.tensorrt import require_tensorrt
from t2l_edge.keys import BundleGraph
from t2l_edge.prompts import check_task_texts
from t2l_edge.task_card import TaskInput, task_texts


def _cudart():
    try:
        from cuda.bindings import runtime as cudart
    except ImportError:
        try:
            from cuda import cudart
        except ImportError:
            raise RuntimeBackendError("the TensorRT runtime needs cuda-python: pip install cuda-python") from None
    return cudart


def _check(result):
    err, *rest = result if isinstance(result, tuple) else (result,)
    if int(err) != 0:
        raise RuntimeBackendError(f"CUDA call failed with error {err}")
    return rest[0] if len(rest) == 1 else rest


class _Engine:
    def __init__(self, trt, runtime, path):
        self.engine = runtime.deserialize_cuda_engine(path.read_bytes())
        if self.engine is None:
            raise RuntimeBackendError(f"{path}: TensorRT could not deserialize the engine (built by another version?)")
        self.context = self.engine.create_execution_context()
        names = [self.engine.get_tensor_name(i) for i in range(self.engine.num_io_tensors)]
        self.inputs = [n for n in names if self.engine.get_tensor_mode(n) == trt.TensorIOMode.INPUT]
        self.outputs = [n for n in names if self.engine.get_tensor_mode(n) == trt.TensorIOMode.OUTPUT]
        self.trt = trt

    def run(self, feeds: dict[str, np.ndarray], cudart, stream) -> dict[str, np.ndarray]:
        buffers = []
        try:
            for name, array in feeds.items():
                array = np.ascontiguousarray(array.astype(self.trt.nptype(self.engine.get_tensor_dtype(name))))
                self.context.set_input_shape(name, array.shape)
                ptr = _check(cudart.cudaMalloc(array.nbytes))
                buffers.append(ptr)
                _check(cudart.cudaMemcpy(ptr, array.ctypes.data, array.nbytes, cudart.cudaMemcpyKind.cudaMemcpyHostToDevice))
                self.context.set_tensor_address(name, ptr)
            host = {}
            for name in self.outputs:
                shape = tuple(self.context.get_tensor_shape(name))
                host[name] = np.empty(shape, dtype=self.trt.nptype(self.engine.get_tensor_dtype(name)))
                ptr = _check(cudart.cudaMalloc(max(host[name].nbytes, 1)))
                buffers.append(ptr)
                self.context.set_tensor_address(name, ptr)
            if not self.context.execute_async_v3(stream):
                raise RuntimeBackendError("TensorRT execution failed")
            for name, ptr in zip(self.outputs, buffers[len(feeds):]):
                _check(cudart.cudaMemcpyAsync(host[name].ctypes.data, ptr, host[name].nbytes,
                                              cudart.cudaMemcpyKind.cudaMemcpyDeviceToHost, stream))
            _check(cudart.cudaStreamSynchronize(stream))
            return host
        finally:
            for ptr in buffers:
                cudart.cudaFree(ptr)


class TensorRTGenerator:
    """Text -> `LoraAdapter` with the bundle's TensorRT engines (tokenization as in the ONNX Runtime generator)."""

    def __init__(self, bundle: Bundle):
        trt = require_tensorrt()
        from .onnxruntime import Generator

        engines = bundle.manifest.extra.get("engines") or {}
        if set(engines) != {BundleGraph.ENCODER, BundleGraph.HYPERNET}:
            raise RuntimeBackendError(f"{bundle.path}: the bundle holds no TensorRT engines (target {bundle.manifest.engine_target.value})")
        self.bundle, self.manifest = bundle, bundle.manifest
        self._tokenize = Generator.tokenize.__get__(self)
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(bundle.file("tokenizer.json")))
        self.tokenizer.enable_truncation(max_length=self.manifest.encoder.max_length)
        self.tokenizer.enable_padding(direction="right", pad_id=self.manifest.encoder.pad_id,
                                      pad_token=self.manifest.encoder.pad_token)
        self.cudart = _cudart()
        self.stream = _check(self.cudart.cudaStreamCreate())
        runtime = trt.Runtime(trt.Logger(trt.Logger.WARNING))
        self.encoder = _Engine(trt, runtime, bundle.path / engines[BundleGraph.ENCODER])
        self.hypernet = _Engine(trt, runtime, bundle.path / engines[BundleGraph.HYPERNET])

    def generate(self, texts: TaskInput, batch_size: int = 16) -> list[LoraAdapter]:
        texts = task_texts(texts)  # descriptions as they are, task cards rendered
        overflowing = [bool(e.overflowing) for e in self.tokenizer.encode_batch(texts)]
        check_task_texts(texts, overflowing, self.manifest.encoder.max_length)
        out: list[LoraAdapter] = []
        for start in range(0, len(texts), batch_size):
            chunk = texts[start : start + batch_size]
            emb = self.encoder.run(self._tokenize(chunk), self.cudart, self.stream)[BundleGraph.EMBEDDING]
            outputs = self.hypernet.run({BundleGraph.EMBEDDING: emb.astype(np.float32)}, self.cudart, self.stream)
            out.extend(adapters_from_outputs(self.manifest, outputs, chunk))
        return out
