"""`generate` and `apply` on the device path through the installed `t2l-edge`, on the real Gemma 3 270M, and the
README's Python API example run as written."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tiny_hypernet import TASKS, gemma_bundle, gemma_checkpoint

from t2l_edge.export.formats import load_adapter
from t2l_edge.runtimes.onnxruntime import Generator

ROOT = Path(__file__).resolve().parent.parent
CLI = shutil.which("t2l-edge", path=str(Path(sys.executable).parent)) or "t2l-edge"
ENV = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}


def t2l(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=300, env=ENV, cwd=cwd)


@pytest.mark.slow
def test_apply_changes_the_answer_compared_with_the_base():
    done = t2l("apply", "--bundle", gemma_bundle("cpu", "int8"), "--task", TASKS[0], "--prompt", "red fox jumps high",
               "--compare-base", "--json", "--max-tokens", "16")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    (row,) = out["answers"]
    assert row["adapter"] != row["base"], row
    assert out["quantization"] == "q4_0" and out["gguf_bytes"] > 100_000


def test_generate_batch_with_the_bundle_equals_the_runtime(tmp_path):
    batch = tmp_path / "tasks.txt"
    batch.write_text("\n".join(TASKS[:3]) + "\n")
    bundle = gemma_bundle("cpu", "int8")
    done = t2l("generate", "--bundle", bundle, "--batch-file", batch, "--output", tmp_path / "out", "-q", "f32")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in (tmp_path / "out" / "index.jsonl").read_text().splitlines()]
    assert [r["task"] for r in rows] == TASKS[:3]
    expected = Generator.load(bundle).generate(TASKS[:3])
    for row, ref in zip(rows, expected):
        got = load_adapter(tmp_path / "out" / row["file"])
        assert got.task == ref.task
        for slot, a, b in ref.items():
            np.testing.assert_allclose(got.weights[slot][0], a, rtol=0, atol=1e-6)
            np.testing.assert_allclose(got.weights[slot][1], b, rtol=0, atol=1e-6)


def test_generate_rejects_bundle_and_checkpoint_together(tmp_path):
    done = t2l("generate", "--bundle", gemma_bundle("cpu", "int8"), "--checkpoint", gemma_checkpoint(), "--task", "x",
               "--output", tmp_path / "a.gguf")
    assert done.returncode == 2 and done.stderr.strip() == "error: invalid input: give --bundle or --checkpoint, not both"


def test_help_lists_the_device_commands():
    done = t2l("--help")
    assert "build-engine" in done.stdout and "apply" in done.stdout
    done = t2l("build-engine", "--help")
    for option in ("--checkpoint", "--target", "--precision", "--output"):
        assert option in done.stdout
    done = t2l("apply", "--help")
    for option in ("--task", "--prompt", "--input-file", "--bundle", "--base-model", "--quantization", "--compare-base"):
        assert option in done.stdout


@pytest.mark.slow
def test_python_api_example_runs_as_written(tmp_path):
    example = ROOT / "examples" / "python_api.py"
    done = subprocess.run([sys.executable, str(example), str(gemma_bundle("cpu", "int8"))], capture_output=True,
                          text=True, timeout=300, cwd=tmp_path, env=ENV)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = dict(line.split(":", 1) for line in done.stdout.splitlines())
    assert set(lines) == {"french", "sentiment", "base"}
    assert lines["french"] != lines["base"]  # the adapter changes the answer to the same prompt
    assert (tmp_path / "french.gguf").stat().st_size > 100_000


def test_python_api_example_with_the_shipped_hypernetwork_does_the_tasks(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "python_api.py")], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path, env=ENV)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = {k: v.strip() for k, v in (line.split(":", 1) for line in done.stdout.splitlines())}
    assert lines["french"] == "mars" and lines["sentiment"] == "negative", lines
    assert lines["base"] != "mars", lines
