"""`apply --output`, `infer --format io-v1` (a generated adapter answers under `infer` as under `apply`) and tokens
streamed to a terminal, through the installed `t2l-edge` on the real Gemma 3 270M with the shipped hypernetwork."""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CLI = shutil.which("t2l-edge", path=str(Path(sys.executable).parent)) or "t2l-edge"
ENV = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
TASK = "Reverse the order of the words."
PROMPT = "red fox jumps high"


def t2l(*args) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=300, env=ENV)


def on_a_terminal(*args) -> list[tuple[float, bytes]]:
    """Run with stdout on a pseudo-terminal; (time, bytes) of every read."""
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen([CLI, *map(str, args)], stdout=slave, stderr=subprocess.PIPE, env={**ENV, "COLUMNS": "200"})
    os.close(slave)
    reads = []
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 120)
            if not ready:
                raise TimeoutError("no output for 120 s")
            try:
                data = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            reads.append((time.monotonic(), data))
    finally:
        os.close(master)
        proc.wait(timeout=60)
    assert proc.returncode == 0, proc.stderr.read()
    return reads


@pytest.fixture(scope="module")
def applied(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("apply")
    done = t2l("apply", "--task", TASK, "--prompt", PROMPT, "--json", "--output", tmp / "kept.gguf", "--max-tokens", "16")
    assert done.returncode == 0, done.stderr
    return tmp, json.loads(done.stdout)


def test_apply_output_keeps_the_applied_adapter(applied):
    tmp, out = applied
    kept = tmp / "kept.gguf"
    assert out["adapter_file"] == str(kept) and kept.stat().st_size == out["gguf_bytes"]
    done = t2l("generate", "--task", TASK, "-q", "q4_0", "--output", tmp / "gen.gguf")
    assert done.returncode == 0, done.stderr
    assert kept.read_bytes() == (tmp / "gen.gguf").read_bytes()  # the very adapter apply used
    done = t2l("apply", "--task", TASK, "--prompt", PROMPT, "--json", "--output", tmp / "kept-peft")
    assert done.returncode == 0, done.stderr
    assert (tmp / "kept-peft" / "adapter_config.json").is_file()


def test_infer_answers_a_generated_adapter_as_apply_does(applied):
    tmp, out = applied
    expected = out["answers"][0]["adapter"]
    done = t2l("infer", "--adapter", tmp / "kept.gguf", "--prompt", PROMPT, "--json", "--max-tokens", "16")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["answer"] == expected  # io-v1 by default: the adapter records its generator
    done = t2l("infer", "--adapter", tmp / "kept.gguf", "--prompt", PROMPT, "--json", "--max-tokens", "16",
               "--prompt-format", "io-v1")
    assert json.loads(done.stdout)["answer"] == expected
    raw = t2l("infer", "--adapter", tmp / "kept.gguf", "--prompt", PROMPT, "--json", "--max-tokens", "16", "--prompt-format", "raw")
    assert raw.returncode == 0 and json.loads(raw.stdout)["answer"] != expected
    bad = t2l("infer", "--adapter", tmp / "kept.gguf", "--prompt", PROMPT, "--prompt-format", "chat")
    assert bad.returncode == 2 and bad.stderr.strip() == "error: invalid input: --prompt-format must be one of io-v1, raw, got 'chat'"


def test_apply_and_infer_stream_to_a_terminal(applied):
    tmp, out = applied
    expected = out["answers"][0]["adapter"]
    assert len(expected.split()) >= 2
    for args in (["apply", "--task", TASK], ["infer", "--adapter", tmp / "kept.gguf"]):
        reads = on_a_terminal(*args, "--prompt", PROMPT, "--max-tokens", "16")
        text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(d for _, d in reads).decode())  # no cursor moves
        assert expected in re.split(r"[\r\n]+", text), text
        # the answer came in pieces over time, not in one write at the end
        with_answer = [t for t, d in reads if d.strip() and d.decode(errors="ignore").strip() in expected]
        assert len(with_answer) >= 2, reads
        assert "┃" not in text  # no table: the tokens themselves
