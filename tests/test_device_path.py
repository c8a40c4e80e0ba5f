"""The device path never imports torch, transformers or tensorrt: proven in a subprocess where they cannot load."""

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


def test_blocker_really_blocks():
    done = subprocess.run([sys.executable, "-c", BLOCKER + "import torch"], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "device path must not import torch" in done.stderr
