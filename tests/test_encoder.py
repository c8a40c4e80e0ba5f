"""The text encoder against sentence-transformers itself, its truncation, and the embedding cache."""

from __future__ import annotations

import json
import os
import shutil

import numpy as np
import pytest

import torch
torch.set_num_threads(2)

from t2l_edge.errors import CorruptFileError, InvalidInputError, MissingFileError  # noqa: E402
from t2l_edge.model.config import HypernetConfig  # noqa: E402
from t2l_edge.model.encoder import EmbeddingCache, Pooling, TextEncoder, default_encoder_path  # noqa: E402

TEXTS = [
    "Summarize the text in one line.",
    "Translate the sentence to French",
    "Reverse the order of the words.",
    "add the two numbers",
    "x",
]
LONG = "Describe " + "the very long task description " * 200  # > 1000 word pieces


@pytest.fixture(scope="module")
def encoder():
    return TextEncoder()


def sentence_transformers_encode(path, texts) -> np.ndarray:
    import sentence_transformers as st
    model = st.SentenceTransformer(str(path), device="cpu")
    return model.encode(list(texts), convert_to_numpy=True, batch_size=8)


def test_embeddings_equal_sentence_transformers(encoder):
    ours = encoder.encode(TEXTS + [LONG]).numpy()
    assert ours.shape == (len(TEXTS) + 1, 384) and ours.dtype == np.float32
    assert encoder.dim == 384 and encoder.name == HypernetConfig.__dataclass_fields__["encoder"].default
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-6)
    reference = sentence_transformers_encode(default_encoder_path(), TEXTS + [LONG])
    np.testing.assert_allclose(ours, reference, atol=1e-5, rtol=0)


def test_same_text_same_vector_batched_or_alone(encoder):
    batch = encoder.encode(TEXTS)
    assert torch.equal(encoder.encode(TEXTS), batch)
    for i, text in enumerate(TEXTS):  # padding to the batch's longest text changes nothing
        torch.testing.assert_close(encoder.encode([text])[0], batch[i], atol=1e-6, rtol=0)
    assert (batch @ batch.T).fill_diagonal_(0).max() < 0.999  # different texts, different vectors


def test_truncation_at_256_and_no_fixed_padding(encoder):
    assert encoder.max_length == 256
    batch = encoder.tokenize([LONG, "x"])
    assert batch["input_ids"].shape == (2, 256)
    assert batch["input_ids"][0, -1] == encoder.tokenizer.token_to_id("[SEP]")  # truncated, then closed
    assert batch["attention_mask"][1].sum() == 3  # [CLS] x [SEP], not padded to tokenizer.json's 128
    assert encoder.tokenize(["x"])["input_ids"].shape == (1, 3)
    assert TextEncoder(max_length=16).tokenize([LONG])["input_ids"].shape == (1, 16)


def test_embeddings_carry_no_graph_but_feed_one(encoder):
    """Computed without autograd (frozen encoder), yet usable as the input of a trained module."""
    emb = encoder.encode(TEXTS[:2])
    assert not emb.requires_grad and emb.grad_fn is None
    layer = torch.nn.Linear(384, 2)
    layer(emb).sum().backward()
    assert layer.weight.grad is not None


@pytest.fixture
def minilm_copy(tmp_path):
    """The packaged MiniLM folder, copied so its configs can be edited (weights symlinked)."""
    source, copy = default_encoder_path(), tmp_path / "minilm"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("model.safetensors"))
    os.symlink(source / "model.safetensors", copy / "model.safetensors")
    return copy


def set_pooling(folder, **modes):
    path = folder / "1_Pooling" / "config.json"
    config = json.loads(path.read_text())
    config.update({f"pooling_mode_{k}": v for k, v in modes.items()})
    path.write_text(json.dumps(config))


def test_cls_pooling_folder_equals_sentence_transformers(minilm_copy):
    set_pooling(minilm_copy, mean_tokens=False, cls_token=True)
    encoder = TextEncoder(minilm_copy)
    assert encoder.spec.pooling is Pooling.CLS and encoder.spec.normalize
    reference = sentence_transformers_encode(minilm_copy, TEXTS)
    np.testing.assert_allclose(encoder.encode(TEXTS).numpy(), reference, atol=1e-5, rtol=0)


def test_unsupported_folders_are_refused(minilm_copy, tmp_path):
    set_pooling(minilm_copy, max_tokens=True)
    with pytest.raises(InvalidInputError, match=r"pooling \['mean_tokens', 'max_tokens'\] is not supported"):
        TextEncoder(minilm_copy)
    (minilm_copy / "modules.json").unlink()
    with pytest.raises(MissingFileError, match="no modules.json"):
        TextEncoder(minilm_copy)
    with pytest.raises(MissingFileError, match="encoder folder not found"):
        TextEncoder(tmp_path / "nowhere")


def test_embedding_cache_in_memory_and_on_disk(encoder, tmp_path):
    path = tmp_path / "emb.safetensors"
    cache = EmbeddingCache(encoder, path)
    got = cache.get(TEXTS[:3] + TEXTS[:1])  # a repeated text is encoded once
    assert len(cache) == 3 and got.shape == (4, 384)
    assert torch.equal(got[0], got[3])
    torch.testing.assert_close(got[:3], encoder.encode(TEXTS[:3]), atol=1e-6, rtol=0)
    assert not path.exists()  # written on save only
    cache.save()

    from safetensors.numpy import load_file, save_file

    stored = load_file(str(path))
    assert set(stored) == {cache.key(t) for t in TEXTS[:3]}  # keyed by sha256(encoder, text), no text in clear
    # A later run reads the disk cache instead of encoding: plant a marker vector under one text's key.
    marker = np.full(384, 0.5, np.float32)
    stored[cache.key(TEXTS[0])] = marker
    save_file(stored, str(path))
    again = EmbeddingCache(encoder, path)
    np.testing.assert_array_equal(again.get([TEXTS[0]])[0].numpy(), marker)
    # Another encoder (here: other truncation) shares the file but never the entries.
    other = EmbeddingCache(TextEncoder(max_length=128), path)
    assert other.key(TEXTS[0]) != cache.key(TEXTS[0])
    torch.testing.assert_close(other.get([TEXTS[0]])[0], got[0], atol=1e-6, rtol=0)

    path.write_bytes(b"garbage")
    with pytest.raises(CorruptFileError, match="unreadable embedding cache"):
        EmbeddingCache(encoder, path)
