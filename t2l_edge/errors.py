"""One error family. Library code raises these; only the CLI turns them into one-line messages and exit codes."""


class T2LEdgeError(Exception):
    """Base of every error t2l-edge raises on purpose."""

    exit_code = 2


class InvalidInputError(T2LEdgeError, ValueError):
    """A value given by the user is not allowed (unknown recipe, bad option, malformed text)."""


class UnsupportedArchitectureError(T2LEdgeError, ValueError):
    """The model's architecture has no target table."""


class MissingFileError(T2LEdgeError, FileNotFoundError):
    """A file that must exist does not (a PEFT dir without its weights, a missing base model)."""


class CorruptFileError(T2LEdgeError, ValueError):
    """A file is truncated, has a bad magic number or inconsistent contents."""


class InvalidAdapterError(T2LEdgeError, ValueError):
    """An adapter's own contents are wrong: shapes that disagree, NaN or Inf, a bad rank."""


class AdapterMismatchError(T2LEdgeError, ValueError):
    """An adapter does not fit the base model: other architecture, names or shapes."""


class RuntimeBackendError(T2LEdgeError, RuntimeError):
    """A runtime (llama.cpp, ONNX Runtime) refused or failed an operation, or is not installed."""


class OutputError(T2LEdgeError, OSError):
    """An output cannot be written: a directory holding other files, a read-only folder, a full disk."""
