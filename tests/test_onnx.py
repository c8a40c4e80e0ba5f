"""ONNX bundles against the PyTorch model behind them: fp32 ΔW to 1e-4, int8 ΔW cosine ≥ 0.99, the int8 adapter's
next-token distribution on the real Gemma 3 270M within KL 0.05 of the fp32 one; mobile (ORT format); validation
reporting every mismatch at once; TensorRT's pure logic and its one-line failure where it is not installed."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from conftest import PROMPTS, kl_divergence  # noqa: E402
from tiny_hypernet import TASKS, gemma_bundle, gemma_checkpoint  # noqa: E402

from t2l_edge.bundle import Bundle, EngineTarget, Precision, check_precision  # noqa: E402
from t2l_edge.errors import InvalidInputError, RuntimeBackendError  # noqa: E402
from t2l_edge.keys import BundleFiles  # noqa: E402
from t2l_edge.runtimes.onnxruntime import Generator, choose_providers  # noqa: E402


@pytest.fixture(scope="module")
def reference():
    """The PyTorch reference adapters for TASKS, from the same checkpoint."""
    import torch

    torch.set_num_threads(2)
    from t2l_edge.train.generate import Generator as TorchGenerator

    return TorchGenerator(gemma_checkpoint()).generate(TASKS)


def _deltas(adapter):
    return {slot: adapter.delta(*slot) for slot, _, _ in adapter.items()}


def test_fp32_bundle_matches_pytorch(reference):
    adapters = Generator.load(gemma_bundle("cpu", "fp32")).generate(TASKS, batch_size=3)  # batches of 3 and 2
    assert [a.task for a in adapters] == TASKS
    worst = 0.0
    for ref, got in zip(reference, adapters):
        assert (got.rank, got.alpha, got.scale_rule, got.target) == (ref.rank, ref.alpha, ref.scale_rule, ref.target)
        assert got.generator == ref.generator  # provenance: the checkpoint's hash
        for slot, d_ref in _deltas(ref).items():
            d = got.delta(*slot)
            worst = max(worst, np.linalg.norm(d - d_ref) / np.linalg.norm(d_ref))
    assert worst <= 1e-4, worst
    # the adapters depend on the task: a test of the above would pass trivially otherwise
    a0, a1 = (a.delta(0, "q_proj") for a in adapters[:2])
    assert np.linalg.norm(a0 - a1) > 0.1 * np.linalg.norm(a0)


def test_int8_bundle_delta_cosine_per_module(reference):
    adapters = Generator.load(gemma_bundle("cpu", "int8")).generate(TASKS)
    cosines = {}
    for ref, got in zip(reference, adapters):
        for (layer, kind), d_ref in _deltas(ref).items():
            d = got.delta(layer, kind)
            cos = float((d * d_ref).sum() / (np.linalg.norm(d) * np.linalg.norm(d_ref)))
            cosines[kind] = min(cosines.get(kind, 1.0), cos)
    assert len(cosines) == 7
    assert min(cosines.values()) >= 0.99, cosines
    assert min(cosines.values()) < 0.99999  # it really is quantized
    sizes = {p: Bundle.load(gemma_bundle("cpu", p)).size() for p in ("fp32", "int8")}
    assert sizes["int8"] < 0.4 * sizes["fp32"], sizes


@pytest.mark.slow
def test_int8_adapter_next_token_distribution_on_gemma(runner):
    """Averaged over PROMPTS (one prompt's KL has a jitter floor ≈0.01-0.03 on the quantized base)."""
    from t2l_edge.export.gguf import to_gguf_bytes

    task = TASKS[0]
    fp32 = Generator.load(gemma_bundle("cpu", "fp32")).generate([task])[0]
    int8 = Generator.load(gemma_bundle("cpu", "int8")).generate([task])[0]
    runner.use(None)
    base = [runner.last_logits(p) for p in PROMPTS]
    runner.use(to_gguf_bytes(fp32, "f32"))
    ref = [runner.last_logits(p) for p in PROMPTS]
    runner.use(to_gguf_bytes(int8, "f32"))
    got = [runner.last_logits(p) for p in PROMPTS]
    runner.use(None)
    kl_int8 = np.mean([kl_divergence(r, g) for r, g in zip(ref, got)])
    kl_base = np.mean([kl_divergence(r, b) for r, b in zip(ref, base)])
    assert kl_base > 0.1, kl_base  # the adapter moves Gemma well above the jitter floor
    assert kl_int8 <= 0.05, (kl_int8, kl_base)


@pytest.mark.slow
def test_mobile_bundle_is_ort_format_int8_with_operator_config():
    bundle = Bundle.load(gemma_bundle("mobile"))
    m = bundle.manifest
    assert (m.engine_target, m.precision) == (EngineTarget.MOBILE, Precision.INT8)  # int8 by default
    files = sorted(p.name for p in bundle.path.iterdir())
    assert files == sorted([BundleFiles.MANIFEST, BundleFiles.TOKENIZER, BundleFiles.ENCODER_ORT,
                            BundleFiles.HYPERNET_ORT, BundleFiles.GGUF_ORT, BundleFiles.GGUF_TEMPLATE,
                            BundleFiles.REQUIRED_OPERATORS])
    ops = (bundle.path / BundleFiles.REQUIRED_OPERATORS).read_text()
    assert "MatMulInteger" in ops and "DynamicQuantizeLinear" in ops  # the int8 kernels a reduced build needs
    assert "BitCast" in ops  # and the GGUF graph's
    from t2l_edge.export.gguf import to_gguf_bytes

    mobile = Generator.load(bundle)
    assert mobile.generate_gguf(TASKS[0]) == to_gguf_bytes(mobile.generate([TASKS[0]])[0], "q4_0")
    got = Generator.load(bundle).generate(TASKS[:2])
    ref = Generator.load(gemma_bundle("cpu", "int8")).generate(TASKS[:2])
    for a, b in zip(got, ref):
        for slot, _, _ in a.items():
            d, e = a.delta(*slot), b.delta(*slot)
            assert (d * e).sum() / (np.linalg.norm(d) * np.linalg.norm(e)) > 0.999


def test_validation_reports_every_mismatch(tmp_path):
    """Export a graph, then validate it against a module whose two heads were changed: both outputs of both heads,
    on every validation input, are reported in one list."""
    import torch

    from t2l_edge.export.onnx import export_graph, graph_modules, hypernet_spec, validate_graph
    from t2l_edge.model.checkpoint import load_checkpoint
    from t2l_edge.model.encoder import TextEncoder

    hypernet, encoder = load_checkpoint(gemma_checkpoint()), TextEncoder()
    _, module = graph_modules(hypernet, encoder)
    spec = hypernet_spec(hypernet, encoder)
    path = export_graph(module, spec, tmp_path / spec.file)
    assert validate_graph(module, spec, path, Precision.FP32) == []
    with torch.no_grad():
        hypernet.heads["q_proj"].weight.mul_(1.5)
        hypernet.heads["down_proj"].bias.add_(0.1)
    problems = validate_graph(module, spec, path, Precision.FP32)
    n_inputs = len(spec.validation_inputs())
    assert len(problems) == 4 * n_inputs, problems  # A and B of q_proj and of down_proj, on every input
    assert {p.split(" on ")[0] for p in problems} == {
        f"hypernet.onnx lora_{m}.{k}" for m in "AB" for k in ("q_proj", "down_proj")
    }


def test_precision_choices_per_target():
    assert check_precision("mobile", None) is Precision.INT8
    assert check_precision("cpu", None) is Precision.FP32
    assert check_precision("cuda", None) is Precision.FP16
    with pytest.raises(InvalidInputError, match="int8 is not available for target tensorrt"):
        check_precision("tensorrt", "int8")
    with pytest.raises(InvalidInputError, match="precision int4 is not available for target cpu"):
        check_precision("cpu", "int4")  # a precision devices name (one Precision enum), not one we build
    with pytest.raises(InvalidInputError, match="precision must be one of"):
        check_precision("cpu", "int3")
    assert check_precision("cuda", "fp16") is check_precision("cuda", "F16") is Precision.F16  # one spelling, aliases


def test_provider_order():
    every = ["CPUExecutionProvider", "XnnpackExecutionProvider", "CUDAExecutionProvider", "TensorrtExecutionProvider"]
    assert choose_providers(every) == ["TensorrtExecutionProvider", "CUDAExecutionProvider",
                                       "XnnpackExecutionProvider", "CPUExecutionProvider"]
    assert choose_providers(["CPUExecutionProvider", "CoreMLExecutionProvider"]) == ["CoreMLExecutionProvider", "CPUExecutionProvider"]
    assert choose_providers(every, ["CUDAExecutionProvider"]) == ["CUDAExecutionProvider", "CPUExecutionProvider"]
    with pytest.raises(InvalidInputError, match="CUDAExecutionProvider"):
        choose_providers(["CPUExecutionProvider"], "CUDAExecutionProvider")


# -- TensorRT: not installable here; its message and its pure logic --------------------------------------------------


def test_tensorrt_missing_is_one_clear_line(tmp_path):
    from t2l_edge.export.tensorrt import require_tensorrt

    with pytest.raises(RuntimeBackendError, match="TensorRT is not installed"):
        require_tensorrt()
    done = subprocess.run(
        [sys.executable, "-m", "t2l_edge.cli", "build-engine", "--target", "tensorrt", "--output", str(tmp_path / "b")],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "TensorRT is not installed" in lines[0] and "pip install tensorrt" in lines[0]
    assert not (tmp_path / "b").exists()


def test_tensorrt_build_plan_by_major_version():
    from t2l_edge.export.tensorrt import build_plan, major_version

    assert major_version("10.13.2.6") == 10 and major_version("11.0.0") == 11
    p10 = build_plan(10, "fp16")
    assert (p10.onnx_precision, p10.strongly_typed, p10.fp16_flag) == (Precision.FP32, False, True)
    p11 = build_plan(11, "fp16")  # strongly typed: build from the fp16 ONNX, no FP16 flag (removed in 11)
    assert (p11.onnx_precision, p11.strongly_typed, p11.fp16_flag) == (Precision.FP16, True, False)
    assert build_plan(11, "fp32").onnx_precision is Precision.FP32 and not build_plan(10, "fp32").fp16_flag
    with pytest.raises(InvalidInputError, match="Q/DQ"):
        build_plan(10, "int8")
    with pytest.raises(RuntimeBackendError, match="too old"):
        build_plan(8, "fp16")


def test_tensorrt_profile_shapes():
    from t2l_edge.export.tensorrt import profile_shapes

    enc = profile_shapes("encoder", 16, 256)
    assert enc["input_ids"] == enc["attention_mask"] == ((1, 1), (1, 32), (16, 256))
    assert profile_shapes("hypernet", 8, 256, 384) == {"embedding": ((1, 384), (1, 384), (8, 384))}
    with pytest.raises(InvalidInputError):
        profile_shapes("encoder", 0, 256)
