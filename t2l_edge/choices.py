"""Turning a user's string into one of an enum's values, with the one-line error every command uses."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

from .errors import InvalidInputError

E = TypeVar("E", bound=Enum)


def parse_choice(enum: type[E], value, name: str) -> E:
    """`value` (any case, or already a member) as a member of `enum`; else "NAME must be one of …, got 'value'"."""
    try:
        return enum(value.lower() if isinstance(value, str) else value)
    except ValueError:
        raise InvalidInputError(f"{name} must be one of {', '.join(e.value for e in enum)}, got {value!r}") from None
