"""The PyTorch side: text encoder, hypernetwork, base model with functional LoRA hooks."""
