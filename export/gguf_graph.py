"""The GGUF step as an ONNX graph: hypernetwork outputs (float32 A, B) -> the adapter file's tensor data.

`build-engine` puts this graph (`gguf.onnx`) and a GGUF template (`gguf_template` in export/gguf.py) in every bundle, so that a
consumer without Python (Node.js, Android, iOS) writes a llama.cpp LoRA adapter as template + this graph's output,
with no quantizer of its own. The bytes equal export/gguf.py's writer (itself bit-exact with ggml's reference
quantizers, tests/test_gguf_graph.py checks both), for the types whose plan does not change from layer to layer:

    F16    Cast to float16 (round to nearest even, as numpy and ggml) -> BitCast to uint16
    Q8_0   per 32: d = amax / 127, q = roundf(x / d) (half away from zero), bytes [f16(d), 32 × int8]
    Q4_0   per 32: the first value of largest |x| (ggml's strict `>` scan), d = max / -8,
           q = min(15, trunc(x / d + 8.5)), bytes [f16(d), 16 × (q[j] | q[j+16] << 4)]

Exactness notes: every step is the float32 operation ggml does, in ggml's order (x * (1/d), not x / d). Where ggml's
1/d overflows (a block whose scale is subnormal) its float -> int8 cast is undefined; x86 (where the writer is the
reference) yields 0 there, and so does the graph, on every platform. NaN and infinities never reach the quantizers:
the graph's second output, `finite`, is NaN for a batch row holding one, and the runtimes refuse that row.

Builds with `onnx` (a build-time dependency, as for the rest of export/onnx.py); runs on any ONNX Runtime with opset
26 (BitCast): 1.2x+ on every platform.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from gguf import GGMLQuantizationType as QType

from t2l_edge.errors import InvalidInputError
from t2l_edge.keys import BundleGraph
from t2l_edge.targets import TargetSpec

from .gguf import ALIGNMENT, PlannedTensor, plan_tensors
from .recipes import Recipe, parse_recipe

OPSET = 26  # BitCast
GRAPH_TYPES = (QType.F16, QType.Q8_0, QType.Q4_0)


@dataclass(frozen=True)
class DataLayout:
    """Where each tensor lies in the data section; the graph writes it per layer: (batch, layers, per_layer)."""

    tensors: tuple[PlannedTensor, ...]
    per_layer: int  # bytes of one layer's tensors, each padded to the alignment
    n_layers: int

    @property
    def data_bytes(self) -> int:
        return self.per_layer * self.n_layers


def data_layout(target: TargetSpec, rank: int, recipe: Recipe | str) -> DataLayout:
    """The data section of this adapter shape and recipe, checking that the graph can write it: supported types,
    the same type for a module on every layer (the graph quantizes all layers of a module at once)."""
    recipe = parse_recipe(recipe)
    planned = plan_tensors(target, rank, recipe)
    by_module: dict[tuple, set[QType]] = {}
    for t in planned:
        by_module.setdefault((t.kind, t.which), set()).add(t.qtype)
        if t.qtype not in GRAPH_TYPES:
            raise InvalidInputError(
                f"recipe {recipe.value}: {t.name} is {t.qtype.name}, which the in-graph GGUF writer does not produce "
                f"(it writes {', '.join(q.name for q in GRAPH_TYPES)}: use q4_0, q8_0 or f16)"
            )
    for (kind, which), types in by_module.items():
        if len(types) > 1:
            raise InvalidInputError(f"recipe {recipe.value}: {kind.value} lora_{which} changes type across layers "
                                    f"({sorted(t.name for t in types)}); the in-graph GGUF writer needs one type per module")
    first_layer = [t for t in planned if t.layer == 0]
    per_layer = sum(_padded(_nbytes(t)) for t in first_layer)
    return DataLayout(tuple(planned), per_layer, target.n_layers)


def _nbytes(t: PlannedTensor) -> int:
    from .quants import bytes_per_row

    return t.shape[0] * bytes_per_row(t.qtype, t.shape[1])


def _padded(n: int) -> int:
    return -(-n // ALIGNMENT) * ALIGNMENT


class _Graph:
    """A tiny ONNX graph builder: fresh names, constants as initializers."""

    def __init__(self):
        from onnx import helper, numpy_helper

        self.helper, self.numpy_helper = helper, numpy_helper
        self.nodes, self.inits, self._n = [], [], 0

    def name(self, hint: str) -> str:
        self._n += 1
        return f"{hint}_{self._n}"

    def const(self, value, dtype) -> str:
        name = self.name("c")
        self.inits.append(self.numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def op(self, op_type: str, *inputs: str, out: str | None = None, **attrs) -> str:
        out = out or self.name(op_type.lower())
        self.nodes.append(self.helper.make_node(op_type, list(inputs), [out], **attrs))
        return out


def _f16_words(g: _Graph, x: str) -> str:
    """float32 (...) -> its float16 bit patterns (...) uint16: one GGUF F16 value per word."""
    from onnx import TensorProto as T

    return g.op("BitCast", g.op("Cast", x, to=T.FLOAT16), to=T.UINT16)


def _pack_words(g: _Graph, q: str, weights: np.ndarray, d: str, clear: str | None = None, cleared: float = 0.0) -> str:
    """(..., nb, 32) bytes as float32 (0..255) and the block scales d (..., nb) -> (..., nb, 1 + n) uint16 words:
    [f16 bits of d, q @ weights]. Each word is a sum of at most four exact products below 2**16, which float32
    holds exactly in any summation order; the scale's bits (below 2**16 too) join through a second product with
    [1, 0, ..., 0], so that no concatenation along the last axis is needed. `clear` (..., nb), 1.0 or 0.0, subtracts
    `cleared` from the quant words of the blocks it marks (the same small product), zeroing them."""
    from onnx import TensorProto as T

    n = weights.shape[1]
    packing = np.zeros((32, 1 + n), np.float32)
    packing[:, 1:] = weights
    bits = g.op("Cast", _f16_words(g, d), to=T.FLOAT)  # (..., nb)
    per_block = _column(g, bits)
    first = np.zeros((1, 1 + n), np.float32)
    first[0, 0] = 1.0
    if clear is not None:  # (..., nb, 2) @ (2, 1 + n)
        per_block = g.op("Concat", per_block, _column(g, clear), axis=-1)
        first = np.concatenate([first, np.r_[0.0, np.full(n, -cleared)][None].astype(np.float32)])
    words = g.op("Add", g.op("MatMul", q, g.const(packing, np.float32)),
                 g.op("MatMul", per_block, g.const(first, np.float32)))
    return g.op("Cast", words, to=T.UINT16)


# q4_0: byte j (j < 16) = q[j] | q[j + 16] << 4; word k = byte 2k | byte 2k+1 << 8
_Q4_0_WORDS = np.zeros((32, 8), np.float32)
for _j in range(16):
    _Q4_0_WORDS[_j, _j // 2] = 1 << (8 * (_j % 2))
    _Q4_0_WORDS[_j + 16, _j // 2] = 16 << (8 * (_j % 2))
# q8_0: byte j = q[j] as int8; word k = byte 2k | byte 2k+1 << 8
_Q8_0_WORDS = np.zeros((32, 16), np.float32)
for _j in range(32):
    _Q8_0_WORDS[_j, _j // 2] = 1 << (8 * (_j % 2))

# Per-block values are kept flat, (..., nb): ONNX Runtime's elementwise kernels over a trailing axis of 1 are
# ~10x slower (one call per element), and a whole-block expansion is an outer product with ones (exact).


def _column(g: _Graph, flat: str) -> str:
    return g.op("Unsqueeze", flat, g.const([-1], np.int64))  # (..., nb, 1)


def _per_value(g: _Graph, per_block: str) -> str:
    """(..., nb) -> (..., nb, 32), each block's value repeated (one product by 1.0 each: exact)."""
    return g.op("MatMul", _column(g, per_block), g.const(np.ones((1, 32)), np.float32))


def _q8_0(g: _Graph, blocks: str) -> tuple[str, str]:
    """(..., nb, 32) float32 -> (..., nb, 17) uint16 (34 bytes a block): ggml's quantize_row_q8_0_ref; and x / d,
    which lies in [-127, 127] for finite blocks and is NaN or infinite in the others."""
    last = g.const([-1], np.int64)
    amax = g.op("ReduceMax", g.op("Abs", blocks), last, keepdims=0)  # (..., nb)
    d = g.op("Div", amax, g.const(127.0, np.float32))
    inv, _ = _inverse(g, d)
    v = g.op("Mul", blocks, _per_value(g, inv))  # (..., nb, 32)
    # roundf (half away from zero) of |v|: floor(m) + floor(2 * (m - floor(m))), exact in float32 (floor(m + 0.5)
    # is not: 0.49999997 + 0.5 rounds up to 1.0).
    mag = g.op("Abs", v)
    whole = g.op("Floor", mag)
    r = g.op("Add", whole, g.op("Floor", g.op("Mul", g.op("Sub", mag, whole), g.const(2.0, np.float32))))
    # the int8's byte: s mod 256 with s = sign(v) * r (exact: s is a small integer)
    s_ = g.op("Mul", r, g.op("Sign", v))
    byte = g.op("Sub", s_, g.op("Mul", g.op("Floor", g.op("Mul", s_, g.const(1 / 256, np.float32))), g.const(256.0, np.float32)))
    return _pack_words(g, byte, _Q8_0_WORDS, d), v


def _q4_0(g: _Graph, blocks: str) -> tuple[str, str]:
    """(..., nb, 32) float32 -> (..., nb, 9) uint16 (18 bytes a block): ggml's quantize_row_q4_0_ref; and x / d + 8.5,
    which lies in [0, 16.5] for finite blocks and is NaN or infinite in the others."""
    from onnx import TensorProto as T

    ax = g.op("Abs", blocks)
    idx = g.op("ArgMax", ax, axis=-1, keepdims=0, select_last_index=0)  # (..., nb): the first of the largest |x|
    # Gather on the flat tensor (GatherElements is slow): flat index = block number * 32 + idx.
    flat_idx = g.op("Add", g.op("Reshape", idx, g.const([-1], np.int64)),
                    g.op("Range", g.const(0, np.int64), g.op("Size", blocks), g.const(32, np.int64)))
    vmax = g.op("Gather", g.op("Reshape", blocks, g.const([-1], np.int64)), flat_idx, axis=0)
    vmax = g.op("Reshape", vmax, g.op("Shape", idx))  # (..., nb)
    # ggml starts from max = +0 and only takes a value whose |x| is strictly larger: all-zero blocks keep +0 (not -0).
    vmax = g.op("Where", g.op("Equal", vmax, g.const(0.0, np.float32)), g.const(0.0, np.float32), vmax)
    d = g.op("Div", vmax, g.const(-8.0, np.float32))  # (..., nb)
    inv, overflow = _inverse(g, d)
    v = g.op("Add", g.op("Mul", blocks, _per_value(g, inv)), g.const(8.5, np.float32))  # >= 0: trunc == floor
    q = g.op("Floor", g.op("Min", v, g.const(15.5, np.float32)))  # (..., nb, 32) in 0..15
    # Where 1/d overflowed (see the module doc) inv is 0, so every q is 8 and each quant word 0x8888: cleared to 0.
    return _pack_words(g, q, _Q4_0_WORDS, d, g.op("Cast", overflow, to=T.FLOAT), float(0x8888)), v


def _inverse(g: _Graph, d: str) -> tuple[str, str]:
    """ggml's `id = d ? 1.0f/d : 0.0f`, with 0 where 1/d overflows (subnormal d; see the module doc); and that
    overflow flag."""
    zero = g.const(0.0, np.float32)
    is_zero = g.op("Equal", d, zero)
    inv = g.op("Div", g.const(1.0, np.float32), g.op("Where", is_zero, g.const(1.0, np.float32), d))
    overflow = g.op("IsInf", inv)
    return g.op("Where", g.op("Or", is_zero, overflow), zero, inv), overflow


_QUANTIZERS = {QType.Q8_0: _q8_0, QType.Q4_0: _q4_0}


def build_gguf_graph(target: TargetSpec, rank: int, recipe: Recipe | str):
    """The graph for this adapter shape and recipe (an `onnx.ModelProto`): inputs named like the hypernetwork's
    outputs, lora_A.<m> (batch, L, r, in) and lora_B.<m> (batch, L, out, r) float32; outputs `gguf_data`
    (batch, data bytes / 2) uint16 and `finite` (batch,) float32, 0 where every input value is finite, NaN otherwise.

    The tensors of one quantized type are concatenated and quantized in one go (a few hundred fewer nodes: at these
    sizes ONNX Runtime's per-node cost is a good part of the time), then split back into file order."""
    from onnx import TensorProto as T
    from onnx import checker, helper

    layout = data_layout(target, rank, recipe)
    g = _Graph()
    keep_batch_layer = g.const([0, 0, -1], np.int64)  # Reshape: 0 keeps that axis
    keep_batch = g.const([0, -1], np.int64)
    layer0 = [t for t in layout.tensors if t.layer == 0]  # file order within a layer
    names = {t.name: (BundleGraph.LORA_A if t.which == "a" else BundleGraph.LORA_B).format(module=t.kind.value)
             for t in layer0}
    inputs = [helper.make_tensor_value_info(names[t.name], T.FLOAT, ["batch", target.n_layers, *t.shape]) for t in layer0]
    words: dict[str, str] = {}
    probes: list[str] = []
    for t in (t for t in layer0 if t.qtype == QType.F16):
        x = names[t.name]
        words[t.name] = _f16_words(g, g.op("Reshape", x, keep_batch_layer))  # (batch, L, out * r)
        probes.append(g.op("Mul", g.op("Reshape", x, keep_batch), g.const(0.0, np.float32)))  # 0, or NaN if not finite
    for qtype, quantize in _QUANTIZERS.items():
        group = [t for t in layer0 if t.qtype == qtype]
        if not group:
            continue
        blocks = [g.op("Reshape", names[t.name], g.const([0, 0, -1, 32], np.int64)) for t in group]
        allblocks = g.op("Concat", *blocks, axis=2) if len(blocks) > 1 else blocks[0]  # (batch, L, NB, 32)
        packed, probe = quantize(g, allblocks)  # (batch, L, NB, W); probe bounded where x is finite
        probes.append(g.op("Reshape", probe, keep_batch))
        flat = g.op("Reshape", packed, keep_batch_layer)
        sizes = [_nbytes(t) // 2 for t in group]
        if len(group) == 1:
            words[group[0].name] = flat
        else:
            outs = [g.name("split") for _ in group]
            g.nodes.append(helper.make_node("Split", [flat, g.const(sizes, np.int64)], outs, axis=2))
            words.update(zip((t.name for t in group), outs))
    parts = []
    for t in layer0:
        pad = _padded(_nbytes(t)) - _nbytes(t)
        w = words[t.name]
        if pad:  # ONNX Runtime's CPU Pad has no uint16 kernel: pad as int32 (exact for 0..65535) and cast back
            wide = g.op("Cast", w, to=T.INT32)
            padded = g.op("Pad", wide, g.const([0, 0, 0, 0, 0, pad // 2], np.int64), g.const(0, np.int32))
            w = g.op("Cast", padded, to=T.UINT16)
        parts.append(w)
    # (batch, L, per_layer / 2): the data section, layer after layer (no final reshape: it would be one more copy)
    if len(parts) > 1:
        g.op("Concat", *parts, axis=2, out=BundleGraph.GGUF_DATA)
    else:
        g.op("Identity", parts[0], out=BundleGraph.GGUF_DATA)
    total = g.op("ReduceSum", g.op("Concat", *[g.op("ReduceSum", p, g.const([1], np.int64), keepdims=1) for p in probes], axis=1),
                 g.const([1], np.int64), keepdims=0)  # (batch,)
    g.op("Sub", total, total, out=BundleGraph.FINITE)
    graph = helper.make_graph(
        g.nodes, "t2l_gguf_writer", inputs,
        [helper.make_tensor_value_info(BundleGraph.GGUF_DATA, T.UINT16, ["batch", target.n_layers, layout.per_layer // 2]),
         helper.make_tensor_value_info(BundleGraph.FINITE, T.FLOAT, ["batch"])],
        initializer=g.inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="t2l-edge")
    model.ir_version = 11
    checker.check_model(model)
    return model


__all__ = ["DataLayout", "data_layout", "build_gguf_graph", "GRAPH_TYPES", "OPSET"]
