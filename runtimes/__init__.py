"""Executors: the llama.cpp runner (and later ONNX Runtime / TensorRT generators)."""
