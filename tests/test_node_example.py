"""examples/node: the Node.js package over a bundle (onnxruntime-node + @huggingface/tokenizers + node-llama-cpp).

Against Python as the reference: its adapter bytes equal `Generator.generate_gguf` for the same text and bundle, its
rendered prompts equal `adapter_prompt` (both prompt modes, task cards, odd text), and its greedy answer through
node-llama-cpp (the adapter applied as a LoRA to Gemma 3 270M) equals `t2l-edge apply`'s in both modes. Its own tests
run under Node's test runner (`node --test`). The install is CPU-only: node-llama-cpp's GPU binaries are replaced by
an empty package, and npm reads the project's .npmrc without a warning.

The packages are installed with `npm ci` from the committed package-lock.json into examples/node/node_modules
(ignored by git), once: again only when the lock changes."""

from __future__ import annotations

import hashlib
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
GPU_PACKAGES = ("linux-x64-cuda", "linux-x64-cuda-ext", "linux-x64-vulkan", "win-x64-cuda", "win-x64-cuda-ext",
                "win-x64-vulkan")

pytestmark = pytest.mark.slow


def node_modules() -> Path:
    """`npm ci` from the lock, unless node_modules was installed from exactly this lock (a stamp of its sha256: npm's
    own hidden lockfile leaves out the other platforms' optional packages, so it never equals the lock)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("Node.js 20+ and npm are needed for the Node example (make test installs the rest with npm ci)")
    stamp = NODE_DIR / "node_modules" / ".t2l-lock-sha256"
    lock = hashlib.sha256((NODE_DIR / "package-lock.json").read_bytes()).hexdigest()
    if not stamp.is_file() or stamp.read_text() != lock:
        done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, capture_output=True, text=True,
                              timeout=1200)
        assert done.returncode == 0, f"npm ci failed: {done.stderr[-2000:]}"
        stamp.write_text(lock)
    return NODE_DIR / "node_modules"


def run_node(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    node_modules()
    return subprocess.run(["node", str(NODE_DIR / "cli.mjs"), *args], capture_output=True, text=True, timeout=timeout)


def node_eval(script: str) -> str:
    """Run an ES module snippet next to t2l.mjs; its stdout."""
    node_modules()
    done = subprocess.run(["node", "--input-type=module", "-e", script], cwd=NODE_DIR, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def bundle() -> Path:
    return gemma_bundle("cpu", "int8")


def instructed_bundle(bundle: Path, root: Path) -> Path:
    """The same bundle with its manifest recording the instructed mode (as a bundle trained for it does)."""
    out = root / "instructed"
    shutil.copytree(bundle, out)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["prompt_mode"] = "instructed"
    (out / "manifest.json").write_text(json.dumps(manifest))
    return out


def test_node_adapter_bytes_equal_python(bundle, tmp_path):
    from t2l_edge.runtimes.onnxruntime import Generator

    gen = Generator.load(bundle, threads=2)
    for i, text in enumerate(TEXTS):
        out = tmp_path / f"{i}.gguf"
        done = run_node("--bundle", str(bundle), "--task", text, "--out", str(out), "--json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["adapter_bytes"] == out.stat().st_size
        assert out.read_bytes() == gen.generate_gguf(text), f"Node's adapter for {text!r} differs from Python's"


def test_node_task_cards_are_python_cards(bundle, tmp_path):
    """A card from --examples (JSONL, JSON list, a task-format object; with and without --task): Node renders the
    text as `render_card` and writes the adapter bytes of `generate_gguf(TaskCard)` (its prompt is the description's,
    test_node_renders_prompts_as_python); a bad examples file is refused on both sides, naming the file and line."""
    from t2l_edge.runtimes.onnxruntime import Generator
    from t2l_edge.task_card import TaskCard, read_examples

    gen = Generator.load(bundle, threads=2)
    pairs = [{"input": "red fox", "output": "fox red"}, {"input": "", "output": "(nothing)"},
             {"input": "ünï\ncödé 🦊", "output": "cödé ünï"}]
    files = {"ex.jsonl": "\n".join(json.dumps(x) for x in pairs) + "\n", "ex.json": json.dumps(pairs),
             "task.json": json.dumps({"name": "reverse", "examples": pairs[:2]})}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    for name in files:
        for task in ("Reverse the order of the words.", None):
            card = TaskCard(task, read_examples(tmp_path / name))
            out = tmp_path / "card.gguf"
            args = ["--bundle", str(bundle), "--examples", str(tmp_path / name), "--out", str(out), "--json"]
            done = run_node(*args, *(["--task", task] if task else []))
            assert done.returncode == 0, done.stderr
            assert json.loads(done.stdout)["examples"] == card.k
            assert out.read_bytes() == gen.generate_gguf(card), (name, task)
    rendered = json.loads(node_eval("import { renderCard } from './t2l.mjs';\n"
                                    f"console.log(JSON.stringify([renderCard('Reverse.', {json.dumps(pairs)}),\n"
                                    f"  renderCard(null, {json.dumps([[p['input'], p['output']] for p in pairs])})]));"))
    assert rendered == [TaskCard("Reverse.", pairs).text, TaskCard(None, pairs).text]

    bad = {"no-output.jsonl": '{"input": "a", "output": "b"}\n{"input": "c"}\n',
           "two-lines.jsonl": '{"input": "a", "output": "b\\nc"}\n', "empty.json": "[]",
           "broken.json": '[{"input": "a", "output": ', "number.json": "[3]"}
    for name, text in bad.items():
        (tmp_path / name).write_text(text)
        done = run_node("--bundle", str(bundle), "--examples", str(tmp_path / name))
        assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
        with pytest.raises(Exception) as python_error:
            read_examples(tmp_path / name)
        where = str(python_error.value).split(": ")[0]  # the file, with its line or item where Python names one
        assert done.stderr.startswith(f"error: {where}"), (done.stderr, str(python_error.value))


def test_node_renders_prompts_as_python():
    from t2l_edge.prompts import adapter_prompt, effective_prompt_mode, get_prompt_format
    from t2l_edge.task_card import render_card
    from t2l_edge.tasks.format import Example

    tasks = ["Reverse the order of the words.", "  Padded description.\n", "Line one.\nLine two.",
             render_card("Reverse.", [Example("a b", "b a"), Example("c d", "d c")]),
             render_card(None, [Example("a b", "b a")]),
             "Réponds en français ✓", "Input: looks like an example"]
    inputs = ["red fox jumps", "", "two\nlines", "émoji 🦊"]
    cases = [(t, x, m) for t in tasks for x in inputs for m in ("instructed", "bare")]
    script = ("import { renderPrompt, effectivePromptMode } from './t2l.mjs';\n"
              f"const cases = {json.dumps(cases)};\n"
              "console.log(JSON.stringify({rendered: cases.map(([t, x, m]) => renderPrompt('io-v1', x, t, m)),\n"
              "  modes: [effectivePromptMode(undefined, ''), effectivePromptMode(null, 'instructed'),\n"
              "          effectivePromptMode('bare', 'instructed')]}));")
    got = json.loads(node_eval(script))
    fmt = get_prompt_format("io-v1")
    assert got["rendered"] == [adapter_prompt(fmt, x, t, m) for t, x, m in cases]
    assert got["modes"] == [effective_prompt_mode(None, "").value, effective_prompt_mode(None, "instructed").value,
                            effective_prompt_mode("bare", "instructed").value]


@pytest.mark.parametrize("mode, tokens", [("recorded", "12"), ("instructed", "4")])
def test_node_answer_equals_t2l_edge_apply(bundle, gemma_path, tmp_path, mode, tokens):
    """The bundle's recorded mode (bare for this one), and a bundle recording `instructed` (its manifest). The same
    tokens go in (checked against llama-cpp-python's tokenizer), but node-llama-cpp's prebuilt ggml picks a CPU build
    for this machine (AVX-512/AMX here) whose float rounding differs from the AVX2 build of llama-cpp-python: a long
    greedy answer can part at a near-tie (the instructed one did at its 7th token), so that case compares 4 tokens."""
    task, prompt = "Answer in uppercase letters only.", "the quick brown fox"
    used = bundle if mode == "recorded" else instructed_bundle(bundle, tmp_path)
    node = run_node("--bundle", str(used), "--task", task, "--model", str(gemma_path), "--prompt", prompt,
                    "--max-tokens", tokens, "--json")
    assert node.returncode == 0, node.stderr
    python = subprocess.run(
        [str(Path(sys.executable).parent / "t2l-edge"), "apply", "--bundle", str(used), "--task", task, "--prompt",
         prompt, "--max-tokens", tokens, "--json"],
        capture_output=True, text=True, timeout=600, env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"})
    assert python.returncode == 0, python.stderr
    expected = json.loads(python.stdout)
    got = json.loads(node.stdout)
    assert got["prompt_mode"] == expected["prompt_mode"] == ("bare" if mode == "recorded" else "instructed")
    assert expected["answers"][0]["adapter"]  # a real answer, not an empty string on both sides
    assert got["answer"] == expected["answers"][0]["adapter"]


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
    for args, needle in [(("--bundle", str(tmp_path / "none"), "--task", "Sum"), "bundle not found"),
                         (("--bundle", str(bundle), "--task", "Sum", "--prompt", "x", "--model",
                           str(tmp_path / "none.gguf")), "base model not found"),
                         (("--bundle", str(bundle), "--task", "Sum", "--model", "m.gguf"), "--model needs --prompt")]:
        done = run_node(*args)
        assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert done.stderr.startswith("error: ") and needle in done.stderr and "at " not in done.stderr
    help_ = run_node("--help")
    assert help_.returncode == 0 and "usage: t2l-node" in help_.stdout and not help_.stderr


def test_node_test_runner(bundle, gemma_path):
    """examples/node/test/ under Node's own test runner, on this bundle and the real Gemma 3 270M."""
    node_modules()
    done = subprocess.run(["node", "--test", "test/"], cwd=NODE_DIR, capture_output=True, text=True, timeout=900,
                          env={**os.environ, "T2L_BUNDLE": str(bundle), "T2L_MODEL": str(gemma_path)})
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    counts = dict(line[2:].split(" ", 1) for line in done.stdout.splitlines() if line.startswith(("# pass", "# fail")))
    assert int(counts["fail"]) == 0 and int(counts["pass"]) >= 10, done.stdout[-2000:]


def test_cpu_only_install_without_warnings():
    modules = node_modules()
    for name in GPU_PACKAGES:
        package = modules / "@node-llama-cpp" / name
        assert json.loads((package / "package.json").read_text())["name"] == "no-gpu-binaries", name
        assert not (package / "bins").exists()
    assert (modules / "@node-llama-cpp" / "linux-x64" / "bins").is_dir()  # the CPU build is there
    config = subprocess.run(["npm", "config", "get", "ignore-scripts"], cwd=NODE_DIR, capture_output=True, text=True,
                            timeout=120)
    assert config.stdout.strip() == "true" and "warn" not in config.stderr.lower(), config.stderr
