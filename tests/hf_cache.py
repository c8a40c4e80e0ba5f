"""The Gemma base as a transformers model, dequantized from the SAME GGUF that llama.cpp runs, cached on disk.

Dequantizing the GGUF takes ≈35 s and ~3 GB; `save_pretrained` of the result reloads in well under a second. The
cache key holds the GGUF's name and size and the transformers version, so a different base or library rebuilds it.
Nothing is downloaded: the model and its tokenizer both come from the local GGUF.
"""

from __future__ import annotations

from pathlib import Path

from t2l_edge.io import atomic_dir
from t2l_edge.models import cache_dir


def hf_cache_path(gguf_path: Path) -> Path:
    import transformers

    gguf_path = Path(gguf_path)
    return cache_dir() / "hf" / f"{gguf_path.stem}-{gguf_path.stat().st_size}-transformers{transformers.__version__}"


def load_hf_from_gguf(gguf_path: Path):
    """(model, tokenizer) in fp32, eval mode."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf_path = Path(gguf_path)
    cached = hf_cache_path(gguf_path)
    if not (cached / "config.json").is_file():
        model = AutoModelForCausalLM.from_pretrained(gguf_path.parent, gguf_file=gguf_path.name, dtype=torch.float32)
        tokenizer = AutoTokenizer.from_pretrained(gguf_path.parent, gguf_file=gguf_path.name)
        # The weights are already dequantized fp32; transformers only keeps a GGUF "quantizer" marker, which
        # refuses save_pretrained. Drop the marker so the plain fp32 checkpoint can be written.
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        with atomic_dir(cached) as tmp:
            model.save_pretrained(tmp)
            tokenizer.save_pretrained(tmp)
        del model
    model = AutoModelForCausalLM.from_pretrained(cached, dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(cached)
    return model.eval(), tokenizer
