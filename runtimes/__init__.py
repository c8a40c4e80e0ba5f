"""Executors behind small interfaces: generators (ONNX Runtime, TensorRT, the PyTorch reference) opened by one
factory, `open_generator`; the llama.cpp runner (hot swap, streaming) in `llama_cpp`."""

from .generator import AdapterGenerator, BundleGenerator, open_bundle, open_generator

__all__ = ["AdapterGenerator", "BundleGenerator", "open_bundle", "open_generator"]
