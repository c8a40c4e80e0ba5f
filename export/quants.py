"""Bit-exact numpy re-implementations of ggml's reference quantizers.

``quantize`` turns a float32 matrix into the exact byte layout that
``ggml_quantize_chunk`` (without an importance matrix) produces, so the
result can be written straight into a GGUF tensor.  ``dequantize`` is the
inverse (delegated to gguf-py for block types).

Supported: F32, F16, BF16, Q8_0, Q4_0, Q5_0, Q4_K, Q6_K.

Exactness notes
---------------
ggml computes in float32 with sequential (left-to-right) loops.  We mirror
that: every intermediate is ``np.float32``, reductions inside a block are
accumulated element by element in C order (the vectorisation runs *across*
blocks; for Q6_K also across its 18 candidate scales, which are independent,
while Q4_K's 21 candidates are visited in order because ggml updates ``min``
whenever a candidate wins), and C's ``a*b*c`` is evaluated as ``(a*b)*c``.
``nearest_int`` (the ``12582912.f`` trick) is emulated bit for bit where its
argument may be large; where the argument is provably below 2**22 it equals
``np.rint`` on float32, which is used instead for speed.
The float32 -> float16 conversion of ggml is round-to-nearest-even, which is
what numpy's ``astype(np.float16)`` does.

This module is numpy-only (no torch) on purpose.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from gguf import GGMLQuantizationType as QType
from gguf.constants import GGML_QUANT_SIZES

__all__ = [
    "QType",
    "SUPPORTED_TYPES",
    "block_geometry",
    "bytes_per_row",
    "quantize",
    "dequantize",
]

SUPPORTED_TYPES: tuple[QType, ...] = (
    QType.F32,
    QType.F16,
    QType.BF16,
    QType.Q8_0,
    QType.Q4_0,
    QType.Q5_0,
    QType.Q4_K,
    QType.Q6_K,
)

_F = np.float32
_QK_K = 256
_GROUP_MAX_EPS = _F(1e-15)
_MAGIC = _F(12582912.0)  # 1.5 * 2**23

# Number of 256-superblocks processed per chunk in the K-quant kernels.  Keeps
# the (candidates x sub-blocks) working set around a few hundred KiB (cache
# friendly) and bounds peak memory independent of the matrix size.
_Q4K_CHUNK = 512
_Q6K_CHUNK = 512


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def block_geometry(qtype: QType) -> tuple[int, int]:
    """(elements per block, bytes per block) for ``qtype``."""
    return GGML_QUANT_SIZES[QType(qtype)]


def bytes_per_row(qtype: QType, row_len: int) -> int:
    bs, ts = block_geometry(qtype)
    _check_row_len(QType(qtype), row_len, bs)
    return row_len // bs * ts


def _check_row_len(qtype: QType, row_len: int, block: int) -> None:
    if row_len % block != 0 or row_len <= 0:
        raise ValueError(
            f"{qtype.name}: row length {row_len} is not a positive multiple of "
            f"the {qtype.name} block size {block}"
        )


def _nearest_int(f: np.ndarray) -> np.ndarray:
    """Bit-exact emulation of ggml's ``nearest_int`` (int32 result).

    ``(bits(f + 12582912.f) & 0x007fffff) - 0x00400000`` -- identical to
    round-half-even for |f| < 2**22 and reproduces ggml's wrap-around garbage
    beyond that (its assert is compiled out in release builds)."""
    v = np.add(f, _MAGIC, dtype=_F)
    i = v.view(np.int32)
    i &= 0x007FFFFF
    i -= 0x00400000
    return i


def _fp16_bits(f: np.ndarray) -> np.ndarray:
    """float32 -> IEEE half bits (uint16), round to nearest even (== ggml)."""
    with np.errstate(over="ignore"):
        return np.asarray(f, dtype=_F).astype(np.float16).view(np.uint16)


def _fp16_to_f32(h: np.ndarray) -> np.ndarray:
    return h.view(np.float16).astype(_F)


def _roundf(v: np.ndarray) -> np.ndarray:
    """C ``roundf`` (half away from zero) on float32, exact."""
    t = np.trunc(v)
    frac = v - t  # exact for float32
    return t + np.where(np.abs(frac) >= _F(0.5), np.sign(v), _F(0)).astype(_F)


def _first_absmax(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``x`` (..., n): (amax, max) as ggml's strict ``amax < |v|`` loop."""
    ax = np.abs(x)
    nan = np.isnan(ax)
    key = np.where(nan, _F(-1), ax) if nan.any() else ax  # NaN never wins `>`
    idx = np.argmax(key, axis=-1)[..., None]
    amax = np.take_along_axis(key, idx, axis=-1)[..., 0]
    vmax = np.take_along_axis(x, idx, axis=-1)[..., 0]
    # C starts from amax = max = +0.f and only updates on a strict `>`:
    # if nothing beats 0 (all +-0 / NaN), max stays +0.f.
    pos = amax > 0
    amax = np.where(pos, amax, _F(0)).astype(_F)
    vmax = np.where(pos, vmax, _F(0)).astype(_F)
    return amax, vmax


# --------------------------------------------------------------------------
# simple block types (Q8_0, Q4_0, Q5_0)
# --------------------------------------------------------------------------

def _quantize_q8_0(blocks: np.ndarray) -> np.ndarray:
    n = blocks.shape[0]
    amax = np.max(np.abs(blocks), axis=1)
    d = amax / _F(127)
    with np.errstate(divide="ignore"):
        idv = np.where(d != 0, _F(1) / np.where(d != 0, d, _F(1)), _F(0)).astype(_F)
    q = _roundf(blocks * idv[:, None]).astype(np.int8)
    out = np.empty((n, 34), dtype=np.uint8)
    out[:, 0:2] = _fp16_bits(d)[:, None].view(np.uint8)
    out[:, 2:] = q.view(np.uint8)
    return out


def _quantize_q4_0(blocks: np.ndarray) -> np.ndarray:
    n = blocks.shape[0]
    _, vmax = _first_absmax(blocks)
    d = vmax / _F(-8)
    with np.errstate(divide="ignore"):
        idv = np.where(d != 0, _F(1) / np.where(d != 0, d, _F(1)), _F(0)).astype(_F)
    xi = np.trunc(blocks * idv[:, None] + _F(8.5))
    xi = np.minimum(xi.astype(np.int8), 15).astype(np.uint8)
    out = np.empty((n, 18), dtype=np.uint8)
    out[:, 0:2] = _fp16_bits(d)[:, None].view(np.uint8)
    out[:, 2:] = xi[:, :16] | (xi[:, 16:] << 4)
    return out


def _quantize_q5_0(blocks: np.ndarray) -> np.ndarray:
    n = blocks.shape[0]
    _, vmax = _first_absmax(blocks)
    d = vmax / _F(-16)
    with np.errstate(divide="ignore"):
        idv = np.where(d != 0, _F(1) / np.where(d != 0, d, _F(1)), _F(0)).astype(_F)
    xi = np.trunc(blocks * idv[:, None] + _F(16.5))
    xi = np.minimum(xi.astype(np.int8), 31).astype(np.uint8)
    out = np.empty((n, 22), dtype=np.uint8)
    out[:, 0:2] = _fp16_bits(d)[:, None].view(np.uint8)
    hi = (xi >> 4).astype(np.uint32)  # bit j of qh <- 5th bit of element j
    qh = np.bitwise_or.reduce(hi << np.arange(32, dtype=np.uint32), axis=1).astype("<u4")
    out[:, 2:6] = qh[:, None].view(np.uint8)
    out[:, 6:] = (xi[:, :16] & 0x0F) | ((xi[:, 16:] & 0x0F) << 4)
    return out


# --------------------------------------------------------------------------
# Q4_K  (quantize_row_q4_K_ref + make_qkx2_quants(32, 15, ..., -1, 0.1, 20, false))
# --------------------------------------------------------------------------

_Q4K_NSTEP = 20
# (rmin + rdelta*is + nmax) for is = 0..nstep, evaluated in float32 like C
_Q4K_CAND = np.array(
    [(_F(-1.0) + _F(0.1) * _F(i)) + _F(15.0) for i in range(_Q4K_NSTEP + 1)], dtype=_F
)


def _colsum(a: np.ndarray) -> np.ndarray:
    """Sum over axis 0 of a C-contiguous (n, M) float32 array.

    numpy reduces a non-contiguous (outer) axis row by row, i.e. sequentially
    in index order -- the same order as ggml's C loop (pairwise summation only
    applies along the contiguous axis).  The test-suite checks this bitwise."""
    return np.add.reduce(a, axis=0)


def _make_qkx2_q4k(xT: np.ndarray, wT: np.ndarray):
    """Vectorised make_qkx2_quants(n=32, nmax=15, rmin=-1, rdelta=.1, nstep=20, use_mad=false).

    xT, wT: (32, M) float32 (element index first, one column per sub-block).
    Returns (scale, the_min, L) with L a (32, M) float32 array of levels 0..15.

    The 21 candidate scales are visited sequentially (vectorised across
    sub-blocks) because ggml updates ``min`` -- and with it both the candidate
    iscale and ``x - min`` -- whenever a candidate improves the error."""
    n, M = xT.shape
    nmax = _F(15)
    xmin = xT.min(axis=0)
    vmax = xT.max(axis=0)
    sum_w = _colsum(wT)
    sum_x = _colsum(wT * xT)
    vmin = np.minimum(xmin, _F(0))
    degenerate = vmax == vmin
    if degenerate.any():
        vmin = np.where(degenerate, vmax - _F(1), vmin).astype(_F)  # dummy, restored below
    orig_min = np.minimum(xmin, _F(0))

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rng = vmax - vmin
        iscale = nmax / rng
        scale = _F(1) / iscale
        L = _levels(xT, vmin, iscale, rng, xmin, nmax)
        err = L * scale
        err += vmin
        err -= xT
        err *= err
        err *= wT
        best_error = _colsum(err)

        cur_min = vmin.copy()
        wl = np.empty_like(xT)
        tmp = np.empty_like(xT)
        for c in range(_Q4K_CAND.shape[0]):
            rng = vmax - cur_min
            isc = _Q4K_CAND[c] / rng
            la = _levels(xT, cur_min, isc, rng, xmin, nmax)
            np.multiply(wT, la, out=wl)
            sum_l = _colsum(wl)
            np.multiply(wl, la, out=tmp)
            sum_l2 = _colsum(tmp)
            np.multiply(wl, xT, out=tmp)
            sum_xl = _colsum(tmp)
            D = sum_w * sum_l2 - sum_l * sum_l
            this_scale = (sum_w * sum_xl - sum_x * sum_l) / D
            this_min = (sum_l2 * sum_x - sum_l * sum_xl) / D
            pos = this_min > 0
            if pos.any():
                this_min[pos] = _F(0)
                this_scale[pos] = sum_xl[pos] / sum_l2[pos]
            np.multiply(la, this_scale, out=tmp)
            tmp += this_min
            tmp -= xT
            tmp *= tmp
            tmp *= wT
            cur = _colsum(tmp)
            upd = (D > 0) & (cur < best_error)
            if upd.any():
                best_error = np.where(upd, cur, best_error)
                scale = np.where(upd, this_scale, scale)
                cur_min = np.where(upd, this_min, cur_min)
                np.copyto(L, la, where=upd[None, :])

    # degenerate blocks (max == min): L = 0, scale 0, the_min = -min
    if degenerate.any():
        L[:, degenerate] = _F(0)
        scale = np.where(degenerate, _F(0), scale)
        cur_min = np.where(degenerate, orig_min, cur_min)
    return scale.astype(_F), (-cur_min).astype(_F), L


def _levels(xT, vmin, iscale, rng, xmin, nmax):
    """clamp(nearest_int(iscale*(x - min)), 0, nmax) as float32 (32, M).

    Uses np.rint (== nearest_int for |arg| < 2**22) unless some block's
    argument may be out of that range (min fitted near max => huge or
    non-finite iscale), where ggml's bit trick is emulated exactly."""
    v = xT - vmin
    v *= iscale
    bound = iscale * np.maximum(rng, vmin - xmin)
    if np.all(bound < _F(4.0e6)):
        np.rint(v, out=v)
        np.clip(v, _F(0), nmax, out=v)
        return v
    q = _nearest_int(v)
    np.clip(q, 0, int(nmax), out=q)
    return q.astype(_F)


def _quantize_q4_k_chunk(sb: np.ndarray) -> np.ndarray:
    """sb: (N, 256) float32 superblocks -> (N, 144) uint8."""
    N = sb.shape[0]
    M = N * 8
    xT = np.ascontiguousarray(sb.reshape(M, 32).T)  # (32, M)
    sum_x2 = _colsum(xT * xT)
    av_x = np.sqrt(sum_x2 / _F(32))
    wT = av_x[None, :] + np.abs(xT)

    scales, mins, L = _make_qkx2_q4k(xT, wT)
    scales = scales.reshape(N, 8)
    mins = mins.reshape(N, 8)

    max_scale = np.maximum(scales.max(axis=1), _F(0))
    max_min = np.maximum(mins.max(axis=1), _F(0))
    with np.errstate(divide="ignore"):
        inv_scale = np.where(max_scale > 0, _F(63) / np.where(max_scale > 0, max_scale, _F(1)), _F(0)).astype(_F)
        inv_min = np.where(max_min > 0, _F(63) / np.where(max_min > 0, max_min, _F(1)), _F(0)).astype(_F)
    ls = np.minimum(_nearest_int(inv_scale[:, None] * scales) & 0xFF, 63).astype(np.uint8)
    lm = np.minimum(_nearest_int(inv_min[:, None] * mins) & 0xFF, 63).astype(np.uint8)

    out = np.zeros((N, 144), dtype=np.uint8)
    d_bits = _fp16_bits(max_scale / _F(63))
    dmin_bits = _fp16_bits(max_min / _F(63))
    out[:, 0:2] = d_bits[:, None].view(np.uint8)
    out[:, 2:4] = dmin_bits[:, None].view(np.uint8)
    sc = out[:, 4:16]
    sc[:, 0:4] = ls[:, 0:4] | ((ls[:, 4:8] >> 4) << 6)
    sc[:, 4:8] = lm[:, 0:4] | ((lm[:, 4:8] >> 4) << 6)
    sc[:, 8:12] = (ls[:, 4:8] & 0xF) | ((lm[:, 4:8] & 0xF) << 4)

    # re-quantise with the f16-rounded super-block scales
    d = _fp16_to_f32(d_bits)[:, None] * ls.astype(_F)  # (N, 8)
    dm = _fp16_to_f32(dmin_bits)[:, None] * lm.astype(_F)
    d = d.reshape(M)
    dm = dm.reshape(M)
    nz = d != 0
    if nz.any():
        xs = xT[:, nz]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            q = _nearest_int((xs + dm[nz]) / d[nz])
        np.clip(q, 0, 15, out=q)
        Lq = L.astype(np.uint8)
        Lq[:, nz] = q
    else:
        Lq = L.astype(np.uint8)
    Lb = Lq.T.reshape(N, 4, 2, 32)  # 256 = 4 groups of 64 = (low 32, high 32)
    out[:, 16:] = (Lb[:, :, 0, :] | (Lb[:, :, 1, :] << 4)).reshape(N, 128)
    return out


# --------------------------------------------------------------------------
# Q6_K  (quantize_row_q6_K_ref + make_qx_quants(16, 32, x, L, 1, NULL))
# --------------------------------------------------------------------------

# -(nmax + 0.1f*is) for is = -9..9, is != 0, float32 like C
_Q6K_CAND = np.array(
    [-(_F(32) + _F(0.1) * _F(i)) for i in range(-9, 10) if i != 0], dtype=_F
)


def _make_qx_q6k(xT: np.ndarray):
    """Vectorised make_qx_quants(n=16, nmax=32, rmse_type=1, qw=NULL).

    xT: (16, M).  Returns (scale (M,), L (16, M) uint8 in 0..63)."""
    n, M = xT.shape
    nmax = _F(32)
    _, vmax = _first_absmax(xT.T)
    amax = np.abs(vmax)
    zero = amax < _GROUP_MAX_EPS
    vmax_s = np.where(zero, _F(1), vmax).astype(_F)

    w = xT * xT
    wx = w * xT  # (w*x[i]) evaluated first in C
    iscale = _F(-32) / vmax_s
    l0 = np.rint(xT * iscale)
    np.clip(l0, _F(-32), _F(31), out=l0)
    sumlx = np.zeros(M, dtype=_F)
    suml2 = np.zeros(M, dtype=_F)
    for i in range(n):
        sumlx += wx[i] * l0[i]
        suml2 += (w[i] * l0[i]) * l0[i]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        scale = np.where(suml2 != 0, sumlx / np.where(suml2 != 0, suml2, _F(1)), _F(0)).astype(_F)
    best = scale * sumlx

    isc = _Q6K_CAND[:, None] / vmax_s[None, :]  # (18, M)
    C = isc.shape[0]
    slx = np.zeros((C, M), dtype=_F)
    sl2 = np.zeros((C, M), dtype=_F)
    li = np.empty((C, M), dtype=_F)
    tmp = np.empty((C, M), dtype=_F)
    for i in range(n):
        np.multiply(isc, xT[i], out=li)
        np.rint(li, out=li)
        np.clip(li, _F(-32), _F(31), out=li)
        np.multiply(li, wx[i], out=tmp)
        slx += tmp
        np.multiply(li, w[i], out=tmp)
        tmp *= li
        sl2 += tmp

    best_isc = iscale.copy()
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for c in range(C):
            upd = (sl2[c] > 0) & (slx[c] * slx[c] > best * sl2[c])
            if upd.any():
                s_new = slx[c] / np.where(upd, sl2[c], _F(1))
                scale = np.where(upd, s_new, scale)
                best = np.where(upd, s_new * slx[c], best)
                best_isc = np.where(upd, isc[c], best_isc)

    L = np.rint(xT * best_isc)
    np.clip(L, _F(-32), _F(31), out=L)
    L += nmax
    Lq = L.astype(np.uint8)
    if zero.any():
        Lq[:, zero] = 0
        scale = np.where(zero, _F(0), scale)
    return scale.astype(_F), Lq


def _quantize_q6_k_chunk(sb: np.ndarray) -> np.ndarray:
    """sb: (N, 256) float32 superblocks -> (N, 210) uint8."""
    N = sb.shape[0]
    M = N * 16
    xT = np.ascontiguousarray(sb.reshape(M, 16).T)  # (16, M)
    scales, L = _make_qx_q6k(xT)
    scales = scales.reshape(N, 16)

    abs_s, max_scale = _first_absmax(scales)
    zero_blk = abs_s < _GROUP_MAX_EPS
    ms = np.where(zero_blk, _F(1), max_scale).astype(_F)
    iscale = _F(-128) / ms
    d_bits = _fp16_bits(_F(1) / iscale)
    q_sc = np.minimum(_nearest_int(iscale[:, None] * scales), 127).astype(np.int8)

    d = (_fp16_to_f32(d_bits)[:, None] * q_sc.astype(_F)).reshape(M)
    nz = d != 0
    if nz.any():
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            q = _nearest_int(xT[:, nz] / d[nz])
        np.clip(q, -32, 31, out=q)
        q += 32
        L[:, nz] = q

    Lb = L.T.reshape(N, 2, 4, 32)  # 2 halves of 128 = 4 groups of 32
    out = np.empty((N, 210), dtype=np.uint8)
    ql = np.empty((N, 2, 2, 32), dtype=np.uint8)
    ql[:, :, 0, :] = (Lb[:, :, 0, :] & 0xF) | ((Lb[:, :, 2, :] & 0xF) << 4)
    ql[:, :, 1, :] = (Lb[:, :, 1, :] & 0xF) | ((Lb[:, :, 3, :] & 0xF) << 4)
    out[:, 0:128] = ql.reshape(N, 128)
    qh = (Lb[:, :, 0, :] >> 4) | ((Lb[:, :, 1, :] >> 4) << 2) | ((Lb[:, :, 2, :] >> 4) << 4) | ((Lb[:, :, 3, :] >> 4) << 6)
    out[:, 128:192] = qh.reshape(N, 64)
    out[:, 192:208] = q_sc.view(np.uint8)
    out[:, 208:210] = d_bits[:, None].view(np.uint8)
    if zero_blk.any():
        out[zero_blk] = 0
    return out


# --------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------

def _chunked(blocks: np.ndarray, fn, chunk: int, bpb: int) -> np.ndarray:
    n = blocks.shape[0]
    out = np.empty((n, bpb), dtype=np.uint8)
    for s in range(0, n, chunk):
        out[s:s + chunk] = fn(blocks[s:s + chunk])
    return out


def to_bf16_bits(x: np.ndarray) -> np.ndarray:
    u = x.view(np.uint32)
    rounded = ((u + (np.uint32(0x7FFF) + ((u >> 16) & 1))) >> 16).astype(np.uint16)
    nan = np.isnan(x)
    if nan.any():
        rounded[nan] = ((u[nan] >> 16) | 64).astype(np.uint16)
    return rounded


def quantize(values: np.ndarray, qtype: QType) -> np.ndarray:
    """Quantise float rows into ggml's exact block layout.

    ``values``: (rows, row_len) (any leading shape; the last axis is the row).
    Returns uint8 of shape (rows, bytes_per_row).  Raises ValueError (naming
    the type and the row length) if row_len is not a multiple of the block size,
    and NotImplementedError for unsupported types."""
    qtype = QType(qtype)
    if qtype not in SUPPORTED_TYPES:
        raise NotImplementedError(f"quantize: {qtype.name} is not supported (supported: "
                                  + ", ".join(t.name for t in SUPPORTED_TYPES) + ")")
    x = np.asarray(values)
    if x.ndim == 0:
        raise ValueError(f"{qtype.name}: expected an array of rows, got a scalar")
    lead, row_len = x.shape[:-1], x.shape[-1]
    bs, ts = GGML_QUANT_SIZES[qtype]
    _check_row_len(qtype, row_len, bs)
    x = np.ascontiguousarray(x, dtype=_F)
    nrows = int(np.prod(lead)) if lead else 1
    out_shape = (*lead, row_len // bs * ts)

    if qtype == QType.F32:
        return x.view(np.uint8).reshape(out_shape).copy()
    if qtype == QType.F16:
        with np.errstate(over="ignore"):
            return x.astype(np.float16).view(np.uint8).reshape(out_shape)
    if qtype == QType.BF16:
        return to_bf16_bits(x.reshape(-1)).view(np.uint8).reshape(out_shape)

    blocks = x.reshape(nrows * (row_len // bs), bs)
    if qtype == QType.Q8_0:
        res = _chunked(blocks, _quantize_q8_0, 65536, ts)
    elif qtype == QType.Q4_0:
        res = _chunked(blocks, _quantize_q4_0, 65536, ts)
    elif qtype == QType.Q5_0:
        res = _chunked(blocks, _quantize_q5_0, 65536, ts)
    elif qtype == QType.Q4_K:
        res = _chunked(blocks, _quantize_q4_k_chunk, _Q4K_CHUNK, ts)
    elif qtype == QType.Q6_K:
        res = _chunked(blocks, _quantize_q6_k_chunk, _Q6K_CHUNK, ts)
    else:  # pragma: no cover - guarded above
        raise NotImplementedError(qtype.name)
    return res.reshape(out_shape)


def dequantize(data: np.ndarray, qtype: QType, shape: Sequence[int]) -> np.ndarray:
    """Inverse of :func:`quantize`: bytes -> float32 array of ``shape``."""
    qtype = QType(qtype)
    shape = tuple(int(s) for s in shape)
    if not shape:
        raise ValueError(f"{qtype.name}: shape must have at least one dimension")
    bs, ts = GGML_QUANT_SIZES[qtype]
    _check_row_len(qtype, shape[-1], bs)
    nrows = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
    nbytes = nrows * (shape[-1] // bs) * ts
    raw = np.ascontiguousarray(data).view(np.uint8).reshape(-1)
    if raw.size != nbytes:
        raise ValueError(f"{qtype.name}: expected {nbytes} bytes for shape {shape}, got {raw.size}")
    raw = raw.reshape(nrows, -1)
    if qtype == QType.F32:
        return raw.view(np.float32).reshape(shape).copy()
    if qtype == QType.F16:
        return raw.view(np.float16).astype(_F).reshape(shape)
    if qtype == QType.BF16:
        return (raw.view(np.uint16).astype(np.uint32) << 16).view(_F).reshape(shape)
    import gguf.quants as gq

    return np.asarray(gq.dequantize(raw, qtype), dtype=_F).reshape(shape)
