"""Writers: GGUF LoRA adapters and their quantizers, PEFT directories (and later ONNX / TensorRT engines)."""
