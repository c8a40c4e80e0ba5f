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
from dataclasses import dataclass
from pathlib import Path
from enum import Enum
from typing import Any, Iterable

from ..choices import Choice, parse_choice
from ..device_profiles import DeviceProfile, Runtime, format_size
from ..errors import InvalidInputError
from .bundle_terms import BUNDLE_ACTIVATION_PER_ITEM, BUNDLE_RUNTIME_LIBS, BUNDLE_WEIGHT_FACTOR, BundleTerm
from .llama_terms import (
    LLAMA_BACKEND_OVERHEAD,
    LLAMA_FIXED_OVERHEAD,
    VOCAB_BYTES_PER_TOKEN,
    AdapterTerm,
    BaseModelInfo,
    LlamaSettings,
    compute_buffers,
    kv_cache,
    repacked_bytes,
)

MiB = 1 << 20
TIGHT_RATIO = 0.85  # above this share of the budget the verdict is "tight"


class ComponentKey:
    """The keys of an estimate's components (JSON `components[].key`; `validate --measure` sums some of them)."""

    PROCESS = "process"
    LLAMA_LIBS = "llama_libs"
    GPU_CONTEXT = "gpu_context"
    BASE_WEIGHTS = "base_weights"
    BASE_WEIGHTS_GPU = "base_weights_gpu"
    REPACKED_WEIGHTS = "repacked_weights"
    BASE_HEADER = "base_header"
    LLAMA_METADATA = "llama_metadata"
    KV_CACHE = "kv_cache"
    COMPUTE = "compute"
    OUTPUT = "output"
    ADAPTER = "adapter:{name}"
    BUNDLE_RUNTIME = "bundle_runtime"
    BUNDLE_WEIGHTS = "bundle_weights"
    BUNDLE_ACTIVATIONS = "bundle_activations"


# -- tables --------------------------------------------------------------------------------------------------------


class Mode(Choice):
    """How the generator and the LLM share the device: both resident, or the generator unloaded first."""

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


# MEASURED: a Python process with numpy, gguf and t2l-edge core imported (RSS), and the llama.cpp CPU libraries with
# llama-cpp-python's ctypes bindings on top of it.
PYTHON_PROCESS_BASELINE = 32 * MiB

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
        object.__setattr__(self, "mode", parse_choice(Mode, self.mode, "mode"))
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
    add(ComponentKey.PROCESS, "process baseline", baseline, Pool.HOST, Phase.ALWAYS,
        "from the profile" if profile.process_baseline is not None else "Python, numpy, t2l-edge")

    if request.base is not None:
        m = request.base
        if Runtime.LLAMA_CPP not in profile.runtimes:
            problems.append(f"{profile.name} does not list llama.cpp among its runtimes: the base model cannot run")
        host_libs, gpu_libs = LLAMA_BACKEND_OVERHEAD[profile.llama_cpp_backend]
        add(ComponentKey.LLAMA_LIBS, "llama.cpp libraries", host_libs, Pool.HOST, Phase.ALWAYS, profile.llama_cpp_backend.value)
        if gpu_libs:
            add(ComponentKey.GPU_CONTEXT, f"{profile.llama_cpp_backend.value} context", gpu_libs, gpu_pool, Phase.LLM)
        embd = m.tensor("token_embd.weight")
        embd_bytes = embd.nbytes if embd else 0
        if llm_gpu and profile.discrete_gpu:
            # token_embd stays on the CPU (looked up by row); every other weight is copied to the GPU, and a tied
            # output layer gets its own copy of token_embd there.
            tied = m.tensor("output.weight") is None
            add(ComponentKey.BASE_WEIGHTS, "base weights (host)", embd_bytes, Pool.HOST, Phase.LLM, "token_embd, memory-mapped")
            add(ComponentKey.BASE_WEIGHTS_GPU, "base weights (GPU)", m.weights_bytes - embd_bytes + (embd_bytes if tied else 0),
                llm_pool, Phase.LLM, f"{Path(m.source).name}" + (", tied output copied" if tied else ""))
        else:
            add(ComponentKey.BASE_WEIGHTS, "base weights", m.weights_bytes, llm_pool, Phase.LLM,
                f"{Path(m.source).name}, memory-mapped")
            if not llm_gpu:
                rep = repacked_bytes(m, profile.cpu_kernels)
                if rep:
                    add(ComponentKey.REPACKED_WEIGHTS, "repacked weights", rep, Pool.HOST, Phase.LLM,
                        f"ggml {profile.cpu_kernels.value} kernels")
        add(ComponentKey.BASE_HEADER, "base header (t2l-edge's reader)", m.header_bytes, Pool.HOST, Phase.LLM,
            "memory-mapped, read once to check adapters")
        add(ComponentKey.LLAMA_METADATA, "llama.cpp vocabulary and metadata",
            m.n_vocab * VOCAB_BYTES_PER_TOKEN + LLAMA_FIXED_OVERHEAD, Pool.HOST, Phase.LLM, f"{m.n_vocab:,} tokens")
        kv = kv_cache(m, s)
        add(ComponentKey.KV_CACHE, "KV cache", kv.total, llm_pool, Phase.LLM,
            f"{s.cache_type_k.value}/{s.cache_type_v.value}; {kv.describe()}")
        max_out = max((a.max_out_features for a in request.adapters), default=0)
        cb = compute_buffers(m, s, max_out)
        if llm_gpu:
            add(ComponentKey.COMPUTE, "compute buffer", cb.reserved, llm_pool, Phase.LLM, "reserved by llama.cpp")
        else:
            add(ComponentKey.COMPUTE, "compute buffer", cb.resident, Pool.HOST, Phase.LLM,
                f"touched of {format_size(cb.reserved)} reserved; prompt fills {s.filled} cells")
        add(ComponentKey.OUTPUT, "output (logits) buffer", cb.output, Pool.HOST, Phase.LLM)
        if m.context_train and s.context > m.context_train:
            notes.append(f"context {s.context} is above the model's training context {m.context_train}")
    elif request.adapters:
        notes.append("adapters counted without a base model")

    for a in request.adapters:
        add(ComponentKey.ADAPTER.format(name=a.name), f"adapter {Path(a.name).name}", a.nbytes, llm_pool if llm_gpu else Pool.HOST,
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
        add(ComponentKey.BUNDLE_RUNTIME, f"{b.runtime.value} libraries", BUNDLE_RUNTIME_LIBS.get(b.runtime, 0), Pool.HOST,
            Phase.ALWAYS, "stay loaded after the generator is freed")
        add(ComponentKey.BUNDLE_WEIGHTS, "generator weights", b.weights * factor, pool, Phase.GENERATE,
            f"{len(b.files)} files, {b.precision.value}, ×{factor:g} while loading")
        add(ComponentKey.BUNDLE_ACTIVATIONS, "generator activations", b.batch * BUNDLE_ACTIVATION_PER_ITEM[b.precision], pool,
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

