"""One factory beside the runtimes it opens: a bundle by its target (ONNX Runtime, or TensorRT), a checkpoint with the
PyTorch reference, or nothing: the shipped hypernetwork's int8 CPU bundle.

    gen = open_generator("bundle/")                   # ONNX Runtime, or TensorRT for a tensorrt bundle
    gen = open_generator(checkpoint="runs/sft")       # the PyTorch reference
    gen = open_generator()                            # the shipped hypernetwork's int8 CPU bundle
    adapters = gen.generate(["Reverse the words."])   # list[LoraAdapter], in order

The runtimes import `generator` (their base class); only this module imports the runtimes.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Sequence

from t2l_edge.bundle import Bundle, EngineTarget
from t2l_edge.errors import InvalidInputError

from .generator import AdapterGenerator, BundleGenerator, open_bundle


def _ort(bundle: Bundle, providers, threads) -> BundleGenerator:
    from .onnxruntime import OrtGenerator

    return OrtGenerator(bundle, providers, threads)


def _tensorrt(bundle: Bundle, providers, threads) -> BundleGenerator:
    """TensorRT engines where TensorRT is installed; else the bundle's ONNX graphs in ONNX Runtime."""
    try:
        import tensorrt  # noqa: F401
    except ImportError:
        return _ort(bundle, providers, threads)
    from .tensorrt import TensorRTGenerator

    return TensorRTGenerator(bundle)


# Which runtime opens a bundle of each build-engine target.
OPENERS: dict[EngineTarget, Callable[..., BundleGenerator]] = {
    EngineTarget.CPU: _ort,
    EngineTarget.CUDA: _ort,
    EngineTarget.MOBILE: _ort,
    EngineTarget.TENSORRT: _tensorrt,
}


def open_generator(
    bundle: str | os.PathLike | Bundle | None = None,
    checkpoint: str | os.PathLike | None = None,
    encoder: str | os.PathLike | None = None,
    *,
    providers: str | Sequence[str] = "auto",
    threads: int | None = None,
    progress: Callable[[str], None] | None = None,
    verify: bool = True,
    card_reader: Callable[[Sequence[str]], Any] | None = None,
) -> AdapterGenerator:
    """The generator for a bundle (by its target: ONNX Runtime or TensorRT), for a checkpoint (the PyTorch reference,
    with `encoder`), or without either the shipped hypernetwork's bundle. `card_reader` (texts -> (N, F) card
    features: runtimes.llama_cpp.CardReader) lets a card-reading one read a task card's examples."""
    if bundle is not None and checkpoint is not None:
        raise InvalidInputError("give --bundle or --checkpoint, not both")
    if checkpoint is not None:
        from t2l_edge.train.generate import TorchGenerator

        generator = TorchGenerator(checkpoint, encoder)
    else:
        if encoder is not None:
            raise InvalidInputError("--encoder applies to --checkpoint only: a bundle carries its own encoder")
        b = open_bundle(bundle, verify, progress)
        generator = OPENERS[b.manifest.engine_target](b, providers, threads)
    generator.card_reader = card_reader
    return generator


__all__ = ["OPENERS", "open_generator"]
