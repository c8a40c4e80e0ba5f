"""Fine-tuning the text encoder's top layers jointly with the hypernetwork (`[encoder] train_layers`): only those
layers move, the checkpoint carries the encoder, a resume continues exactly, the PyTorch generator and build-engine
use the fine-tuned weights."""

from __future__ import annotations

import pytest

import torch

torch.set_num_threads(1)

from safetensors.torch import load_file  # noqa: E402
from tiny_train import tiny_run_dir  # noqa: E402

from t2l_edge.errors import InvalidInputError  # noqa: E402
from t2l_edge.model.encoder import FINE_TUNED_DIR, FINE_TUNED_INFO, TextEncoder, default_encoder_path  # noqa: E402
from t2l_edge.train.config import TrainConfig  # noqa: E402
from t2l_edge.train.loop import Trainer  # noqa: E402

TUNED = {
    "steps = 40": "steps = 6",
    "every = 20\nn = 16": "every = 3\nn = 16",
    "every = 20\nkeep": "every = 3\nkeep",
    "[optim]": "[encoder]\ntrain_layers = 1\nlr = 1e-3\n\n[optim]",
}
TOP = "encoder.layer.5."  # MiniLM-L6's last transformer layer


def test_train_layers_is_checked():
    with pytest.raises(InvalidInputError, match=r"\[encoder\] field 'train_layers': must be an integer ≥ 0"):
        TrainConfig.from_dict({"encoder": {"train_layers": -1}})
    with pytest.raises(InvalidInputError, match="fine-tuning the encoder is for sft"):
        TrainConfig.from_dict({"encoder": {"train_layers": 2}, "data": {"library": "x"}}, mode="reconstruction")
    encoder = TextEncoder()
    with pytest.raises(InvalidInputError, match="must be 0..6"):
        encoder.unfreeze_top(7)
    params = encoder.unfreeze_top(2)
    assert sum(p.numel() for p in params) == 2 * sum(p.numel() for p in encoder.transformer_layers()[0].parameters())
    assert all(not p.requires_grad for p in encoder.transformer_layers()[3].parameters())


@pytest.mark.slow
def test_fine_tuned_top_layer_is_saved_resumed_and_used(tmp_path):
    from t2l_edge.train.generate import Generator

    config = TrainConfig.load(tiny_run_dir(tmp_path, **TUNED), "sft")
    Trainer(config, "sft", tmp_path / "straight").fit()
    ckpt = tmp_path / "straight" / "step-000006"
    folder = ckpt / FINE_TUNED_DIR
    assert {"model.safetensors", "config.json", "tokenizer.json", "modules.json", FINE_TUNED_INFO} <= {
        p.name for p in folder.iterdir()}
    tuned = load_file(str(folder / "model.safetensors"))
    original = load_file(str(default_encoder_path() / "model.safetensors"))
    key = lambda name: name if name in original else f"bert.{name}"  # noqa: E731 (the packaged file's prefix, if any)
    moved = {n for n, t in tuned.items() if not torch.equal(t, original[key(n)])}
    assert moved and all(n.startswith(TOP) for n in moved)  # the top layer trained; nothing else changed
    assert any("attention" in n for n in moved) and any("output.dense" in n for n in moved)

    # 3 steps, then a resume in a new Trainer: the same bits as 6 straight (hypernetwork and encoder)
    Trainer(config, "sft", tmp_path / "split").fit(stop_at=3)
    Trainer(config, "sft", tmp_path / "split", resume=True).fit()
    again = tmp_path / "split" / "step-000006"
    for name, t in load_file(str(again / FINE_TUNED_DIR / "model.safetensors")).items():
        assert torch.equal(t, tuned[name]), name
    for name, t in load_file(str(again / "hypernet.safetensors")).items():
        assert torch.equal(t, load_file(str(ckpt / "hypernet.safetensors"))[name]), name

    # the PyTorch generator reads the checkpoint's encoder: its embeddings are the fine-tuned ones
    generator = Generator(ckpt)
    assert generator.encoder.path == folder and generator.encoder.name == "all-MiniLM-L6-v2"
    text = ["Uppercase the word."]
    assert not torch.allclose(generator.encoder.encode(text), TextEncoder().encode(text), atol=1e-4)


@pytest.mark.slow
def test_build_engine_exports_the_fine_tuned_encoder(tmp_path):
    """The bundle's encoder graph computes the fine-tuned embeddings (ONNX Runtime vs the PyTorch encoder)."""
    import numpy as np

    from t2l_edge.export.onnx import build_bundle
    from t2l_edge.runtimes.onnxruntime import Generator as BundleGenerator

    config = TrainConfig.load(tiny_run_dir(tmp_path, **{**TUNED, "steps = 6": "steps = 3"}), "sft")
    Trainer(config, "sft", tmp_path / "run").fit()
    ckpt = tmp_path / "run" / "step-000003"
    bundle = build_bundle(ckpt, tmp_path / "bundle", "cpu", "fp32")
    assert bundle.manifest.extra["encoder_fine_tuned"]["train_layers"] == 1
    texts = ["Uppercase the word.", "Count the letters of the word."]
    ours = BundleGenerator(bundle).embed(texts)
    tuned = TextEncoder(ckpt / FINE_TUNED_DIR).encode(texts).numpy()
    frozen = TextEncoder().encode(texts).numpy()
    np.testing.assert_allclose(ours, tuned, atol=1e-5)
    assert np.abs(ours - frozen).max() > 1e-3
