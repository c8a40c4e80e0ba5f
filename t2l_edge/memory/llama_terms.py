"""llama.cpp's side of the estimate: the base model's header, the context settings, the KV cache, the compute
buffers, ggml's repacked weights and the adapters llama.cpp holds. Torch-free (numpy, stdlib, the GGUF header reader).

Constants marked MEASURED were taken on Gemma 3 270M with llama-cpp-python 0.3.36 on x86-64 Linux; those marked
HEURISTIC are engineering guesses waiting for a measurement.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Mapping

from gguf import GGML_QUANT_SIZES, GGMLQuantizationType as QType

from ..choices import Choice, parse_choice
from ..device_profiles import CpuKernels, LlamaBackend, format_size
from ..errors import CorruptFileError, InvalidInputError
from ..gguf_reader import GGUFFile, SkippedArray, read_gguf
from ..keys import General
from ..limits import check_context
from ..targets import MAX_LAYERS

MAX_SIZE = 1 << 32  # any header size or count beyond it is hostile: no model has 4 billion of anything

MiB = 1 << 20
KV_CELL_PAD = 256  # llama-context.cpp: cparams.n_ctx = GGML_PAD(cparams.n_ctx, 256); the SWA cache too


class CacheType(Choice):
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

# Runtime libraries per llama.cpp backend: (host, gpu). CPU MEASURED; the GPU rows are HEURISTIC (CUDA's driver and
# libraries map ~250 MiB into the process; its context takes ~300 MiB of device memory; Metal and Vulkan less).
LLAMA_BACKEND_OVERHEAD: dict[LlamaBackend, tuple[int, int]] = {
    LlamaBackend.CPU: (19 * MiB, 0),
    LlamaBackend.CUDA: (250 * MiB, 300 * MiB),
    LlamaBackend.METAL: (25 * MiB, 0),
    LlamaBackend.VULKAN: (60 * MiB, 100 * MiB),
}




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

        if not gguf.tensors:
            raise CorruptFileError(f"{src}: the base model has no tensors")

        def count(key: str, default=None, low: int = 1, high: int = MAX_SIZE) -> int:
            return _bounded(get(key, default), f"{src}: {arch}.{key}", low, high)

        n_layers = count("block_count", high=MAX_LAYERS)  # before anything iterates over the layers
        n_embd = count("embedding_length")

        def per_layer(key: str, default=None) -> tuple[int, ...]:
            value = get(key, default)
            if isinstance(value, list):
                if len(value) != n_layers:
                    raise CorruptFileError(f"{src}: {arch}.{key} has {len(value)} entries for {n_layers} layers")
                return tuple(_bounded(v, f"{src}: {arch}.{key}", 1) for v in value)
            return (_bounded(value, f"{src}: {arch}.{key}", 1),) * n_layers

        n_head = per_layer("attention.head_count")
        n_head_kv = per_layer("attention.head_count_kv", meta.get(f"{arch}.attention.head_count"))
        head_dim_k = count("attention.key_length", n_embd // max(n_head))
        head_dim_v = count("attention.value_length", head_dim_k)
        n_ff_value = get("feed_forward_length", 0)
        n_ff = max(_bounded(v, f"{src}: {arch}.feed_forward_length", 0) for v in n_ff_value) if isinstance(
            n_ff_value, list) and n_ff_value else count("feed_forward_length", 0, low=0)

        rule = SWA_RULES.get(arch)
        n_swa = _bounded(meta.get(f"{arch}.attention.sliding_window", rule.default_window if rule else 0) or 0,
                         f"{src}: {arch}.attention.sliding_window", 0)
        pattern = meta.get(f"{arch}.attention.sliding_window_pattern")
        if rule is None or n_swa <= 0:
            swa_layers, n_swa = (False,) * n_layers, 0
        elif isinstance(pattern, list):
            swa_layers = tuple(bool(x) for x in pattern[:n_layers])
        else:
            n_pattern = _bounded(pattern, f"{src}: {arch}.attention.sliding_window_pattern", 0, MAX_LAYERS) if isinstance(
                pattern, int) else rule.pattern
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
        n_vocab = _bounded(n_vocab, f"{src}: vocabulary size", 1)

        tensors = tuple(BaseTensor(t.name, t.shape, t.qtype.name, t.nbytes) for t in gguf.tensors.values())
        context_train = _bounded(meta.get(f"{arch}.context_length", 0) or 0, f"{src}: {arch}.context_length", 0)
        return cls(src, arch, n_layers, n_embd, n_ff, n_vocab, n_head, n_head_kv, head_dim_k, head_dim_v, n_swa,
                   swa_layers, tensors, gguf.size, context_train, gguf.data_offset)


def _bounded(value, what: str, low: int, high: int = None) -> int:
    """A header count as a Python int within [low, high]: a hostile header is refused before anything is sized by
    it (1e8 layers, zero or negative heads, a negative window, 2^62 rows)."""
    high = MAX_SIZE if high is None else high
    if not isinstance(value, int) or isinstance(value, bool):
        raise CorruptFileError(f"{what} is not an integer")
    if not low <= value <= high:
        raise CorruptFileError(f"{what} is {value}, outside {low}..{high:,}")
    return value


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
            check_context(getattr(self, name), name)
        object.__setattr__(self, "cache_type_k", parse_choice(CacheType, self.cache_type_k, "cache_type_k"))
        object.__setattr__(self, "cache_type_v", parse_choice(CacheType, self.cache_type_v, "cache_type_v"))
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
        ct = parse_choice(CacheType, cache_type, "cache type")
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
    worst = _worst_prompt_batch(model, settings, kv_full, kv_swa, n_head)
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


def _worst_prompt_batch(model: BaseModelInfo, settings: LlamaSettings, kv_full: int, kv_swa: int, n_head: int) -> int:
    """Attention bytes of the prompt batch that touches the most: a batch of n tokens starting at `start` attends to
    the cells filled so far, so its bytes grow with `start` at a fixed n. The worst is therefore the last full batch or
    the last (partial) one: two batches, whatever the context (a loop over every batch took minutes at 10^10)."""
    filled, ub = settings.filled, settings.ubatch
    pair_bytes = MASK_BYTES_PER_PAIR[settings.flash_attn]

    def batch_bytes(start: int) -> int:
        n = min(ub, filled - start)
        n_kv = min(kv_full, _pad(start + n, KV_CELL_PAD))
        n_kv_swa = min(kv_swa, n_kv) if model.has_swa else 0
        scores = 0 if settings.flash_attn else n * n_kv * n_head * ATTENTION_BYTES_PER_PAIR_HEAD
        return scores + n * (n_kv + n_kv_swa) * pair_bytes

    last_full = max(filled // ub - 1, 0) * ub
    last = (filled - 1) // ub * ub
    return max(batch_bytes(last_full), batch_bytes(last))


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

