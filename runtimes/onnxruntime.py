"""The torch-free generator: a bundle's encoder and hypernetwork graphs in ONNX Runtime (tokenization, text checks
and batching are `generator.BundleGenerator`'s).

    gen = Generator.load("bundle/")                 # verifies the manifest and every checksum
    adapters = gen.generate(["Reverse the words."])  # tokenize -> encoder -> hypernet -> LoraAdapter (batched)
    data = gen.generate_gguf("Reverse the words.")   # ... -> the bundle's GGUF graph + template -> GGUF bytes

Imports numpy, tokenizers and onnxruntime only: never torch, transformers or tensorrt.
"""

from __future__ import annotations

import os
from typing import Sequence


from t2l_edge.bundle import Bundle
from t2l_edge.env import configure_runtime_env
from t2l_edge.errors import InvalidInputError, RuntimeBackendError
from t2l_edge.keys import BundleGraph

from .generator import BundleGenerator, open_bundle

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
    configure_runtime_env()  # telemetry off, no spinning threads: before ONNX Runtime initializes
    try:
        import onnxruntime
    except ImportError:
        raise RuntimeBackendError("ONNX Runtime is not installed: pip install onnxruntime (or onnxruntime-gpu)") from None
    if hasattr(onnxruntime, "disable_telemetry_events"):
        onnxruntime.disable_telemetry_events()  # besides the variable: the Windows ETW events it controls
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


class OrtGenerator(BundleGenerator):
    """Text -> `LoraAdapter`, from a bundle, in ONNX Runtime (no PyTorch)."""

    def __init__(self, bundle: Bundle, providers: str | Sequence[str] = "auto", threads: int | None = None):
        ort = _import_ort()
        super().__init__(bundle)
        m = self.manifest
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
        self._ort_value = ort.OrtValue
        self.gguf_writer = None
        if m.gguf is not None:  # the GGUF writer's integer and bit operations exist on the CPU provider everywhere
            try:
                self.gguf_writer = self._gguf = ort.InferenceSession(
                    str(bundle.file(BundleGraph.GGUF)), options, providers=["CPUExecutionProvider"])
            except Exception as e:
                raise RuntimeBackendError(f"{bundle.file(BundleGraph.GGUF)}: ONNX Runtime could not load it "
                                          f"({str(e).splitlines()[0]})") from None

    @classmethod
    def load(cls, bundle: str | os.PathLike | Bundle | None = None, providers: str | Sequence[str] = "auto",
             threads: int | None = None, verify: bool = True) -> "OrtGenerator":
        """The bundle at `bundle`; without one, the shipped hypernetwork's int8 CPU bundle (built once on first use)."""
        return cls(open_bundle(bundle, verify), providers, threads)

    @property
    def providers_in_use(self) -> list[str]:
        return self.encoder.get_providers()

    def run_encoder(self, feeds):
        return self.encoder.run([BundleGraph.EMBEDDING], dict(feeds))[0]

    def run_hypernet(self, embedding):
        outputs = self.hypernet.run(self._outputs, {BundleGraph.EMBEDDING: embedding})
        return dict(zip(self._outputs, outputs))

    def run_gguf(self, feeds):
        """OrtValues from one session into the next: the embedding and the float A/B never become numpy arrays."""
        names = list(self.manifest.graphs[BundleGraph.GGUF].inputs)
        embedding = self.encoder.run_with_ort_values(
            [BundleGraph.EMBEDDING], {k: self._ort_value.ortvalue_from_numpy(v) for k, v in feeds.items()})[0]
        outputs = self.hypernet.run_with_ort_values(names, {BundleGraph.EMBEDDING: embedding})
        data, finite = self.gguf_writer.run_with_ort_values([BundleGraph.GGUF_DATA, BundleGraph.FINITE],
                                                            dict(zip(names, outputs)))
        return data.numpy()[0], float(finite.numpy()[0])


Generator = OrtGenerator  # the name the README's Python API uses
