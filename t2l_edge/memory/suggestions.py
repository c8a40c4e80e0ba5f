"""What would make a deployment fit: each suggestion is the request with one thing changed, re-estimated, with the
memory it saves on the binding pool."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from ..choices import Precision
from .bundle_terms import BYTES_PER_PARAM
from .estimate import Estimate, MemoryRequest, Mode, Verdict, estimate
from .llama_terms import CacheType, LlamaSettings

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
            consider("mode", "unload the generator before loading the LLM (--loading sequential)",
                     {"mode": "sequential"}, replace(r, mode=Mode.SEQUENTIAL))
    return sorted(out, key=lambda sug: -sug.saves)