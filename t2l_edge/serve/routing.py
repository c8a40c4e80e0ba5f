"""--route: a request with neither `task` nor `adapter` goes to the registered adapter whose description is nearest
to its prompt by the bundle's own text encoder (cosine of the normalised embeddings), if above a threshold."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np


@dataclass(frozen=True)
class Route:
    adapter: str | None  # None: the base model
    score: float  # cosine to the nearest description
    nearest: str
    threshold: float


class Router:
    def __init__(self, embed: Callable[[Sequence[str]], np.ndarray], descriptions: dict[str, str], threshold: float):
        self.embed = embed
        self.names = list(descriptions)
        self.threshold = threshold
        self.matrix = self._normalise(embed([descriptions[n] for n in self.names]))  # (n_adapters, d)

    @staticmethod
    def _normalise(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float32)
        return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)

    def route(self, prompt: str) -> Route:
        scores = self.matrix @ self._normalise(self.embed([prompt]))[0]  # (n_adapters,)
        i = int(np.argmax(scores))
        score = float(scores[i])
        return Route(self.names[i] if score >= self.threshold else None, score, self.names[i], self.threshold)
