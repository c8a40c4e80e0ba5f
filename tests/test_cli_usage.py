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


FROM_CONFIG = "from --config"  # a None default where the command reads a config file: the file's value, else the one default


def command_options() -> dict[str, list[tuple[str, tuple[str, ...], str, object]]]:
    """Every option of every command and subcommand: long name -> [(command, short flags, value type, default)]."""
    import typer.main

    found: dict[str, list] = {}

    def walk(command, path):
        for param in getattr(command, "params", []):
            if param.param_type_name != "option":
                continue
            longs = [o for o in param.opts + param.secondary_opts if o.startswith("--")]
            shorts = tuple(sorted(o for o in param.opts if not o.startswith("--")))
            kind = str(param.bare_type())  # a repeatable option is the same idea; a path is text the user types
            kind = kind.removeprefix("list[").removesuffix("]").replace("Path", "str")
            default = getattr(param.default, "value", param.default)  # an enum default by its value
            if default is None and any("--config" in q.opts for q in command.params):
                default = FROM_CONFIG
            found.setdefault(longs[0], []).append((" ".join(path), shorts, kind, default))
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(typer_app), [])
    return found


def option_clashes(found) -> list[str]:
    """An option that means two things: one long name with two value types or two defaults, one short flag for two
    long names, or one long name with different short flags in different commands."""
    clashes = []
    by_short: dict[str, set[str]] = {}
    for name, uses in found.items():
        for what, index in (("types", 2), ("defaults", 3), ("short flags", 1)):
            seen = {}
            for use in uses:
                if what == "defaults" and use[3] == FROM_CONFIG:
                    continue  # resolved after the config file is read, to the one default
                seen.setdefault(repr(use[index]), []).append(use[0])
            if len(seen) > 1:
                clashes.append(f"{name} has {len(seen)} {what}: " + "; ".join(f"{v} in {', '.join(c)}" for v, c in seen.items()))
        for use in uses:
            for short in use[1]:
                by_short.setdefault(short, set()).add(name)
    clashes += [f"{short} stands for {', '.join(sorted(names))}" for short, names in by_short.items() if len(names) > 1]
    return sorted(clashes)


# Options whose default is per command by design: where the result goes, and what a command reads (each required or
# absent in its own way); serve's port. Every other option has one default everywhere.
PER_COMMAND_DEFAULT = {"--output", "--tasks", "--config", "--checkpoint", "--adapter", "--bundle", "--device-profile"}


def test_each_option_means_one_thing_with_one_default_in_every_command():
    """The issue-22 clashes (`--format` adapter vs prompt format, `--max-tokens` 48 vs 64, `--context` 2048 vs 1024,
    `-n` two ideas) and any new one fail here."""
    found = {name: uses if name not in PER_COMMAND_DEFAULT else [(c, s, k, None) for c, s, k, _ in uses]
             for name, uses in command_options().items()}
    assert option_clashes(found) == []
    assert {u[1] for u in found["--quantization"]} == {("-q",)} and {u[1] for u in found["--prompt"]} == {("-p",)}
    assert {u[3] for u in found["--context"]} - {FROM_CONFIG} == {2048} and {u[3] for u in found["--max-tokens"]} == {64}
    assert len({c for c, *_ in found["--context"]}) >= 5  # the enumeration reaches every command that runs llama.cpp


def test_the_clash_check_catches_each_kind_of_clash():
    found = {"--format": [("export", ("-f",), "AdapterFormat", None), ("infer", (), "str", None)],
             "--max-tokens": [("apply", (), "int", 48), ("infer", (), "int", 64)],
             "--limit": [("evaluate", ("-n",), "int", None)], "--instances": [("tasks export", ("-n",), "int", 32)]}
    clashes = option_clashes(found)
    assert any(c.startswith("--format has 2 types") for c in clashes)
    assert any(c.startswith("--format has 2 short flags") for c in clashes)
    assert any(c.startswith("--max-tokens has 2 defaults: 48 in apply; 64 in infer") for c in clashes)
    assert "-n stands for --instances, --limit" in clashes


def test_help_lists_the_main_job_first_with_whole_summaries(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    listed = [line.split()[0] for line in out.split("Commands:")[1].splitlines() if line.startswith("  ") and line.split()]
    assert listed[:3] == ["apply", "generate", "infer"], listed
    summaries = [run(capsys, *group, "--help")[1].split("Commands:")[1] for group in ([], ["tasks"], ["profiles"])]
    assert all("..." not in text and "…" not in text for text in summaries), summaries


def test_one_default_recipe_for_every_command_that_writes_gguf(capsys):
    for command in ("generate", "export", "apply", "evaluate"):
        code, out, _ = run(capsys, command, "--help")
        assert code == 0 and "(default q4_0)" in " ".join(out.split()), command
