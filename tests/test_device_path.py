"""The device path never imports torch, transformers or tensorrt: proven in a subprocess where they cannot load —
including the bundle generator (tokenize -> encoder -> hypernet -> LoraAdapter -> quantized GGUF -> llama.cpp) and
`t2l-edge generate --bundle`."""

import subprocess
import sys
import textwrap

BLOCKER = textwrap.dedent(
    """
    import sys
    class Block:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {"torch", "transformers", "tensorrt", "peft"}:
                raise ImportError(f"device path must not import {name}")
    sys.meta_path.insert(0, Block())
    """
)

DEVICE_PATH = textwrap.dedent(
    """
    from t2l_edge.adapter import LoraAdapter
    from t2l_edge.export.gguf import read_gguf_adapter, to_gguf_bytes
    from t2l_edge.export.formats import load_adapter
    from t2l_edge.models import default_base_model
    from t2l_edge.runtimes.llama_cpp import LlamaCppRunner
    from t2l_edge.targets import TargetSpec
    import t2l_edge.cli

    runner = LlamaCppRunner(default_base_model(), n_ctx=128, n_threads=2)
    spec = TargetSpec.from_gguf(runner.base).select(["q_proj", "down_proj"])
    data = to_gguf_bytes(LoraAdapter.random(spec, 8), "q4_k_m")
    assert read_gguf_adapter(data).rank == 8
    runner.use(data)
    print("generated:", repr(runner.generate("Hello", max_tokens=3)))
    runner.close()
    heavy = sorted(m for m in sys.modules if m.split(".")[0] in {"torch", "transformers", "tensorrt", "peft"})
    assert not heavy, heavy
    print("DEVICE PATH OK")
    """
)


def test_device_path_without_torch():
    done = subprocess.run(
        [sys.executable, "-c", BLOCKER + DEVICE_PATH], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "DEVICE PATH OK" in done.stdout


BUNDLE_PATH = textwrap.dedent(
    """
    import time
    start = time.perf_counter()
    from t2l_edge.runtimes.onnxruntime import Generator
    gen = Generator.load(BUNDLE)
    print("cold start s:", round(time.perf_counter() - start, 3))
    from t2l_edge.export.gguf import read_gguf_adapter, to_gguf_bytes
    from t2l_edge.runtimes.llama_cpp import LlamaCppRunner
    adapters = gen.generate(["Reverse the order of the words.", "Sum"])
    assert [a.task for a in adapters] == ["Reverse the order of the words.", "Sum"]
    data = to_gguf_bytes(adapters[0], "q4_0")
    assert read_gguf_adapter(data).generator == gen.manifest.generator
    runner = LlamaCppRunner(n_ctx=128, n_threads=2)
    runner.use(data)
    print("generated:", repr(runner.generate("Input: red fox\\nOutput:", max_tokens=3)))
    runner.close()
    from t2l_edge.cli import main
    try:
        main(["generate", "--bundle", BUNDLE, "--task", "Sum", "--output", OUTPUT, "-q", "q4_0"])
    except SystemExit as e:
        assert e.code == 0, e.code
    heavy = sorted(m for m in sys.modules if m.split(".")[0] in {"torch", "transformers", "tensorrt", "peft"})
    assert not heavy, heavy
    print("BUNDLE PATH OK")
    """
)


def test_bundle_generator_without_torch(tmp_path):
    from tiny_hypernet import gemma_bundle

    setup = f"BUNDLE = {str(gemma_bundle('cpu', 'int8'))!r}\nOUTPUT = {str(tmp_path / 'a.gguf')!r}\n"
    done = subprocess.run(
        [sys.executable, "-c", BLOCKER + setup + BUNDLE_PATH], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "BUNDLE PATH OK" in done.stdout
    assert (tmp_path / "a.gguf").read_bytes()[:4] == b"GGUF"


def test_blocker_really_blocks():
    done = subprocess.run([sys.executable, "-c", BLOCKER + "import torch"], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "device path must not import torch" in done.stderr
