"""examples/node: the Node.js consumer of a bundle (onnxruntime-node + @huggingface/tokenizers + node-llama-cpp).

Its adapter bytes must equal Python's `Generator.generate_gguf` for the same text and bundle, and its greedy answer
through node-llama-cpp (the adapter applied as a LoRA to Gemma 3 270M) must equal `t2l-edge apply`'s. The packages
are installed with `npm ci` from the committed package-lock.json into examples/node/node_modules (ignored by git),
once: again only when the lock changes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from tiny_hypernet import gemma_bundle  # noqa: E402

NODE_DIR = Path(__file__).resolve().parent.parent / "examples" / "node"
TEXTS = ["Reverse the order of the words.", "Réponds en français, s'il te plaît — merci ✓", "Sum",
         "Classify the sentiment of a movie review as positive or negative. " * 10]

pytestmark = pytest.mark.slow


def node_modules() -> Path:
    """`npm ci` from the lock, unless node_modules already holds exactly that lock (npm's hidden copy of it)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("Node.js 20+ and npm are needed for the Node example (make test installs the rest with npm ci)")
    installed = NODE_DIR / "node_modules" / ".package-lock.json"
    lock = json.loads((NODE_DIR / "package-lock.json").read_text())
    if not installed.is_file() or json.loads(installed.read_text()).get("packages", {}).keys() - {""} != \
            lock["packages"].keys() - {""}:
        # onnxruntime-node's install script fetches CUDA binaries from NuGet (unreachable here, unneeded on the CPU)
        done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, capture_output=True, text=True,
                              timeout=1200, env={**os.environ, "ONNXRUNTIME_NODE_INSTALL": "skip"})
        assert done.returncode == 0, f"npm ci failed: {done.stderr[-2000:]}"
    return NODE_DIR / "node_modules"


def run_node(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    node_modules()
    return subprocess.run(["node", str(NODE_DIR / "cli.mjs"), *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"})


@pytest.fixture(scope="module")
def bundle() -> Path:
    return gemma_bundle("cpu", "int8")


def test_node_adapter_bytes_equal_python(bundle, tmp_path):
    from t2l_edge.runtimes.onnxruntime import Generator

    gen = Generator.load(bundle, threads=2)
    for i, text in enumerate(TEXTS):
        out = tmp_path / f"{i}.gguf"
        done = run_node("--bundle", str(bundle), "--task", text, "--out", str(out), "--json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["adapter_bytes"] == out.stat().st_size
        assert out.read_bytes() == gen.generate_gguf(text), f"Node's adapter for {text!r} differs from Python's"


def test_node_answer_equals_t2l_edge_apply(bundle, gemma_path):
    task, prompt = "Answer in uppercase letters only.", "the quick brown fox"
    node = run_node("--bundle", str(bundle), "--task", task, "--model", str(gemma_path), "--prompt", prompt,
                    "--max-tokens", "12", "--json")
    assert node.returncode == 0, node.stderr
    python = subprocess.run(
        [str(Path(sys.executable).parent / "t2l-edge"), "apply", "--bundle", str(bundle), "--task", task, "--prompt", prompt,
         "--max-tokens", "12", "--json"],
        capture_output=True, text=True, timeout=600, env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"})
    assert python.returncode == 0, python.stderr
    expected = json.loads(python.stdout)["answers"][0]["adapter"]
    assert expected  # a real answer, not an empty string on both sides
    assert json.loads(node.stdout)["answer"] == expected


def test_node_refuses_bad_input_in_one_line(bundle, tmp_path):
    too_long = run_node("--bundle", str(bundle), "--task", "Write the answer in uppercase letters only. " * 60)
    assert too_long.returncode == 2 and too_long.stderr.strip().startswith("error: ") and "256 tokens" in too_long.stderr
    assert len(too_long.stderr.strip().splitlines()) == 1
    old = tmp_path / "old"
    shutil.copytree(bundle, old)
    manifest = json.loads((old / "manifest.json").read_text())
    del manifest["gguf"]
    (old / "manifest.json").write_text(json.dumps(manifest))
    no_graph = run_node("--bundle", str(old), "--task", "Sum")
    assert no_graph.returncode == 2 and "no GGUF graph" in no_graph.stderr
