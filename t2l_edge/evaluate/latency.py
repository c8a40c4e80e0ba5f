"""Response time of each answer, measured by the runtime, and its summary per condition.

A runtime reports for every completion the prompt's processing (`prompt_ms`, `prompt_tokens`: the time to the first
token's logits, by the clock: llama.cpp's own prompt counter reads ≈ 0 once an adapter is set) and the decoding
after it (`decode_ms`, `decode_tokens`: each further token's forward pass, llama.cpp's counter). Loading and
switching adapters are not counted. Summaries give the median (p50) and the 95th percentile (p95) over answers;
tokens/s is decode_tokens / decode time per answer (answers of one token have no decode time and are left out of it)
and, overall, all decode tokens over all decode time.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Sequence

import numpy as np

from ..errors import InvalidInputError

PERCENTILES = (50, 95)


class Metric(str, Enum):
    ACCURACY = "accuracy"
    RESPONSE_TIME = "response_time"
    TOKENS_PER_SECOND = "tokens_per_second"


DEFAULT_METRICS = (Metric.ACCURACY,)


def parse_metrics(text: str | None) -> tuple[Metric, ...]:
    if text is None:
        return DEFAULT_METRICS
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    try:
        return tuple(dict.fromkeys(Metric(n) for n in names)) or DEFAULT_METRICS
    except ValueError:
        bad = next(n for n in names if n not in {m.value for m in Metric})
        raise InvalidInputError(f"unknown metric {bad!r} (known: {', '.join(m.value for m in Metric)})") from None


@dataclass(frozen=True)
class Timing:
    prompt_ms: float
    prompt_tokens: int
    decode_ms: float
    decode_tokens: int

    def __post_init__(self):
        if min(self.prompt_ms, self.decode_ms) < 0 or min(self.prompt_tokens, self.decode_tokens) < 0:
            raise InvalidInputError(f"timings are never negative, got {self}")

    @property
    def total_ms(self) -> float:
        return self.prompt_ms + self.decode_ms

    @property
    def tokens_per_second(self) -> float | None:
        return self.decode_tokens / self.decode_ms * 1000 if self.decode_tokens and self.decode_ms > 0 else None

    def to_dict(self) -> dict:
        return {"prompt_ms": self.prompt_ms, "prompt_tokens": self.prompt_tokens, "decode_ms": self.decode_ms,
                "decode_tokens": self.decode_tokens}


def _pcts(values: Sequence[float]) -> dict[str, float] | None:
    if not len(values):
        return None
    got = np.percentile(np.asarray(values, np.float64), PERCENTILES)
    return {f"p{p}": float(v) for p, v in zip(PERCENTILES, got)}


@dataclass(frozen=True)
class LatencySummary:
    condition: str
    answers: int
    prompt_ms: dict[str, float]
    decode_ms: dict[str, float]
    total_ms: dict[str, float]
    tokens_per_second: dict[str, float] | None  # per answer, p50 / p95
    tokens_per_second_overall: float | None

    def to_dict(self) -> dict:
        return dict(vars(self))


def summarize(condition: str, timings: Sequence[Timing]) -> LatencySummary | None:
    if not timings:
        return None
    rates = [t.tokens_per_second for t in timings if t.tokens_per_second is not None]
    decode_ms = sum(t.decode_ms for t in timings)
    overall = sum(t.decode_tokens for t in timings) / decode_ms * 1000 if decode_ms > 0 else None
    return LatencySummary(
        condition, len(timings), _pcts([t.prompt_ms for t in timings]), _pcts([t.decode_ms for t in timings]),
        _pcts([t.total_ms for t in timings]), _pcts(rates), overall,
    )
