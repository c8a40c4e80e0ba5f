"""File-controlled text in messages: escaped (no NULs, control characters or raw bytes) and shortened."""

from __future__ import annotations

MAX_QUOTED = 200


def quote(value: object, limit: int = MAX_QUOTED) -> str:
    """`value` as printable one-line text: control characters, lone surrogates and non-printables escaped the
    way `repr` does, cut to about `limit` characters with the original length noted."""
    text = value if isinstance(value, str) else str(value)
    head = text[: limit + 1]
    escaped = "".join(ch if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF else repr(ch)[1:-1] for ch in head)
    if len(text) > limit or len(escaped) > limit:
        return f"{escaped[:limit]}… ({len(text):,} characters)"
    return escaped


def require_utf8(text: str, what: str) -> str:
    """`text` if it encodes as UTF-8 (lone surrogates, e.g. from undecodable command-line bytes, do not)."""
    from .errors import InvalidInputError

    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise InvalidInputError(f"{what} is not valid UTF-8 text (undecodable character at position {e.start})") from None
    return text
