"""Atomic file writes: a reader never sees half a file, a failed or killed write leaves the old output in place,
and an output never destroys what the tool did not write.

Directories are replaced by two renames (DIR -> .DIR.old, new -> DIR). A kill between them leaves `.DIR.old`,
which the next write to DIR (or `recover_dir`) renames back; a kill after them leaves both, and the old copy is
deleted. Temporary data lives beside the output as `.NAME.<pid>.<random>.tmp`; the next write of NAME deletes
what a dead writer left.
"""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Collection, Iterator, Sequence

from .errors import CorruptFileError, InvalidInputError, MissingFileError, OutputError
from .limits import MAX_DATA_FILE_BYTES, MAX_NESTING
from .text import quote, require_utf8

_SURROGATE = re.compile("[\ud800-\udfff]")

# OSErrors that mean "this output cannot be written" (as opposed to an input that cannot be read).
_WRITE_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EISDIR, errno.ENOTDIR, errno.EFBIG,
     errno.ENAMETOOLONG, errno.EEXIST, errno.ENOTEMPTY, errno.EXDEV, errno.EIO, errno.ELOOP}
)


@contextlib.contextmanager
def _output_errors(path: Path) -> Iterator[None]:
    """Turn the OSErrors of writing an output (disk full, read-only, a directory in the way) into `OutputError`."""
    try:
        yield
    except OSError as e:
        if isinstance(e, OutputError) or e.errno not in _WRITE_ERRNOS:
            raise
        raise OutputError(f"{path}: {e.strerror or e}") from None


def _check_output_path(path: Path) -> Path:
    path = Path(os.path.abspath(path))
    cwd = Path(os.getcwd())
    if path == cwd or path in cwd.parents:
        raise OutputError(f"{path}: is the current directory or one above it; name a new output path")
    return path


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to `path`; on success rename it over `path`, on failure delete it."""
    path = _check_output_path(Path(path))
    if path.is_dir():
        raise OutputError(f"{path}: is a directory; the output is a file")
    with _output_errors(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(path)
        fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent)
        os.close(fd)
    tmp = Path(tmp)
    try:
        with _output_errors(path):
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


def check_not_an_input(output: str | os.PathLike, inputs: Sequence[str | os.PathLike]) -> None:
    """Refuse an output that is one of the command's inputs: replacing it would lose the input."""
    out = Path(os.path.abspath(output))
    for given in inputs:
        source = Path(os.path.abspath(given))
        same = out == source or (out.exists() and source.exists() and os.path.samefile(out, source))
        if same or (source.is_dir() and source in out.parents):
            raise OutputError(f"{output}: is also an input of this command ({quote(str(given), 80)}); "
                              "write the output to another path")


def old_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.old")


def recover_dir(path: str | os.PathLike) -> None:
    """Finish what a killed `atomic_dir` left: restore `.DIR.old` when DIR is missing (killed between the two
    renames), else delete it (killed after them); delete temporary `.DIR.*.tmp` data of earlier runs."""
    path = Path(os.path.abspath(path))
    old = old_path(path)
    if old.is_dir():
        if not path.exists():
            os.replace(old, path)
        else:
            shutil.rmtree(old, ignore_errors=True)
    remove_stale_temps(path)


def _temp_prefix(path: Path) -> str:
    """Temporary names carry the writer's pid, so a later run can tell a killed writer's leftovers from a live one's."""
    return f".{path.name}.{os.getpid()}."


def remove_stale_temps(path: Path) -> None:
    """Delete the temporary files and directories that killed writers of `path` left beside it."""
    if not path.parent.is_dir():
        return
    for stale in path.parent.glob(f".{glob_escape(path.name)}.*.tmp"):
        pid = stale.name[len(path.name) + 2 :].split(".", 1)[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _foreign_entries(path: Path, patterns: Collection[str]) -> list[str]:
    """Entries of an existing output directory that an output of this kind would not hold."""
    return sorted(p.name for p in path.iterdir() if not any(fnmatch.fnmatchcase(p.name, pat) for pat in patterns))


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike, patterns: Collection[str] = ("*",), force: bool = False) -> Iterator[Path]:
    """Yield a temporary directory next to `path`; on success it replaces `path` (a directory) as a whole.

    `patterns`: the names an output of this kind holds. An existing `path` holding anything else is not a previous
    output: it is refused, or with `force` the new files are moved in one by one and nothing else is touched."""
    path = _check_output_path(Path(path))
    with _output_errors(path):
        foreign = check_output_dir(path, patterns, force)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent))
    try:
        with _output_errors(path):
            yield tmp
            os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it owner-only
            if foreign:
                _merge_into(tmp, path)
            elif path.is_dir():
                old = old_path(path)
                os.replace(path, old)
                os.replace(tmp, path)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _merge_into(tmp: Path, path: Path) -> None:
    """--force into a directory with other files: each new file replaces its namesake atomically; the rest stays."""
    for src in sorted(tmp.rglob("*")):
        dst = path / src.relative_to(tmp)
        if src.is_dir():
            dst.mkdir(exist_ok=True)
        else:
            os.replace(src, dst)
    shutil.rmtree(tmp, ignore_errors=True)


def check_output_dir(path: str | os.PathLike, patterns: Collection[str] = ("*",), force: bool = False) -> list[str]:
    """Recover an interrupted write of `path`, then refuse it unless it is new, empty or a previous output of
    this kind (see `atomic_dir`); returns the entries that are not (only with `force`). Call it before long work."""
    path = _check_output_path(Path(path))
    with _output_errors(path):
        recover_dir(path)
        if path.exists() and not path.is_dir():
            raise OutputError(f"{path}: exists and is not a directory")
        foreign = _foreign_entries(path, patterns) if path.is_dir() else []
    if foreign and not force:
        shown = ", ".join(quote(f, 60) for f in foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise OutputError(
            f"{path}: directory holds files this command did not write ({shown}); choose a new or empty "
            "directory, or pass --force to add the output beside them"
        )
    return foreign


def temp_dir_beside(path: str | os.PathLike):
    """A temporary directory next to `path`, named so that the next write to `path` cleans it after a kill."""
    path = Path(os.path.abspath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=_temp_prefix(path), suffix=".work.tmp", dir=path.parent)


def sha256_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def read_bytes_bounded(path: str | os.PathLike, limit: int = MAX_DATA_FILE_BYTES) -> bytes:
    """A file's bytes, refused past `limit` (a device such as /dev/zero never ends; a huge file would exhaust memory)."""
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except FileNotFoundError:
        raise MissingFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InvalidInputError(f"{path}: is a directory, not a file") from None
    except OSError as e:
        raise MissingFileError(f"{path}: cannot read ({e.strerror})") from None
    if len(data) > limit:
        raise InvalidInputError(f"{path}: larger than {limit:,} bytes, the most this command reads")
    return data


def read_text(path: str | os.PathLike, limit: int = MAX_DATA_FILE_BYTES) -> str:
    """A UTF-8 text file of at most `limit` bytes, with one-line errors for a missing, huge or undecodable file."""
    try:
        return read_bytes_bounded(path, limit).decode("utf-8")
    except UnicodeDecodeError as e:
        raise CorruptFileError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None


def check_structure(value: Any, where: str, max_values: int | None = None, error: type[Exception] = InvalidInputError) -> Any:
    """`value` (parsed JSON, TOML or YAML) if it nests at most MAX_NESTING levels, holds no lone surrogate (JSON's
    "\\ud800" escape makes one; it cannot be written as UTF-8 later) and, with `max_values`, at most that many values
    (YAML aliases can expand a small file exponentially). Iterative: no recursion on hostile input."""
    stack, seen = [(value, 1)], 0
    while stack:
        item, depth = stack.pop()
        seen += 1
        if max_values is not None and seen > max_values:
            raise error(f"{where}: more than {max_values:,} values (aliases expanded)")
        if isinstance(item, str):
            if _SURROGATE.search(item):
                raise error(f"{where}: text {quote(item, 60)} holds a lone surrogate, not valid UTF-8 text")
            continue
        if not isinstance(item, (dict, list)):
            continue
        if depth > MAX_NESTING:
            raise error(f"{where}: nested more than {MAX_NESTING} levels deep")
        stack.extend((c, depth + 1) for c in ([*item.keys(), *item.values()] if isinstance(item, dict) else item))
    return value


def parse_json(text: str, where: str, error: type[Exception] = CorruptFileError) -> Any:
    """`json.loads` with one-line errors naming `where`, bounded nesting and no lone surrogates."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        line = f":{e.lineno}" if "\n" in text.rstrip("\n") else ""  # a whole file: name the line
        raise error(f"{where}{line}: not valid JSON ({e.msg} at column {e.colno})") from None
    except RecursionError:
        raise error(f"{where}: nested more than {MAX_NESTING} levels deep") from None
    return check_structure(value, where, error=error)


def read_json(path: str | os.PathLike, limit: int = MAX_DATA_FILE_BYTES) -> Any:
    """A JSON file, with one-line errors for a missing, undecodable, malformed or too deeply nested file."""
    return parse_json(read_text(path, limit), str(path))


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
        obj = parse_json(line, f"{path}:{n}", InvalidInputError)
        value = next((obj[f] for f in fields if f in obj), None) if isinstance(obj, dict) else None
        if not isinstance(value, str) or not value.strip():
            names = " or ".join(repr(f) for f in fields)
            raise InvalidInputError(f"{path}:{n}: field '{fields[0]}': a JSON line needs a non-empty {names} string")
        out.append((n, require_utf8(value, f"{path}:{n}: the text")))  # JSON escapes can make lone surrogates
    if not out:
        raise InvalidInputError(f"{path}: no {what}s in the file")
    return out
