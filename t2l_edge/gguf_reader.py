"""A fast GGUF reader: header key/values and tensor infos, skipping the big arrays (vocabulary, scores).

gguf-py's `GGUFReader` decodes every array element, which takes 11-37 s on Gemma 3's 262k-token vocabulary.
Here fixed-size arrays are skipped by arithmetic and string arrays by walking their length prefixes, so the
Gemma 3 270M header reads in tens of milliseconds. Tensor data is never copied: `tensor_bytes` returns a view.

The reader refuses what llama.cpp's gguf.cpp refuses (duplicate keys or tensor names, nested arrays, an alignment
that is not a u32 power of two, names of 64 bytes or more, negative or overflowing dimensions, tensor offsets that
are not consecutive and aligned) and checks every declared count and length against the bytes left in the file
before it allocates or iterates, so a hostile header costs milliseconds, not minutes. Sizes are Python integers.
"""

from __future__ import annotations

import mmap
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from gguf import GGML_QUANT_SIZES, GGMLQuantizationType

from .errors import CorruptFileError, MissingFileError
from .text import quote

GGUF_MAGIC = b"GGUF"
DEFAULT_ALIGNMENT = 32
# Arrays up to this many elements are decoded; longer ones are skipped and summarised.
MAX_DECODED_ARRAY = 64

# GGUF value type -> struct format of one element (strings and arrays are handled apart).
_SCALAR_FORMATS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
_STRING, _ARRAY = 8, 9
_VT_UINT32 = 4
# Fewest bytes one header entry can take: a key/value (key length, type, a 1-byte value) and a tensor info
# (name length, n_dims, type, offset). Declared counts must fit in the bytes left.
_MIN_KV_BYTES, _MIN_TENSOR_INFO_BYTES = 8 + 4 + 1, 8 + 4 + 4 + 8
GGML_MAX_NAME = 64  # ggml's tensor name buffer, NUL included
GGML_MAX_DIMS = 4
INT64_MAX = (1 << 63) - 1


@dataclass(frozen=True)
class SkippedArray:
    """A metadata array too long to decode: its element type and length only."""

    element_type: int
    count: int


@dataclass(frozen=True)
class TensorInfo:
    name: str
    shape: tuple[int, ...]  # numpy order: (rows, row_length), the reverse of ggml's ne
    qtype: GGMLQuantizationType
    offset: int  # absolute file offset of the first byte
    nbytes: int

    @property
    def row_length(self) -> int:
        return self.shape[-1]


@dataclass
class GGUFFile:
    """Header, tensor table and a zero-copy view of a GGUF file (or of GGUF bytes in memory)."""

    version: int
    metadata: dict[str, Any]
    tensors: dict[str, TensorInfo]
    data_offset: int
    size: int
    source: str
    _buffer: Any = field(repr=False, default=None)
    # GGUF value type of each key (9 = array): llama.cpp asserts the type of the keys it reads.
    kv_types: dict[str, int] = field(default_factory=dict)
    array_types: dict[str, int] = field(default_factory=dict)  # element type of each array key

    @property
    def architecture(self) -> str | None:
        return self.metadata.get("general.architecture")

    def tensor_bytes(self, name: str) -> np.ndarray:
        info = self.tensors[name]
        return np.frombuffer(self._buffer, dtype=np.uint8, count=info.nbytes, offset=info.offset)


def tensor_nbytes(qtype: GGMLQuantizationType, shape: tuple[int, ...]) -> int:
    block_size, type_size = GGML_QUANT_SIZES[qtype]
    n = 1
    for d in shape:  # Python integers: no int64 overflow on a hostile shape
        n *= int(d)
    return n // block_size * type_size


class _Cursor:
    __slots__ = ("buf", "pos", "size", "source")

    def __init__(self, buf, source: str):
        self.buf, self.pos, self.size, self.source = buf, 0, len(buf), source

    def need(self, n: int) -> None:
        if self.pos + n > self.size:
            raise CorruptFileError(f"{self.source}: truncated GGUF header (needs byte {self.pos + n:,}, file has {self.size:,})")

    def unpack(self, fmt: str):
        n = struct.calcsize(fmt)
        self.need(n)
        value = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += n
        return value[0] if len(value) == 1 else value

    def string(self) -> str:
        n = self.unpack("Q")
        self.need(n)
        raw = bytes(self.buf[self.pos : self.pos + n])
        self.pos += n
        return raw.decode("utf-8", errors="replace")

    def skip_strings(self, count: int) -> None:
        unpack_from, buf, pos = struct.unpack_from, self.buf, self.pos
        for _ in range(count):
            if pos + 8 > self.size:
                self.pos = pos
                self.need(8)
            pos += 8 + unpack_from("<Q", buf, pos)[0]
        self.pos = pos
        self.need(0)

    def value(self, vtype: int):
        if vtype in _SCALAR_FORMATS:
            return self.unpack(_SCALAR_FORMATS[vtype])
        if vtype == _STRING:
            return self.string()
        if vtype == _ARRAY:
            etype, count = self.unpack("I"), self.unpack("Q")
            if etype == _ARRAY:
                raise CorruptFileError(f"{self.source}: nested arrays are not supported (llama.cpp refuses them)")
            if etype != _STRING and etype not in _SCALAR_FORMATS:
                raise CorruptFileError(f"{self.source}: unknown GGUF array element type {etype} at byte {self.pos}")
            item = 8 if etype == _STRING else struct.calcsize(_SCALAR_FORMATS[etype])
            if count * item > self.size - self.pos:
                raise CorruptFileError(
                    f"{self.source}: an array declares {count:,} elements, more than the file's remaining bytes hold"
                )
            if count <= MAX_DECODED_ARRAY:
                return [self.value(etype) for _ in range(count)]
            if etype in _SCALAR_FORMATS:
                n = struct.calcsize(_SCALAR_FORMATS[etype]) * count
                self.need(n)
                self.pos += n
            else:
                self.skip_strings(count)
            return SkippedArray(etype, count)
        raise CorruptFileError(f"{self.source}: unknown GGUF value type {vtype} at byte {self.pos}")


def _open_buffer(source, name: str | None) -> tuple[Any, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return memoryview(source), name or "<memory>"
    path = Path(source)
    if not path.is_file():
        raise MissingFileError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise CorruptFileError(f"{path}: empty file, not a GGUF file")
    with open(path, "rb") as f:
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ), str(path)


def read_gguf(source: str | os.PathLike | bytes | bytearray | memoryview, name: str | None = None) -> GGUFFile:
    """Parse the header and tensor table; check every tensor lies inside the file. Data stays memory-mapped.
    `name` labels bytes in error messages."""
    buf, name = _open_buffer(source, name)
    cur = _Cursor(buf, name)
    if cur.size < 4 or bytes(buf[:4]) != GGUF_MAGIC:
        raise CorruptFileError(f"{name}: not a GGUF file (bad magic)")
    cur.pos = 4
    version = cur.unpack("I")
    if version not in (2, 3):
        raise CorruptFileError(f"{name}: unsupported GGUF version {version}")
    n_tensors, n_kv = cur.unpack("Q"), cur.unpack("Q")
    if n_tensors * _MIN_TENSOR_INFO_BYTES + n_kv * _MIN_KV_BYTES > cur.size - cur.pos:
        raise CorruptFileError(
            f"{name}: header declares {n_tensors:,} tensors and {n_kv:,} keys, more than the file's {cur.size:,} bytes hold"
        )

    metadata: dict[str, Any] = {}
    kv_types: dict[str, int] = {}
    array_types: dict[str, int] = {}
    for _ in range(n_kv):
        key = cur.string()
        if key in metadata:
            raise CorruptFileError(f"{name}: duplicate key {quote(key)}")
        kv_types[key] = vtype = cur.unpack("I")
        if vtype == _ARRAY:
            array_types[key] = struct.unpack_from("<I", buf, cur.pos)[0] if cur.pos + 4 <= cur.size else -1
        metadata[key] = cur.value(vtype)

    raw_infos = []
    for _ in range(n_tensors):
        tname = cur.string()
        n_dims = cur.unpack("I")
        if n_dims > GGML_MAX_DIMS:
            raise CorruptFileError(f"{name}: tensor {quote(tname)} has {n_dims} dimensions (at most {GGML_MAX_DIMS})")
        ne = [cur.unpack("Q") for _ in range(n_dims)]
        raw_infos.append((tname, tuple(reversed(ne)), cur.unpack("I"), cur.unpack("Q")))

    alignment = _alignment(metadata, kv_types, name)
    data_offset = -(-cur.pos // alignment) * alignment
    tensors: dict[str, TensorInfo] = {}
    expected_offset = 0
    for tname, shape, type_id, rel_offset in raw_infos:
        tensors[tname] = info = _tensor_info(name, tname, shape, type_id, data_offset + rel_offset, tensors)
        if rel_offset != expected_offset:  # gguf.cpp: offsets are consecutive, each size padded to the alignment
            raise CorruptFileError(
                f"{name}: tensor {quote(tname)} has data offset {rel_offset:,}, expected {expected_offset:,}"
            )
        expected_offset += -(-info.nbytes // alignment) * alignment
        if info.offset + info.nbytes > cur.size:
            raise CorruptFileError(
                f"{name}: tensor {quote(tname)} data ends at byte {info.offset + info.nbytes:,}, beyond the file's "
                f"{cur.size:,} (truncated file?)"
            )
    return GGUFFile(version, metadata, tensors, data_offset, cur.size, name, buf, kv_types, array_types)


def _alignment(metadata: dict[str, Any], kv_types: dict[str, int], name: str) -> int:
    """general.alignment: llama.cpp reads it as a u32 (asserting the type) and refuses 0 or a non-power of two."""
    if "general.alignment" not in metadata:
        return DEFAULT_ALIGNMENT
    value = metadata["general.alignment"]
    if kv_types["general.alignment"] != _VT_UINT32:
        raise CorruptFileError(f"{name}: general.alignment must be a uint32 (llama.cpp aborts on any other type)")
    if value == 0 or value & (value - 1):
        raise CorruptFileError(f"{name}: general.alignment {value} is not a power of two")
    return value


def _tensor_info(
    name: str, tname: str, shape: tuple[int, ...], type_id: int, offset: int, seen: dict[str, TensorInfo]
) -> TensorInfo:
    """One tensor's info, refused as gguf.cpp refuses it: long or duplicate name, bad type, bad dimensions."""
    if len(tname.encode("utf-8", errors="surrogatepass")) >= GGML_MAX_NAME:
        raise CorruptFileError(f"{name}: tensor name {quote(tname, 80)} is {GGML_MAX_NAME} bytes or longer")
    if tname in seen:
        raise CorruptFileError(f"{name}: duplicate tensor {quote(tname)}")
    try:
        qtype = GGMLQuantizationType(type_id)
        block_size, _ = GGML_QUANT_SIZES[qtype]
    except (ValueError, KeyError):
        raise CorruptFileError(f"{name}: tensor {quote(tname)} has unknown ggml type {type_id}") from None
    elements = 1
    for d in shape:
        if d > INT64_MAX:
            raise CorruptFileError(f"{name}: tensor {quote(tname)} has a negative dimension")
        elements *= d
    if elements > INT64_MAX:
        raise CorruptFileError(f"{name}: tensor {quote(tname)} has {elements:,} elements, more than ggml can count")
    if shape and shape[-1] % block_size:
        raise CorruptFileError(
            f"{name}: tensor {quote(tname)} row length {shape[-1]} is not a multiple of {qtype.name}'s block {block_size}"
        )
    return TensorInfo(tname, shape, qtype, offset, tensor_nbytes(qtype, shape))
