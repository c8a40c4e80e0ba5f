"""Deterministic splits of the suite: which rows, descriptions and instances train, and which are held out.

- `train`: training rows, their training descriptions (all but the last `HELDOUT_DESCRIPTIONS_PER_FAMILY`),
  training instances.
- `heldout-descriptions`: the same rows, their held-out descriptions, held-out instances.
- `heldout-families`: whole operations never trained on, all their rows (every parameter value), descriptions and
  instances: the twelve of the first suite (`HELDOUT_FAMILIES_V1`, kept so that measurement stays comparable) and
  every operation whose name hashes into the held-out bucket (`HELDOUT_OPERATION_PERCENT`). The draw is by a hash of
  the operation's name, so it is fixed before any training, spread across themes at random, and an operation's
  side never changes when other modules are added. The primitives of compositions are always trained.
- `heldout-compositions`: compositions of two trained primitives whose pair (in either order) hashes into the
  held-out bucket (`HELDOUT_PAIR_PERCENT`); no training row composes that pair.
- `heldout-parameters`: for each trained parameterized operation, the one value whose hash is lowest ("add 7" when
  "add 3", "add 5", ... train).
- `train-v1`, `heldout-descriptions-v1`, `heldout-families-v1`: the first suite's splits exactly as they were (its 67
  training families, its 12 held-out ones; the same descriptions and instances), so that figures measured on them
  stay reproducible and comparable.

An instance is held out when a hash of (family, input) falls in the held-out bucket, so training and held-out
instances never share an input, whatever the seed or the number of instances asked for.
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from typing import Iterable

from ..choices import Choice, parse_choice
from ..errors import InvalidInputError
from .format import Example, Task
from .suite import FAMILIES, HAND_WRITTEN_MODULES, Family
from .suite.compositions import PAIRS, PRIMITIVE_FAMILIES
from .suite.wording import HELD_OUT

# The first suite's held-out families, about 15% of it, spread across its themes, each with a trained sibling
# (last_letter ↔ first_letter); they stay held out.
HELDOUT_FAMILIES_V1 = (
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
HELDOUT_OPERATION_PERCENT = 20
HELDOUT_PAIR_PERCENT = 25
SPLIT_SALT = "t2l-edge:split:v2"  # fixed: changing it redraws every held-out set
HELDOUT_DESCRIPTIONS_PER_FAMILY = HELD_OUT  # a row's last descriptions: its held-out frames (wording.py)
HELDOUT_INSTANCE_PERCENT = 20
DEFAULT_INSTANCES = 32
ATTEMPTS_PER_INSTANCE = 50


class Split(Choice):
    TRAIN = "train"
    HELDOUT_DESCRIPTIONS = "heldout-descriptions"
    HELDOUT_FAMILIES = "heldout-families"
    HELDOUT_COMPOSITIONS = "heldout-compositions"
    HELDOUT_PARAMETERS = "heldout-parameters"
    TRAIN_V1 = "train-v1"
    HELDOUT_DESCRIPTIONS_V1 = "heldout-descriptions-v1"
    HELDOUT_FAMILIES_V1 = "heldout-families-v1"


# The splits a row belongs to (each row is in exactly one); the others are views of them.
ROW_SPLITS = (Split.TRAIN, Split.HELDOUT_FAMILIES, Split.HELDOUT_COMPOSITIONS, Split.HELDOUT_PARAMETERS)
# The first suite's splits, and the split whose descriptions and instances each of them takes.
V1_SPLITS = {Split.TRAIN_V1: Split.TRAIN, Split.HELDOUT_DESCRIPTIONS_V1: Split.HELDOUT_DESCRIPTIONS,
             Split.HELDOUT_FAMILIES_V1: Split.HELDOUT_FAMILIES}
WHOLE_ROW_SPLITS = frozenset(ROW_SPLITS[1:])  # all descriptions, all instances
# What training on a split is evaluated on by default: the same rows' held-out descriptions and instances.
EVAL_SPLIT_OF = {Split.TRAIN: Split.HELDOUT_DESCRIPTIONS, Split.TRAIN_V1: Split.HELDOUT_DESCRIPTIONS_V1}
FIRST_SUITE = frozenset(f.name for m in HAND_WRITTEN_MODULES for f in m.FAMILIES)


def _bucket(key: str) -> int:
    digest = hashlib.blake2b(f"{SPLIT_SALT}\x00{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % 100


def heldout_operations(families: Iterable[Family]) -> frozenset[str]:
    """The operations held out whole: the first suite's twelve and those drawn by the hash of their name."""
    ops = {f.op for f in families}
    drawn = {op for op in ops if op not in PAIRS and op not in PRIMITIVE_FAMILIES
             and _bucket(f"operation:{op}") < HELDOUT_OPERATION_PERCENT}
    return frozenset(drawn | (ops & set(HELDOUT_FAMILIES_V1)))


def is_heldout_pair(g: str, f: str) -> bool:
    """Whether compositions of these two primitives, in either order, are held out."""
    return _bucket("pair:" + "+".join(sorted((g, f)))) < HELDOUT_PAIR_PERCENT


def heldout_parameter(op: str, parameters: Iterable[str]) -> str:
    """The held-out value of a parameterized operation: the one whose hash is lowest."""
    return min(parameters, key=lambda p: (_bucket(f"parameter:{op}:{p}"), p))


def assign_splits(families: Iterable[Family]) -> dict[str, Split]:
    """Each row's split (one of `ROW_SPLITS`); a pure function of the rows, so tests can check its stability."""
    families = list(families)
    held_ops = heldout_operations(families)
    values: dict[str, list[str]] = defaultdict(list)
    for f in families:
        if f.parameter is not None and f.op not in held_ops:
            values[f.op].append(f.parameter)
    held_values = {op: heldout_parameter(op, ps) for op, ps in values.items() if len(ps) > 1}
    out = {}
    for f in families:
        if f.op in held_ops:
            out[f.name] = Split.HELDOUT_FAMILIES
        elif f.name in PAIRS and is_heldout_pair(*PAIRS[f.name]):
            out[f.name] = Split.HELDOUT_COMPOSITIONS
        elif f.parameter is not None and held_values.get(f.op) == f.parameter:
            out[f.name] = Split.HELDOUT_PARAMETERS
        else:
            out[f.name] = Split.TRAIN
    return out


ASSIGNED = assign_splits(FAMILIES.values())
HELDOUT_FAMILIES = tuple(name for name, split in ASSIGNED.items() if split is Split.HELDOUT_FAMILIES)


def parse_split(name: str | Split) -> Split:
    return parse_choice(Split, name, "split")


def family_split(name: str) -> Split:
    """The split a row belongs to: `train` or one of the held-out ones (`ROW_SPLITS`)."""
    return ASSIGNED[name]


def split_descriptions(family: Family, split: Split) -> tuple[str, ...]:
    descriptions = family.descriptions
    if split in V1_SPLITS and family.descriptions_v1 is not None:
        descriptions = family.descriptions_v1  # the first suite's splits read its rows' original descriptions
    split = V1_SPLITS.get(split, split)
    k = HELDOUT_DESCRIPTIONS_PER_FAMILY
    if split in WHOLE_ROW_SPLITS:
        return descriptions
    return {Split.TRAIN: descriptions[:-k], Split.HELDOUT_DESCRIPTIONS: descriptions[-k:]}[split]


def is_heldout_instance(family: str, text: str) -> bool:
    digest = hashlib.blake2b(f"{family}\x00{text}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % 100 < HELDOUT_INSTANCE_PERCENT


def _wants_input(split: Split, family: str, text: str) -> bool:
    if split in WHOLE_ROW_SPLITS:
        return True
    return is_heldout_instance(family, text) == (split is Split.HELDOUT_DESCRIPTIONS)


def split_families(split: Split | str) -> list[Family]:
    """The rows of a split, in registry order."""
    split = parse_split(split)
    if split is Split.HELDOUT_FAMILIES_V1:
        return [f for f in FAMILIES.values() if f.name in HELDOUT_FAMILIES_V1]
    if split in V1_SPLITS:
        return [f for f in FAMILIES.values() if f.name in FIRST_SUITE and f.name not in HELDOUT_FAMILIES_V1]
    home = Split.TRAIN if split is Split.HELDOUT_DESCRIPTIONS else split
    return [f for f in FAMILIES.values() if ASSIGNED[f.name] is home]


def instances(family: Family, split: Split | str, n: int = DEFAULT_INSTANCES, seed: int = 0) -> list[Example]:
    """Up to `n` distinct instances of `family` for `split` (fewer when the family has fewer distinct inputs there)."""
    split = V1_SPLITS.get(parse_split(split), parse_split(split))  # a v1 split draws as its counterpart did
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
