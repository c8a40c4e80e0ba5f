"""t2l_edge.export.quants against ggml's own C quantizer (ctypes, see ggml_reference.py).

The numpy quantizers must reproduce ggml_quantize_chunk (no imatrix) byte for
byte.  Where bytes differ (tolerated only for the K-quants, at <= 0.1% of
blocks) our reconstruction must not be worse than ggml's.
"""

from __future__ import annotations

import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

from t2l_edge.export import quants as Q
from t2l_edge.export.quants import QType, dequantize, quantize

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ggml_reference as gr  # noqa: E402



@pytest.fixture(autouse=False)
def ggml():
    """ggml's own quantizer is the reference: its absence is a failure, never a skip."""
    assert gr.available(), f"ggml reference unavailable: {gr.load_error()}"


needs_ggml = pytest.mark.usefixtures("ggml")

BLOCK_TYPES = [QType.Q4_0, QType.Q5_0, QType.Q8_0, QType.Q4_K, QType.Q6_K]
K_TYPES = {QType.Q4_K, QType.Q6_K}
MIN_MATCH_RATE = 0.999


def _outliers(rng, shape):
    x = rng.standard_normal(shape)
    n = max(1, x.size // 500)
    x.flat[rng.choice(x.size, n, replace=False)] = rng.standard_normal(n) * 1e4
    return x


def _sparse_signed_zeros(rng, shape):
    # contains -0.0 (negative * 0) and whole all-zero blocks
    return rng.standard_normal(shape) * (rng.uniform(size=shape) < 0.03)


def _one_hot(rng, shape):
    x = np.zeros(shape)
    x[np.arange(shape[0]), rng.integers(0, shape[1], shape[0])] = rng.standard_normal(shape[0]) * 10.0 ** rng.uniform(-6, 6, shape[0])
    return x


# name -> (generator(rng, shape), shape for 32-element blocks, shape for 256-element blocks)
DATA_KINDS = {
    "normal": (lambda r, s: r.standard_normal(s), (32, 2048), (32, 2048)),
    "outliers": (_outliers, (32, 2048), (32, 2048)),
    "constant": (lambda r, s: np.full(s, 0.37), (4, 512), (4, 512)),
    "neg_constant": (lambda r, s: np.full(s, -1.5), (4, 512), (4, 512)),
    "const_rows": (lambda r, s: np.repeat(r.standard_normal((s[0], 1)), s[1], 1), (16, 512), (16, 512)),
    "zero": (lambda r, s: np.zeros(s), (4, 512), (4, 512)),
    "tiny_1e-8": (lambda r, s: r.standard_normal(s) * 1e-8, (16, 1024), (16, 1024)),
    "subnormal": (lambda r, s: r.standard_normal(s) * 1e-39, (8, 512), (8, 512)),
    "huge_1e30": (lambda r, s: r.standard_normal(s) * 1e30, (8, 512), (8, 512)),
    "mixed_range": (lambda r, s: r.standard_normal(s) * 10.0 ** r.uniform(-6, 4, s), (16, 2048), (16, 2048)),
    "row_scales": (lambda r, s: r.standard_normal(s) * 10.0 ** r.uniform(-10, 10, (s[0], 1)), (64, 512), (64, 512)),
    "all_positive": (lambda r, s: r.uniform(0, 1, s), (16, 512), (16, 512)),
    "all_negative": (lambda r, s: -r.uniform(0, 1, s), (16, 512), (16, 512)),
    "sparse_signed_zero": (_sparse_signed_zeros, (32, 1024), (32, 1024)),
    "one_hot": (_one_hot, (64, 256), (64, 256)),
    "small_ints": (lambda r, s: r.integers(-8, 8, s).astype(float), (16, 512), (16, 512)),
    "lora_A_8x2048": (lambda r, s: r.standard_normal(s) * 0.02, (8, 2048), (8, 2048)),
    "lora_B_64x640": (lambda r, s: r.standard_normal(s) * 1e-3, (64, 640), (64, 768)),
    # > 512 super-blocks: crosses the Q4_K/Q6_K chunk boundaries
    "many_rows": (lambda r, s: r.standard_normal(s) * 0.05, (40, 2048), (72, 2048)),
}


def _data(kind: str, qtype: QType) -> np.ndarray:
    gen, shape32, shape256 = DATA_KINDS[kind]
    shape = shape256 if Q.GGML_QUANT_SIZES[qtype][0] == 256 else shape32
    seed = zlib.crc32(f"{kind}/{qtype.name}".encode())
    rng = np.random.default_rng(seed)
    with np.errstate(over="ignore", under="ignore"):
        return np.asarray(gen(rng, shape), dtype=np.float32)


def _block_sse(x: np.ndarray, data: np.ndarray, qtype: QType) -> np.ndarray:
    bs, _ = Q.GGML_QUANT_SIZES[qtype]
    with np.errstate(all="ignore"):
        y = dequantize(data, qtype, x.shape).astype(np.float64)
        return ((y - x.astype(np.float64)) ** 2).reshape(-1, bs).sum(axis=1)


@needs_ggml
@pytest.mark.parametrize("kind", list(DATA_KINDS))
@pytest.mark.parametrize("qtype", BLOCK_TYPES, ids=lambda t: t.name)
def test_bytes_match_ggml(qtype: QType, kind: str):
    x = _data(kind, qtype)
    with np.errstate(all="ignore"):
        ours = quantize(x, qtype)
    ref = gr.ggml_quantize(x, qtype)
    assert ours.dtype == np.uint8 and ours.shape == ref.shape
    if np.array_equal(ours, ref):
        return

    _, ts = Q.GGML_QUANT_SIZES[qtype]
    same = (ours.reshape(-1, ts) == ref.reshape(-1, ts)).all(axis=1)
    rate = same.mean()
    print(f"{qtype.name}/{kind}: exact-match rate {rate:.6f} ({(~same).sum()} of {same.size} blocks differ)")
    assert qtype in K_TYPES, f"{qtype.name}/{kind}: simple block types must match ggml exactly (rate {rate:.6f})"
    assert rate >= MIN_MATCH_RATE, f"{qtype.name}/{kind}: exact-match rate {rate:.6f} < {MIN_MATCH_RATE}"
    sse_ours = _block_sse(x, ours, qtype)[~same]
    sse_ref = _block_sse(x, ref, qtype)[~same]
    assert np.all(sse_ours <= sse_ref * (1 + 1e-4) + 1e-30), (
        f"{qtype.name}/{kind}: differing blocks reconstruct worse than ggml: "
        f"{sse_ours.tolist()[:5]} vs {sse_ref.tolist()[:5]}"
    )


@needs_ggml
@pytest.mark.parametrize("qtype", [QType.F32, QType.F16, QType.BF16], ids=lambda t: t.name)
def test_float_types_match_ggml(qtype: QType):
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((16, 384)) * 10.0 ** rng.uniform(-8, 8, (16, 384))).astype(np.float32)
    x[0, :4] = [0.0, -0.0, 65504.0, 1e6]  # f16 overflow -> inf like ggml
    with np.errstate(all="ignore"):
        assert np.array_equal(quantize(x, qtype), gr.ggml_quantize(x, qtype))


@needs_ggml
@pytest.mark.parametrize("qtype", [QType.F16, QType.BF16, *BLOCK_TYPES], ids=lambda t: t.name)
def test_dequantize_matches_ggml(qtype: QType):
    rng = np.random.default_rng(4)
    x = (rng.standard_normal((8, 1024)) * 0.1).astype(np.float32)
    data = gr.ggml_quantize(x, qtype)
    np.testing.assert_array_equal(dequantize(data, qtype, x.shape), gr.ggml_dequantize(data, qtype, x.shape))


# ---------------------------------------------------------------- no ggml needed

ROUNDTRIP_REL_ERR = {  # |x - deq(q(x))| / |x| on standard normal rows
    QType.Q8_0: 0.008,
    QType.Q6_K: 0.025,
    QType.Q5_0: 0.06,
    QType.Q4_K: 0.09,
    QType.Q4_0: 0.11,
}


@pytest.mark.parametrize("qtype", list(ROUNDTRIP_REL_ERR), ids=lambda t: t.name)
def test_roundtrip_error_small(qtype: QType):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((16, 2048)).astype(np.float32)
    y = dequantize(quantize(x, qtype), qtype, x.shape)
    assert y.dtype == np.float32 and y.shape == x.shape
    rel = np.linalg.norm(y - x) / np.linalg.norm(x)
    assert rel < ROUNDTRIP_REL_ERR[qtype], f"{qtype.name}: relative error {rel:.4f}"
    # and per row (no row silently garbled)
    rel_rows = np.linalg.norm(y - x, axis=1) / np.linalg.norm(x, axis=1)
    assert rel_rows.max() < 1.5 * ROUNDTRIP_REL_ERR[qtype]


def test_zero_input_roundtrips_to_zero():
    x = np.zeros((2, 512), np.float32)
    for qtype in BLOCK_TYPES:
        assert not np.any(dequantize(quantize(x, qtype), qtype, x.shape))


def test_float_roundtrips():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((4, 96)).astype(np.float32)
    b32 = quantize(x, QType.F32)
    assert b32.shape == (4, 96 * 4) and b32.dtype == np.uint8
    np.testing.assert_array_equal(dequantize(b32, QType.F32, x.shape), x)

    b16 = quantize(x, QType.F16)
    assert b16.shape == (4, 96 * 2)
    np.testing.assert_array_equal(dequantize(b16, QType.F16, x.shape), x.astype(np.float16).astype(np.float32))

    bbf = quantize(x, QType.BF16)
    assert bbf.shape == (4, 96 * 2)
    ybf = dequantize(bbf, QType.BF16, x.shape)
    assert np.all(np.abs(ybf - x) <= np.abs(x) * 2.0**-8)  # round-to-nearest, 8-bit mantissa
    # values exactly representable in bf16 survive unchanged
    exact = ybf.copy()
    np.testing.assert_array_equal(dequantize(quantize(exact, QType.BF16), QType.BF16, x.shape), exact)


def test_output_shape_and_leading_dims():
    x = np.random.default_rng(7).standard_normal((2, 3, 512)).astype(np.float32)
    b = quantize(x, QType.Q4_K)
    assert b.shape == (2, 3, 2 * 144) and b.dtype == np.uint8
    np.testing.assert_array_equal(b.reshape(6, -1), quantize(x.reshape(6, 512), QType.Q4_K))
    assert Q.bytes_per_row(QType.Q6_K, 512) == 2 * 210


@pytest.mark.parametrize(
    "qtype,row_len",
    [(QType.Q4_K, 100), (QType.Q6_K, 640), (QType.Q4_0, 48), (QType.Q8_0, 33), (QType.Q5_0, 16)],
    ids=lambda v: getattr(v, "name", str(v)),
)
def test_bad_row_length_raises(qtype: QType, row_len: int):
    x = np.zeros((2, row_len), np.float32)
    with pytest.raises(ValueError, match=rf"{qtype.name}.*\b{row_len}\b"):
        quantize(x, qtype)


def test_unsupported_type_raises():
    with pytest.raises(NotImplementedError, match="Q2_K"):
        quantize(np.zeros((1, 256), np.float32), QType.Q2_K)


def test_colsum_is_sequential():
    """The K-quant kernels rely on numpy summing the outer axis in index order."""
    a = (np.random.default_rng(8).standard_normal((32, 4099)) * 1e3).astype(np.float32)
    acc = a[0].copy()
    for i in range(1, a.shape[0]):
        acc += a[i]
    np.testing.assert_array_equal(Q._colsum(a), acc)


def test_nearest_int_emulation():
    v = np.array([0.5, 1.5, 2.5, -0.5, -1.5, 3.49999976, 4194303.0, -7.5], np.float32)
    np.testing.assert_array_equal(Q._nearest_int(v), [0, 2, 2, 0, -2, 3, 4194303, -8])


@pytest.mark.parametrize("qtype", [QType.Q4_K, QType.Q6_K], ids=lambda t: t.name)
def test_chunking_does_not_change_bytes(qtype: QType, monkeypatch):
    x = (np.random.default_rng(9).standard_normal((5, 768)) * 0.1).astype(np.float32)
    full = quantize(x, qtype)
    monkeypatch.setattr(Q, "_Q4K_CHUNK", 2)
    monkeypatch.setattr(Q, "_Q6K_CHUNK", 2)
    np.testing.assert_array_equal(quantize(x, qtype), full)
