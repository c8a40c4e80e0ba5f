"""Run one hardening case in a subprocess and classify what happened (the columns of issue 12's table)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cases import HANG_CLASSES, Case

LAUNCH = Path(__file__).with_name("launch.py")
HANG_S = 5.0  # the bound for a 1 MB input
TIMEOUT_S = float(os.environ.get("T2L_FUZZ_TIMEOUT", 120))  # lower it to check quickly that a case hangs on old code
MAX_ERROR_CHARS = 300


@dataclass
class Outcome:
    case: Case
    verdict: str  # clean | crash | hang | exit3 | lost | wrong
    code: int | None
    seconds: float  # wall time
    detail: str
    cpu_seconds: float | None = None  # what the child used (None: it did not exit normally)


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def clean_error(stderr: str, words=()) -> str | None:
    """None if `stderr` is one printable line `error: ...` of at most MAX_ERROR_CHARS holding `words`, else why not."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    if len(lines) != 1:
        return f"{len(lines)} lines on stderr"
    line = lines[0]
    if not line.startswith("error: "):
        return "does not start with 'error: '"
    if not line.isprintable():
        return "control characters or raw bytes"
    if len(line) > MAX_ERROR_CHARS:
        return f"{len(line)} characters"
    missing = [w for w in words if w not in line]
    return f"lacks {missing}" if missing else None


def _read_cpu(path: Path) -> float | None:
    try:
        text = path.read_text()
    except OSError:
        return None
    finally:
        path.unlink(missing_ok=True)
    try:
        return float(text)
    except ValueError:
        return None


def run_case(case: Case, workdir: Path | None = None) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="t2l-fuzz-", dir=workdir) as tmp_s:
        tmp = Path(tmp_s)
        args = case.build(tmp)
        before = {k: _digest(tmp / k) for k in case.keep}
        env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE", COLUMNS="120")
        env.update({k: (str(tmp / v) if k == "T2L_FUZZ_READONLY" else v) for k, v in case.env.items()})
        cpu_file = Path(tempfile.mkstemp(prefix="t2l-fuzz-cpu-")[1])
        env["T2L_FUZZ_CPU"] = str(cpu_file)
        start = time.perf_counter()
        try:
            proc = subprocess.run([sys.executable, str(LAUNCH), *args], cwd=tmp, env=env, capture_output=True,
                                  text=True, errors="backslashreplace", timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            cpu_file.unlink(missing_ok=True)
            return Outcome(case, "hang", None, TIMEOUT_S, f"killed after {TIMEOUT_S:.0f} s")
        seconds = time.perf_counter() - start
        after = {k: _digest(tmp / k) for k in case.keep}
        cpu = _read_cpu(cpu_file)
    stderr = proc.stderr.strip()
    code = proc.returncode
    if code < 0:
        return Outcome(case, "crash", code, seconds, f"signal {-code}")
    if any(before[k] != after[k] for k in case.keep):
        return Outcome(case, "lost", code, seconds, f"changed or deleted: {[k for k in case.keep if before[k] != after[k]]}")
    if code == 3:
        return Outcome(case, "exit3", code, seconds, stderr[:200])
    # the bound is on work: CPU seconds where the child reported them (a busy machine stretches the wall time)
    used = cpu if cpu is not None else seconds
    if used > (case.hang_s or HANG_S) and case.cls in HANG_CLASSES:
        return Outcome(case, "hang", code, seconds, f"{used:.1f} s of CPU" if cpu is not None else f"{seconds:.1f} s", cpu)
    if case.expect == "ok":
        ok = code == 0
        return Outcome(case, "clean" if ok else "wrong", code, seconds, "" if ok else stderr[:200], cpu)
    why = "exit 0 on bad input" if code == 0 else f"exit {code}" if code != 2 else clean_error(stderr, case.words)
    return Outcome(case, "clean" if why is None else "wrong", code, seconds, why or stderr[:200], cpu)
