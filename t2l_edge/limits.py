"""Bounds on the sizes a user can give, defined once: every check that refuses a value above one names it.

Each bound is far above any real use and far below what would exhaust memory or time on a device: a context of
16 M tokens (the largest released models train to 10 M), JSON nested 100 deep (our files nest 5), a data file of
256 MiB read whole (a large benchmark split is tens of MiB), a config of 1 MiB (they are a page).
"""

from __future__ import annotations

from .errors import InvalidInputError

MAX_CONTEXT = 1 << 24  # tokens; llama.cpp's n_ctx is a 32-bit count, and the KV cache of 2^24 cells is ~100s of GiB
MAX_NESTING = 100  # levels of JSON / TOML / YAML nesting
MAX_DATA_FILE_BYTES = 256 << 20  # a task file, test data, examples, results: read into memory whole
MAX_CONFIG_FILE_BYTES = 1 << 20  # a TOML or YAML config
MAX_CONFIG_VALUES = 100_000  # values in a config after YAML aliases are expanded (a "billion laughs" file)
MAX_SEED = 2**63 - 1  # seeds are non-negative 64-bit integers (numpy's generators refuse negative ones)
MAX_RANK = 1024  # a LoRA rank: no module of a 70B model has min(in, out) above 1024 (k_proj 8192→1024)
MAX_WIDTH = 1 << 16  # a hypernetwork's latent or head width, or its embedding size
MAX_BLOCKS = 64  # residual blocks of a hypernetwork
MAX_LORA_SCALE = 1e4  # alpha / r (or alpha / √r): real adapters use 0.1-100; 3e38 turned every logit into NaN
MAX_LORA_MULTIPLIER = 4.0  # what a user may multiply an adapter's own scale by (serve's lora_scale, --lora-scale)


def check_int(value: object, what: str, low: int, high: int) -> int:
    """`value` as an int in [low, high], else an error naming the field and the bound."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(f"{what} must be an integer, got {value!r}"[:200])
    if not low <= value <= high:
        shown = f"{value:,}" if value.bit_length() <= 64 else f"a {value.bit_length()}-bit number"
        raise InvalidInputError(f"{what} is {shown}, it must be between {low:,} and {high:,}")
    return value


def check_context(value: object, what: str = "context", low: int = 1) -> int:
    return check_int(value, what, low, MAX_CONTEXT)


def check_seed(value: object, what: str = "seed") -> int:
    return check_int(value, what, 0, MAX_SEED)
