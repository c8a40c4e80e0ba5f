"""Non-finite values in raw ggml tensor bytes, found without dequantizing.

Quantized blocks hold integers plus f16 scale fields (d, and dmin/m for some types); a NaN or Inf can only sit in
those fields, so checking them is exact and fast. llama.cpp runs such tensors without a word and answers garbage.
"""

from __future__ import annotations

import numpy as np
from gguf import GGML_QUANT_SIZES
from gguf import GGMLQuantizationType as QType

# Byte offsets of the f16 fields inside one block (ggml-common.h block layouts).
F16_FIELDS: dict[QType, tuple[int, ...]] = {
    QType.Q4_0: (0,),
    QType.Q4_1: (0, 2),
    QType.Q5_0: (0,),
    QType.Q5_1: (0, 2),
    QType.Q8_0: (0,),
    QType.Q2_K: (80, 82),  # scales[16], qs[64], d, dmin
    QType.Q3_K: (108,),  # hmask[32], qs[64], scales[12], d
    QType.Q4_K: (0, 2),
    QType.Q5_K: (0, 2),
    QType.Q6_K: (208,),  # ql[128], qh[64], scales[16], d
}
_F16_EXPONENT, _BF16_EXPONENT = 0x7C00, 0x7F80


def count_non_finite(data: np.ndarray, qtype: QType) -> int | None:
    """How many NaN/Inf values (or scale fields) the raw bytes hold; None for a type this cannot inspect."""
    raw = np.asarray(data, dtype=np.uint8)
    if qtype is QType.F32:
        return int(np.count_nonzero(~np.isfinite(raw.view(np.float32))))
    if qtype in (QType.F16, QType.BF16):
        mask = _F16_EXPONENT if qtype is QType.F16 else _BF16_EXPONENT
        return int(np.count_nonzero((raw.view(np.uint16) & mask) == mask))
    fields = F16_FIELDS.get(qtype)
    if fields is None:
        return None
    blocks = raw.reshape(-1, GGML_QUANT_SIZES[qtype][1])
    bad = 0
    for at in fields:
        scale = blocks[:, at : at + 2].copy().view(np.uint16)
        bad += int(np.count_nonzero((scale & _F16_EXPONENT) == _F16_EXPONENT))
    return bad
