"""Usage errors through the real entry point: one `error:` line with click's hint, exit 2, never "internal error";
the installed `t2l-edge` command behaves the same. Options mean one thing everywhere and `--help` lists choices."""

from __future__ import annotations

import re
import subprocess

import pytest

from cli_helpers import assert_one_line_error, installed_command, run
from t2l_edge.cli.app import app as typer_app

USAGE = [
    # unknown option: click's hint names the option meant
    (["infer", "--adapter", "a.gguf", "--target-model", "m.gguf"], ["No such option: --target-model"]),
    (["export", "-a", "x", "-f", "gguf", "-o", "y", "--quantizaton", "q4_0"],
     ["No such option: --quantizaton", "--quantization"]),
    # missing required option
    (["validate"], ["Missing option", "--device-profile"]),
    (["export", "-a", "x", "-f", "gguf"], ["Missing option", "--output"]),
    # unknown command: a hint with the close ones
    (["valdate"], ["No such command 'valdate'", "Did you mean 'validate'"]),
    (["tasks", "lst"], ["No such command 'lst'", "list"]),
    # out of range
    (["infer", "--adapter", "a.gguf", "--prompt", "x", "--max-tokens", "0"], ["--max-tokens", "greater than or equal to 1"]),
    # a choice: the one wording, the allowed values named
    (["build-engine", "--output", "b", "--target", "tpu"], ["--target must be one of cpu, cuda, tensorrt, mobile, got 'tpu'"]),
    (["generate", "--task", "x", "-o", "a.gguf", "-q", "q3"], ["--quantization must be one of", "q4_0", "got 'q3'"]),
]


@pytest.mark.parametrize("args, words", USAGE, ids=[" ".join(a) for a, _ in USAGE])
def test_usage_error_is_one_line_exit_2(capsys, args, words):
    code, out, err = run(capsys, *args)
    assert code == 2, err
    assert_one_line_error(code, err, *words)
    assert "internal error" not in err and out == ""


def test_unknown_option_carries_clicks_hint(capsys):
    code, _, err = run(capsys, "generate", "--task", "x", "-o", "a.gguf", "--quantisation", "q4_0")
    assert code == 2 and re.search(r"(Did you mean|Possible options:) --quantization", err), err


def test_installed_command_gives_the_same_usage_error(tmp_path):
    done = subprocess.run([installed_command(), "infer", "--adapter", "a.gguf", "--target-model", "m.gguf"],
                          capture_output=True, text=True, timeout=120)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    assert lines[0].startswith("error: No such option: --target-model"), lines[0]


# -- one spelling per idea -------------------------------------------------------------------------------------------


def test_other_spellings_are_accepted_as_aliases(capsys, tmp_path, gemma_spec):
    from t2l_edge.adapter import LoraAdapter
    from t2l_edge.export.gguf import read_gguf_adapter

    src = LoraAdapter.random(gemma_spec.select(["q_proj"]), 8).save(tmp_path / "a.safetensors")
    code, _, err = run(capsys, "export", "-a", src, "-f", "GGUF", "-q", "FP16", "-o", tmp_path / "a.gguf")
    assert code == 0, err
    types = {t.qtype.name for t in read_gguf_adapter.__globals__["read_gguf"](tmp_path / "a.gguf").tensors.values()}
    assert types == {"F16"}


def test_help_lists_choices_and_shows_no_type_noise(capsys):
    for command, expected in (
        ("generate", ["<gguf|peft|safetensors>", "q4_0|q4_k_m"]),
        ("build-engine", ["<cpu|cuda|tensorrt|mobile>", "<f32|f16|bf16|int8|int4>"]),
        ("validate", ["<concurrent|sequential>", "q8_0"]),
        ("evaluate", ["--tasks"]),
    ):
        code, out, _ = run(capsys, command, "--help")
        assert code == 0
        for word in expected:
            assert word in out, (command, word)
        assert "<bool>" not in out and "list[" not in out, (command, out)


def test_short_flags_mean_one_thing_everywhere():
    """Each short flag is bound to one long option across every command."""
    import typer.main

    click_app = typer.main.get_command(typer_app)
    seen: dict[str, set[str]] = {}

    def walk(command):
        for param in getattr(command, "params", []):
            shorts = [o for o in param.opts if not o.startswith("--")]
            longs = [o for o in param.opts if o.startswith("--")]
            for s in shorts:
                seen.setdefault(s, set()).add(longs[0] if longs else param.name)
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(click_app)
    same_idea = {"-n": {"--instances", "--limit"}}  # both: examples per task
    clashes = {s: longs for s, longs in seen.items() if len(longs) > 1 and longs != same_idea.get(s)}
    assert clashes == {}
    assert seen["-q"] == {"--quantization"} and seen["-p"] == {"--prompt"} and seen["-t"] == {"--tasks"}


def test_one_default_recipe_for_every_command_that_writes_gguf(capsys):
    for command in ("generate", "export", "apply", "evaluate"):
        code, out, _ = run(capsys, command, "--help")
        assert code == 0 and "(default q4_0)" in " ".join(out.split()), command
