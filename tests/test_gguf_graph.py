"""The in-graph GGUF writer (export/gguf_graph.py) and the GGUF template: byte for byte against the numpy writer
(export/gguf.py) and ggml's own quantizer, on every tensor of the Gemma 3 270M adapter shape and on adversarial
values; non-finite values refused; the bundle's route in Generator.generate_gguf, and older bundles' fallback."""

from __future__ import annotations

import json
import os
import shutil

import numpy as np
import pytest

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import ggml_reference  # noqa: E402
from tiny_hypernet import TASKS, gemma_bundle  # noqa: E402

from t2l_edge.adapter import LoraAdapter, ScaleRule  # noqa: E402
from t2l_edge.bundle import Bundle, GGUFInfo  # noqa: E402
from t2l_edge.errors import InvalidAdapterError, InvalidInputError  # noqa: E402
from t2l_edge.export.gguf import ALIGNMENT, gguf_template, read_gguf_adapter, to_gguf_bytes  # noqa: E402
from t2l_edge.export.gguf_graph import _Graph, _q4_0, _q8_0, build_gguf_graph, data_layout  # noqa: E402
from t2l_edge.export.quants import QType, quantize  # noqa: E402
from t2l_edge.gguf_reader import read_gguf  # noqa: E402
from t2l_edge.gguf_values import count_non_finite  # noqa: E402
from t2l_edge.keys import BundleFiles, BundleGraph  # noqa: E402
from t2l_edge.targets import ModuleKind, ModuleShape, TargetSpec  # noqa: E402

ort = pytest.importorskip("onnxruntime")
RECIPES = ("q4_0", "q8_0", "f16")
F = np.float32


def _session(model):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def _feeds(adapters: list[LoraAdapter]) -> dict[str, np.ndarray]:
    """LoraAdapters -> the hypernetwork's output tensors (batch, L, ...)."""
    target = adapters[0].target
    feeds = {}
    for kind in target.modules:
        for i, template in enumerate((BundleGraph.LORA_A, BundleGraph.LORA_B)):
            feeds[template.format(module=kind.value)] = np.stack(
                [np.stack([a.weights[(layer, kind)][i] for layer in range(target.n_layers)]) for a in adapters])
    return feeds


def _graph_files(adapters: list[LoraAdapter], recipe: str) -> list[bytes]:
    """Each adapter's file through the graph + template, as a consumer without a quantizer writes it."""
    a0 = adapters[0]
    session = _session(build_gguf_graph(a0.target, a0.rank, recipe))
    feeds = _feeds(adapters)
    data, finite = session.run(None, {i.name: feeds[i.name] for i in session.get_inputs()})
    assert data.dtype == np.uint16 and np.all(finite == 0)
    template, offset = gguf_template(a0.target, a0.rank, a0.alpha, a0.scale_rule, a0.generator, recipe)
    info = GGUFInfo(BundleFiles.GGUF_TEMPLATE, recipe, offset, ALIGNMENT, data_layout(a0.target, a0.rank, recipe).data_bytes)
    return [info.assemble(template, a.task, row.astype("<u2").tobytes()) for a, row in zip(adapters, data)]


@pytest.mark.slow
@pytest.mark.parametrize("recipe", RECIPES)
def test_gemma_adapter_files_equal_the_numpy_writer(gemma_spec, recipe):
    """Every tensor of the shipped adapter shape (Gemma 3 270M, all seven projections, rank 8), a batch of two."""
    adapters = [LoraAdapter.random(gemma_spec, 8, alpha=16.0, scale_rule=ScaleRule.RSLORA, seed=s, std=0.02,
                                   task=t, generator="gen-hash")
                for s, t in ((1, "Reverse the words."), (2, "Réponds en français, s'il te plaît ✓"))]
    got = _graph_files(adapters, recipe)
    for adapter, data in zip(adapters, got):
        assert data == to_gguf_bytes(adapter, recipe)
        back = read_gguf_adapter(data)
        assert back.task == adapter.task and back.target == gemma_spec


def _adversarial_blocks() -> np.ndarray:
    """(n, 32) float32 blocks at the edges of ggml's reference algorithms."""
    rng = np.random.default_rng(7)
    tiny = F(2.0**-149)
    rows = [
        np.zeros(32, F),
        -np.zeros(32, F),  # all -0: ggml keeps max = +0
        np.full(32, F(0.3)),  # constant
        np.full(32, F(-1e-3)),
        np.r_[F(-0.5), np.full(31, F(0.5))],  # |max| tie, negative first: q4_0 takes the first
        np.r_[F(0.5), np.full(31, F(-0.5))],
        np.r_[np.zeros(31, F), F(-2.0)],
        np.full(32, F(1e30)) * rng.standard_normal(32).astype(F),  # huge
        np.full(32, F(3e38)) * np.sign(rng.standard_normal(32)).astype(F),
        rng.standard_normal(32).astype(F) * F(1e-39),  # subnormal: 1/d overflows
        tiny * np.arange(32, dtype=F),
        np.r_[F(11) * tiny, np.full(31, F(3) * tiny)],
        rng.standard_normal(32).astype(F) * F(2.0**-123),  # d subnormal, 1/d finite
        rng.standard_normal(32).astype(F) * F(1e-20),
        np.r_[F(127.0), (np.arange(31, dtype=F) - 15) + F(0.5)],  # q8_0 exact .5 ties: roundf goes away from zero
        np.r_[F(127.0), F(0.49999997), F(-0.49999997), F(0.5), F(-0.5), F(1.5), F(-2.5), np.zeros(25, F)],
        np.r_[F(-8.0), np.arange(31, dtype=F) / F(4) - F(3.5)],  # q4_0 steps on exact halves
        np.r_[F(65504), F(65520), F(-70000), F(6e-8), F(-3e-8), rng.standard_normal(27).astype(F)],
    ]
    return np.stack(rows + [rng.standard_normal(32).astype(F) * s for s in (0.02, 1.0, 1e4)])


def _block_graph(quantizer):
    from onnx import TensorProto as T
    from onnx import helper

    from t2l_edge.export.gguf_graph import OPSET

    g = _Graph()
    g.op("Identity", quantizer(g, "x")[0], out="y")
    graph = helper.make_graph(g.nodes, "blocks", [helper.make_tensor_value_info("x", T.FLOAT, ["n", 32])],
                              [helper.make_tensor_value_info("y", T.UINT16, ["n", None])], initializer=g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 11
    return _session(model)


@pytest.mark.parametrize("qtype, quantizer", [(QType.Q4_0, _q4_0), (QType.Q8_0, _q8_0)], ids=["q4_0", "q8_0"])
def test_adversarial_blocks_equal_numpy_and_ggml(qtype, quantizer):
    x = _adversarial_blocks()
    got = _block_graph(quantizer).run(None, {"x": x})[0].astype("<u2").view(np.uint8)
    with np.errstate(all="ignore"):
        ours = quantize(x, qtype)
    for i in range(len(x)):
        assert np.array_equal(got[i], ours[i]), f"block {i}: graph {got[i]} numpy {ours[i]} input {x[i]}"
    if ggml_reference.available():
        assert np.array_equal(got, ggml_reference.ggml_quantize(x, qtype))


def _small_target(n_layers=2, in_features=64, out_features=96):
    return TargetSpec("gemma3", n_layers, {ModuleKind.Q: ModuleShape(in_features, out_features),
                                           ModuleKind.DOWN: ModuleShape(2 * in_features, in_features)})


@pytest.mark.parametrize("recipe", RECIPES)
def test_adversarial_adapter_files_equal_the_numpy_writer(recipe):
    """The adversarial blocks spread over every tensor (A quantized, rank-8 B in F16) of a small adapter."""
    target = _small_target()
    blocks = _adversarial_blocks().reshape(-1)
    adapter = LoraAdapter.random(target, 8, seed=3, task="t")
    weights = {}
    offset = 0
    for slot, a, b in adapter.items():
        pair = []
        for m in (a, b):
            take = np.resize(np.roll(blocks, offset), m.size).reshape(m.shape).astype(F)
            offset += 97
            pair.append(take)
        weights[slot] = tuple(pair)
    adapter = LoraAdapter(target, 8, 16.0, weights, task="adversarial")
    # Values that overflow the type (1e30, 3e38): the numpy writer refuses them, the graph writes Inf there, which
    # the pre-check every runner applies before llama.cpp (compat.check_adapter_fits) counts and refuses.
    graph = _graph_files([adapter], recipe)[0]
    with pytest.raises(InvalidAdapterError, match="too large"), np.errstate(all="ignore"):
        to_gguf_bytes(adapter, recipe)
    gguf = read_gguf(graph)
    assert sum(count_non_finite(gguf.tensor_bytes(n), info.qtype) or 0 for n, info in gguf.tensors.items()) > 0
    # The same blocks within the type's range: byte for byte the numpy writer's file.
    limit = 60000.0
    fitting = {slot: tuple(np.clip(m, -limit, limit) for m in pair) for slot, pair in weights.items()}
    adapter = LoraAdapter(target, 8, 16.0, fitting, task="adversarial")
    with np.errstate(all="ignore"):
        assert _graph_files([adapter], recipe)[0] == to_gguf_bytes(adapter, recipe)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_values_are_flagged(bad):
    target = _small_target()
    adapter = LoraAdapter.random(target, 8, seed=1)
    session = _session(build_gguf_graph(target, 8, "q4_0"))
    feeds = _feeds([adapter, adapter])
    feeds[BundleGraph.LORA_B.format(module="down_proj")][1, 1, 5, 3] = bad
    _, finite = session.run(None, {i.name: feeds[i.name] for i in session.get_inputs()})
    assert finite[0] == 0 and np.isnan(finite[1])


def test_recipes_the_graph_cannot_write_are_refused_by_name():
    target = _small_target(in_features=256)
    with pytest.raises(InvalidInputError, match="q4_k_m.*Q4_K"):
        build_gguf_graph(target, 8, "q4_k_m")
    with pytest.raises(InvalidInputError, match="quantization recipe .*q3"):
        build_gguf_graph(target, 8, "q3")


def test_template_assembly_refuses_wrong_data_size():
    target = _small_target()
    template, offset = gguf_template(target, 8, 16.0, ScaleRule.STANDARD, "", "q4_0")
    info = GGUFInfo(BundleFiles.GGUF_TEMPLATE, "q4_0", offset, ALIGNMENT, data_layout(target, 8, "q4_0").data_bytes)
    assert template[offset : offset + 8] == bytes(8)  # the empty task name's length
    with pytest.raises(InvalidInputError, match="bytes"):
        info.assemble(template, "x", b"\0" * (info.data_bytes - 2))


# -- bundles ----------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundle():
    return gemma_bundle("cpu", "int8")


@pytest.mark.slow
def test_bundle_route_equals_the_numpy_writer_and_loads_in_llama_cpp(bundle, runner):
    from t2l_edge.runtimes.onnxruntime import Generator

    b = Bundle.load(bundle)
    assert b.manifest.gguf is not None and b.manifest.gguf.recipe == "q4_0"
    assert BundleFiles.GGUF_TEMPLATE in b.manifest.files and BundleFiles.GGUF_ONNX in b.manifest.files
    gen = Generator.load(bundle)
    for text in TASKS[:3]:
        data = gen.generate_gguf(text)
        assert data == to_gguf_bytes(gen.generate([text])[0], "q4_0")
        assert read_gguf_adapter(data).task == text
    prompt = "Input: hello world\nOutput:"
    runner.use(None)
    base = runner.last_logits(prompt)
    runner.use(data)  # llama.cpp accepts it as a LoRA of Gemma 3 270M, and it changes the logits
    adapted = runner.last_logits(prompt)
    runner.use(None)
    assert np.isfinite(adapted).all() and np.abs(adapted - base).max() > 0.1
    from t2l_edge.task_card import TaskCard

    card = TaskCard(TASKS[0], [{"input": "red fox", "output": "fox red"}])  # a card: its rendered text is the task
    assert gen.generate_gguf(card) == to_gguf_bytes(gen.generate([card])[0], "q4_0")
    # another recipe than the bundle's goes through the numpy writer
    assert gen.generate_gguf(TASKS[0], "q8_0") == to_gguf_bytes(gen.generate([TASKS[0]])[0], "q8_0")


@pytest.mark.slow
def test_bundles_without_the_gguf_graph_still_load_and_fall_back(bundle, tmp_path):
    from t2l_edge.runtimes.onnxruntime import Generator

    old = tmp_path / "old"
    shutil.copytree(bundle, old)
    manifest = json.loads((old / BundleFiles.MANIFEST).read_text())
    del manifest["gguf"], manifest["graphs"][BundleGraph.GGUF]
    for name in (BundleFiles.GGUF_ONNX, BundleFiles.GGUF_TEMPLATE):
        del manifest["files"][name]
        (old / name).unlink()
    (old / BundleFiles.MANIFEST).write_text(json.dumps(manifest))
    gen = Generator.load(old)
    assert gen.manifest.gguf is None and gen.gguf_writer is None
    assert gen.generate_gguf(TASKS[0]) == Generator.load(bundle).generate_gguf(TASKS[0])


def test_generate_gguf_refuses_non_finite_hypernetwork_outputs(bundle, tmp_path):
    """A hypernetwork graph that emits NaN: the graph route refuses it (as LoraAdapter does on the numpy route)."""
    import onnx
    from onnx import TensorProto as T
    from onnx import helper

    from t2l_edge.bundle import describe_files
    from t2l_edge.runtimes.onnxruntime import Generator

    broken = tmp_path / "broken"
    shutil.copytree(bundle, broken)
    path = broken / BundleFiles.HYPERNET_ONNX
    model = onnx.load(str(path))
    out = model.graph.output[0]
    model.graph.node.append(helper.make_node("Div", [out.name + "_num", out.name + "_zero"], [out.name + "_nan"]))
    for node in model.graph.node:  # route the first output through 0/0
        for i, name in enumerate(node.output):
            if name == out.name:
                node.output[i] = out.name + "_num"
    model.graph.initializer.append(helper.make_tensor(out.name + "_zero", T.FLOAT, [], [0.0]))
    model.graph.node.append(helper.make_node("Mul", [out.name + "_nan", out.name + "_num"], [out.name]))
    onnx.save(model, str(path))
    manifest = json.loads((broken / BundleFiles.MANIFEST).read_text())
    info = describe_files(broken, [BundleFiles.HYPERNET_ONNX])[BundleFiles.HYPERNET_ONNX]
    manifest["files"][BundleFiles.HYPERNET_ONNX] = {"size": info.size, "sha256": info.sha256}
    (broken / BundleFiles.MANIFEST).write_text(json.dumps(manifest))
    gen = Generator.load(broken)
    with pytest.raises(InvalidAdapterError, match="non-finite"):
        gen.generate_gguf(TASKS[0])
