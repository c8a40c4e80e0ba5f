"""Target tables against transformers' own modules, the Gemma 3 270M GGUF, and the fast GGUF reader against gguf-py."""

from __future__ import annotations

import json

import numpy as np
import pytest
from gguf import GGMLQuantizationType as Q
from gguf import GGUFReader, GGUFValueType, GGUFWriter

from t2l_edge.adapter import LoraAdapter
from t2l_edge.errors import CorruptFileError, InvalidInputError, MissingFileError, UnsupportedArchitectureError
from t2l_edge.export.gguf import to_gguf_bytes
from t2l_edge.gguf_reader import SkippedArray, read_gguf
from t2l_edge.targets import ARCHITECTURES, ModelDims, ModuleKind, TargetSpec, get_architecture

from tiny_models import TINY_CONFIGS, tiny_model

ARCHS = sorted(ARCHITECTURES)


def test_every_architecture_has_a_tiny_model():
    assert set(TINY_CONFIGS) == set(ARCHITECTURES)


def assert_spec_matches_model(spec: TargetSpec, model, architecture: str):
    import torch

    assert spec.architecture == architecture
    assert set(spec.modules) == set(ARCHITECTURES[architecture].rows)
    assert spec.n_layers == len(model.model.layers)
    for layer, kind in spec.slots():
        module = model.get_submodule(spec.hf_module_path(layer, kind))
        assert isinstance(module, torch.nn.Linear), (layer, kind)
        shape = spec.modules[kind]
        assert (shape.in_features, shape.out_features) == (module.in_features, module.out_features), (layer, kind)
    # Every Linear inside a decoder layer is a target: no projection forgotten in a table.
    linears = {
        name
        for name, m in model.named_modules()
        if isinstance(m, torch.nn.Linear) and name.startswith("model.layers.")
    }
    assert linears == {spec.hf_module_path(layer, kind) for layer, kind in spec.slots()}


@pytest.mark.parametrize("architecture", ARCHS)
def test_shapes_from_hf_config_match_transformers(architecture, tmp_path):
    model = tiny_model(architecture)
    spec = TargetSpec.from_hf_config(model.config.to_dict())
    assert_spec_matches_model(spec, model, architecture)

    model.config.save_pretrained(tmp_path)  # config.json on disk: the file and its folder
    assert TargetSpec.from_hf_config(tmp_path / "config.json") == spec
    assert TargetSpec.from_hf_config(tmp_path).to_dict() == spec.to_dict()


def test_gemma3_multimodal_config_uses_its_text_config():
    from transformers import Gemma3Config

    text = TINY_CONFIGS["gemma3"]()
    wrapped = Gemma3Config(text_config=text.to_dict()).to_dict()
    assert "hidden_size" not in wrapped
    assert TargetSpec.from_hf_config(wrapped).to_dict() == TargetSpec.from_hf_config(text.to_dict()).to_dict()


# Gemma 3 270M, from FACTS.md: (in, out) per module, 18 layers.
GEMMA_270M = {
    ModuleKind.Q: (640, 1024),
    ModuleKind.K: (640, 256),
    ModuleKind.V: (640, 256),
    ModuleKind.O: (1024, 640),
    ModuleKind.GATE: (640, 2048),
    ModuleKind.UP: (640, 2048),
    ModuleKind.DOWN: (2048, 640),
}


def test_gemma_270m_from_gguf(gemma_gguf, gemma_path):
    spec = TargetSpec.from_gguf(gemma_path)
    assert spec.architecture == "gemma3" and spec.n_layers == 18
    assert {k: (s.in_features, s.out_features) for k, s in spec.modules.items()} == GEMMA_270M
    for layer, kind in spec.slots():
        info = gemma_gguf.tensors[spec.gguf_tensor_name(layer, kind)]
        in_f, out_f = GEMMA_270M[kind]
        assert info.shape == (out_f, in_f)
    assert "blk.18.attn_q.weight" not in gemma_gguf.tensors
    assert gemma_gguf.tensors["blk.3.attn_v.weight"].qtype in (Q.Q8_0, Q.Q5_0)  # a quantized base, as FACTS says
    # A subset of the modules.
    assert TargetSpec.from_gguf(gemma_path, modules=["q", "v"]).to_dict()["modules"] == {
        "q_proj": [640, 1024],
        "v_proj": [640, 256],
    }


def test_gemma_270m_header_agrees_with_llama_cpp(runner, gemma_gguf):
    """llama.cpp's own view of the base (an independent GGUF parser) gives the same dimensions."""
    meta = runner.llm.metadata
    for key in ("block_count", "embedding_length", "feed_forward_length", "attention.head_count",
                "attention.head_count_kv", "attention.key_length"):
        assert int(meta[f"gemma3.{key}"]) == gemma_gguf.metadata[f"gemma3.{key}"], key
    assert int(meta["gemma3.embedding_length"]) == 640 and int(meta["gemma3.block_count"]) == 18


# -- the fast reader against gguf-py, on small files -----------------------------------------------------------


def reader_values(reader: GGUFReader) -> dict:
    out = {}
    for name, f in reader.fields.items():
        if name.startswith("GGUF."):  # gguf-py's pseudo-fields for the header counts
            continue
        out[name] = f.contents()
    return out


def assert_readers_agree(data: bytes, path):
    path.write_bytes(data)
    ref = GGUFReader(path)
    ours_bytes, ours_path = read_gguf(data), read_gguf(path)
    for ours in (ours_bytes, ours_path):
        ref_values = reader_values(ref)
        assert set(ours.metadata) == set(ref_values)
        for key, value in ours.metadata.items():
            expected = ref_values[key]
            if isinstance(value, SkippedArray):
                assert isinstance(expected, list) and value.count == len(expected), key
                assert value.element_type == int(ref.fields[key].types[-1]), key
            elif isinstance(value, float):
                assert value == pytest.approx(expected, rel=1e-7), key
            else:
                assert value == expected, key
        assert list(ours.tensors) == [t.name for t in ref.tensors]
        for t in ref.tensors:
            info = ours.tensors[t.name]
            assert info.qtype == t.tensor_type, t.name
            assert info.shape == tuple(int(n) for n in reversed(t.shape)), t.name
            assert info.offset == t.data_offset, t.name
            assert info.nbytes == t.n_bytes, t.name
            assert ours.tensor_bytes(t.name).tobytes() == np.asarray(t.data).tobytes(), t.name
    return ours_bytes


@pytest.mark.parametrize("recipe", ["f32", "f16", "q8_0", "q4_k_m"])
def test_fast_reader_agrees_with_gguf_py_on_adapters(gemma_spec, recipe, tmp_path):
    adapter = LoraAdapter.random(gemma_spec.select(["q", "v", "down"]), 8, task="Reverse the words")
    ours = assert_readers_agree(to_gguf_bytes(adapter, recipe), tmp_path / "a.gguf")
    assert len(ours.tensors) == 2 * 3 * 18
    assert ours.metadata["adapter.lora.task_name"] == "Reverse the words"


def test_fast_reader_agrees_with_gguf_py_on_every_value_type(tmp_path):
    """A file written by gguf-py's own writer: every scalar type, short arrays (decoded), long ones (skipped)."""
    path = tmp_path / "w.gguf"
    w = GGUFWriter(path, "llama")
    w.add_uint8("t.u8", 200)
    w.add_int8("t.i8", -5)
    w.add_uint16("t.u16", 60000)
    w.add_int16("t.i16", -3000)
    w.add_uint32("t.u32", 4_000_000_000)
    w.add_int32("t.i32", -2_000_000_000)
    w.add_uint64("t.u64", 2**40 + 3)
    w.add_int64("t.i64", -(2**40))
    w.add_float32("t.f32", 0.1)
    w.add_float64("t.f64", 0.1)
    w.add_bool("t.bool", True)
    w.add_string("t.str", "héllo")
    w.add_array("t.short", [1, 2, 3])
    w.add_array("t.short_str", ["a", "bc"])
    w.add_array("t.long_f32", [float(i) for i in range(100)])
    w.add_array("t.long_str", [f"tok{i}" for i in range(1000)])  # like a vocabulary: skipped
    rng = np.random.default_rng(0)
    w.add_tensor("x.f32", rng.standard_normal((3, 64)).astype(np.float32))
    w.add_tensor("x.f16", rng.standard_normal((5, 32)).astype(np.float16))
    w.add_tensor("x.i8", rng.integers(-100, 100, (7, 33)).astype(np.int8))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    ours = assert_readers_agree(path.read_bytes(), tmp_path / "copy.gguf")
    assert ours.metadata["t.short"] == [1, 2, 3] and ours.metadata["t.short_str"] == ["a", "bc"]
    assert ours.metadata["t.long_str"] == SkippedArray(int(GGUFValueType.STRING), 1000)
    assert ours.tensors["x.f16"].shape == (5, 32)


# -- errors ---------------------------------------------------------------------------------------------------------


def test_unknown_architecture():
    with pytest.raises(UnsupportedArchitectureError, match="'bert'"):
        get_architecture("bert")
    with pytest.raises(UnsupportedArchitectureError, match="model_type 'bert'"):
        TargetSpec.from_hf_config({"model_type": "bert", "hidden_size": 64, "num_hidden_layers": 2,
                                   "num_attention_heads": 4, "intermediate_size": 96})
    with pytest.raises(UnsupportedArchitectureError):
        TargetSpec.from_dims("mamba", ModelDims(64, 2, 4, 2, 16, 96))
    # A GGUF base of another architecture.
    header = to_gguf_bytes(LoraAdapter.random(TargetSpec.from_dims("llama", ModelDims(64, 1, 4, 2, 16, 96), ["q"]), 4))
    bad = header.replace(b"llama", b"bertx", 1)
    with pytest.raises(UnsupportedArchitectureError, match="'bertx'"):
        TargetSpec.from_gguf(bad)


def test_unknown_module(gemma_spec):
    with pytest.raises(InvalidInputError, match="unknown module 'xyz'"):
        gemma_spec.select(["xyz"])
    with pytest.raises(InvalidInputError, match="qkv_proj is not available on gemma3"):
        gemma_spec.select(["qkv_proj"])
    dims = ModelDims(64, 2, 4, 2, 16, 96)
    with pytest.raises(InvalidInputError, match="q_proj is not a target of phi3"):
        TargetSpec.from_dims("phi3", dims, ["q_proj"])
    with pytest.raises(InvalidInputError, match="unknown module"):
        TargetSpec.from_hf_config(TINY_CONFIGS["llama"]().to_dict(), modules=["attn"])


def test_bad_hf_config_files(tmp_path):
    with pytest.raises(MissingFileError):
        TargetSpec.from_hf_config(tmp_path / "nope.json")
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(CorruptFileError, match="not valid JSON"):
        TargetSpec.from_hf_config(tmp_path)
    config = TINY_CONFIGS["qwen2"]().to_dict()
    del config["intermediate_size"]
    (tmp_path / "config.json").write_text(json.dumps(config))
    with pytest.raises(CorruptFileError, match="intermediate_size"):
        TargetSpec.from_hf_config(tmp_path)


def test_truncated_and_bad_magic_gguf(gemma_spec, gemma_path, tmp_path):
    data = to_gguf_bytes(LoraAdapter.random(gemma_spec.select(["q"]), 8), "f16")
    with pytest.raises(CorruptFileError, match="bad magic"):
        read_gguf(b"GGUG" + data[4:])
    with pytest.raises(CorruptFileError, match="truncated GGUF header|more than the file"):
        read_gguf(data[:100])  # inside the key/values: the declared counts no longer fit
    with pytest.raises(CorruptFileError, match="beyond the file"):
        read_gguf(data[: len(data) - 1000])  # header intact, tensor data cut
    with pytest.raises(CorruptFileError):
        read_gguf(b"")
    (tmp_path / "empty.gguf").write_bytes(b"")
    with pytest.raises(CorruptFileError):
        read_gguf(tmp_path / "empty.gguf")
    # The real base, cut after 1 MB (inside its vocabulary): the spec cannot be built from it.
    with open(gemma_path, "rb") as f:
        (tmp_path / "cut.gguf").write_bytes(f.read(1 << 20))
    with pytest.raises(CorruptFileError, match="truncated"):
        TargetSpec.from_gguf(tmp_path / "cut.gguf")
    with pytest.raises(MissingFileError):
        read_gguf(tmp_path / "absent.gguf")
