"""Atomic file writes: a reader never sees half a file, and a failed write leaves the old file in place."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator, Sequence

from .errors import CorruptFileError, InvalidInputError, MissingFileError


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to `path`; on success rename it over `path`, on failure delete it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it owner-only; a written file gets the usual mode
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes_atomic(path: str | os.PathLike, data: bytes | memoryview) -> Path:
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    return Path(path)


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary directory next to `path`; on success it replaces `path` (a directory) as a whole."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it owner-only
        if path.is_dir():
            old = path.with_name(f".{path.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(path, old)
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def sha256_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def read_text(path: str | os.PathLike) -> str:
    """A UTF-8 text file, with one-line errors for a missing or undecodable file."""
    try:
        return Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise CorruptFileError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    except FileNotFoundError:
        raise MissingFileError(f"{path}: no such file") from None
    except OSError as e:
        raise MissingFileError(f"{path}: cannot read ({e.strerror})") from None


def read_json(path: str | os.PathLike) -> Any:
    """A JSON file, with one-line errors for a missing, undecodable or malformed file."""
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as e:
        raise CorruptFileError(f"{path}: not valid JSON ({e.msg} at line {e.lineno})") from None


def read_text_lines(path: str | os.PathLike, fields: Sequence[str], what: str) -> list[tuple[int, str]]:
    """(line number, text) for each non-blank line: the line itself, or for a line holding a JSON object its first
    present field of `fields`, which must be a non-empty string. `what` names the items in messages."""
    out = []
    for n, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        if not line.lstrip().startswith("{"):
            out.append((n, line))
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise InvalidInputError(f"{path}:{n}: not valid JSON ({e.msg} at column {e.colno})") from None
        value = next((obj[f] for f in fields if f in obj), None) if isinstance(obj, dict) else None
        if not isinstance(value, str) or not value.strip():
            names = " or ".join(repr(f) for f in fields)
            raise InvalidInputError(f"{path}:{n}: field '{fields[0]}': a JSON line needs a non-empty {names} string")
        out.append((n, value))
    if not out:
        raise InvalidInputError(f"{path}: no {what}s in the file")
    return out
