"""The torch-free generator: a bundle's tokenizer, encoder graph and hypernetwork graph in ONNX Runtime.

    gen = Generator.load("bundle/")                 # verifies the manifest and every checksum
    adapters = gen.generate(["Reverse the words."])  # tokenize -> encoder -> hypernet -> LoraAdapter (batched)

Imports numpy, tokenizers and onnxruntime only: never torch, transformers or tensorrt.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import numpy as np

from t2l_edge.adapter import LoraAdapter
from t2l_edge.bundle import Bundle, adapters_from_outputs
from t2l_edge.errors import InvalidInputError, RuntimeBackendError
from t2l_edge.keys import BundleFiles, BundleGraph
from t2l_edge.text import quote, require_utf8
from t2l_edge.prompts import check_task_texts

# Preference order when providers="auto": the first ones that this onnxruntime build has.
PROVIDER_PREFERENCE = (
    "TensorrtExecutionProvider",
    "CUDAExecutionProvider",
    "CoreMLExecutionProvider",
    "NnapiExecutionProvider",
    "XnnpackExecutionProvider",
    "CPUExecutionProvider",
)
# Accelerators worth trying for each graph; every list ends on the CPU (ORT assigns unsupported nodes to it).
GPU_PROVIDERS = frozenset({"TensorrtExecutionProvider", "CUDAExecutionProvider"})


def _import_ort():
    try:
        import onnxruntime
    except ImportError:
        raise RuntimeBackendError("ONNX Runtime is not installed: pip install onnxruntime (or onnxruntime-gpu)") from None
    return onnxruntime


def choose_providers(available: Sequence[str], requested: str | Sequence[str] = "auto") -> list[str]:
    """'auto': TensorRT -> CUDA -> CoreML / NNAPI / XNNPACK -> CPU, from what is installed; an explicit list is kept
    in its order, checked against what is installed, and ends on the CPU."""
    available = list(available)
    if isinstance(requested, str) and requested == "auto":
        chosen = [p for p in PROVIDER_PREFERENCE if p in available]
    else:
        requested = [requested] if isinstance(requested, str) else list(requested)
        missing = [p for p in requested if p not in available]
        if missing:
            raise InvalidInputError(f"execution provider(s) {', '.join(missing)} not in this onnxruntime "
                                    f"(available: {', '.join(available)})")
        chosen = list(requested)
    if "CPUExecutionProvider" not in chosen:
        chosen.append("CPUExecutionProvider")
    return chosen


def default_threads() -> int:
    """Intra-op threads: the cores this process may use, at most 4 (more buys little for these small graphs)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


class Generator:
    """Text -> `LoraAdapter`, from a bundle, without PyTorch."""

    def __init__(self, bundle: Bundle, providers: str | Sequence[str] = "auto", threads: int | None = None):
        ort = _import_ort()
        from tokenizers import Tokenizer

        self.bundle = bundle
        self.manifest = m = bundle.manifest
        self.tokenizer = Tokenizer.from_file(str(bundle.file(BundleFiles.TOKENIZER)))
        # tokenizer.json carries its own truncation and padding (128 for MiniLM); the manifest's settings win.
        self.tokenizer.enable_truncation(max_length=m.encoder.max_length)
        self.tokenizer.enable_padding(direction="right", pad_id=m.encoder.pad_id, pad_token=m.encoder.pad_token)
        self.providers = choose_providers(ort.get_available_providers(), providers)
        self.threads = threads or default_threads()
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # No busy-waiting between ops: on a shared device the LLM runs right after and needs the cores.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self.encoder = ort.InferenceSession(str(bundle.file(BundleGraph.ENCODER)), options, providers=self.providers)
            self.hypernet = ort.InferenceSession(str(bundle.file(BundleGraph.HYPERNET)), options, providers=self.providers)
        except Exception as e:  # onnxruntime raises its own exception types
            raise RuntimeBackendError(f"{bundle.path}: ONNX Runtime could not load the graphs ({str(e).splitlines()[0]})") from None
        self._outputs = [o.name for o in self.hypernet.get_outputs()]
        expected = list(m.graphs[BundleGraph.HYPERNET].outputs)
        if self._outputs != expected:
            raise RuntimeBackendError(f"{bundle.file(BundleGraph.HYPERNET)}: outputs {self._outputs}, manifest says {expected}")

    @classmethod
    def load(cls, bundle: str | os.PathLike | Bundle | None = None, providers: str | Sequence[str] = "auto",
             threads: int | None = None, verify: bool = True) -> "Generator":
        """The bundle at `bundle`; without one, the shipped hypernetwork's int8 CPU bundle (built once on first use)."""
        if bundle is None:
            from ..export.onnx import default_bundle

            bundle, verify = default_bundle(), False  # default_bundle() has just checked every file
        if not isinstance(bundle, Bundle):
            bundle = Bundle.load(bundle, verify=verify)
        return cls(bundle, providers, threads)

    @property
    def providers_in_use(self) -> list[str]:
        return self.encoder.get_providers()

    def tokenize(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """input_ids and attention_mask (B, T) int64, truncated to the manifest's length, right-padded to the longest."""
        encodings = self.tokenizer.encode_batch(list(texts))
        return {
            BundleGraph.INPUT_IDS: np.array([e.ids for e in encodings], dtype=np.int64),  # (B, T)
            BundleGraph.ATTENTION_MASK: np.array([e.attention_mask for e in encodings], dtype=np.int64),  # (B, T)
        }

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(B, d) float32 task embeddings, pooled and normalised inside the encoder graph."""
        texts = self._texts(texts)
        return self.encoder.run([BundleGraph.EMBEDDING], self.tokenize(texts))[0].astype(np.float32)

    def generate(self, texts: Sequence[str] | str, batch_size: int = 32) -> list[LoraAdapter]:
        """One adapter per text, in order; texts go through both graphs in batches of `batch_size`."""
        texts = self._texts(texts)
        overflowing = [bool(e.overflowing) for e in self.tokenizer.encode_batch(texts)]
        check_task_texts(texts, overflowing, self.manifest.encoder.max_length)
        adapters: list[LoraAdapter] = []
        for start in range(0, len(texts), batch_size):
            chunk = texts[start : start + batch_size]
            embedding = self.embed(chunk)  # (b, d)
            outputs = self.hypernet.run(self._outputs, {BundleGraph.EMBEDDING: embedding})
            adapters.extend(adapters_from_outputs(self.manifest, dict(zip(self._outputs, outputs)), chunk))
        return adapters

    def generate_gguf(self, text: str, quantization: str = "q4_0") -> bytes:
        """One task text -> the bytes of a quantized GGUF adapter, ready for `LlamaCppRunner.use`."""
        from t2l_edge.export.gguf import to_gguf_bytes

        return to_gguf_bytes(self.generate([text])[0], quantization)

    @staticmethod
    def _texts(texts: Sequence[str] | str) -> list[str]:
        if isinstance(texts, str):
            texts = [texts]
        texts = list(texts)
        if not texts:
            raise InvalidInputError("no task texts given")
        for t in texts:
            if not isinstance(t, str) or not t.strip():
                raise InvalidInputError(f"a task text must be a non-empty string, got {quote(repr(t), 60)}")
            require_utf8(t, "the task text")  # undecodable command-line bytes arrive as lone surrogates
        return texts


def load_generator(bundle: str | os.PathLike | Path, providers: str | Sequence[str] = "auto") -> Generator:
    """The bundle's generator for its target: TensorRT engines where the bundle holds them and TensorRT is
    installed, else ONNX Runtime."""
    b = bundle if isinstance(bundle, Bundle) else Bundle.load(bundle)
    if b.manifest.extra.get("engines"):
        try:
            import tensorrt  # noqa: F401
        except ImportError:
            pass
        else:
            from .tensorrt import TensorRTGenerator

            return TensorRTGenerator(b)
    return Generator(b, providers)
