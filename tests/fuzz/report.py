"""Re-run every hardening case of issues 12 and 21 and print the table (class | cases | clean | crash | hang | exit 3 |
data lost | wrong).

    .venv/bin/python tests/fuzz/report.py [-j 2] [--verbose] [-k SUBSTRING] [--cls KEYS] [--server] [--kill]

Each CLI case runs the real CLI in its own process with a timeout. --server adds the server's rows: every HTTP case
(tests/fuzz/http_cases.py) against one in-process server with the real model, and the SIGTERM checks
(tests/fuzz/sigterm.py: `t2l-edge serve` in a child process, twice); --server-only leaves the CLI cases out. The kill
and fault-injection runs are in tests/test_kill.py (pytest); their summary row is added with --kill.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from cases import CASES, CLASSES  # noqa: E402
from case_outcome import run_case  # noqa: E402

COLUMNS = ["clean", "crash", "hang", "exit3", "lost", "wrong"]
HEADERS = ["class", "cases", "clean", "crash", "hang", "exit 3", "data lost", "wrong"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-j", type=int, default=2)
    parser.add_argument("-k", default="", help="only the cases whose name holds this")
    parser.add_argument("--cls", default="", help="only these classes (comma-separated keys of cases.CLASSES)")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--kill", action="store_true", help="also run the kill-injection test and add its row")
    parser.add_argument("--server", action="store_true", help="also the HTTP cases and the SIGTERM checks")
    parser.add_argument("--server-only", action="store_true", help="only the HTTP cases and the SIGTERM checks")
    opts = parser.parse_args()
    classes = set(filter(None, opts.cls.split(",")))
    cases = [c for c in CASES if opts.k.lower() in c.name.lower() and (not classes or c.cls in classes)]
    cases = [] if opts.server_only else cases
    with ThreadPoolExecutor(opts.j) as pool:
        outcomes = list(pool.map(run_case, cases))
    table: dict[str, Counter] = {}
    for o in outcomes:
        table.setdefault(CLASSES[o.case.cls], Counter())[o.verdict] += 1
        if opts.verbose or o.verdict != "clean":
            cpu = f" cpu {o.cpu_seconds:5.2f}s" if o.cpu_seconds is not None else ""
            print(f"{o.verdict:6} {o.seconds:6.2f}s{cpu}  rc={o.code}  {o.case.name}: {o.detail}", file=sys.stderr)
    if opts.server or opts.server_only:
        clean = server_rows(table, opts)
    else:
        clean = True
    rows = [[label, sum(c.values()), *(c[k] for k in COLUMNS)] for label, c in table.items()]
    if opts.kill:
        rows.append(kill_row())
    total = ["total", *(sum(r[i] for r in rows) for i in range(1, len(HEADERS)))]
    print("| " + " | ".join(HEADERS) + " |")
    print("|" + "---|" * len(HEADERS))
    for r in [*sorted(rows, key=_class_order), total]:
        print("| " + " | ".join(str(x) for x in r) + " |")
    return 0 if clean and all(o.verdict == "clean" for o in outcomes) else 1


def _class_order(row: list) -> tuple:
    """Rows by the number their label starts with ("9 …" before "10 …")."""
    head = str(row[0]).split(" ", 1)[0]
    return (int(head), row[0]) if head.isdigit() else (10**6, row[0])


def server_rows(table: dict[str, Counter], opts) -> bool:
    """The HTTP cases and the SIGTERM checks into `table`; True when every one is clean."""
    from http_cases import CASES as HTTP_CASES, HTTP_CLASSES, run_http_cases
    from sigterm import run_sigterm_checks

    chosen = [c for c in HTTP_CASES if opts.k.lower() in c.name.lower()]
    clean = True
    for o in run_http_cases(chosen):
        table.setdefault(HTTP_CLASSES[o.case.cls], Counter())[o.verdict] += 1
        clean &= o.verdict == "clean"
        if opts.verbose or o.verdict != "clean":
            print(f"{o.verdict:6} {o.status}  {o.case.name}: {o.detail}", file=sys.stderr)
    for check in run_sigterm_checks():
        table.setdefault(SIGTERM_CLASS, Counter())[check.verdict] += 1
        clean &= check.verdict == "clean"
        if opts.verbose or check.verdict != "clean":
            print(f"{check.verdict:6} {check.name}: {check.detail}", file=sys.stderr)
    return clean


SIGTERM_CLASS = "19 server: SIGTERM during requests"


def kill_row() -> list:
    """3. kills: every SIGKILL point of the atomic writers (tests/test_kill.py), counted by outcome."""
    import json
    import subprocess

    here = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", str(here / "test_kill.py"), "-p", "no:cacheprovider",
                          "-o", "addopts="], capture_output=True, text=True, env={**__import__("os").environ,
                          "T2L_KILL_REPORT": str(here / ".kill-report.json")})
    data = json.loads((here / ".kill-report.json").read_text()) if (here / ".kill-report.json").exists() else {}
    (here / ".kill-report.json").unlink(missing_ok=True)
    n, lost = data.get("runs", 0), data.get("lost", 0)
    return ["3 kill at each rename", n, n - lost if out.returncode == 0 else 0, 0, 0, 0, lost, 0 if out.returncode == 0 else 1]


if __name__ == "__main__":
    sys.exit(main())
