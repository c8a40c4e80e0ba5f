"""Reading safetensors adapter files with numpy: every float dtype PEFT saves (F32, F16, BF16, F64) as float32.

`safetensors.numpy` cannot read BF16 ("data type 'bfloat16' not understood"), the dtype most PEFT adapters are
saved in. The format is simple (8-byte header length, JSON header, raw little-endian data), so it is read here,
with every declared length and offset checked against the file before anything is allocated.
"""

from __future__ import annotations

import json
import mmap
import os
import struct
from pathlib import Path

import numpy as np

from .errors import CorruptFileError, InvalidAdapterError, MissingFileError
from .text import quote

MAX_HEADER_BYTES = 100 * 2**20  # what the safetensors library itself allows
# safetensors dtype -> (numpy dtype of the stored elements, item size). BF16 is widened by hand below.
FLOAT_DTYPES = {"F32": np.dtype("<f4"), "F16": np.dtype("<f2"), "BF16": np.dtype("<u2"), "F64": np.dtype("<f8")}


def read_safetensors(path: str | os.PathLike) -> tuple[dict[str, str], dict[str, np.ndarray]]:
    """(metadata, name -> float32 array) of a safetensors file; one-line errors for anything malformed."""
    path = Path(path)
    if not path.is_file():
        raise MissingFileError(f"{path}: no such file")
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size < 8:
            raise CorruptFileError(f"{path}: too short for a safetensors file ({size} bytes)")
        buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    (n,) = struct.unpack_from("<Q", buf, 0)
    if n > min(size - 8, MAX_HEADER_BYTES):
        raise CorruptFileError(f"{path}: safetensors header length {n:,} exceeds the file ({size:,} bytes)")
    header = _parse_header(bytes(buf[8 : 8 + n]), path)
    data_start, data_size = 8 + n, size - 8 - n
    meta = header.pop("__metadata__", None) or {}
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        raise CorruptFileError(f"{path}: safetensors __metadata__ must map names to strings")
    tensors = {}
    with np.errstate(all="ignore"):  # F64 beyond float32's range becomes Inf, refused later as such
        for name, entry in header.items():
            tensors[name] = _tensor(buf, data_start, data_size, name, entry, path)
    return meta, tensors


def _parse_header(raw: bytes, path: Path) -> dict:
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        raise CorruptFileError(f"{path}: safetensors header is not valid JSON ({quote(type(e).__name__)})") from None
    if not isinstance(header, dict):
        raise CorruptFileError(f"{path}: safetensors header is not a JSON object")
    return header


def _tensor(buf, data_start: int, data_size: int, name: str, entry, path: Path) -> np.ndarray:
    where = f"{path}: tensor {quote(name, 80)}"
    if not isinstance(entry, dict):
        raise CorruptFileError(f"{where}: entry is not a JSON object")
    dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
    if not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape):
        raise CorruptFileError(f"{where}: shape must be a list of non-negative integers")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(isinstance(o, int) for o in offsets)):
        raise CorruptFileError(f"{where}: data_offsets must be two integers")
    if dtype not in FLOAT_DTYPES:
        raise InvalidAdapterError(f"{where} has dtype {quote(dtype, 20)}; LoRA weights must be F32, F16, BF16 or F64")
    np_dtype = FLOAT_DTYPES[dtype]
    begin, end = offsets
    count = 1
    for d in shape:
        count *= d
    if not 0 <= begin <= end <= data_size or end - begin != count * np_dtype.itemsize:
        raise CorruptFileError(
            f"{where}: data offsets {begin:,}..{end:,} do not hold {count:,} {dtype} values inside the file's data"
        )
    raw = np.frombuffer(buf, dtype=np_dtype, count=count, offset=data_start + begin).reshape(shape)
    if dtype == "BF16":  # bfloat16 is the upper half of a float32
        return (raw.astype(np.uint32) << 16).view(np.float32)
    return raw.astype(np.float32)
