"""How much memory the device pipeline needs: a component-by-component estimate against a device profile.

    llama_terms   the base model, llama.cpp's settings, KV cache, compute buffers, repacked weights, adapters
    bundle_terms  the generator bundle, read from the manifest build-engine wrote
    estimate      the components, their pools and phases, the verdict
    suggestions   what would make it fit, each re-estimated

Torch-free: numpy, stdlib and the GGUF header reader.
"""

from .bundle_terms import BYTES_PER_PARAM, TARGET_RUNTIME, BundleTerm
from .estimate import (
    PYTHON_PROCESS_BASELINE,
    TIGHT_RATIO,
    Component,
    ComponentKey,
    Estimate,
    MemoryRequest,
    Mode,
    Phase,
    Pool,
    PoolUse,
    Verdict,
    estimate,
    phase_totals,
    verdict_for,
)
from .llama_terms import (
    KV_CELL_PAD,
    REPACK_RULES,
    SWA_RULES,
    AdapterTerm,
    BaseModelInfo,
    BaseTensor,
    CacheType,
    ComputeEstimate,
    KvCacheBuffer,
    KvCacheEstimate,
    LlamaSettings,
    SwaRule,
    compute_buffers,
    detect_cpu_kernels,
    kv_cache,
    repacked_bytes,
    row_size,
)
from .suggestions import SMALLEST_CONTEXT, Suggestion, suggestions

__all__ = [
    "BYTES_PER_PARAM", "TARGET_RUNTIME", "BundleTerm", "PYTHON_PROCESS_BASELINE", "TIGHT_RATIO", "Component",
    "ComponentKey", "Estimate", "MemoryRequest", "Mode", "Phase", "Pool", "PoolUse", "Verdict", "estimate",
    "phase_totals", "verdict_for", "KV_CELL_PAD", "REPACK_RULES", "SWA_RULES", "AdapterTerm", "BaseModelInfo",
    "BaseTensor", "CacheType", "ComputeEstimate", "KvCacheBuffer", "KvCacheEstimate", "LlamaSettings", "SwaRule",
    "compute_buffers", "detect_cpu_kernels", "kv_cache", "repacked_bytes", "row_size", "SMALLEST_CONTEXT",
    "Suggestion", "suggestions",
]
