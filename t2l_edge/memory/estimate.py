"""How much memory the device pipeline needs: a component-by-component estimate against a device profile.

Torch-free (numpy, stdlib and the GGUF header reader). Components:

- base weights — the GGUF's tensor sizes. llama.cpp memory-maps the file with MAP_POPULATE, so every mapped page is
  resident (RSS counts file-backed pages). On a CPU, ggml also *repacks* some weight types into a second, anonymous
  buffer (`CPU_REPACK` / `AMX`) for its faster kernels; which types depends on the CPU (`REPACK_RULES`), and a tied
  output matrix (no `output.weight`) is repacked as a copy of `token_embd.weight`.
- the KV cache — llama.cpp's own formula (src/llama-kv-cache.cpp, llama-kv-cache-iswa.cpp, llama-context.cpp): the
  context is padded to 256 cells; each layer holds K and V rows of `head_dim · n_head_kv(layer)` elements of the
  cache type for every cell; sliding-window layers get their own cache, full size when `swa_full` (llama-cpp-python's
  default) and else `pad256(min(n_ctx, n_swa + n_ubatch))` cells.
- compute and output buffers — llama.cpp reserves a compute buffer for a worst-case batch (dominated by the logits
  of `n_ubatch` outputs, n_ubatch · n_vocab · 4 bytes); on a CPU only the pages a real batch touches become resident,
  so the CPU estimate models the touched part: per-token activations, attention scores and masks for the largest
  prompt batch, and the sampler's per-vocabulary arrays. On a GPU the whole reservation counts.
- llama.cpp's model metadata (the vocabulary's strings and maps, ~165 bytes per token, measured).
- adapters — always resident: llama.cpp copies each adapter's tensors into its own buffer.
- the generator bundle — its files' sizes (*.onnx, *.ort, *.engine and external data), times a load factor, plus
  activations for its precision and batch, plus its runtime's libraries.
- the process baseline — a Python process with numpy and t2l-edge, plus the runtimes' libraries.

Two deployment modes: `concurrent` (generator and LLM resident together) and `sequential` (the generator is
unloaded before the LLM loads: the peak is the larger of the two phases plus what stays resident in both).

Constants marked MEASURED were taken on Gemma 3 270M with llama-cpp-python 0.3.36 on x86-64 Linux; those marked
HEURISTIC are engineering guesses waiting for a measurement.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any, Iterable, Mapping

from gguf import GGML_QUANT_SIZES, GGMLQuantizationType as QType

from .device_profiles import (
    CpuKernels,
    DeviceProfile,
    ExecutionProvider,
    LlamaBackend,
    Precision,
    Runtime,
    format_size,
)
from .errors import CorruptFileError, InvalidInputError, MissingFileError
from .io import read_json
from .gguf_reader import GGUFFile, SkippedArray, read_gguf
from .keys import General

MiB = 1 << 20
KV_CELL_PAD = 256  # llama-context.cpp: cparams.n_ctx = GGML_PAD(cparams.n_ctx, 256); the SWA cache too
TIGHT_RATIO = 0.85  # above this share of the budget the verdict is "tight"

# -- tables --------------------------------------------------------------------------------------------------------


class CacheType(str, Enum):
    """KV cache element types llama.cpp accepts for type_k / type_v."""

    F32 = "f32"
    F16 = "f16"
    BF16 = "bf16"
    Q8_0 = "q8_0"
    Q5_1 = "q5_1"
    Q5_0 = "q5_0"
    Q4_1 = "q4_1"
    Q4_0 = "q4_0"
    IQ4_NL = "iq4_nl"

    @property
    def ggml_type(self) -> QType:
        return QType[self.name]

    @property
    def quantized(self) -> bool:
        return self not in (CacheType.F32, CacheType.F16, CacheType.BF16)


class Mode(str, Enum):
    CONCURRENT = "concurrent"
    SEQUENTIAL = "sequential"


class Verdict(str, Enum):
    FITS = "fits"
    TIGHT = "tight"
    DOES_NOT_FIT = "does not fit"


class Pool(str, Enum):
    """Where a component lives: the CPU's memory (unified memory on shared devices) or a discrete GPU's own."""

    HOST = "host"
    GPU = "gpu"


class Phase(str, Enum):
    ALWAYS = "always"  # resident from start to end (process, libraries, adapters)
    GENERATE = "generate"  # only while the generator bundle is loaded
    LLM = "llm"  # only while the base model is loaded


@dataclass(frozen=True)
class SwaRule:
    """How llama.cpp lays out sliding-window layers for an architecture (src/models/<arch>.cpp, load_swa_pattern):
    with pattern n, layer il is a window layer when il % n < n - 1 (dense_first: il % n != 0). An explicit
    `<arch>.attention.sliding_window_pattern` array in the GGUF overrides the rule."""

    pattern: int
    dense_first: bool = False
    default_window: int = 0  # used when the GGUF has no sliding_window key (gemma2: 4096)


SWA_RULES: dict[str, SwaRule] = {
    "gemma2": SwaRule(pattern=2, default_window=4096),
    "gemma3": SwaRule(pattern=6),
    "cohere2": SwaRule(pattern=4),
}

# Which weight types ggml repacks into an extra buffer, per CPU kernel family, with the row-count multiple the
# interleaved layout needs (ggml-cpu/repack.cpp ggml_repack_get_optimal_repack_type; ggml-cpu/amx/common.h
# qtype_has_amx_kernels). Only 2-D weights used by a matrix multiplication are repacked.
REPACK_RULES: dict[CpuKernels, dict[str, int]] = {
    CpuKernels.GENERIC: {},
    CpuKernels.X86_AVX2: {"Q4_0": 8, "Q4_K": 8, "IQ4_NL": 8, "MXFP4": 8},
    # AMX pads its VNNI layout: the real buffer is ~10% larger than this (measured 214 vs 193 MiB on Gemma 3 270M).
    CpuKernels.X86_AMX: {"Q4_0": 1, "Q4_1": 1, "Q8_0": 1, "Q4_K": 1, "Q5_K": 1, "Q6_K": 1, "IQ4_XS": 1,
                         "IQ4_NL": 8, "MXFP4": 8},  # the last two through CPU_REPACK (AVX2 kernels)
    CpuKernels.ARM_DOTPROD: {"Q4_0": 4, "Q4_K": 8, "Q5_K": 8, "Q6_K": 8, "IQ4_NL": 4, "MXFP4": 4, "Q8_0": 4},
    CpuKernels.ARM_I8MM: {"Q4_0": 4, "Q4_K": 8, "Q5_K": 8, "Q6_K": 8, "IQ4_NL": 4, "MXFP4": 4, "Q8_0": 4},
}
# Tensors that are looked up by row (get_rows), never multiplied: never repacked.
GET_ROWS_TENSORS = frozenset({"token_embd.weight"})

# MEASURED (Gemma 3 270M, llama-cpp-python 0.3.36, x86-64): anonymous memory of a vocab-only model load divided by
# its 262,144 tokens (token strings, score and attribute vectors, the token-to-id map).
VOCAB_BYTES_PER_TOKEN = 165
LLAMA_FIXED_OVERHEAD = 3 * MiB  # MEASURED: model and context structures beyond the vocabulary and the buffers
# MEASURED: what a CPU prompt batch touches of the compute buffer (fit over n_ctx 256 ... 4096, 18-layer Gemma):
# per batch token, activations of 4 · (n_ff + 2 · n_embd) bytes; per (batch token × KV cell), f32 attention scores
# and their softmax worth 6 · n_head bytes (allocations move between batches, so more than one copy's pages are
# touched) plus an f32 (f16 with flash attention) mask per KV cache; per vocabulary entry, the sampler's arrays.
ACTIVATION_BYTES_PER_TOKEN = lambda n_ff, n_embd: 4 * (n_ff + 2 * n_embd)  # noqa: E731
ATTENTION_BYTES_PER_PAIR_HEAD = 6
# Mask bytes per (batch token × KV cell), per KV cache: f32 without flash attention; f16 with it, of which ~1.5
# copies' pages get touched (MEASURED at n_ctx 512 and 4096).
MASK_BYTES_PER_PAIR = {False: 4, True: 3}
SAMPLER_BYTES_PER_VOCAB = 36
FLASH_ATTN_SCRATCH_PER_TOKEN_HEAD = 3072  # MEASURED (fit): flash attention's per-batch scratch, no score matrix

# MEASURED: a Python process with numpy, gguf and t2l-edge core imported (RSS), and the llama.cpp CPU libraries with
# llama-cpp-python's ctypes bindings on top of it.
PYTHON_PROCESS_BASELINE = 32 * MiB
# Runtime libraries per llama.cpp backend: (host, gpu). CPU MEASURED; the GPU rows are HEURISTIC (CUDA's driver and
# libraries map ~250 MiB into the process; its context takes ~300 MiB of device memory; Metal and Vulkan less).
LLAMA_BACKEND_OVERHEAD: dict[LlamaBackend, tuple[int, int]] = {
    LlamaBackend.CPU: (19 * MiB, 0),
    LlamaBackend.CUDA: (250 * MiB, 300 * MiB),
    LlamaBackend.METAL: (25 * MiB, 0),
    LlamaBackend.VULKAN: (60 * MiB, 100 * MiB),
}

# Generator bundles (not built yet; these numbers are HEURISTIC, from FACTS.md: onnxruntime + tokenizers + the MiniLM
# encoder peaked at 199 MiB with fp32 weights (86 MiB) and 101 MiB with int8 ones (22 MiB): ~1.5x the weights while a
# session loads, plus ~36 MiB of libraries and activations).
BUNDLE_SUFFIXES = (".onnx", ".ort", ".engine", ".plan", ".onnx.data", ".data")
BUNDLE_MANIFEST = "manifest.json"
BUNDLE_WEIGHT_FACTOR: dict[Runtime, float] = {Runtime.ONNXRUNTIME: 1.5, Runtime.TENSORRT: 1.0}
BUNDLE_RUNTIME_LIBS: dict[Runtime, int] = {Runtime.ONNXRUNTIME: 30 * MiB, Runtime.TENSORRT: 600 * MiB}
BUNDLE_ACTIVATION_PER_ITEM: dict[Precision, int] = {
    Precision.FP32: 6 * MiB,
    Precision.FP16: 3 * MiB,
    Precision.BF16: 3 * MiB,
    Precision.INT8: 6 * MiB,  # dynamic quantization keeps fp32 activations
    Precision.INT4: 6 * MiB,
}
BYTES_PER_PARAM: dict[Precision, float] = {
    Precision.FP32: 4, Precision.FP16: 2, Precision.BF16: 2, Precision.INT8: 1, Precision.INT4: 0.5,
}
GPU_PROVIDERS = frozenset({ExecutionProvider.CUDA, ExecutionProvider.TENSORRT})
RUNTIME_BY_SUFFIX = {".engine": Runtime.TENSORRT, ".plan": Runtime.TENSORRT, ".ort": Runtime.ONNXRUNTIME,
                     ".onnx": Runtime.ONNXRUNTIME}


def detect_cpu_kernels(system_info: str) -> CpuKernels:
    """The kernel family from llama.cpp's `llama_print_system_info()` ("AVX2 = 1 | ... | REPACK = 1 |")."""
    flags = {k.strip(): v.strip() == "1" for k, _, v in (p.partition("=") for p in system_info.split("|")) if v}
    flags = {k.split(":")[-1].strip(): v for k, v in flags.items()}
    if flags.get("AMX_INT8"):
        return CpuKernels.X86_AMX
    if not flags.get("REPACK"):
        return CpuKernels.GENERIC
    for flag, kernels in (("MATMUL_INT8", CpuKernels.ARM_I8MM), ("DOTPROD", CpuKernels.ARM_DOTPROD),
                          ("AVX2", CpuKernels.X86_AVX2)):
        if flags.get(flag):
            return kernels
    return CpuKernels.GENERIC


def _pad(n: int, to: int) -> int:
    return -(-n // to) * to


def row_size(qtype: QType, n: int) -> int:
    """ggml_row_size: bytes of a row of n elements of this type."""
    block, size = GGML_QUANT_SIZES[qtype]
    if n % block:
        raise InvalidInputError(f"a row of {n} elements is not a multiple of {qtype.name}'s block of {block}")
    return n // block * size


# -- the base model ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BaseTensor:
    name: str
    shape: tuple[int, ...]
    qtype: str
    nbytes: int


@dataclass(frozen=True)
class BaseModelInfo:
    """What the estimator needs from a base GGUF header."""

    source: str
    architecture: str
    n_layers: int
    n_embd: int
    n_ff: int
    n_vocab: int
    n_head: tuple[int, ...]  # per layer
    n_head_kv: tuple[int, ...]  # per layer
    head_dim_k: int
    head_dim_v: int
    n_swa: int
    swa_layers: tuple[bool, ...]
    tensors: tuple[BaseTensor, ...]
    file_size: int
    context_train: int = 0
    header_bytes: int = 0  # key/values and tensor table, before the data (the vocabulary lives here)

    @property
    def weights_bytes(self) -> int:
        return sum(t.nbytes for t in self.tensors)

    @property
    def has_swa(self) -> bool:
        return self.n_swa > 0 and any(self.swa_layers)

    def tensor(self, name: str) -> BaseTensor | None:
        return next((t for t in self.tensors if t.name == name), None)

    @classmethod
    def from_path(cls, path: str | os.PathLike) -> "BaseModelInfo":
        return cls.from_gguf(read_gguf(path))

    @classmethod
    def from_gguf(cls, gguf: GGUFFile) -> "BaseModelInfo":
        meta, src = gguf.metadata, gguf.source
        if meta.get(General.TYPE) == "adapter":
            raise InvalidInputError(f"{src}: this is an adapter, not a base model")
        arch = gguf.architecture
        if not arch:
            raise CorruptFileError(f"{src}: missing key {General.ARCHITECTURE}")

        def get(key: str, default=None):
            value = meta.get(f"{arch}.{key}", default)
            if value is None:
                raise CorruptFileError(f"{src}: missing key {arch}.{key}")
            return value

        n_layers = int(get("block_count"))
        n_embd = int(get("embedding_length"))

        def per_layer(key: str, default=None) -> tuple[int, ...]:
            value = get(key, default)
            if isinstance(value, list):
                if len(value) != n_layers:
                    raise CorruptFileError(f"{src}: {arch}.{key} has {len(value)} entries for {n_layers} layers")
                return tuple(int(v) for v in value)
            return (int(value),) * n_layers

        n_head = per_layer("attention.head_count")
        n_head_kv = per_layer("attention.head_count_kv", meta.get(f"{arch}.attention.head_count"))
        head_dim_k = int(get("attention.key_length", n_embd // max(n_head)))
        head_dim_v = int(get("attention.value_length", head_dim_k))
        n_ff_value = get("feed_forward_length", 0)
        n_ff = max(n_ff_value) if isinstance(n_ff_value, list) else int(n_ff_value)

        rule = SWA_RULES.get(arch)
        n_swa = int(meta.get(f"{arch}.attention.sliding_window", rule.default_window if rule else 0) or 0)
        pattern = meta.get(f"{arch}.attention.sliding_window_pattern")
        if rule is None or n_swa <= 0:
            swa_layers, n_swa = (False,) * n_layers, 0
        elif isinstance(pattern, list):
            swa_layers = tuple(bool(x) for x in pattern[:n_layers])
        else:
            n_pattern = int(pattern) if isinstance(pattern, int) else rule.pattern
            swa_layers = tuple(
                n_pattern == 0 or (il % n_pattern != 0 if rule.dense_first else il % n_pattern < n_pattern - 1)
                for il in range(n_layers)
            )

        tokens = meta.get("tokenizer.ggml.tokens")
        if isinstance(tokens, SkippedArray):
            n_vocab = tokens.count
        elif isinstance(tokens, list):
            n_vocab = len(tokens)
        else:
            embd = gguf.tensors.get("token_embd.weight")
            if embd is None:
                raise CorruptFileError(f"{src}: no tokenizer.ggml.tokens and no token_embd.weight: vocabulary unknown")
            n_vocab = embd.shape[0]

        tensors = tuple(BaseTensor(t.name, t.shape, t.qtype.name, t.nbytes) for t in gguf.tensors.values())
        context_train = int(meta.get(f"{arch}.context_length", 0) or 0)
        return cls(src, arch, n_layers, n_embd, n_ff, n_vocab, n_head, n_head_kv, head_dim_k, head_dim_v, n_swa,
                   swa_layers, tensors, gguf.size, context_train, gguf.data_offset)


# -- llama.cpp settings --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LlamaSettings:
    """The llama.cpp context parameters that decide its memory, with llama-cpp-python's defaults (what
    `LlamaCppRunner` uses). `prompt_tokens`: the prompt evaluated in batches (None: one that fills the context, the
    worst case); it decides how much of the compute buffer a CPU touches, not what llama.cpp allocates."""

    context: int
    n_batch: int = 512
    n_ubatch: int = 512
    cache_type_k: CacheType = CacheType.F16
    cache_type_v: CacheType = CacheType.F16
    flash_attn: bool = False
    swa_full: bool = True
    prompt_tokens: int | None = None

    def __post_init__(self):
        for name in ("context", "n_batch", "n_ubatch"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise InvalidInputError(f"{name} must be a positive integer, got {value!r}")
        object.__setattr__(self, "cache_type_k", _enum(CacheType, self.cache_type_k, "cache_type_k"))
        object.__setattr__(self, "cache_type_v", _enum(CacheType, self.cache_type_v, "cache_type_v"))
        if self.cache_type_v.quantized and not self.flash_attn:
            raise InvalidInputError(
                f"a quantized V cache ({self.cache_type_v.value}) needs flash attention "
                "(llama.cpp refuses it otherwise)"
            )
        if self.prompt_tokens is not None and not 0 < self.prompt_tokens <= self.context:
            raise InvalidInputError(
                f"prompt_tokens must be between 1 and the context {self.context}, got {self.prompt_tokens}"
            )

    @classmethod
    def for_cache_type(cls, context: int, cache_type: CacheType | str = CacheType.F16, **kwargs) -> "LlamaSettings":
        """K and V of one type; flash attention on exactly when the cache is quantized (llama.cpp needs it then)."""
        ct = _enum(CacheType, cache_type, "cache type")
        return cls(context, cache_type_k=ct, cache_type_v=ct, flash_attn=ct.quantized, **kwargs)

    @property
    def n_ctx(self) -> int:
        """Cells per sequence after llama.cpp's padding."""
        return _pad(self.context, KV_CELL_PAD)

    @property
    def batch(self) -> int:
        """llama-cpp-python: n_batch = min(n_ctx, n_batch); llama.cpp: n_ubatch = min(n_batch, n_ubatch)."""
        return min(self.context, self.n_batch)

    @property
    def ubatch(self) -> int:
        return min(self.batch, self.n_ubatch)

    @property
    def filled(self) -> int:
        return self.prompt_tokens if self.prompt_tokens is not None else self.context


def _enum(enum, value, what: str):
    try:
        return enum(str(getattr(value, "value", value)).lower())
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise InvalidInputError(f"{what}: unknown value {value!r} (allowed: {allowed})") from None


# -- KV cache ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KvCacheBuffer:
    """One llama.cpp KV cache (the full-attention one, or the sliding-window one) as llama.cpp allocates it."""

    kind: str  # "full" or "swa"
    cells: int
    layers: int
    k_bytes: int
    v_bytes: int

    @property
    def total(self) -> int:
        return self.k_bytes + self.v_bytes


@dataclass(frozen=True)
class KvCacheEstimate:
    buffers: tuple[KvCacheBuffer, ...]

    @property
    def total(self) -> int:
        return sum(b.total for b in self.buffers)

    def describe(self) -> str:
        return ", ".join(
            f"{b.kind}: {b.layers} layers × {b.cells} cells = {format_size(b.total)}" for b in self.buffers if b.layers
        )


def kv_cache(model: BaseModelInfo, settings: LlamaSettings) -> KvCacheEstimate:
    """The KV buffers llama.cpp allocates (llama_kv_cache constructor): per layer a K tensor of
    row_size(type_k, head_dim_k · n_head_kv) × cells and a V tensor likewise."""
    size_full = settings.n_ctx
    if settings.swa_full:
        size_swa = size_full
    else:  # llama-kv-cache-iswa.cpp: the SWA cache is always padded to 256
        size_swa = _pad(min(size_full, model.n_swa + settings.ubatch), KV_CELL_PAD)
    out = []
    for kind, cells, wanted in (("full", size_full, False), ("swa", size_swa, True)):
        layers = [il for il in range(model.n_layers) if model.swa_layers[il] == wanted]
        if kind == "swa" and not model.has_swa:
            continue
        k = sum(row_size(settings.cache_type_k.ggml_type, model.head_dim_k * model.n_head_kv[il]) for il in layers)
        v = sum(row_size(settings.cache_type_v.ggml_type, model.head_dim_v * model.n_head_kv[il]) for il in layers)
        out.append(KvCacheBuffer(kind, cells, len(layers), k * cells, v * cells))
    return KvCacheEstimate(tuple(out))


# -- compute buffers -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComputeEstimate:
    reserved: int  # what llama.cpp reserves ("compute buffer size"): counts on GPU backends
    resident: int  # what a CPU run touches of it, plus the sampler: counts on the CPU backend
    output: int  # the logits output buffer


def compute_buffers(model: BaseModelInfo, settings: LlamaSettings, adapter_out_features: int = 0) -> ComputeEstimate:
    ub = settings.ubatch
    n_head = max(model.n_head)
    kv_full = settings.n_ctx
    kv_swa = kv_full if settings.swa_full else min(kv_full, _pad(model.n_swa + ub, KV_CELL_PAD))
    mask_bytes = 2 if settings.flash_attn else 4
    activations = ub * ACTIVATION_BYTES_PER_TOKEN(model.n_ff, model.n_embd) + ub * 4 * adapter_out_features

    # Reserved: the worst-case batch with every token an output (n_outputs_max = n_batch in llama-cpp-python).
    logits = ub * model.n_vocab * 4 + 2 * ub * model.n_embd * 4
    if settings.flash_attn:
        attention = ub * (kv_full + (kv_swa if model.has_swa else 0)) * mask_bytes
    else:
        attention = ub * kv_full * n_head * 4 + ub * (kv_full + (kv_swa if model.has_swa else 0)) * mask_bytes
    reserved = max(logits, attention + activations)

    # Resident on a CPU: the prompt runs in batches of n_ubatch; each attends to the cells filled so far (padded to
    # 256). The largest batch × cells product decides the attention part.
    filled = settings.filled
    tokens = min(ub, filled)
    pair_bytes = MASK_BYTES_PER_PAIR[settings.flash_attn]
    worst = 0
    for start in range(0, filled, ub):
        n = min(ub, filled - start)
        n_kv = min(kv_full, _pad(start + n, KV_CELL_PAD))
        n_kv_swa = min(kv_swa, n_kv) if model.has_swa else 0
        scores = 0 if settings.flash_attn else n * n_kv * n_head * ATTENTION_BYTES_PER_PAIR_HEAD
        worst = max(worst, scores + n * (n_kv + n_kv_swa) * pair_bytes)
    if settings.flash_attn:
        worst += tokens * n_head * FLASH_ATTN_SCRATCH_PER_TOKEN_HEAD
    resident = (
        tokens * ACTIVATION_BYTES_PER_TOKEN(model.n_ff, model.n_embd)
        + tokens * 4 * adapter_out_features
        + worst
        + model.n_vocab * SAMPLER_BYTES_PER_VOCAB
    )
    output = model.n_vocab * 4  # one output row per sequence (logits_all off)
    return ComputeEstimate(reserved, resident, output)


def repacked_bytes(model: BaseModelInfo, kernels: CpuKernels) -> int:
    """Bytes ggml copies into its repack buffer on this CPU (same size as the originals: the layout interleaves rows,
    it does not compress). A tied output (no output.weight) multiplies with token_embd: llama.cpp duplicates it."""
    rule = REPACK_RULES[kernels]
    total = 0
    for t in model.tensors:
        if t.name in GET_ROWS_TENSORS or len(t.shape) != 2 or t.qtype not in rule:
            continue
        if t.shape[0] % rule[t.qtype] == 0:
            total += t.nbytes
    embd = model.tensor("token_embd.weight")
    if model.tensor("output.weight") is None and embd is not None and embd.qtype in rule:
        if embd.shape[0] % rule[embd.qtype] == 0:
            total += embd.nbytes
    return total


# -- adapters and bundles ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdapterTerm:
    """An adapter as llama.cpp holds it: its tensors' bytes. `alternatives` maps other quantization recipes to the
    bytes the same adapter would take (filled by the caller, who knows the recipes)."""

    name: str
    nbytes: int
    recipe: str | None = None
    max_out_features: int = 0
    alternatives: Mapping[str, int] = field(default_factory=dict, hash=False)

    @classmethod
    def from_gguf(cls, gguf: GGUFFile, name: str | None = None) -> "AdapterTerm":
        lora_b = [t for t in gguf.tensors.values() if t.name.endswith(".lora_b")]
        max_out = max((t.shape[0] for t in lora_b), default=0)
        return cls(name or gguf.source, sum(t.nbytes for t in gguf.tensors.values()), None, max_out)

    def with_recipe(self, recipe: str) -> "AdapterTerm":
        if recipe not in self.alternatives:
            raise InvalidInputError(f"{self.name}: no size known for recipe {recipe!r}")
        return replace(self, nbytes=self.alternatives[recipe], recipe=recipe)


@dataclass(frozen=True)
class BundleTerm:
    """A generator bundle directory, estimated from its files: weights are the sizes of the model files; runtime,
    execution provider and precision come from manifest.json when it says so, else from the file names."""

    path: str
    files: tuple[tuple[str, int], ...]
    runtime: Runtime
    execution_provider: ExecutionProvider
    precision: Precision
    batch: int = 1

    @property
    def weights(self) -> int:
        return sum(size for _, size in self.files)

    @property
    def on_gpu(self) -> bool:
        return self.execution_provider in GPU_PROVIDERS

    def with_precision(self, precision: Precision | str) -> "BundleTerm":
        """The same bundle built at another precision: every weight file scaled by the bytes per parameter."""
        precision = _enum(Precision, precision, "precision")
        ratio = BYTES_PER_PARAM[precision] / BYTES_PER_PARAM[self.precision]
        files = tuple((name, int(round(size * ratio))) for name, size in self.files)
        return replace(self, files=files, precision=precision)

    @classmethod
    def from_dir(cls, path: str | os.PathLike, batch: int = 1) -> "BundleTerm":
        path = Path(path)
        if not path.is_dir():
            raise MissingFileError(f"{path}: bundle directory not found")
        if batch <= 0:
            raise InvalidInputError(f"bundle batch must be positive, got {batch}")
        manifest: dict[str, Any] = {}
        manifest_path = path / BUNDLE_MANIFEST
        if manifest_path.is_file():
            manifest = read_json(manifest_path)
            if not isinstance(manifest, dict):
                raise CorruptFileError(f"{manifest_path}: expected a JSON object")
        files = tuple(
            sorted(
                (str(f.relative_to(path)), f.stat().st_size)
                for f in path.rglob("*")
                if f.is_file() and f.name.lower().endswith(BUNDLE_SUFFIXES)
            )
        )
        if not files:
            raise InvalidInputError(f"{path}: no model files in the bundle (expected {', '.join(BUNDLE_SUFFIXES)})")
        runtimes = {RUNTIME_BY_SUFFIX[s] for name, _ in files for s in RUNTIME_BY_SUFFIX if name.lower().endswith(s)}
        if "runtime" in manifest:
            runtime = _enum(Runtime, manifest["runtime"], f"{manifest_path}: field runtime")
        else:
            runtime = Runtime.TENSORRT if Runtime.TENSORRT in runtimes else Runtime.ONNXRUNTIME
        default_ep = ExecutionProvider.TENSORRT if runtime is Runtime.TENSORRT else ExecutionProvider.CPU
        ep = _enum(ExecutionProvider, manifest.get("execution_provider", default_ep),
                   f"{manifest_path}: field execution_provider")
        if "precision" in manifest:
            precision = _enum(Precision, manifest["precision"], f"{manifest_path}: field precision")
        else:
            names = " ".join(name.lower() for name, _ in files)
            precision = next((p for p in (Precision.INT4, Precision.INT8, Precision.FP16, Precision.BF16)
                              if p.value in names), Precision.FP32)
        return cls(str(path), files, runtime, ep, precision, batch)


# -- the estimate --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    key: str
    label: str
    nbytes: int
    pool: Pool
    phase: Phase
    detail: str = ""


@dataclass(frozen=True)
class PoolUse:
    pool: Pool
    used: int
    budget: int
    verdict: Verdict

    @property
    def ratio(self) -> float:
        return self.used / self.budget if self.budget else math.inf


@dataclass(frozen=True)
class MemoryRequest:
    """Everything an estimate depends on; suggestions are this request with one thing changed."""

    profile: DeviceProfile
    settings: LlamaSettings
    base: BaseModelInfo | None = None
    adapters: tuple[AdapterTerm, ...] = ()
    bundle: BundleTerm | None = None
    mode: Mode = Mode.CONCURRENT
    max_memory: int | None = None  # overrides the budget of the pool the LLM lives in

    def __post_init__(self):
        object.__setattr__(self, "mode", _enum(Mode, self.mode, "mode"))
        object.__setattr__(self, "adapters", tuple(self.adapters))
        if self.max_memory is not None and self.max_memory <= 0:
            raise InvalidInputError(f"max memory must be greater than zero, got {self.max_memory}")


@dataclass(frozen=True)
class Estimate:
    request: MemoryRequest
    components: tuple[Component, ...]
    pools: tuple[PoolUse, ...]
    problems: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def verdict(self) -> Verdict:
        order = [Verdict.FITS, Verdict.TIGHT, Verdict.DOES_NOT_FIT]
        return max((p.verdict for p in self.pools), key=order.index)

    @property
    def ok(self) -> bool:
        return self.verdict is not Verdict.DOES_NOT_FIT and not self.problems

    @property
    def binding(self) -> PoolUse:
        """The pool closest to (or furthest over) its budget."""
        return max(self.pools, key=lambda p: p.ratio)

    def pool(self, pool: Pool) -> PoolUse:
        return next(p for p in self.pools if p.pool is pool)

    def to_dict(self) -> dict[str, Any]:
        r = self.request
        return {
            "profile": r.profile.name,
            "mode": r.mode.value,
            "context": r.settings.context,
            "cache_type": {"k": r.settings.cache_type_k.value, "v": r.settings.cache_type_v.value},
            "components": [
                {"key": c.key, "label": c.label, "bytes": c.nbytes, "pool": c.pool.value, "phase": c.phase.value,
                 "detail": c.detail}
                for c in self.components
            ],
            "pools": [
                {"pool": p.pool.value, "used": p.used, "budget": p.budget, "ratio": round(p.ratio, 4),
                 "verdict": p.verdict.value}
                for p in self.pools
            ],
            "verdict": self.verdict.value,
            "problems": list(self.problems),
            "notes": list(self.notes),
        }


def verdict_for(used: int, budget: int) -> Verdict:
    if used > budget:
        return Verdict.DOES_NOT_FIT
    return Verdict.TIGHT if used > TIGHT_RATIO * budget else Verdict.FITS


def estimate(request: MemoryRequest) -> Estimate:
    profile, s = request.profile, request.settings
    llm_pool = Pool.GPU if profile.llm_on_gpu and profile.discrete_gpu else Pool.HOST
    gpu_pool = Pool.GPU if profile.discrete_gpu else Pool.HOST
    llm_gpu = profile.llm_on_gpu
    comps: list[Component] = []
    problems: list[str] = []
    notes: list[str] = []

    def add(key, label, nbytes, pool, phase, detail=""):
        comps.append(Component(key, label, int(nbytes), pool, phase, detail))

    baseline = profile.process_baseline if profile.process_baseline is not None else PYTHON_PROCESS_BASELINE
    add("process", "process baseline", baseline, Pool.HOST, Phase.ALWAYS,
        "from the profile" if profile.process_baseline is not None else "Python, numpy, t2l-edge")

    if request.base is not None:
        m = request.base
        if Runtime.LLAMA_CPP not in profile.runtimes:
            problems.append(f"{profile.name} does not list llama.cpp among its runtimes: the base model cannot run")
        host_libs, gpu_libs = LLAMA_BACKEND_OVERHEAD[profile.llama_cpp_backend]
        add("llama_libs", "llama.cpp libraries", host_libs, Pool.HOST, Phase.ALWAYS, profile.llama_cpp_backend.value)
        if gpu_libs:
            add("gpu_context", f"{profile.llama_cpp_backend.value} context", gpu_libs, gpu_pool, Phase.LLM)
        embd = m.tensor("token_embd.weight")
        embd_bytes = embd.nbytes if embd else 0
        if llm_gpu and profile.discrete_gpu:
            # token_embd stays on the CPU (looked up by row); every other weight is copied to the GPU, and a tied
            # output layer gets its own copy of token_embd there.
            tied = m.tensor("output.weight") is None
            add("base_weights", "base weights (host)", embd_bytes, Pool.HOST, Phase.LLM, "token_embd, memory-mapped")
            add("base_weights_gpu", "base weights (GPU)", m.weights_bytes - embd_bytes + (embd_bytes if tied else 0),
                llm_pool, Phase.LLM, f"{Path(m.source).name}" + (", tied output copied" if tied else ""))
        else:
            add("base_weights", "base weights", m.weights_bytes, llm_pool, Phase.LLM,
                f"{Path(m.source).name}, memory-mapped")
            if not llm_gpu:
                rep = repacked_bytes(m, profile.cpu_kernels)
                if rep:
                    add("repacked_weights", "repacked weights", rep, Pool.HOST, Phase.LLM,
                        f"ggml {profile.cpu_kernels.value} kernels")
        add("base_header", "base header (t2l-edge's reader)", m.header_bytes, Pool.HOST, Phase.LLM,
            "memory-mapped, read once to check adapters")
        add("llama_metadata", "llama.cpp vocabulary and metadata",
            m.n_vocab * VOCAB_BYTES_PER_TOKEN + LLAMA_FIXED_OVERHEAD, Pool.HOST, Phase.LLM, f"{m.n_vocab:,} tokens")
        kv = kv_cache(m, s)
        add("kv_cache", "KV cache", kv.total, llm_pool, Phase.LLM,
            f"{s.cache_type_k.value}/{s.cache_type_v.value}; {kv.describe()}")
        max_out = max((a.max_out_features for a in request.adapters), default=0)
        cb = compute_buffers(m, s, max_out)
        if llm_gpu:
            add("compute", "compute buffer", cb.reserved, llm_pool, Phase.LLM, "reserved by llama.cpp")
        else:
            add("compute", "compute buffer", cb.resident, Pool.HOST, Phase.LLM,
                f"touched of {format_size(cb.reserved)} reserved; prompt fills {s.filled} cells")
        add("output", "output (logits) buffer", cb.output, Pool.HOST, Phase.LLM)
        if m.context_train and s.context > m.context_train:
            notes.append(f"context {s.context} is above the model's training context {m.context_train}")
    elif request.adapters:
        notes.append("adapters counted without a base model")

    for a in request.adapters:
        add(f"adapter:{a.name}", f"adapter {Path(a.name).name}", a.nbytes, llm_pool if llm_gpu else Pool.HOST,
            Phase.ALWAYS, a.recipe or "")

    if request.bundle is not None:
        b = request.bundle
        if b.runtime not in profile.runtimes:
            problems.append(f"the bundle needs {b.runtime.value}, which {profile.name} does not have "
                            f"(runtimes: {', '.join(r.value for r in profile.runtimes)})")
        if b.execution_provider not in profile.execution_providers:
            problems.append(f"the bundle runs on the {b.execution_provider.value} execution provider, which "
                            f"{profile.name} does not have ({', '.join(e.value for e in profile.execution_providers)})")
        if b.precision not in profile.precisions:
            notes.append(f"the bundle's precision {b.precision.value} is not among {profile.name}'s preferred "
                         f"({', '.join(p.value for p in profile.precisions)})")
        pool = gpu_pool if b.on_gpu else Pool.HOST
        factor = BUNDLE_WEIGHT_FACTOR.get(b.runtime, 1.0)
        add("bundle_runtime", f"{b.runtime.value} libraries", BUNDLE_RUNTIME_LIBS.get(b.runtime, 0), Pool.HOST,
            Phase.ALWAYS, "stay loaded after the generator is freed")
        add("bundle_weights", "generator weights", b.weights * factor, pool, Phase.GENERATE,
            f"{len(b.files)} files, {b.precision.value}, ×{factor:g} while loading")
        add("bundle_activations", "generator activations", b.batch * BUNDLE_ACTIVATION_PER_ITEM[b.precision], pool,
            Phase.GENERATE, f"batch {b.batch}")

    pools = []
    for pool in (Pool.HOST, Pool.GPU) if profile.discrete_gpu else (Pool.HOST,):
        used = _peak([c for c in comps if c.pool is pool], request.mode)
        budget = profile.app_budget if pool is Pool.HOST else profile.effective_gpu_budget()
        if request.max_memory is not None and pool is llm_pool:
            budget = request.max_memory
        pools.append(PoolUse(pool, used, budget, verdict_for(used, budget)))
    return Estimate(request, tuple(comps), tuple(pools), tuple(problems), tuple(notes))


def _peak(comps: Iterable[Component], mode: Mode) -> int:
    comps = list(comps)
    by_phase = {ph: sum(c.nbytes for c in comps if c.phase is ph) for ph in Phase}
    if mode is Mode.SEQUENTIAL:
        return by_phase[Phase.ALWAYS] + max(by_phase[Phase.GENERATE], by_phase[Phase.LLM])
    return sum(by_phase.values())


def phase_totals(est: Estimate, pool: Pool = Pool.HOST) -> dict[str, int]:
    comps = [c for c in est.components if c.pool is pool]
    always = sum(c.nbytes for c in comps if c.phase is Phase.ALWAYS)
    return {ph.value: always + sum(c.nbytes for c in comps if c.phase is ph) for ph in (Phase.GENERATE, Phase.LLM)}


# -- suggestions ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """A change to the request and the memory it saves on the binding pool (the estimate re-run with it)."""

    kind: str  # context, cache_type, adapter_recipe, bundle_precision, mode
    text: str
    saves: int
    change: Mapping[str, Any]
    request: MemoryRequest = field(repr=False, compare=False)
    verdict: Verdict = Verdict.FITS

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "saves": self.saves, "change": dict(self.change),
                "verdict": self.verdict.value}


SMALLEST_CONTEXT = 256


def suggestions(est: Estimate, always: bool = False) -> list[Suggestion]:
    """What would lower the binding pool's use, each with its exact saving; only when tight or over (or `always`)."""
    if est.verdict is Verdict.FITS and not always:
        return []
    r = est.request
    pool = est.binding.pool
    used = est.binding.used
    out: list[Suggestion] = []

    def consider(kind: str, text: str, change: dict, new_request: MemoryRequest):
        new = estimate(new_request)
        saved = used - new.pool(pool).used
        if saved > 0:
            out.append(Suggestion(kind, text, saved, change, new_request, new.verdict))

    s = r.settings
    if r.base is not None:
        contexts = []
        c = s.context // 2
        while c >= SMALLEST_CONTEXT:
            contexts.append(c)
            c //= 2
        candidates = [(c, estimate(replace(r, settings=replace(s, context=c, prompt_tokens=None)))) for c in contexts]
        choice = next((c for c, e in candidates if e.verdict is Verdict.FITS), None)
        choice = choice or next((c for c, e in candidates if e.verdict is Verdict.TIGHT), None)
        choice = choice or (contexts[-1] if contexts else None)
        if choice is not None:
            consider("context", f"use a context of {choice} tokens instead of {s.context}", {"context": choice},
                     replace(r, settings=replace(s, context=choice, prompt_tokens=None)))
        if s.cache_type_k is not CacheType.Q8_0 and not s.cache_type_k.quantized:
            consider("cache_type", "use a q8_0 KV cache (with flash attention)", {"cache_type": "q8_0"},
                     replace(r, settings=LlamaSettings.for_cache_type(s.context, CacheType.Q8_0,
                                                                      prompt_tokens=s.prompt_tokens)))
    smaller = {}
    for a in r.adapters:
        if a.alternatives:
            recipe, size = min(a.alternatives.items(), key=lambda kv: kv[1])
            if size < a.nbytes:
                smaller[a.name] = recipe
    if smaller:
        adapters = tuple(a.with_recipe(smaller[a.name]) if a.name in smaller else a for a in r.adapters)
        recipes = sorted(set(smaller.values()))
        what = "the adapter" if len(r.adapters) == 1 else f"{len(smaller)} adapters"
        consider("adapter_recipe", f"quantize {what} with {' / '.join(recipes)}", {"adapter_recipe": smaller},
                 replace(r, adapters=adapters))
    if r.bundle is not None:
        b = r.bundle
        if BYTES_PER_PARAM[b.precision] > BYTES_PER_PARAM[Precision.INT8]:
            consider("bundle_precision", f"use an int8 generator bundle instead of {b.precision.value}",
                     {"bundle_precision": "int8"}, replace(r, bundle=b.with_precision(Precision.INT8)))
        if r.mode is Mode.CONCURRENT:
            consider("mode", "unload the generator before loading the LLM (--mode sequential)",
                     {"mode": "sequential"}, replace(r, mode=Mode.SEQUENTIAL))
    return sorted(out, key=lambda sug: -sug.saves)
