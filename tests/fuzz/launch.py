"""Run the t2l-edge CLI with an injected fault, for the hardening cases (a child process of the harness).

    python tests/fuzz/launch.py ARGS...      T2L_FUZZ_FSIZE=N: writes past N bytes fail (EFBIG, like a full disk)
                                             T2L_FUZZ_READONLY=DIR: creating files in DIR fails (EROFS)
                                             T2L_FUZZ_CPU=FILE: the CPU seconds used are written there at exit
"""

from __future__ import annotations

import errno
import os
import resource
import signal
import sys


def _read_only(root: str) -> None:
    root = os.path.abspath(root)
    real_open, real_mkdir = os.open, os.mkdir
    writing = os.O_WRONLY | os.O_RDWR | os.O_CREAT

    def inside(path) -> bool:
        return os.path.abspath(os.fsdecode(path)).startswith(root + os.sep)

    def guarded_open(path, flags, *args, **kwargs):
        if flags & writing and inside(path):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)
        return real_open(path, flags, *args, **kwargs)

    def guarded_mkdir(path, *args, **kwargs):
        if inside(path):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)
        return real_mkdir(path, *args, **kwargs)

    os.open, os.mkdir = guarded_open, guarded_mkdir


def _report_cpu(path: str) -> None:
    """At exit, this process's CPU seconds (its threads: llama.cpp's too): on a shared machine the wall time of a
    case says more about the neighbours than about the case."""
    import atexit

    def write() -> None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        with open(path, "w") as f:
            f.write(f"{usage.ru_utime + usage.ru_stime:.3f}")

    atexit.register(write)


def main() -> None:
    if "T2L_FUZZ_CPU" in os.environ:
        _report_cpu(os.environ["T2L_FUZZ_CPU"])
    if "T2L_FUZZ_FSIZE" in os.environ:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write then fails with EFBIG instead of killing
        limit = int(os.environ["T2L_FUZZ_FSIZE"])
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    if "T2L_FUZZ_READONLY" in os.environ:
        _read_only(os.environ["T2L_FUZZ_READONLY"])
    from t2l_edge.cli import main as cli_main

    cli_main(sys.argv[1:])


if __name__ == "__main__":
    main()
