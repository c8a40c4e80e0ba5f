"""Super-NaturalInstructions tasks as seeded generators: numbers: arithmetic, primes, dates, number properties.

Each row implements one SNI task (`Family.sni`): inputs in the task's own input format (shorter, so that a 270M
base and short training sequences fit them), answers in its output format. Its SNI instances are the row's test
vectors (tests/fixtures/sni/<task>.json, checked by tests/test_sni.py).
"""

from __future__ import annotations

THEME = "sni-numbers"

FAMILIES: list = []
