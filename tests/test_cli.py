"""The CLI through its real entry point: normal paths, and bad input as one line + non-zero exit."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from t2l_edge.adapter import LoraAdapter
from t2l_edge.export.gguf import read_gguf_adapter, to_gguf_bytes, write_gguf_adapter
from t2l_edge.export.peft import write_peft
from t2l_edge.targets import ModelDims, ModuleKind, TargetSpec
from cli_helpers import run, assert_one_line_error




@pytest.fixture
def small_adapter(gemma_spec):
    return LoraAdapter.random(gemma_spec.select(["q_proj", "v_proj"]), 8, alpha=16, scale_rule="rslora", task="Say hi")


def test_help_lists_commands_and_options(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0 and all(c in out for c in ("export", "inspect", "infer"))
    code, out, _ = run(capsys, "export", "--help")
    assert code == 0 and all(o in out for o in ("--format", "--quantization", "--architecture", "--base-model"))


def test_export_between_all_formats(capsys, tmp_path, small_adapter, gemma_path):
    src = small_adapter.save(tmp_path / "a.safetensors")
    code, out, _ = run(capsys, "export", "--adapter", src, "--format", "peft", "--output", tmp_path / "peft")
    assert code == 0 and (tmp_path / "peft" / "adapter_config.json").is_file()
    code, _, _ = run(capsys, "export", "-a", tmp_path / "peft", "-f", "gguf", "-q", "q8_0", "-o", tmp_path / "a.gguf",
                     "--base-model", gemma_path)
    assert code == 0
    back = read_gguf_adapter(tmp_path / "a.gguf")
    assert back.task == "Say hi" and back.scale == pytest.approx(small_adapter.scale)
    code, _, _ = run(capsys, "export", "-a", tmp_path / "a.gguf", "-f", "safetensors", "-o", tmp_path / "b.safetensors")
    assert code == 0
    again = LoraAdapter.load(tmp_path / "b.safetensors")
    for slot, (a, _) in small_adapter.weights.items():
        assert np.abs(again.weights[slot][0] - a).max() < 0.01 * np.abs(a).max()


def test_inspect_adapter_and_base(capsys, tmp_path, small_adapter, gemma_path):
    write_gguf_adapter(small_adapter, tmp_path / "a.gguf", "q4_0")
    code, out, _ = run(capsys, "inspect", tmp_path / "a.gguf", "--json")
    info = json.loads(out)
    assert code == 0 and info["kind"] == "adapter"
    assert (info["architecture"], info["rank"], info["layers"], info["task"]) == ("gemma3", 8, 18, "Say hi")
    assert info["scale"] == pytest.approx(16 / 8**0.5)
    types = {t["name"]: t["type"] for t in info["tensors"]}
    assert types["blk.0.attn_q.weight.lora_a"] == "Q4_0" and types["blk.0.attn_q.weight.lora_b"] == "F16"
    code, out, _ = run(capsys, "inspect", gemma_path, "--json")
    info = json.loads(out)
    assert info["kind"] == "base" and info["architecture"] == "gemma3" and info["layers"] == 18
    assert info["targets"]["q_proj"] == {"in": 640, "out": 1024}
    assert info["size_bytes"] == gemma_path.stat().st_size
    assert sum(m["bytes"] for m in info["quantization_mix"].values()) < info["size_bytes"]
    code, out, _ = run(capsys, "inspect", tmp_path / "a.gguf")
    assert code == 0 and "rank 8" in out and "Q4_0" in out


@pytest.mark.slow
def test_infer_prompt_and_files(capsys, tmp_path, small_adapter, gemma_spec):
    strong = LoraAdapter.random(gemma_spec.select(["q_proj", "v_proj", "down_proj"]), 8, seed=4, std=0.08)
    write_gguf_adapter(LoraAdapter.zeros(small_adapter.target, 8), tmp_path / "zero.gguf", "f16")
    strong.save(tmp_path / "strong.safetensors")
    code, out, _ = run(capsys, "infer", "-a", tmp_path / "zero.gguf", "-p", "The capital of France is",
                       "--max-tokens", "8", "--compare-adapter", tmp_path / "strong.safetensors", "--json")
    row = json.loads(out)
    assert code == 0 and row["prompt"] == "The capital of France is"
    assert row["answer"] and row["compare"] and row["answer"] != row["compare"]
    prompts = tmp_path / "in.jsonl"
    prompts.write_text('{"prompt": "One, two,"}\nRed, green,\n')
    code, _, _ = run(capsys, "infer", "-a", tmp_path / "zero.gguf", "--input-file", prompts,
                     "--output-file", tmp_path / "out.jsonl", "--max-tokens", "4")
    rows = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert code == 0 and [r["prompt"] for r in rows] == ["One, two,", "Red, green,"]


# -- bad input: one line, non-zero exit, never a crash -----------------------------------------------------------


def test_bad_inputs(capsys, tmp_path, gemma_path, gemma_spec, small_adapter):
    llama_dims = ModelDims(hidden=640, n_layers=18, n_heads=4, n_kv_heads=1, head_dim=256, intermediate=2048)
    wrong_arch = LoraAdapter.random(TargetSpec.from_dims("llama", llama_dims, ["q_proj"]), 8)
    wrong_arch.save(tmp_path / "llama.safetensors")
    code, _, err = run(capsys, "export", "-a", tmp_path / "llama.safetensors", "-f", "gguf", "-o", tmp_path / "x.gguf",
                       "--base-model", gemma_path)
    assert_one_line_error(code, err, "does not fit", "'llama'", "'gemma3'")
    assert not (tmp_path / "x.gguf").exists()

    gemma_like = TargetSpec.from_dims("gemma3", ModelDims(512, 18, 4, 1, 256, 2048), ["q_proj"])
    write_gguf_adapter(LoraAdapter.random(gemma_like, 8), tmp_path / "shape.gguf")
    code, _, err = run(capsys, "infer", "-a", tmp_path / "shape.gguf", "-p", "hi", "--base-model", gemma_path)
    assert_one_line_error(code, err, "blk.0.attn_q.weight", "512", "640")

    data = to_gguf_bytes(small_adapter, "q8_0")
    (tmp_path / "cut.gguf").write_bytes(data[: len(data) // 2])
    code, _, err = run(capsys, "inspect", tmp_path / "cut.gguf")
    assert_one_line_error(code, err, "cut.gguf", "truncated")

    nan = tmp_path / "nan.gguf"
    nan_data = bytearray(to_gguf_bytes(small_adapter, "f32"))
    nan_data[-4:] = np.array([np.nan], np.float32).tobytes()
    nan.write_bytes(bytes(nan_data))
    code, _, err = run(capsys, "export", "-a", nan, "-f", "peft", "-o", tmp_path / "p")
    assert_one_line_error(code, err, "NaN")

    write_peft(small_adapter, tmp_path / "peft")
    (tmp_path / "peft" / "adapter_model.safetensors").unlink()
    code, _, err = run(capsys, "export", "-a", tmp_path / "peft", "-f", "gguf", "-o", tmp_path / "y.gguf")
    assert_one_line_error(code, err, "adapter_model.safetensors")

    small_adapter.save(tmp_path / "ok.safetensors")
    code, _, err = run(capsys, "export", "-a", tmp_path / "ok.safetensors", "-f", "gguf", "-q", "q3_xs", "-o", tmp_path / "z")
    assert_one_line_error(code, err, "--quantization must be one of f32, f16, bf16, q8_0, q4_0, q4_k_m, q4_k, q5_0, q6_k, got 'q3_xs'")
    code, _, err = run(capsys, "export", "-a", tmp_path / "ok.safetensors", "-f", "onnx", "-o", tmp_path / "z")
    assert_one_line_error(code, err, "--format")
    code, _, err = run(capsys, "inspect", tmp_path / "missing.gguf")
    assert_one_line_error(code, err, "missing.gguf")
    code, _, err = run(capsys, "infer", "-a", tmp_path / "ok.safetensors")
    assert_one_line_error(code, err, "--prompt")


def test_installed_entry_point(tmp_path):
    exe = Path(sys.executable).parent / "t2l-edge"
    exe = str(exe) if exe.exists() else shutil.which("t2l-edge")
    done = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "inspect" in done.stdout
    done = subprocess.run([exe, "inspect", str(tmp_path / "nope.gguf")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.startswith("error: file not found") and "Traceback" not in done.stderr


def test_readme_starter_adapter(tmp_path, gemma_spec):
    """The README's CLI examples start from examples/random_adapter.py: it must write a valid Gemma adapter."""
    script = Path(__file__).resolve().parent.parent / "examples" / "random_adapter.py"
    out = tmp_path / "my_adapter.safetensors"
    done = subprocess.run([sys.executable, str(script), str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    adapter = LoraAdapter.load(out)
    assert adapter.target == gemma_spec.select(["q_proj", "v_proj"]) and adapter.rank == 8
    a, _ = adapter.weights[(0, ModuleKind.Q)]
    assert 0.015 < float(a.std()) < 0.025
