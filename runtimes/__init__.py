"""Executors behind small interfaces: generators (ONNX Runtime, TensorRT, the PyTorch reference) opened by one
factory beside them, `factory.open_generator`; the llama.cpp runner (hot swap, streaming) in `llama_cpp`."""

from .factory import open_generator
from .generator import AdapterGenerator, BundleGenerator, open_bundle

__all__ = ["AdapterGenerator", "BundleGenerator", "open_bundle", "open_generator"]
