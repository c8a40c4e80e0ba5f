"""The vocabulary: one base for every choice enum, one table of other spellings, one parser, one error wording.

Every user-facing choice (a recipe, a precision, a target, a mode …) is a `Choice`: a (str, Enum) that parses its
values case-insensitively and through `SPELLINGS`, so `fp16` means `f16` wherever a 16-bit float is meant.
"""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

from .errors import InvalidInputError
from .text import quote

# One idea, one canonical spelling; these others are accepted everywhere (CLI options, TOML, manifests).
SPELLINGS: dict[str, str] = {
    "fp32": "f32",
    "float32": "f32",
    "fp16": "f16",
    "float16": "f16",
    "half": "f16",
    "bfloat16": "bf16",
}


class Choice(str, Enum):
    """A string choice: `Choice("F16")`, `Choice("fp16")` and `Choice("f16")` are the same member."""

    @classmethod
    def _missing_(cls, value):
        if isinstance(value, str):
            key = value.strip().lower()
            key = SPELLINGS.get(key, key)
            for member in cls:
                if member.value == key:
                    return member
        return None

    def __str__(self) -> str:
        return self.value


E = TypeVar("E", bound=Enum)


def choice_error(name: str, value, allowed) -> InvalidInputError:
    """The one wording of a bad choice: "NAME must be one of a, b, c, got 'x'"."""
    return InvalidInputError(f"{name} must be one of {', '.join(str(getattr(a, 'value', a)) for a in allowed)}, got {quote(repr(value), 80)}")


def parse_choice(enum: type[E], value, name: str) -> E:
    """`value` (any case, another accepted spelling, or already a member) as a member of `enum`."""
    if isinstance(value, enum):
        return value
    try:
        return enum(value.strip().lower() if isinstance(value, str) else value)
    except ValueError:
        raise choice_error(name, value, list(enum)) from None


def parse_choices(enum: type[E], values, name: str) -> tuple[E, ...]:
    """A list of choices (each parsed as `parse_choice` does); a bare string counts as one."""
    if isinstance(values, (str, Enum)):
        values = [values]
    if not isinstance(values, (list, tuple)):
        raise InvalidInputError(f"{name} must be a list of {', '.join(e.value for e in enum)}, got {quote(repr(values), 80)}")
    return tuple(parse_choice(enum, v, name) for v in values)


class Precision(Choice):
    """Number format of a generator bundle's weights (and what a device runs fast)."""

    F32 = "f32"
    F16 = "f16"
    BF16 = "bf16"
    INT8 = "int8"
    INT4 = "int4"
    # the names code used before one spelling was chosen
    FP32 = F32
    FP16 = F16
