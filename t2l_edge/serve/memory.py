"""Keep a long-running server's resident memory flat.

Every request with a new task text allocates megabytes and frees them soon after: the adapter's GGUF bytes (2.4 MiB
for the shipped q4_0 adapters, kept until the LRU cache evicts them), the generator's A/B arrays, llama.cpp's copy.
glibc serves blocks above its mmap threshold (128 KiB) with their own mmap, returned to the system on free; but after
the first such free it raises the threshold to that block's size (up to 32 MiB), and from then on these blocks are cut
from the heap. Freed in cache order while other allocations land between them, they leave holes the heap keeps:
measured, RSS grew 9.7% from request 200 to 1,000 and kept growing (tests/bench/bench_serve.py). A fixed threshold
keeps large blocks out of the heap for good: ≈ 70 MiB less. (The rest of the drift was llama-cpp-python's sampler,
freed by `LlamaCppRunner.release_sampler`; docs/serve.md has the curves.)
"""

from __future__ import annotations

import ctypes
import os
import sys

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number
MMAP_THRESHOLD_BYTES = 128 * 1024  # glibc's own starting value; setting it turns the dynamic raise off
USER_SETTING = "MALLOC_MMAP_THRESHOLD_"  # glibc's environment variable: the user's choice wins


def fix_malloc_mmap_threshold() -> bool:
    """Pin glibc's mmap threshold for this process (the server's); False where there is no glibc or the user set it."""
    if not sys.platform.startswith("linux") or USER_SETTING in os.environ:
        return False
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # musl and others: no glibc heap to tune
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1
