"""The TensorRT generator: a bundle's serialized engines, run with the TensorRT Python API and CUDA through
cuda-python (no torch). Same interface as every generator (`generator.BundleGenerator`).

    deserialize_cuda_engine -> set_input_shape -> set_tensor_address -> execute_async_v3

Not run on the machines this was written on (no TensorRT): `export.tensorrt.require_tensorrt` gives the message.
"""

from __future__ import annotations

import numpy as np

from t2l_edge.bundle import Bundle
from t2l_edge.errors import RuntimeBackendError
from t2l_edge.export.tensorrt import require_tensorrt
from t2l_edge.keys import BundleExtra, BundleGraph

from .generator import BundleGenerator



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


class TensorRTGenerator(BundleGenerator):
    """Text -> `LoraAdapter` with the bundle's TensorRT engines (tokenization and checks: `BundleGenerator`)."""

    batch_size = 16

    def __init__(self, bundle: Bundle):
        trt = require_tensorrt()
        engines = bundle.manifest.extra.get(BundleExtra.ENGINES) or {}
        if set(engines) != {BundleGraph.ENCODER, BundleGraph.HYPERNET}:
            raise RuntimeBackendError(f"{bundle.path}: the bundle holds no TensorRT engines (target {bundle.manifest.engine_target.value})")
        super().__init__(bundle)
        self.cudart = _cudart()
        self.stream = _check(self.cudart.cudaStreamCreate())
        runtime = trt.Runtime(trt.Logger(trt.Logger.WARNING))
        self.encoder = _Engine(trt, runtime, bundle.path / engines[BundleGraph.ENCODER])
        self.hypernet = _Engine(trt, runtime, bundle.path / engines[BundleGraph.HYPERNET])

    def run_encoder(self, feeds):
        return self.encoder.run(dict(feeds), self.cudart, self.stream)[BundleGraph.EMBEDDING]

    def run_hypernet(self, embedding):
        return self.hypernet.run({BundleGraph.EMBEDDING: embedding.astype(np.float32)}, self.cudart, self.stream)
