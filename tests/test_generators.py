"""One generator interface: every runtime behind `generate(texts) -> list[LoraAdapter]`, opened by one factory."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import pytest

from t2l_edge.errors import InvalidInputError
from t2l_edge.runtimes import AdapterGenerator, BundleGenerator, open_generator
from t2l_edge.runtimes.onnxruntime import Generator, OrtGenerator
from t2l_edge.runtimes.tensorrt import TensorRTGenerator
from tiny_hypernet import gemma_bundle

ROOT = Path(__file__).resolve().parents[1]


def test_bundle_runtimes_supply_only_how_graphs_run():
    """Tokenization, the text checks and batching live in the base: TensorRT no longer borrows them."""
    for cls in (OrtGenerator, TensorRTGenerator):
        assert issubclass(cls, BundleGenerator)
        own = set(vars(cls))
        assert {"run_encoder", "run_hypernet"} <= own
        assert not own & {"tokenize", "generate", "embed"}, cls
    assert Generator is OrtGenerator  # the README's name keeps working


@pytest.mark.slow
def test_factory_opens_a_bundle_by_its_target(tmp_path):
    src = gemma_bundle("cpu", "int8")
    gen = open_generator(src)
    assert isinstance(gen, OrtGenerator) and isinstance(gen, AdapterGenerator)
    assert gen.prompt_format == gen.manifest.prompt_format and gen.provenance == {"kind": "bundle", "path": str(src)}
    # a tensorrt bundle where TensorRT is not installed runs its ONNX graphs in ONNX Runtime
    trt = tmp_path / "trt"
    shutil.copytree(src, trt)
    manifest = json.loads((trt / "manifest.json").read_text())
    (trt / "manifest.json").write_text(json.dumps({**manifest, "engine_target": "tensorrt"}))
    try:
        import tensorrt  # noqa: F401
    except ImportError:
        fallback = open_generator(trt)
        assert isinstance(fallback, OrtGenerator)
        a, b = fallback.generate(["Reverse the words."])[0], gen.generate(["Reverse the words."])[0]
        assert all((a.weights[k][0] == b.weights[k][0]).all() for k in a.weights)


def test_factory_refuses_contradictory_sources(tmp_path):
    with pytest.raises(InvalidInputError, match="not both"):
        open_generator(tmp_path, tmp_path)
    with pytest.raises(InvalidInputError, match="--encoder applies to --checkpoint only"):
        open_generator(tmp_path, encoder=tmp_path)


@pytest.mark.slow
def test_base_checks_texts_for_every_runtime():
    gen = open_generator(gemma_bundle("cpu", "int8"))
    with pytest.raises(InvalidInputError, match="non-empty"):
        gen.generate(["ok", "  "])
    with pytest.raises(InvalidInputError, match="too long|tokens"):
        gen.generate(["word " * 2000])


def test_only_the_factory_builds_generators():
    """No command or core module constructs a runtime's generator itself: they all go through open_generator."""
    constructors = {"OrtGenerator", "TensorRTGenerator", "TorchGenerator", "Generator"}
    offenders = []
    for folder in (ROOT / "t2l_edge", ROOT / "export"):
        for path in folder.rglob("*.py"):
            if path.parts[-2:] == ("train", "generate.py"):
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call):
                    name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                    owner = getattr(getattr(node.func, "value", None), "id", None)
                    if name in constructors and owner != "torch":  # torch.Generator is a random stream
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


@pytest.mark.slow
def test_an_int8_adapter_depends_on_its_text_alone_not_on_its_batch():
    """Dynamic int8 quantization scales activations per tensor: batched, one text's adapter moved with its
    neighbours (and with the encoder's padding to the longest). The base runs int8 bundles one text per call."""
    import numpy as np

    gen = open_generator(gemma_bundle("cpu", "int8"))
    text, others = "Convert the text to lowercase.", ["Translate the month into French.", "Add seven to it. " * 12]
    assert not gen.batch_invariant
    alone, batched = gen.generate([text])[0], gen.generate([text, *others])[0]
    assert all(np.array_equal(alone.weights[k][i], batched.weights[k][i]) for k in alone.weights for i in (0, 1))
    assert np.array_equal(gen.embed([text])[0], gen.embed([*others, text])[2])
    # what the one-at-a-time path avoids: the same graphs run on the batch disagree
    together = gen.run_encoder(gen.tokenize([text, *others]))[0]
    assert not np.array_equal(together, gen.embed([text])[0])
