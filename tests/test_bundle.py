"""The bundle: what the manifest records, and refusal (naming the file) of a tampered file, a missing file and a
manifest of a newer format — through the library and the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from tiny_hypernet import TASKS, TOO_LONG, gemma_bundle, gemma_checkpoint

from t2l_edge import __version__
from t2l_edge.bundle import Bundle, sha256_file
from t2l_edge.errors import CorruptFileError, MissingFileError
from t2l_edge.keys import BUNDLE_FORMAT_VERSION, BundleFiles
from t2l_edge.model.checkpoint import read_checkpoint_config
from t2l_edge.runtimes.onnxruntime import Generator


@pytest.fixture
def bundle_copy(tmp_path):
    return shutil.copytree(gemma_bundle("cpu", "int8"), tmp_path / "bundle")


def test_manifest_records_what_the_device_needs():
    bundle = Bundle.load(gemma_bundle("cpu", "int8"))
    config, ckpt = read_checkpoint_config(gemma_checkpoint())
    data = json.loads((bundle.path / BundleFiles.MANIFEST).read_text())
    assert data["format_version"] == BUNDLE_FORMAT_VERSION and data["package_version"] == __version__
    assert data["target"] == config.target.to_dict()
    assert (data["rank"], data["alpha"], data["scale_rule"], data["variant"]) == (8, 16.0, "standard", "L")
    assert data["scale"] == pytest.approx(2.0)
    assert data["encoder"] == {"name": "all-MiniLM-L6-v2", "dim": 384, "max_length": 256, "pad_id": 0,
                               "pad_token": "[PAD]", "pooling": "mean", "normalize": True}
    assert (data["prompt_format"], data["engine_target"], data["precision"]) == ("io-v1", "cpu", "int8")
    assert data["generator"] == ckpt["generator_hash"]
    assert set(data["files"]) == {BundleFiles.TOKENIZER, BundleFiles.ENCODER_ONNX, BundleFiles.HYPERNET_ONNX,
                                  BundleFiles.GGUF_ONNX, BundleFiles.GGUF_TEMPLATE}
    assert data["gguf"]["template"] == BundleFiles.GGUF_TEMPLATE and data["gguf"]["recipe"] == "q4_0"
    for name, info in data["files"].items():
        assert info == {"size": (bundle.path / name).stat().st_size, "sha256": sha256_file(bundle.path / name)}
    assert data["graphs"]["encoder"] == {"file": "encoder.onnx", "inputs": ["input_ids", "attention_mask"],
                                         "outputs": ["embedding"]}
    assert len(data["graphs"]["hypernet"]["outputs"]) == 14  # A and B of seven modules
    assert sorted(p.name for p in bundle.path.iterdir()) == sorted([BundleFiles.MANIFEST, *data["files"]])


def test_tokenization_truncates_at_256_and_pads_explicitly():
    """tokenizer.json says 128 and pads nothing: the runtime sets 256 and right padding from the manifest, and its
    ids equal the PyTorch encoder's."""
    from t2l_edge.model.encoder import TextEncoder

    gen = Generator.load(gemma_bundle("cpu", "int8"))
    texts = [*TASKS, TOO_LONG]
    batch = gen.tokenize(texts)
    ref = TextEncoder().tokenize(texts)
    assert batch["input_ids"].shape == (len(texts), 256)
    np.testing.assert_array_equal(batch["input_ids"], ref["input_ids"].numpy())
    np.testing.assert_array_equal(batch["attention_mask"], ref["attention_mask"].numpy())
    assert batch["attention_mask"][2].sum() < 10 and (batch["input_ids"][2, 10:] == 0).all()  # "Sum", padded


def test_task_text_longer_than_the_encoder_reads_is_refused():
    """Both generators refuse a description the encoder would cut, rather than adapting to half of it."""
    from t2l_edge.errors import InvalidInputError
    from t2l_edge.train.generate import Generator as TorchGenerator

    for gen in (Generator.load(gemma_bundle("cpu", "int8")), TorchGenerator(gemma_checkpoint())):
        with pytest.raises(InvalidInputError, match=r"task text 2 \('Write the answer.*longer than the 256 tokens"):
            gen.generate([TASKS[0], TOO_LONG])


def test_tampered_file_is_refused_naming_it(bundle_copy):
    path = bundle_copy / BundleFiles.HYPERNET_ONNX
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit, same size
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptFileError, match=r"hypernet\.onnx: sha256 differs"):
        Bundle.load(bundle_copy)
    with pytest.raises(CorruptFileError, match=r"hypernet\.onnx"):
        Generator.load(bundle_copy)


def test_truncated_file_is_refused_naming_it(bundle_copy):
    path = bundle_copy / BundleFiles.ENCODER_ONNX
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(CorruptFileError, match=r"encoder\.onnx: size .* differs"):
        Bundle.load(bundle_copy, verify=False)  # even without hashing


def test_missing_file_is_refused_naming_it(bundle_copy):
    (bundle_copy / BundleFiles.TOKENIZER).unlink()
    with pytest.raises(MissingFileError, match=r"tokenizer\.json: listed in the bundle manifest but missing"):
        Bundle.load(bundle_copy)
    (bundle_copy / BundleFiles.MANIFEST).unlink()
    with pytest.raises(MissingFileError, match=r"manifest\.json: not found"):
        Bundle.load(bundle_copy)


def test_newer_format_is_refused_naming_the_manifest(bundle_copy):
    path = bundle_copy / BundleFiles.MANIFEST
    data = json.loads(path.read_text())
    data["format_version"] = BUNDLE_FORMAT_VERSION + 1
    path.write_text(json.dumps(data))
    with pytest.raises(CorruptFileError, match=rf"manifest\.json: bundle format {BUNDLE_FORMAT_VERSION + 1} is newer"):
        Bundle.load(bundle_copy)


def test_cli_refuses_a_tampered_bundle_in_one_line(bundle_copy, tmp_path):
    path = bundle_copy / BundleFiles.ENCODER_ONNX
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF
    path.write_bytes(bytes(data))
    done = subprocess.run(
        [sys.executable, "-m", "t2l_edge.cli", "generate", "--bundle", str(bundle_copy), "--task", "x",
         "--output", str(tmp_path / "a.gguf")], capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"error: unreadable file: {path}: sha256 differs from the manifest's (modified or corrupted)"
    ]
    assert not (tmp_path / "a.gguf").exists()
