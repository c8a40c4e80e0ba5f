"""Header read: t2l_edge.gguf_reader.read_gguf vs gguf-py's GGUFReader on the Gemma 3 270M base file.

GGUFReader decodes the 262k-token vocabulary (11-37 s here), so it runs once (--quick: skipped) or twice, with
read_gguf calls interleaved around it; medians reported.

    python tests/bench/bench_reader.py [--quick]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import base_model_path, median, now  # noqa: E402

from t2l_edge.gguf_reader import read_gguf  # noqa: E402


def run(quick: bool = False) -> list[dict]:
    path = base_model_path()
    n_gguf_py = 0 if quick else 2
    ours_per_round = 5
    ours, theirs = [], []
    ours_file = theirs_file = None

    def time_ours():
        nonlocal ours_file
        for _ in range(ours_per_round):
            t0 = now()
            ours_file = read_gguf(path)
            ours.append(now() - t0)

    time_ours()
    for _ in range(n_gguf_py):
        from gguf import GGUFReader

        t0 = now()
        theirs_file = GGUFReader(path)
        theirs.append(now() - t0)
        time_ours()
    agree = None
    if theirs_file is not None:
        their_names = {t.name: tuple(int(x) for x in reversed(t.shape)) for t in theirs_file.tensors}
        agree = their_names == {n: t.shape for n, t in ours_file.tensors.items()}
        del theirs_file
    t_ours, t_theirs = median(ours), median(theirs) if theirs else None
    return [
        {
            "file": path.name,
            "file_bytes": path.stat().st_size,
            "n_tensors": len(ours_file.tensors),
            "n_keys": len(ours_file.metadata),
            "read_gguf_s": t_ours,
            "read_gguf_runs": len(ours),
            "gguf_py_s": t_theirs,
            "gguf_py_runs": len(theirs),
            "gguf_py_all_s": theirs,
            "speedup": (t_theirs / t_ours) if t_theirs else None,
            "tensor_tables_agree": agree,
            "note": "gguf-py skipped (--quick)" if quick else "",
        }
    ]


def to_markdown(results: list[dict]) -> str:
    lines = [
        "| file | tensors / keys | read_gguf ms (median, n) | gguf-py GGUFReader s (runs) | speedup | tensor tables agree |",
        "|------|---------------:|-------------------------:|----------------------------:|--------:|:-------------------:|",
    ]
    for r in results:
        if r["gguf_py_s"] is None:
            theirs, speed = "skipped (--quick)", "n/a"
        else:
            theirs = f"{r['gguf_py_s']:.1f} ({', '.join(f'{t:.1f}' for t in r['gguf_py_all_s'])})"
            speed = f"{r['speedup']:,.0f}×"
        agree = {True: "yes", False: "NO", None: "n/a"}[r["tensor_tables_agree"]]
        lines.append(
            f"| {r['file']} ({r['file_bytes'] / 1e6:.0f} MB) | {r['n_tensors']} / {r['n_keys']} | "
            f"{r['read_gguf_s'] * 1e3:.1f} ({r['read_gguf_runs']}) | {theirs} | {speed} | {agree} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(to_markdown(run("--quick" in sys.argv)))
