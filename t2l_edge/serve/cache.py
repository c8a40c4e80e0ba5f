"""Adapters the server holds: registered ones (pinned) and generated ones in an LRU cache keyed by a hash of the
task text, the generator and the quantization recipe.

llama.cpp handles are created and freed only on the LLM thread. Evicting an entry here only marks it; the LLM thread
frees its handle (`drain_freeable`) once no queued request still uses it, so a request never runs on a freed adapter.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

GENERATED_PREFIX = "t2l-"
KEY_CHARS = 16


def task_key(task: str, generator_id: str, recipe: str) -> str:
    """The cache key of a generated adapter: the same text, generator and recipe give the same adapter."""
    h = hashlib.sha256("\x1f".join((generator_id, recipe, task)).encode("utf-8")).hexdigest()
    return GENERATED_PREFIX + h[:KEY_CHARS]


@dataclass(eq=False)
class AdapterEntry:
    id: str
    kind: Literal["generated", "registered"]
    task: str  # the description it was generated from, or a registered adapter's own
    prompt_mode: str = ""  # the PromptMode it was made for ("": not recorded, bare)
    generator: str = ""  # the generator that made it ("" for a registered adapter that records none)
    gguf: bytes | None = field(default=None, repr=False)  # generated: the bytes (also what GET …/gguf returns)
    path: Path | None = None  # registered: the file, read by llama.cpp at start-up
    quantization: str | None = None
    generation_ms: float | None = None
    created: int = field(default_factory=lambda: int(time.time()))
    handle: object | None = field(default=None, repr=False)  # llama.cpp's adapter, once loaded
    pins: int = 0  # queued or running requests that use it
    evicted: bool = False

    @property
    def size(self) -> int:
        return len(self.gguf) if self.gguf is not None else (self.path.stat().st_size if self.path else 0)


class AdapterCache:
    def __init__(self, capacity: int):
        self.capacity = capacity
        self.registered: dict[str, AdapterEntry] = {}
        self._lru: OrderedDict[str, AdapterEntry] = OrderedDict()
        self._released: list[AdapterEntry] = []  # evicted or deleted, handle still held by llama.cpp
        self._lock = threading.Lock()
        self.hits = self.misses = self.evictions = 0

    def register(self, entry: AdapterEntry) -> None:
        self.registered[entry.id] = entry

    def get(self, adapter_id: str) -> AdapterEntry | None:
        with self._lock:
            if adapter_id in self.registered:
                return self.registered[adapter_id]
            entry = self._lru.get(adapter_id)
            if entry is not None:
                self._lru.move_to_end(adapter_id)
            return entry

    def lookup(self, key: str) -> AdapterEntry | None:
        """A generated adapter by its key, counted as a cache hit or miss."""
        entry = self.get(key)
        with self._lock:
            if entry is None:
                self.misses += 1
            else:
                self.hits += 1
        return entry

    def put(self, entry: AdapterEntry) -> list[AdapterEntry]:
        """Insert (or refresh) a generated adapter; returns what was evicted to make room."""
        evicted = []
        with self._lock:
            self._lru[entry.id] = entry
            self._lru.move_to_end(entry.id)
            while len(self._lru) > self.capacity:
                _, old = self._lru.popitem(last=False)
                self._release(old)
                evicted.append(old)
            self.evictions += len(evicted)
        return evicted

    def remove(self, adapter_id: str) -> AdapterEntry | None:
        with self._lock:
            entry = self._lru.pop(adapter_id, None)
            if entry is not None:
                self._release(entry)
            return entry

    def _release(self, entry: AdapterEntry) -> None:
        entry.evicted = True
        self._released.append(entry)

    def pin(self, entry: AdapterEntry) -> None:
        with self._lock:
            entry.pins += 1

    def unpin(self, entry: AdapterEntry) -> None:
        with self._lock:
            entry.pins -= 1

    def drain_freeable(self) -> list[object]:
        """Handles of released entries that no request uses any more (each returned once, to be freed)."""
        with self._lock:
            keep, handles = [], []
            for e in self._released:
                if e.pins > 0:
                    keep.append(e)
                elif e.handle is not None:
                    handles.append(e.handle)
                    e.handle = None
            self._released = keep
            return handles

    def generated(self) -> list[AdapterEntry]:
        with self._lock:
            return list(self._lru.values())

    def __len__(self) -> int:
        return len(self._lru)

    @property
    def loaded(self) -> int:
        """Adapters llama.cpp holds right now (cached, registered, or released but not yet freed)."""
        with self._lock:
            return sum(e.handle is not None for e in (*self._lru.values(), *self.registered.values(), *self._released))
