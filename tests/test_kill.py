"""SIGKILL at every rename (and at the old copy's deletion) of the atomic writers: afterwards the old or the new
output is always there and whole, and the next write recovers what the kill left.

Each run is a child process whose `os.replace` / `shutil.rmtree` kills the process on its Nth call: the first
writes an output (v1), the second replaces it (v2) and dies at call N.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from t2l_edge.adapter import LoraAdapter
from t2l_edge.export.peft import read_peft, write_peft
from t2l_edge.io import old_path, recover_dir
from t2l_edge.targets import ModuleKind, ModuleShape, TargetSpec

SPEC = TargetSpec("gemma3", 2, {ModuleKind.V: ModuleShape(64, 32)})
RUNS: list[bool] = []  # one entry per kill run: was the output lost?

CHILD = textwrap.dedent(
    """
    import os, shutil, signal, sys
    from pathlib import Path
    from t2l_edge.adapter import LoraAdapter
    from t2l_edge.targets import ModuleKind, ModuleShape, TargetSpec

    what, at, out, seed = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
    calls = {"n": 0}

    def killing(real):
        def wrapper(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == at:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)
        return wrapper

    os.replace = killing(os.replace)
    shutil.rmtree = killing(shutil.rmtree)
    spec = TargetSpec("gemma3", 2, {ModuleKind.V: ModuleShape(64, 32)})
    adapter = LoraAdapter.random(spec, 4, seed=seed, task=f"v{seed}")
    if what == "peft":
        from t2l_edge.export.peft import write_peft
        write_peft(adapter, out)
    elif what == "batch":
        from t2l_edge.batch import TaskLine
        from t2l_edge.export.batch import write_batch
        write_batch([adapter, adapter], [TaskLine(1, f"v{seed}"), TaskLine(2, f"v{seed}")], out, "gguf")
    elif what == "gguf":
        from t2l_edge.export.gguf import write_gguf_adapter
        write_gguf_adapter(adapter, out, "q8_0")
    else:
        adapter.save(out)
    """
)


def _write(what: str, out: Path, seed: int, kill_at: int = 0) -> int:
    env = dict(os.environ, OMP_NUM_THREADS="1")
    return subprocess.run([sys.executable, "-c", CHILD, what, str(kill_at), str(out), str(seed)], env=env).returncode


def _read(what: str, out: Path) -> str:
    """The task of the output there: it must be whole (every tensor, valid metadata)."""
    from t2l_edge.export.gguf import read_gguf_adapter

    if what == "batch":
        tasks = {read_gguf_adapter(out / name).task for name in ("0001.gguf", "0002.gguf")}
        lines = (out / "index.jsonl").read_text().splitlines()
        assert len(tasks) == 1 and len(lines) == 2
        return tasks.pop()
    readers = {"peft": read_peft, "gguf": read_gguf_adapter, "file": LoraAdapter.load}
    return readers[what](out).task


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    if "T2L_KILL_REPORT" in os.environ:
        Path(os.environ["T2L_KILL_REPORT"]).write_text(json.dumps({"runs": len(RUNS), "lost": sum(RUNS)}))


# Directories: rename DIR -> .DIR.old, rename new -> DIR, delete .DIR.old (calls 1-3; the batch's files are
# written inside the new directory by atomic renames first). Files: one rename (call 1).
DIR_KINDS = {"peft", "batch"}
POINTS = [("peft", 1), ("peft", 2), ("peft", 3), ("batch", 1), ("batch", 2), ("batch", 3), ("batch", 4), ("batch", 5),
          ("file", 1), ("gguf", 1)]


@pytest.mark.parametrize("what,kill_at", POINTS)
def test_kill_at_each_rename_keeps_old_or_new(tmp_path, what, kill_at):
    out = tmp_path / ("out" if what in DIR_KINDS else f"a.{'gguf' if what == 'gguf' else 'safetensors'}")
    assert _write(what, out, seed=1) == 0 and _read(what, out) == "v1"
    code = _write(what, out, seed=2, kill_at=kill_at)
    assert code == -signal.SIGKILL
    # right after the kill: DIR is whole (old or new), or missing with a whole .DIR.old beside it
    present = out if out.exists() else old_path(out)
    lost = not present.exists()
    RUNS.append(lost)
    assert not lost
    assert _read(what, present) in ("v1", "v2")
    if what in DIR_KINDS:
        recover_dir(out)  # what the next run does first
        assert _read(what, out) in ("v1", "v2") and not old_path(out).exists()
        assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no .old, no temp dir left
    # and the next write succeeds and wins
    assert _write(what, out, seed=3) == 0 and _read(what, out) == "v3"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name] or what == "file"


def test_next_write_restores_a_dir_killed_between_the_renames(tmp_path):
    """The window the issue found: DIR renamed away, the new one not yet in place. The next run must put the old
    one back (not delete it) before anything else."""
    out = tmp_path / "out"
    adapter = LoraAdapter.random(SPEC, 4, seed=1, task="old")
    write_peft(adapter, out)
    os.replace(out, old_path(out))  # as a kill after the first rename leaves it
    recover_dir(out)
    assert read_peft(out).task == "old"
    np.testing.assert_array_equal(read_peft(out).weights[(0, ModuleKind.V)][0], adapter.weights[(0, ModuleKind.V)][0])
