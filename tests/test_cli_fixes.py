"""No silent surprises: what the options and the output path ask for is written, or refused in one line; tables keep
identifiers whole at 80 columns and in a pipe; batch files take comments; interactive `infer` ends on exit / quit."""

from __future__ import annotations

import io
import os
import subprocess

import pytest

from cli_helpers import assert_one_line_error, installed_command, run
from t2l_edge.adapter import LoraAdapter
from t2l_edge.batch import read_batch_file
from t2l_edge.device_profiles import load_shipped_profiles
from t2l_edge.errors import InvalidInputError
from t2l_edge.export.formats import AdapterFormat, detect_format
from t2l_edge.export.gguf import write_gguf_adapter
from t2l_edge.tasks.suite import FAMILIES


@pytest.fixture
def adapter(gemma_spec, tmp_path):
    lora = LoraAdapter.random(gemma_spec.select(["q_proj", "v_proj"]), 8, task="t")
    return lora.save(tmp_path / "a.safetensors")


# -- tables ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command, names", [
    (["profiles", "list"], lambda: [p.name for p in load_shipped_profiles()]),
    (["tasks", "list"], lambda: list(FAMILIES)),
], ids=["profiles", "tasks"])
def test_piped_tables_are_one_whole_record_per_line_at_80_columns(command, names):
    """Piped (issue 22): one record per line, tab-separated, never folded into fragments at 80 columns, identifiers
    whole in the first field."""
    env = {**os.environ, "COLUMNS": "80"}
    done = subprocess.run([installed_command(), *command], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert sorted(line.split("\t")[0] for line in lines) == sorted(names())
    assert len({line.count("\t") for line in lines}) == 1 and "…" not in done.stdout


# -- output format, recipe, architecture -------------------------------------------------------------------------------


def test_output_suffix_decides_or_refuses_the_format(capsys, tmp_path, adapter):
    code, _, err = run(capsys, "export", "-a", adapter, "-o", tmp_path / "x.safetensors")
    assert code == 0, err
    assert detect_format(tmp_path / "x.safetensors") is AdapterFormat.SAFETENSORS
    code, _, err = run(capsys, "export", "-a", adapter, "-o", tmp_path / "y.gguf")
    assert code == 0 and detect_format(tmp_path / "y.gguf") is AdapterFormat.GGUF
    code, _, err = run(capsys, "export", "-a", adapter, "-f", "gguf", "-o", tmp_path / "z.safetensors")
    assert_one_line_error(code, err, "names a safetensors file but --format is gguf", "z.gguf")
    assert code == 2 and not (tmp_path / "z.safetensors").exists()
    code, _, err = run(capsys, "generate", "--task", "x", "-f", "gguf", "-o", tmp_path / "w.safetensors")
    assert_one_line_error(code, err, "names a safetensors file but --format is gguf")


def test_a_recipe_the_format_cannot_write_is_refused(capsys, tmp_path, adapter):
    code, _, err = run(capsys, "export", "-a", adapter, "-f", "peft", "-q", "q4_0", "-o", tmp_path / "peft")
    assert_one_line_error(code, err, "--quantization q4_0 applies to GGUF adapters",
                          "peft adapters are written in bf16, f16, f32")  # PEFT holds float weights (issue 14)
    assert code == 2 and not (tmp_path / "peft").exists()
    code, _, err = run(capsys, "export", "-a", adapter, "-f", "peft", "-o", tmp_path / "peft")
    assert code == 0, err


def test_architecture_that_disagrees_with_the_adapter_is_refused(capsys, tmp_path, gemma_spec):
    path = write_gguf_adapter(LoraAdapter.random(gemma_spec.select(["q_proj"]), 8), tmp_path / "a.gguf", "q8_0")
    code, _, err = run(capsys, "export", "-a", path, "-o", tmp_path / "b.gguf", "--architecture", "qwen2")
    assert_one_line_error(code, err, "--architecture qwen2", "records gemma3")
    code, _, err = run(capsys, "export", "-a", path, "-o", tmp_path / "b.gguf", "--architecture", "gemma3")
    assert code == 0, err


def test_max_memory_without_a_unit_is_refused(capsys):
    code, _, err = run(capsys, "validate", "-d", "pixel-8", "--max-memory", "2")
    assert_one_line_error(code, err, "--max-memory '2' has no unit", "GiB")
    assert code == 2


# -- batch files, infer ------------------------------------------------------------------------------------------------


def test_batch_files_skip_comments_and_blank_lines(tmp_path):
    path = tmp_path / "tasks.txt"
    path.write_text("# tasks for the demo\n\nReverse the words.\n   # indented comment\nSum the numbers.\n")
    assert [(t.line, t.text) for t in read_batch_file(path)] == [(3, "Reverse the words."), (5, "Sum the numbers.")]
    path.write_text("# only a comment\n\n")
    with pytest.raises(InvalidInputError, match="no tasks"):
        read_batch_file(path)


def test_interactive_infer_ends_on_quit_and_says_how(capsys, monkeypatch, tmp_path, gemma_spec, gemma_path):
    path = write_gguf_adapter(LoraAdapter.random(gemma_spec.select(["q_proj"]), 8), tmp_path / "a.gguf", "q8_0")
    monkeypatch.setattr("sys.stdin", io.StringIO("quit\nthis would be answered\n"))
    code, out, err = run(capsys, "infer", "-a", path, "-m", gemma_path, "--interactive", "--context", 128)
    assert code == 0, err
    assert "Ctrl-D" in out and "this would be answered" not in out and "answer" not in out.split("ends")[-1]


@pytest.mark.slow
def test_generate_writes_the_format_its_output_suffix_names(capsys, tmp_path):
    from tiny_hypernet import gemma_bundle

    code, _, err = run(capsys, "generate", "--bundle", gemma_bundle("cpu", "int8"), "--task", "Reverse the words.",
                       "--output", tmp_path / "x.safetensors")
    assert code == 0, err
    assert detect_format(tmp_path / "x.safetensors") is AdapterFormat.SAFETENSORS
    assert LoraAdapter.load(tmp_path / "x.safetensors").task == "Reverse the words."
