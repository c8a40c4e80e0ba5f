"""What a new user meets (issue 22): output that pipes, notices on stderr, and errors that name the real problem.

Everything runs the installed `t2l-edge` as a subprocess whose stdout is a pipe, as `| grep` or `> file` would.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from t2l_edge.adapter import LoraAdapter
from t2l_edge.device_profiles import shipped_profile_names
from t2l_edge.export.peft import write_peft
from t2l_edge.targets import TargetSpec

T2L = str(Path(sys.executable).parent / "t2l-edge")
ANSI = "\x1b["


def t2l(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([T2L, *map(str, args)], capture_output=True, text=True, timeout=600, cwd=cwd)


def test_a_piped_table_is_one_tab_separated_record_per_line():
    done = t2l("profiles", "list")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == len(shipped_profile_names())  # no header, no title, no wrapped fragments
    assert {line.count("\t") for line in lines} == {5}
    assert sorted(line.split("\t")[0] for line in lines) == sorted(shipped_profile_names())
    assert ANSI not in done.stdout and done.stderr == ""  # no colour codes, no spinner in a log


def test_a_piped_long_row_is_never_folded(tmp_path):
    name = "a_task_whose_name_is_much_longer_than_eighty_columns_of_a_terminal_" * 2
    path = tmp_path / "t.jsonl"
    path.write_text('{"name": "%s", "descriptions": ["Reverse the words."], "examples": '
                    '[{"input": "a b", "output": "b a"}], "metric": "exact"}\n' % name)
    done = t2l("tasks", "check", path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"{name}\t1\t1\texact"]


@pytest.fixture(scope="module")
def gemma_files(tmp_path_factory):
    from t2l_edge.gguf_reader import read_gguf
    from t2l_edge.export.gguf import write_gguf_adapter
    from t2l_edge.models import default_base_model

    base = default_base_model()
    target = TargetSpec.from_gguf(read_gguf(base)).select(["q_proj", "v_proj"])
    folder = tmp_path_factory.mktemp("front")
    adapter = folder / "adapter.gguf"
    write_gguf_adapter(LoraAdapter.random(target, 4, seed=0, std=0.001), adapter, "f16")
    return base, adapter, folder


def test_an_adapter_given_as_the_base_model_and_the_reverse_are_named(gemma_files):
    base, adapter, _ = gemma_files
    done = t2l("infer", "--base-model", adapter, "--adapter", adapter, "--prompt", "hi")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip() == (f"error: invalid input: {adapter} is a LoRA adapter, not a base model: pass it with "
                                   "--adapter (-a); the base model goes to --base-model (-m), default Gemma 3 270M")
    done = t2l("infer", "--adapter", base, "--prompt", "hi")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert f"{base} is a base model ('gemma3'," in done.stderr and "pass it with --base-model (-m)" in done.stderr


def _foreign_peft(folder: Path, base_model: str, spec: TargetSpec) -> Path:
    """A PEFT folder as PEFT itself writes it: adapter_config.json names the base, no t2l metadata."""
    import json

    from safetensors.numpy import load_file, save_file

    out = folder / base_model.replace("/", "_")
    write_peft(LoraAdapter.random(spec, 4, seed=1, std=0.001), out)
    weights = out / "adapter_model.safetensors"
    save_file(load_file(str(weights)), str(weights))  # the same tensors, our metadata dropped
    config = json.loads((out / "adapter_config.json").read_text())
    config["base_model_name_or_path"] = base_model
    (out / "adapter_config.json").write_text(json.dumps(config))
    return out


def test_a_foreign_peft_folder_says_its_architecture_and_the_clash_is_named(gemma_files, tmp_path):
    from t2l_edge.gguf_reader import read_gguf
    from t2l_edge.targets import ModuleKind, ModuleShape

    base, _, _ = gemma_files
    gemma = TargetSpec.from_gguf(read_gguf(base))
    theirs = _foreign_peft(tmp_path, "google/gemma-3-270m", gemma.select(["q_proj", "v_proj"]))
    done = t2l("export", "--adapter", theirs, "--output", tmp_path / "theirs.gguf")
    assert done.returncode == 0, done.stderr  # the architecture came from adapter_config.json
    qwen = TargetSpec("qwen2", 24, {ModuleKind(k): ModuleShape(896, o) for k, o in (("q_proj", 896), ("v_proj", 128))})
    other = _foreign_peft(tmp_path, "Qwen/Qwen2-0.5B", qwen)
    done = t2l("infer", "--adapter", other, "--prompt", "hi")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert ("trained on 'Qwen/Qwen2-0.5B' (qwen2, 24 layers), the base model is gemma3 (18 layers)"
            in done.stderr), done.stderr


@pytest.mark.parametrize("text, refused", [("用大写字母写出文本。", True), ("Écris le texte en lettres majuscules.", False)])
def test_a_description_the_encoder_cannot_read_is_refused_with_its_share_of_unknown_tokens(text, refused, tmp_path):
    done = t2l("generate", "--task", text, "--output", tmp_path / "a.gguf")
    if refused:
        assert done.returncode == 2 and not (tmp_path / "a.gguf").exists()
        assert "the text encoder reads 5 of its 10 tokens as unknown (50%)" in done.stderr, done.stderr
    else:
        assert done.returncode == 0 and (tmp_path / "a.gguf").stat().st_size > 100_000, done.stderr


def test_slow_work_gives_a_notice_on_stderr_not_stdout(tmp_path):
    import os

    env = {**os.environ, "T2L_EDGE_CACHE": str(tmp_path / "cache")}
    done = subprocess.run([T2L, "inspect", "--json", "/dev/null"], capture_output=True, text=True, env=env)
    assert done.returncode == 2  # a bad path: no model was needed, no notice
    assert "note:" not in done.stderr
    done = subprocess.run([sys.executable, "-c", "from t2l_edge.cli.app import main; main(['validate', '-d', "
                           "'pixel-8', '--json'])"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    assert done.stderr.startswith("note: assembling the base model gemma-3-270m-q4_k_m.gguf (253 MB) once into")
    assert "note:" not in done.stdout and done.stdout.lstrip().startswith("{")
