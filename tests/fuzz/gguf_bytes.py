"""A raw GGUF writer for hostile inputs: every count, type, offset and alignment is the caller's to choose.

Independent of the project's writer (export/gguf.py) on purpose: it must be able to write what that one never would.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import numpy as np

U8, I8, U16, I16, U32, I32, F32, BOOL, STR, ARR, U64, I64, F64 = range(13)
_FMT = {U8: "B", I8: "b", U16: "H", I16: "h", U32: "I", I32: "i", F32: "f", BOOL: "?", U64: "Q", I64: "q", F64: "d"}


def string(s: str | bytes) -> bytes:
    raw = s.encode("utf-8", "surrogatepass") if isinstance(s, str) else s
    return struct.pack("<Q", len(raw)) + raw


def value(vtype: int, v) -> bytes:
    if vtype == STR:
        return string(v)
    if vtype == ARR:
        etype, items = v
        return struct.pack("<IQ", etype, len(items)) + b"".join(value(etype, x) for x in items)
    return struct.pack("<" + _FMT[vtype], v)


@dataclass
class Tensor:
    name: str
    ne: tuple[int, ...]  # ggml order: row length first
    ggml_type: int
    data: bytes
    offset: int | None = None  # None: the consecutive, aligned offset


@dataclass
class Gguf:
    kvs: list[tuple[str, int, object]] = field(default_factory=list)
    tensors: list[Tensor] = field(default_factory=list)
    version: int = 3
    alignment: int = 32
    n_tensors: int | None = None  # None: the real counts
    n_kv: int | None = None

    def to_bytes(self) -> bytes:
        out = bytearray(b"GGUF")
        out += struct.pack("<IQQ", self.version, len(self.tensors) if self.n_tensors is None else self.n_tensors,
                           len(self.kvs) if self.n_kv is None else self.n_kv)
        for key, vtype, v in self.kvs:
            out += string(key) + struct.pack("<I", vtype) + value(vtype, v)
        offset = 0
        for t in self.tensors:
            out += string(t.name) + struct.pack(f"<I{len(t.ne)}QIQ", len(t.ne), *t.ne, t.ggml_type,
                                                offset if t.offset is None else t.offset)
            offset += -(-len(t.data) // max(self.alignment, 1)) * max(self.alignment, 1)
        align = max(self.alignment, 1)
        out += bytes(-len(out) % align)
        for t in self.tensors:
            out += t.data + bytes(-len(t.data) % align)
        return bytes(out)


GEMMA_KEYS = [
    ("general.architecture", STR, "gemma3"),
    ("general.type", STR, "adapter"),
    ("adapter.type", STR, "lora"),
    ("adapter.lora.alpha", F32, 16.0),
]


def gemma_v_adapter(rank: int = 8, seed: int = 0, layer: int = 0, kvs=None) -> Gguf:
    """A small valid adapter for Gemma 3 270M: lora_a/lora_b of blk.<layer>.attn_v (640 -> 256), F32."""
    rng = np.random.default_rng(seed)
    a = (rng.standard_normal((rank, 640)) * 0.01).astype(np.float32)
    b = (rng.standard_normal((256, rank)) * 0.01).astype(np.float32)
    base = f"blk.{layer}.attn_v.weight"
    return Gguf(
        list(GEMMA_KEYS if kvs is None else kvs),
        [Tensor(f"{base}.lora_a", (640, rank), 0, a.tobytes()), Tensor(f"{base}.lora_b", (rank, 256), 0, b.tobytes())],
    )


def with_key(g: Gguf, key: str, vtype: int | None, v=None) -> Gguf:
    """A copy with `key` replaced (vtype None: removed)."""
    kvs = [kv for kv in g.kvs if kv[0] != key] + ([(key, vtype, v)] if vtype is not None else [])
    return Gguf(kvs, list(g.tensors), g.version, g.alignment, g.n_tensors, g.n_kv)
