"""Deterministic splits of the suite: which families, descriptions and instances train, and which are held out.

- `train`: training families, their training descriptions (all but the last `HELDOUT_DESCRIPTIONS_PER_FAMILY`),
  training instances.
- `heldout-descriptions`: the same families, their held-out descriptions, held-out instances.
- `heldout-families`: families never trained on (`HELDOUT_FAMILIES`, fixed, never tuned on), all their
  descriptions and instances.

An instance is held out when a hash of (family, input) falls in the held-out bucket, so training and held-out
instances never share an input, whatever the seed or the number of instances asked for.
"""

from __future__ import annotations

import hashlib
import random

from ..choices import Choice, parse_choice
from ..errors import InvalidInputError
from .format import Example, Task
from .suite import FAMILIES, Family

# About 15% of the families, spread across the themes; each has a trained sibling (last_letter ↔ first_letter).
HELDOUT_FAMILIES = (
    "last_letter",  # strings
    "lowercase",  # strings
    "previous_letter",  # letters
    "last_word",  # words
    "smaller_of_two",  # arithmetic
    "min_of_list",  # lists
    "sort_numbers_descending",  # lists
    "fruit_or_vegetable",  # classify
    "singular",  # lexicon
    "camel_to_snake",  # formatting
    "dmy_to_ymd",  # conversions
    "hours_to_minutes",  # conversions
)
HELDOUT_DESCRIPTIONS_PER_FAMILY = 3
HELDOUT_INSTANCE_PERCENT = 20
DEFAULT_INSTANCES = 32
ATTEMPTS_PER_INSTANCE = 50


class Split(Choice):
    TRAIN = "train"
    HELDOUT_DESCRIPTIONS = "heldout-descriptions"
    HELDOUT_FAMILIES = "heldout-families"


def parse_split(name: str | Split) -> Split:
    return parse_choice(Split, name, "split")


def family_split(name: str) -> Split:
    """`train` for a training family, `heldout-families` for a held-out one."""
    return Split.HELDOUT_FAMILIES if name in HELDOUT_FAMILIES else Split.TRAIN


def split_descriptions(family: Family, split: Split) -> tuple[str, ...]:
    k = HELDOUT_DESCRIPTIONS_PER_FAMILY
    return {
        Split.TRAIN: family.descriptions[:-k],
        Split.HELDOUT_DESCRIPTIONS: family.descriptions[-k:],
        Split.HELDOUT_FAMILIES: family.descriptions,
    }[split]


def is_heldout_instance(family: str, text: str) -> bool:
    digest = hashlib.blake2b(f"{family}\x00{text}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % 100 < HELDOUT_INSTANCE_PERCENT


def _wants_input(split: Split, family: str, text: str) -> bool:
    return {
        Split.TRAIN: lambda: not is_heldout_instance(family, text),
        Split.HELDOUT_DESCRIPTIONS: lambda: is_heldout_instance(family, text),
        Split.HELDOUT_FAMILIES: lambda: True,
    }[split]()


def split_families(split: Split | str) -> list[Family]:
    split = parse_split(split)
    held = split is Split.HELDOUT_FAMILIES
    return [f for f in FAMILIES.values() if (f.name in HELDOUT_FAMILIES) == held]


def instances(family: Family, split: Split | str, n: int = DEFAULT_INSTANCES, seed: int = 0) -> list[Example]:
    """Up to `n` distinct instances of `family` for `split` (fewer when the family has fewer distinct inputs there)."""
    split = parse_split(split)
    rng = random.Random(f"t2l-edge:{seed}:{split.value}:{family.name}")
    seen: dict[str, Example] = {}
    for _ in range(n * ATTEMPTS_PER_INSTANCE):
        if len(seen) == n:
            break
        x = family.sample(rng)
        if x not in seen and _wants_input(split, family.name, x):
            seen[x] = Example(x, family.solve(x))
    return list(seen.values())


def family_task(family: Family, split: Split | str, n_instances: int = DEFAULT_INSTANCES, seed: int = 0) -> Task:
    split = parse_split(split)
    return Task(
        name=family.name,
        descriptions=split_descriptions(family, split),
        examples=instances(family, split, n_instances, seed),
        metric=family.metric,
        choices=family.choices,
    )


def build_split(name: Split | str, n_instances: int = DEFAULT_INSTANCES, seed: int = 0) -> list[Task]:
    """The tasks of one split, in registry order; the same arguments always give the same tasks."""
    if n_instances < 1:
        raise InvalidInputError(f"n_instances must be at least 1, got {n_instances}")
    split = parse_split(name)
    return [family_task(f, split, n_instances, seed) for f in split_families(split)]
