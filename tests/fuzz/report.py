"""Re-run every hardening case of issue 12 and print the table (class | cases | clean | crash | hang | exit 3 |
data lost | wrong).

    .venv/bin/python tests/fuzz/report.py [-j 2] [--verbose] [-k SUBSTRING]

Each case runs the real CLI in its own process with a timeout. The kill and fault-injection runs are in
tests/test_kill.py (pytest); their summary row is added with --kill.
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
    opts = parser.parse_args()
    classes = set(filter(None, opts.cls.split(",")))
    cases = [c for c in CASES if opts.k.lower() in c.name.lower() and (not classes or c.cls in classes)]
    with ThreadPoolExecutor(opts.j) as pool:
        outcomes = list(pool.map(run_case, cases))
    table: dict[str, Counter] = {}
    for o in outcomes:
        table.setdefault(o.case.cls, Counter())[o.verdict] += 1
        if opts.verbose or o.verdict != "clean":
            cpu = f" cpu {o.cpu_seconds:5.2f}s" if o.cpu_seconds is not None else ""
            print(f"{o.verdict:6} {o.seconds:6.2f}s{cpu}  rc={o.code}  {o.case.name}: {o.detail}", file=sys.stderr)
    rows = [[CLASSES[cls], sum(c.values()), *(c[k] for k in COLUMNS)] for cls, c in table.items()]
    if opts.kill:
        rows.append(kill_row())
    total = ["total", *(sum(r[i] for r in rows) for i in range(1, len(HEADERS)))]
    print("| " + " | ".join(HEADERS) + " |")
    print("|" + "---|" * len(HEADERS))
    for r in [*sorted(rows), total]:
        print("| " + " | ".join(str(x) for x in r) + " |")
    return 0 if all(o.verdict == "clean" for o in outcomes) else 1


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
