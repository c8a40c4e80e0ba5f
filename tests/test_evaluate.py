"""Evaluation: the conditions table, Wilson and bootstrap intervals, the mismatched derangement, `evaluate()` with
deterministic completers (the conditions logic) and with llama.cpp on the real Gemma 3 270M, the report files, and
`t2l-edge evaluate` end to end on benchmark fixtures with a step-0 (all-zero) hypernetwork."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from cli_helpers import assert_one_line_error, run
from test_benchmarks import write_fixtures, write_jsonl

from t2l_edge.adapter import LoraAdapter
from t2l_edge.errors import InvalidInputError
from t2l_edge.evaluate.benchmarks import read_tasks, score_example
from t2l_edge.tasks.format import task_dirname
from t2l_edge.evaluate.conditions import (
    CONDITIONS,
    AdapterSource,
    default_conditions,
    derangement,
    oracle_paths,
    parse_conditions,
)
from t2l_edge.evaluate.report import plot_results, results_table, write_results
from t2l_edge.evaluate.runner import BOOTSTRAP_RESAMPLES, evaluate, wilson_interval
from t2l_edge.prompts import get_prompt_format
from t2l_edge.targets import ModuleKind, ModuleShape, TargetSpec
from t2l_edge.task_card import TaskCard
from t2l_edge.tasks.format import Example, Task

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SPEC = TargetSpec("llama", 1, {ModuleKind.Q: ModuleShape(4, 4)})  # adapters for the pure-python runtime
FMT = get_prompt_format()


# -- conditions ---------------------------------------------------------------------------------------------------


def test_conditions_table():
    """The table as the issue defines it: description in the prompt, and which adapter."""
    got = {c.name: (c.description_in_prompt, c.shots_in_prompt, c.adapter.value) for c in CONDITIONS.values()}
    assert got == {
        "base": (False, False, "none"), "base+desc": (True, False, "none"), "t2l": (False, False, "own"),
        "t2l+desc": (True, False, "own"), "mismatched": (False, False, "other"), "oracle": (False, False, "oracle"),
        "icl": (True, True, "none"), "t2l+card": (False, False, "card"), "t2l+card+icl": (True, True, "card"),
        "multitask": (True, False, "multitask"),
    }
    assert [c.name for c in CONDITIONS.values() if c.needs_generator] == [
        "t2l", "t2l+desc", "mismatched", "t2l+card", "t2l+card+icl"]
    assert [c.name for c in CONDITIONS.values() if c.baseline] == ["icl", "t2l+card", "t2l+card+icl", "multitask"]
    assert [c.name for c in CONDITIONS.values() if c.needs_shots] == ["icl", "t2l+card", "t2l+card+icl"]


def test_parse_conditions():
    assert [c.name for c in parse_conditions("t2l, base,t2l")] == ["base", "t2l"]  # table order, each once
    assert [c.name for c in parse_conditions(["ORACLE", "base+desc"])] == ["base+desc", "oracle"]
    with pytest.raises(InvalidInputError, match=r"unknown condition 'foo' \(known: base, base\+desc, t2l"):
        parse_conditions("base,foo")
    with pytest.raises(InvalidInputError, match="no conditions"):
        parse_conditions(" , ")


def test_default_conditions_are_what_the_inputs_allow():
    names = lambda *a: [c.name for c in default_conditions(*a)]
    assert names(3, True, True) == list(CONDITIONS)[:6]  # the baselines run when named
    assert names(1, True, False) == ["base", "base+desc", "t2l", "t2l+desc"]
    assert names(3, False, True) == ["base", "base+desc", "oracle"]


# -- statistics ---------------------------------------------------------------------------------------------------

WILSON_BY_HAND = [  # (k, n, low, high): the roots p of (p̂ − p)² = z²·p(1 − p)/n, z = 1.959964, solved by hand
    (7, 10, 0.396778, 0.892209),
    (0, 10, 0.0, 0.277533),
    (10, 10, 0.722467, 1.0),
    (1, 2, 0.094531, 0.905469),
    (3, 3, 0.438503, 1.0),
    (50, 100, 0.403832, 0.596168),
]


@pytest.mark.parametrize("k,n,low,high", WILSON_BY_HAND)
def test_wilson_interval_on_known_counts(k, n, low, high):
    assert wilson_interval(k, n) == pytest.approx((low, high), abs=1e-6)


def test_wilson_interval_refuses_impossible_counts():
    with pytest.raises(InvalidInputError):
        wilson_interval(1, 0)
    with pytest.raises(InvalidInputError):
        wilson_interval(4, 3)


# -- mismatched ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 3, 5, 8])
def test_derangement_pairs_no_task_with_itself(n):
    names = [f"task{i}" for i in range(n)]
    pairings = set()
    for seed in range(20):
        d = derangement(names, seed=seed)
        assert sorted(d) == names and sorted(d.values()) == names  # a permutation
        assert all(d[t] != t for t in names)
        seen, t = [], names[0]  # one cycle through every task (Sattolo)
        while t not in seen:
            seen.append(t)
            t = d[t]
        assert len(seen) == n
        assert derangement(names, seed=seed) == d  # fixed by the seed
        pairings.add(tuple(sorted(d.items())))
    assert len(pairings) > 1 or n == 2


def test_derangement_avoids_tasks_that_share_a_description():
    names = ["a", "b", "c", "d"]
    descriptions = [["x"], ["x"], ["y"], ["z"]]  # a and b share theirs
    for seed in range(20):
        d = derangement(names, descriptions, seed)
        assert d["a"] != "b" and d["b"] != "a"
    with pytest.raises(InvalidInputError, match="different descriptions"):
        derangement(["a", "b"], [["x"], ["x", "y"]])
    with pytest.raises(InvalidInputError, match="at least two tasks"):
        derangement(["a"])


# -- evaluate() with a deterministic pure-python runtime ------------------------------------------------------------


def make_tasks() -> list[Task]:
    """Three tasks with two descriptions each; every input says which task it belongs to."""
    return [
        Task("upper", ["Answer in uppercase.", "Shout the word."], [Example(f"up{i}", f"UP{i}") for i in range(5)]),
        Task("double", ["Double the number.", "Times two."], [Example(f"dbl {i}", str(2 * i)) for i in range(5)]),
        Task("echo", ["Repeat the input.", "Say it again."], [Example(f"echo{i}", f"echo{i}") for i in range(5)]),
    ]


class TaskAwareModel:
    """A stand-in for the LLM: it answers right exactly when the description in the prompt (the prompt's first
    paragraph), or the description the active adapter was generated from (a card's first line), or the active oracle,
    belongs to the input's task. It records every call."""

    def __init__(self, tasks: list[Task]):
        self.owner = {d: t.name for t in tasks for d in t.descriptions} | {f"oracle:{t.name}": t.name for t in tasks}
        self.answer = {ex.input: (t.name, ex.output) for t in tasks for ex in t.examples}
        self.calls: list[tuple[str, bytes | None, int]] = []

    def __call__(self, prompt: str, adapter: bytes | None, max_tokens: int) -> str:
        self.calls.append((prompt, adapter, max_tokens))
        head, _, rest = prompt.rpartition("Input: ")
        text = rest.removesuffix("\nOutput:")
        described = head.split("\n\n")[0].strip()
        told = {self.owner[described]} if described else set()
        if adapter is not None:
            told.add(self.owner.get(adapter.decode().removeprefix("adapter:").split("\n")[0]))
        task, reference = self.answer[text]
        return f" {reference}\nand more" if task in told else " no idea"


def encode(adapter: LoraAdapter) -> bytes:
    return f"adapter:{adapter.task}".encode()


class Generated:
    """make_adapters: one (zero) adapter per text, its text as provenance; records the calls."""

    def __init__(self):
        self.calls: list[list[str]] = []

    def __call__(self, tasks: list) -> list[LoraAdapter]:
        texts = [t.text if isinstance(t, TaskCard) else t for t in tasks]  # a card renders as every generator does
        self.calls.append(texts)
        return [LoraAdapter.zeros(SPEC, 1, task=t) for t in texts]


def oracles(*names: str) -> dict[str, LoraAdapter]:
    return {n: LoraAdapter.zeros(SPEC, 1, task=f"oracle:{n}") for n in names}


def test_evaluate_conditions_logic():
    tasks, generated, progress = make_tasks(), Generated(), []
    model = TaskAwareModel(tasks)
    conditions = list(CONDITIONS.values())[:6]
    results = evaluate(tasks, conditions, generated, model, encode, limit=4, oracle=oracles("upper", "echo"),
                       meta={"who": "test"}, progress=lambda done, total: progress.append((done, total)))
    expected = {"base": 0.0, "base+desc": 1.0, "t2l": 1.0, "t2l+desc": 1.0, "mismatched": 0.0, "oracle": 1.0}
    for t in tasks:
        for c in conditions:
            cell = results.cell(t.name, c.name)
            if c.name == "oracle" and t.name == "double":
                assert cell.n == 0 and cell.accuracy is None and "no oracle" in cell.note
                continue
            assert cell.n == 4 and [p.index for p in cell.predictions] == [0, 1, 2, 3]
            assert cell.accuracy.value == expected[c.name], (t.name, c.name)
            assert (cell.accuracy.low, cell.accuracy.high) == wilson_interval(cell.correct, 4)
            assert cell.accuracy.method == "wilson"
            for p in cell.predictions:
                ex = t.examples[p.index]
                assert p.reference == ex.output and "\n" not in p.prediction  # cut at the prompt format's stop
                own = t.descriptions[p.index % 2]  # descriptions rotate over the examples
                assert p.description == (own if c.description_in_prompt else None)
                assert p.adapter_from == {AdapterSource.NONE: None, AdapterSource.OWN: own,
                                          AdapterSource.ORACLE: "oracle"}.get(c.adapter, p.adapter_from)
    # mismatched: the adapter of another task's description, that task fixed by the seeded derangement
    pairs = {info.name: info.mismatched_with for info in results.tasks}
    assert pairs == derangement([t.name for t in tasks], [t.descriptions for t in tasks], 0)
    by_name = {t.name: t for t in tasks}
    for t in tasks:
        assert pairs[t.name] != t.name
        for p in results.cell(t.name, "mismatched").predictions:
            assert p.adapter_from == by_name[pairs[t.name]].descriptions[p.index % 2]
    # means (macro, bootstrap) and differences (paired): exact when every task scores alike
    assert {c: (m.estimate.value, m.estimate.low, m.estimate.high, m.tasks) for c, m in results.means.items()} == {
        c: (v, v, v, 2 if c == "oracle" else 3) for c, v in expected.items()}
    diffs = {(d.a, d.b): (d.estimate.value, d.estimate.low, d.estimate.high, d.tasks) for d in results.differences}
    assert diffs[("t2l", "base")] == (1.0, 1.0, 1.0, 3) and diffs[("t2l", "mismatched")] == (1.0, 1.0, 1.0, 3)
    assert diffs[("oracle", "t2l")] == (0.0, 0.0, 0.0, 2)
    # the runtime was driven economically: one batched generation per task (its own descriptions, then those of the
    # task it is mismatched with), each adapter encoded once and its prompts together
    assert generated.calls == [list(t.descriptions) + list(by_name[pairs[t.name]].descriptions) for t in tasks]
    adapters = [a for _, a, _ in model.calls]
    for t in tasks:  # within a task, one bytes object per adapter
        mine = [a for (prompt, a, _) in model.calls if f"Input: {t.examples[0].input[:2]}" in prompt]
        assert all(a is b for a in mine for b in mine if a == b)
    switches = sum(1 for a, b in zip(adapters, adapters[1:]) if a is not b)
    assert switches <= 3 * (2 + 2 + 2 + 1) + 2  # per task: t2l, t2l+desc, mismatched (2 each), oracle (1); + None
    assert {m for _, _, m in model.calls} == {len("echo4") + 8, len("UP4") + 8, len("8") + 8}
    total = 3 * 5 * 4 + 2 * 4
    assert len(model.calls) == total and progress[-1] == (total, total) and len(progress) == total
    # everything lands in the results' dict
    data = results.to_dict()
    assert [(s["task"], s["condition"]) for s in data["scores"]] == [(t.name, c.name) for t in tasks for c in conditions]
    assert len(data["predictions"]) == total and data["meta"]["who"] == "test" and data["meta"]["limit"] == 4
    json.dumps(data)  # plain JSON types only


def test_paired_bootstrap_gives_zero_difference_for_identical_conditions():
    """A completer that ignores adapters answers alike under base and t2l: each resample redraws the same examples
    for both, so the difference's interval is exactly 0 while each mean's interval is wide."""
    tasks = make_tasks()
    pattern = {ex.input: i % 3 != 0 for t in tasks for i, ex in enumerate(t.examples)}
    answers = {ex.input: ex.output for t in tasks for ex in t.examples}

    def complete(prompt, adapter, max_tokens):
        text = prompt.rpartition("Input: ")[2].removesuffix("\nOutput:")
        return answers[text] if pattern[text] else "wrong"

    conditions = parse_conditions("base,t2l")
    results = evaluate(tasks, conditions, Generated(), complete, encode, seed=3)
    assert [d.estimate.value for d in results.differences] == [0.0]
    assert (results.differences[0].estimate.low, results.differences[0].estimate.high) == (0.0, 0.0)
    mean = results.means["base"].estimate
    assert mean.value == pytest.approx(3 / 5) and 0.2 < mean.low < mean.value < mean.high < 1.0
    again = evaluate(tasks, conditions, Generated(), complete, encode, seed=3)
    assert again.means["base"].estimate == mean  # the bootstrap is seeded
    assert results.meta["ci_means"].endswith(f"{BOOTSTRAP_RESAMPLES} resamples, seed 3")


def test_evaluate_refuses_what_it_cannot_run():
    tasks, model = make_tasks(), TaskAwareModel(make_tasks())
    base = parse_conditions("base")
    with pytest.raises(InvalidInputError, match="limit must be a positive integer"):
        evaluate(tasks, base, None, model, None, limit=0)
    with pytest.raises(InvalidInputError, match="needs adapters"):
        evaluate(tasks, parse_conditions("t2l"), None, model, encode)
    with pytest.raises(InvalidInputError, match="needs oracle LoRAs"):
        evaluate(tasks, parse_conditions("oracle"), None, model, encode)
    with pytest.raises(InvalidInputError, match="unknown task 'nope'"):
        evaluate(tasks, parse_conditions("oracle"), None, model, encode, oracle=oracles("nope"))
    with pytest.raises(InvalidInputError, match="at least two tasks"):
        evaluate(tasks[:1], parse_conditions("mismatched"), Generated(), model, encode)
    with pytest.raises(InvalidInputError, match="encode must return bytes"):
        evaluate(tasks, parse_conditions("t2l"), Generated(), model, lambda a: a.task)
    with pytest.raises(InvalidInputError, match="returned 0 adapters for 2 texts"):
        evaluate(tasks, parse_conditions("t2l"), lambda texts: [], model, encode)
    with pytest.raises(InvalidInputError, match="no tasks"):
        evaluate([], base, None, model, None)
    results = evaluate(tasks, base, None, model, None, limit=2)  # base alone needs no adapters at all
    assert results.cell("upper", "base").n == 2


def test_reports(tmp_path):
    tasks = make_tasks()
    results = evaluate(tasks, list(CONDITIONS.values()), Generated(), TaskAwareModel(tasks), encode, limit=3,
                       oracle=oracles("echo"), multitask=LoraAdapter.zeros(SPEC, 1, task="multitask"))
    path = write_results(results, tmp_path / "out" / "results.json")
    data = json.loads(path.read_text())
    assert {(s["task"], s["condition"]) for s in data["scores"]} == {(t.name, c) for t in tasks for c in CONDITIONS}
    assert [m["condition"] for m in data["means"]] == list(CONDITIONS)
    png = plot_results(results, tmp_path / "out" / "chart.png")
    assert png.read_bytes().startswith(PNG_MAGIC) and png.stat().st_size > 5000
    assert sorted(os.listdir(tmp_path / "out")) == ["chart.png", "results.json"]  # no temporary files left
    from rich.console import Console

    console = Console(record=True, width=160, markup=False)  # as the CLI's console
    console.print(results_table(results))
    text = console.export_text()
    assert all(t.name in text for t in tasks) and "mean" in text and "44–100" in text and "1 of 3 tasks" in text
    assert "[" not in text  # styles, never markup printed as text


BLOCK_TORCH = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"torch", "transformers", "tensorrt", "peft"}:
            raise ImportError(f"evaluation must not import {name}")
sys.meta_path.insert(0, Block())
"""


# -- evaluate() on llama.cpp with the real Gemma 3 270M --------------------------------------------------------------


@pytest.mark.slow
def test_evaluate_on_llama_cpp_with_generated_adapters(tmp_path, gemma_path, gemma_spec):
    """The real device path, small: adapters from a (random) hypernetwork checkpoint through the PyTorch generator,
    q4_0 GGUF, hot-swapped into llama.cpp on Gemma 3 270M, greedy; three prompts per task."""
    from t2l_edge.export.gguf import to_gguf_bytes
    from t2l_edge.runtimes.llama_cpp import LlamaCppRunner
    from tiny_hypernet import random_checkpoint

    from t2l_edge.runtimes.llama_cpp import LlamaCompleter
    from t2l_edge.train.generate import Generator

    # q, v and down at std 0.02 (the strength tests/conftest.py calls strong): enough to change greedy answers
    generator = Generator(random_checkpoint(tmp_path / "ckpt", gemma_spec.select(["q_proj", "v_proj", "down_proj"])))
    files = write_fixtures(tmp_path / "bench")
    tasks = make_tasks()[:2] + read_tasks([files["boolq_dev.jsonl"]])
    conditions = parse_conditions("base,base+desc,t2l,mismatched")
    seen: list[bytes | None] = []
    with LlamaCppRunner(gemma_path, n_ctx=512, n_threads=2) as runner:
        llama = LlamaCompleter(runner, FMT.stop)

        def complete(prompt, adapter, max_tokens):
            seen.append(adapter)
            return llama(prompt, adapter, max_tokens)

        results = evaluate(tasks, conditions, generator.generate, complete, lambda a: to_gguf_bytes(a, "q4_0"), limit=3)
    assert all(a is None or a.startswith(b"GGUF") for a in seen) and any(a is not None for a in seen)
    for t in tasks:
        for c in conditions:
            cell = results.cell(t.name, c.name)
            assert cell.n == min(3, len(t.examples))
            for p in cell.predictions:
                assert p.score == score_example(t, t.examples[p.index], p.prediction) and "\n" not in p.prediction
    # generated adapters change what the model says
    changed = [p.prediction != q.prediction for t in tasks
               for p, q in zip(results.cell(t.name, "t2l").predictions, results.cell(t.name, "base").predictions)]
    assert any(changed)


# -- the CLI --------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def step0_checkpoint(tmp_path_factory) -> Path:
    """A Gemma-shaped hypernetwork at step 0: its output heads start at zero, so every adapter it makes is zero."""
    from t2l_edge.model.checkpoint import save_checkpoint
    from t2l_edge.model.config import HypernetConfig
    from t2l_edge.model.hypernet import HyperNetwork
    from t2l_edge.models import default_base_model

    target = TargetSpec.from_gguf(default_base_model()).select(["q_proj", "v_proj"])
    return save_checkpoint(HyperNetwork(HypernetConfig(target=target)), tmp_path_factory.mktemp("step0") / "ckpt")


def test_cli_help_lists_the_options(capsys):
    code, out, _ = run(capsys, "evaluate", "--help")
    assert code == 0
    for option in ("--tasks", "--bundle", "--checkpoint", "--base-model", "--quantization", "--conditions",
                   "--oracle-dir", "--limit", "--output", "--plot", "--multitask-lora", "--shots"):
        assert option in out, option


@pytest.mark.slow
def test_cli_evaluates_benchmark_files_end_to_end(capsys, tmp_path, step0_checkpoint, gemma_spec):
    """All four benchmarks, every condition, an oracle for one task. Step-0 adapters are zero, so on llama.cpp every
    adapter condition answers exactly as the base does (t2l = base, t2l+desc = base+desc, mismatched = base)."""
    from t2l_edge.export.peft import write_peft

    files = write_fixtures(tmp_path / "bench")
    chosen = [files[n] for n in ("gsm8k_test.jsonl", "ARC-Challenge-Dev.jsonl", "boolq_dev.jsonl", "piqa_valid.jsonl")]
    oracle_dir = tmp_path / "oracles"
    peft = write_peft(LoraAdapter.random(gemma_spec.select(["q_proj", "v_proj"]), 4, seed=1, std=0.01),
                      oracle_dir / task_dirname("boolq_dev"))
    (peft / "task.json").write_text(json.dumps({"name": "boolq_dev", "descriptions": ["Answer yes or no."]}))
    out, png = tmp_path / "res" / "results.json", tmp_path / "res" / "results.png"
    code, stdout, err = run(capsys, "evaluate", "--tasks", *chosen, "--checkpoint", step0_checkpoint,
                            "--oracle-dir", oracle_dir, "--limit", "1", "--output", out, "--plot", png)
    assert code == 0, err
    assert png.read_bytes().startswith(PNG_MAGIC)
    data = json.loads(out.read_text())
    names = ["gsm8k_test", "ARC-Challenge-Dev", "boolq_dev", "piqa_valid"]
    defaults = [name for name, c in CONDITIONS.items() if not c.baseline]  # icl, t2l+card, multitask: when named
    assert [t["name"] for t in data["tasks"]] == names and [c["name"] for c in data["conditions"]] == defaults
    assert [(s["task"], s["condition"]) for s in data["scores"]] == [(t, c) for t in names for c in defaults]
    for s in data["scores"]:
        assert s["n"] == (0 if s["condition"] == "oracle" and s["task"] != "boolq_dev" else 1)
    assert data["meta"]["quantization"] == "q4_0" and data["meta"]["generator"]["kind"] == "checkpoint"
    assert data["meta"]["oracles"] == {"boolq_dev": str(peft)}
    said = {(p["task"], p["condition"]): p["prediction"] for p in data["predictions"]}
    for t in names:
        assert said[(t, "t2l")] == said[(t, "base")] == said[(t, "mismatched")]
        assert said[(t, "t2l+desc")] == said[(t, "base+desc")]
    tasks = {t.name: t for t in read_tasks(chosen)}
    for p in data["predictions"]:  # every score is the benchmark's own scoring of what the model said
        t = tasks[p["task"]]
        assert p["score"] == score_example(t, t.examples[p["index"]], p["prediction"])
    assert "accuracy % (95% CI below)" in stdout and "differences" in stdout and str(out) in stdout.replace("\n", "")


@pytest.fixture(scope="module")
def step0_bundle(step0_checkpoint, tmp_path_factory) -> Path:
    """The step-0 checkpoint as an ONNX bundle, built by `t2l-edge build-engine` (CPU, fp32)."""
    from t2l_edge.cli import main

    out = tmp_path_factory.mktemp("step0-bundle") / "bundle"
    with pytest.raises(SystemExit) as exit_info:
        main(["build-engine", "--checkpoint", str(step0_checkpoint), "--output", str(out)])
    assert exit_info.value.code == 0
    return out


@pytest.mark.slow
def test_cli_evaluates_with_a_bundle_without_torch(tmp_path, step0_bundle):
    """The default device path: adapters from the bundle in ONNX Runtime, q4_0 GGUF, llama.cpp — in a process where
    torch, transformers, tensorrt and peft cannot be imported. Zero adapters again answer exactly as the base."""
    import subprocess
    import sys

    files = write_fixtures(tmp_path / "bench")
    out, png = tmp_path / "r.json", tmp_path / "r.png"
    args = ["evaluate", "--tasks", files["boolq_dev.jsonl"], files["piqa_valid.jsonl"], "--bundle", step0_bundle,
            "--limit", "1", "--output", out, "--plot", png]
    script = BLOCK_TORCH + f"""
from t2l_edge.cli import main
try:
    main({[str(a) for a in args]!r})
except SystemExit as e:
    assert e.code == 0, e.code
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {{"torch", "transformers", "tensorrt", "peft"}})
assert not heavy, heavy
print("NO TORCH OK")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0 and "NO TORCH OK" in done.stdout, done.stderr[-2000:]
    data = json.loads(out.read_text())
    assert data["meta"]["generator"] == {"kind": "bundle", "path": str(step0_bundle)}
    assert [(s["task"], s["condition"], s["n"]) for s in data["scores"]] == [
        (t, c, 1) for t in ("boolq_dev", "piqa_valid") for c in ("base", "base+desc", "t2l", "t2l+desc", "mismatched")]
    said = {(p["task"], p["condition"]): p["prediction"] for p in data["predictions"]}
    for t in ("boolq_dev", "piqa_valid"):
        assert said[(t, "t2l")] == said[(t, "base")] == said[(t, "mismatched")]
        assert said[(t, "t2l+desc")] == said[(t, "base+desc")]
    assert png.read_bytes().startswith(PNG_MAGIC)


def _bad_schema(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "chat.jsonl", [{"prompt": "hi", "completion": "there"}])


BAD = [  # (arguments, with the fixtures in tmp_path/bench; words the one-line error holds)
    (["--tasks", "{tmp}/nope.jsonl"], ["file not found", "nope.jsonl"]),
    (["--tasks", "{gsm8k}", "--conditions", "base,foo"], ["unknown condition 'foo'"]),
    (["--tasks", "{gsm8k}", "--bundle", "{tmp}", "--checkpoint", "{tmp}"], ["--bundle or --checkpoint, not both"]),
    (["--tasks", "{bad}"], ["chat.jsonl:1", "not a known task or benchmark schema"]),
    (["--tasks", "arc:{gsm8k}"], ["gsm8k_test.jsonl:1", "ARC", "'choices'"]),
    (["--tasks", "{gsm8k}", "--conditions", "oracle"], ["needs --oracle-dir"]),
    (["--tasks", "{gsm8k}", "--conditions", "mismatched", "--checkpoint", "{tmp}"], ["at least two tasks"]),
    (["--tasks", "{gsm8k}", "--oracle-dir", "{tmp}/bench"], ["no oracle LoRA for any of the tasks"]),
    (["--tasks", "{gsm8k}", "-q", "q3_x"], ["q3_x"]),
    (["--tasks", "{gsm8k}", "--encoder", "{tmp}"], ["--encoder applies to --checkpoint only"]),
    ([], ["give the tasks to evaluate with --tasks"]),
]


@pytest.mark.parametrize("args,words", BAD)
def test_cli_bad_input_is_one_line_and_exit_2(capsys, tmp_path, args, words):
    files = write_fixtures(tmp_path / "bench")
    values = {"tmp": tmp_path, "gsm8k": files["gsm8k_test.jsonl"], "bad": _bad_schema(tmp_path)}
    args = [a.format(**values) for a in args]
    code, _, err = run(capsys, "evaluate", *args, "--output", tmp_path / "r.json")
    assert code == 2
    assert_one_line_error(code, err, *words)
    assert not (tmp_path / "r.json").exists()


def test_oracle_paths_follow_train_lora_layout(tmp_path):
    """`train-lora` writes <dir>/<task folder>/ with task.json naming the task; files and folder names work too."""
    from t2l_edge.export.peft import write_peft

    adapter = LoraAdapter.zeros(SPEC, 1)
    named = write_peft(adapter, tmp_path / task_dirname("odd name/1"))
    (named / "task.json").write_text(json.dumps({"name": "odd name/1", "descriptions": ["x"]}))
    plain = write_peft(adapter, tmp_path / "echo")
    (tmp_path / "upper.gguf").write_bytes(b"GGUF")
    (tmp_path / "notes.txt").write_text("not an adapter")
    assert oracle_paths(tmp_path, ["odd name/1", "echo", "upper", "double"]) == {
        "odd name/1": named, "echo": plain, "upper": tmp_path / "upper.gguf"}
