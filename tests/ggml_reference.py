"""ggml's own (C) quantizer, loaded through ctypes from the llama_cpp package.

Used by the tests and the benchmark as the ground truth for
``t2l_edge.export.quants``.  ``available()`` tells whether the shared library
could be found; ``ggml_quantize`` / ``ggml_dequantize`` mirror the numpy API.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
from functools import lru_cache
from pathlib import Path

import numpy as np
from gguf import GGMLQuantizationType as QType
from gguf.constants import GGML_QUANT_SIZES

__all__ = ["available", "library_path", "ggml_quantize", "ggml_dequantize", "load_error"]

_LIB_NAMES = ("libggml-base.so", "libggml-base.dylib", "ggml-base.dll")


def _candidate_dirs() -> list[Path]:
    dirs: list[Path] = []
    env = os.environ.get("T2L_GGML_LIB_DIR")
    if env:
        dirs.append(Path(env))
    spec = importlib.util.find_spec("llama_cpp")
    if spec is not None and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            dirs.append(Path(loc) / "lib")
            dirs.append(Path(loc))
    return dirs


def library_path() -> Path | None:
    for d in _candidate_dirs():
        for name in _LIB_NAMES:
            p = d / name
            if p.is_file():
                return p
    return None


class _TypeTraits(ctypes.Structure):
    _fields_ = [
        ("type_name", ctypes.c_char_p),
        ("blck_size", ctypes.c_int64),
        ("blck_size_interleave", ctypes.c_int64),
        ("type_size", ctypes.c_size_t),
        ("is_quantized", ctypes.c_bool),
        ("to_float", ctypes.c_void_p),
        ("from_float_ref", ctypes.c_void_p),
    ]


_TO_FLOAT = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(ctypes.c_float), ctypes.c_int64)

_load_error: str | None = None


@lru_cache(maxsize=1)
def _lib() -> ctypes.CDLL | None:
    global _load_error
    path = library_path()
    if path is None:
        _load_error = "libggml-base not found (is llama-cpp-python installed?)"
        return None
    try:
        lib = ctypes.CDLL(str(path))
    except OSError as e:  # pragma: no cover - environment dependent
        _load_error = f"cannot load {path}: {e}"
        return None
    lib.ggml_quantize_chunk.restype = ctypes.c_size_t
    lib.ggml_quantize_chunk.argtypes = [
        ctypes.c_int,                     # enum ggml_type
        ctypes.POINTER(ctypes.c_float),   # src
        ctypes.c_void_p,                  # dst
        ctypes.c_int64,                   # start
        ctypes.c_int64,                   # nrows
        ctypes.c_int64,                   # n_per_row
        ctypes.POINTER(ctypes.c_float),   # imatrix (NULL)
    ]
    lib.ggml_quantize_init.restype = None
    lib.ggml_quantize_init.argtypes = [ctypes.c_int]
    lib.ggml_get_type_traits.restype = ctypes.POINTER(_TypeTraits)
    lib.ggml_get_type_traits.argtypes = [ctypes.c_int]
    lib.ggml_row_size.restype = ctypes.c_size_t
    lib.ggml_row_size.argtypes = [ctypes.c_int, ctypes.c_int64]
    return lib


def available() -> bool:
    return _lib() is not None


def load_error() -> str | None:
    _lib()
    return _load_error


def _require():
    lib = _lib()
    if lib is None:
        raise RuntimeError(_load_error or "ggml not available")
    return lib


def ggml_quantize(values: np.ndarray, qtype: QType) -> np.ndarray:
    """ggml_quantize_chunk(type, values, ..., imatrix=NULL) -> uint8 (rows, bytes_per_row)."""
    lib = _require()
    qtype = QType(qtype)
    x = np.ascontiguousarray(values, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    lead, n_per_row = x.shape[:-1], x.shape[-1]
    nrows = int(np.prod(lead))
    bs, ts = GGML_QUANT_SIZES[qtype]
    if n_per_row % bs:
        raise ValueError(f"{qtype.name}: row length {n_per_row} not a multiple of {bs}")
    row_size = lib.ggml_row_size(int(qtype), n_per_row)
    assert row_size == n_per_row // bs * ts
    out = np.empty((nrows, row_size), dtype=np.uint8)
    lib.ggml_quantize_init(int(qtype))
    n = lib.ggml_quantize_chunk(
        int(qtype),
        x.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
        out.ctypes.data,
        0,
        nrows,
        n_per_row,
        None,
    )
    assert n == out.nbytes, (n, out.nbytes)
    return out.reshape(*lead, row_size)


def ggml_dequantize(data: np.ndarray, qtype: QType, shape) -> np.ndarray:
    """ggml_get_type_traits(type)->to_float over the whole buffer -> float32 ``shape``."""
    lib = _require()
    qtype = QType(qtype)
    shape = tuple(int(s) for s in shape)
    traits = lib.ggml_get_type_traits(int(qtype)).contents
    if not traits.to_float:
        raise NotImplementedError(f"ggml has no to_float for {qtype.name}")
    raw = np.ascontiguousarray(data).view(np.uint8)
    n = int(np.prod(shape))
    out = np.empty(n, dtype=np.float32)
    fn = _TO_FLOAT(traits.to_float)
    fn(raw.ctypes.data, out.ctypes.data_as(ctypes.POINTER(ctypes.c_float)), n)
    return out.reshape(shape)
