"""`t2l-edge serve` through the real entry point: options listed, bad values refused in one line (exit 2) before
anything heavy loads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

T2L_EDGE = str(Path(sys.executable).parent / "t2l-edge")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([T2L_EDGE, "serve", *args], capture_output=True, text=True, timeout=120,
                          env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})


def test_help_lists_the_options():
    out = run("--help")
    assert out.returncode == 0
    for option in ("--bundle", "--base-model", "--host", "--port", "--adapter", "--cache-size", "--queue-size",
                   "--api-key", "--insecure", "--route", "--context", "--threads"):
        assert option in out.stdout, option


@pytest.mark.parametrize(
    "args, needle",
    [
        (("--host", "0.0.0.0"), "--api-key"),
        (("--host", "192.168.1.5", "--api-key", "short"), "at least 8"),
        (("--adapter", "nameonly"), "NAME=PATH"),
        (("--adapter", "x=/nonexistent/a.gguf"), "file not found"),
        (("--adapter", "bad name=/tmp/a.gguf"), "adapter name"),
        (("--route",), "--route needs registered adapters"),
        (("--quantization", "q9"), "--quantization must be one of"),
        (("--route-threshold", "3"), "cosine"),
    ],
)
def test_bad_options_are_one_line_errors(args, needle):
    out = run(*args)
    assert out.returncode == 2, out
    assert out.stderr.startswith("error: ") and needle in out.stderr and "Traceback" not in out.stderr
