"""The estimate reads the bundles `build-engine` really writes: for each target it counts the graph files the device
loads (sizes from the manifest, equal to the files on disk), in the pool where that target runs them.

TensorRT bundles cannot be built here (no TensorRT on these machines): `test_memory.py` covers their manifest layout
(engines listed under extra.engines) with a bundle written through `bundle.Manifest`."""

from __future__ import annotations

import json

import pytest

from cli_helpers import run
from t2l_edge.bundle import Bundle, EngineTarget
from t2l_edge.choices import Precision
from t2l_edge.device_profiles import ExecutionProvider, Runtime
from t2l_edge.memory import BundleTerm

pytest.importorskip("torch")  # building a bundle exports the PyTorch hypernetwork
from tiny_hypernet import gemma_bundle  # noqa: E402

CASES = [  # target, precision, runtime, provider, on a GPU
    ("cpu", "int8", Runtime.ONNXRUNTIME, ExecutionProvider.CPU, False),
    ("mobile", None, Runtime.ONNXRUNTIME, ExecutionProvider.CPU, False),
    ("cuda", None, Runtime.ONNXRUNTIME, ExecutionProvider.CUDA, True),
]


@pytest.mark.slow
@pytest.mark.parametrize("target, precision, runtime, provider, on_gpu", CASES, ids=[c[0] for c in CASES])
def test_estimate_counts_what_build_engine_wrote(capsys, target, precision, runtime, provider, on_gpu):
    path = gemma_bundle(target, precision)
    manifest = Bundle.load(path).manifest
    term = BundleTerm.from_dir(path)
    loaded = {g.file for g in manifest.graphs.values()}
    assert {name for name, _ in term.files} == loaded
    assert dict(term.files) == {name: (path / name).stat().st_size for name in loaded}
    assert (term.runtime, term.execution_provider, term.on_gpu) == (runtime, provider, on_gpu)
    assert term.precision is manifest.precision
    if manifest.engine_target is EngineTarget.MOBILE:
        assert all(name.endswith(".ort") for name in loaded) and term.precision is Precision.INT8

    code, out, err = run(capsys, "validate", "-d", "desktop-gpu-24gb", "--bundle", path, "--json")
    assert code == 0, err
    weights = next(c for c in json.loads(out)["components"] if c["key"] == "bundle_weights")
    assert weights["pool"] == ("gpu" if on_gpu else "host")  # a CUDA bundle is not counted in host memory
