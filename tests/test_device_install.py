"""The device install (issue 22): `pip install 't2l-edge[llama]'` pulls no torch, transformers or onnx, and in a fresh
venv holding only that, `t2l-edge apply` answers with the shipped hypernetwork (its int8 bundle assembled from the
package's device kit), with an empty model cache.

The venv is filled with `pip install --no-deps` of exactly the distributions the extra needs, at the versions this
environment has (their closure is computed from their metadata), so pip's cache serves every wheel (llama-cpp-python
too, once built): about a minute here, most of it pip. The kit itself is checked without any venv: it assembles the
bundle that PyTorch builds, byte for byte (tests/test_shipped.py builds that one).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
NEVER_ON_THE_DEVICE = {"torch", "transformers", "onnx", "sentence-transformers", "peft", "accelerate"}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(extras: tuple[str, ...]) -> dict[str, str]:
    """Distribution -> installed version for t2l-edge with `extras`, following Requires-Dist (markers evaluated)."""
    def needs(dist_name: str, chosen) -> list[Requirement]:
        out = []
        for text in metadata.distribution(dist_name).requires or []:
            req = Requirement(text)
            if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in (*chosen, "")):
                out.append(req)
        return out

    wanted: dict[str, str] = {}
    todo = needs("t2l-edge", extras)
    while todo:
        req = todo.pop()
        name = _canonical(req.name)
        if name == "t2l-edge":  # an extra naming another of ours ([serve] -> [llama])
            todo += needs("t2l-edge", tuple(req.extras))
        elif name not in wanted:
            wanted[name] = metadata.distribution(req.name).version
            todo += needs(req.name, tuple(req.extras))
    return wanted


def installed_size(names) -> int:
    """Bytes on disk of the installed distributions (their RECORD files)."""
    total = 0
    for name in names:
        for f in metadata.distribution(name).files or []:
            path = Path(f.locate())
            if path.is_file():
                total += path.stat().st_size
    return total


def test_the_device_extra_pulls_no_torch_transformers_or_onnx():
    device = closure(("llama",))
    assert "llama-cpp-python" in device and "onnxruntime" in device and "tokenizers" in device
    assert NEVER_ON_THE_DEVICE.isdisjoint(device), sorted(NEVER_ON_THE_DEVICE & set(device))
    # the default bundle used to need [train] to be built: that closure holds what the device no longer installs
    assert {"torch", "transformers", "onnx"} <= set(closure(("llama", "train")))


@pytest.mark.slow
def test_a_fresh_device_venv_applies_the_shipped_hypernetwork(tmp_path):
    device = closure(("llama",))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    started = time.perf_counter()
    pins = [f"{name}=={version}" for name, version in sorted(device.items())]
    pins.append(f"setuptools=={metadata.version('setuptools')}")  # builds t2l-edge itself, without isolation
    done = subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--no-deps", *pins], env=env,
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    done = subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", str(ROOT)],
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    installed = time.perf_counter() - started
    listed = subprocess.run([str(py), "-m", "pip", "list", "--format", "json"], capture_output=True, text=True,
                            check=True).stdout
    names = {_canonical(d["name"]) for d in json.loads(listed)}
    assert NEVER_ON_THE_DEVICE.isdisjoint(names)

    env.update({"T2L_EDGE_CACHE": str(tmp_path / "cache"), "OMP_NUM_THREADS": "1"})
    started = time.perf_counter()
    done = subprocess.run(
        [str(venv / "bin" / "t2l-edge"), "apply", "--task", "Write the text in capital letters.",
         "--prompt", "good morning", "--max-tokens", "8", "--json"],
        env=env, capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    cold = time.perf_counter() - started
    assert done.returncode == 0, done.stderr[-3000:]
    answer = json.loads(done.stdout)
    assert answer["answers"][0]["adapter"] and answer["gguf_bytes"] > 100_000
    bundles = list((tmp_path / "cache" / "bundles").iterdir())
    assert len(bundles) == 1 and (bundles[0] / "hypernet.onnx").stat().st_size > 10 * 2**20  # assembled, whole
    print(f"\ndevice venv: pip {installed:.0f} s, first apply (kit assembled, base model assembled) {cold:.1f} s")
