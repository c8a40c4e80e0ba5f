"""Baselines and task cards in training: few-shot prompts (icl), adapters from cards (t2l+card), the multitask LoRA
(trained on the tiny base, evaluated with one adapter for every task), the SFT sampler's task cards, and the
baselines on the real Gemma 3 270M through llama.cpp."""

from __future__ import annotations

import json

import pytest
from cli_helpers import assert_one_line_error, run

from t2l_edge.adapter import LoraAdapter
from t2l_edge.errors import InvalidInputError
from t2l_edge.evaluate.conditions import parse_conditions
from t2l_edge.evaluate.runner import evaluate, shots_for
from t2l_edge.prompts import get_prompt_format
from t2l_edge.targets import ModuleKind, ModuleShape, TargetSpec
from t2l_edge.task_card import render_card
from t2l_edge.tasks.format import Example, Task

FMT = get_prompt_format()
SPEC = TargetSpec("llama", 1, {ModuleKind.Q: ModuleShape(4, 4)})


def test_few_shot_prompt_format():
    shots = [("red fox", "fox red"), ("a b", "b a")]
    assert FMT.prompt("x y", "Reverse the words.", shots) == (
        "Reverse the words.\n\nInput: red fox\nOutput: fox red\n\nInput: a b\nOutput: b a\n\nInput: x y\nOutput:"
    )
    assert FMT.prompt("x y", None, shots[:1]) == "Input: red fox\nOutput: fox red\n\nInput: x y\nOutput:"
    assert FMT.prompt("x y", "D") == "D\n\nInput: x y\nOutput:" and FMT.prompt("x y") == "Input: x y\nOutput:"


def _tasks() -> list[Task]:
    dup = [Example("w0", "W0")] * 2  # two examples with one input: neither may be the other's shot
    return [
        Task("upper", ["Uppercase it.", "Shout it."], dup + [Example(f"w{i}", f"W{i}") for i in range(1, 12)]),
        Task("few", ["Copy it."], [Example(f"c{i}", f"c{i}") for i in range(3)]),
    ]


class Recorder:
    """A completer that records every (prompt, adapter) and answers the reference when the input is known."""

    def __init__(self, tasks):
        self.answer = {ex.input: ex.output for t in tasks for ex in t.examples}
        self.calls: list[tuple[str, bytes | None]] = []

    def __call__(self, prompt, adapter, max_tokens):
        self.calls.append((prompt, adapter))
        return " " + self.answer[prompt.rpartition("Input: ")[2].removesuffix("\nOutput:")]


def test_icl_and_card_conditions_show_k_other_examples_and_the_same_ones():
    tasks, cards = _tasks(), []

    def make_adapters(texts):
        cards.extend(getattr(t, "text", t) for t in texts)
        return [LoraAdapter.zeros(SPEC, 1, task=getattr(t, "text", t)) for t in texts]  # a TaskCard for t2l+card

    model = Recorder(tasks)
    results = evaluate(tasks, parse_conditions("icl,t2l+card"), make_adapters, model,
                       lambda a: f"adapter:{a.task}".encode(), limit=4, shots=3, seed=5)
    assert results.meta["shots"] == 3
    for task in tasks:
        n_eval = min(4, len(task.examples))
        icl, card = results.cell(task.name, "icl"), results.cell(task.name, "t2l+card")
        for p, q in zip(icl.predictions, card.predictions):
            assert p.shots == q.shots == shots_for(task, p.index, 3, 4, 5)  # paired: the same examples
            want = 3 if len(task.examples) > 3 else len(task.examples) - 1
            assert len(p.shots) == want and len(set(p.shots)) == want  # k respected (fewer only when too few)
            test_input = task.examples[p.index].input
            assert all(task.examples[i].input != test_input for i in p.shots)  # never the test input
            if task.name == "upper":  # enough examples after the evaluated ones: the shots come from there
                assert all(i >= n_eval for i in p.shots)
            solved = [task.examples[i] for i in p.shots]
            assert q.adapter_from == render_card(task.descriptions[p.index % len(task.descriptions)], solved)
    # the icl prompts are the few-shot prompts; the card condition's prompts carry neither description nor shots
    icl_prompts = [c for c in model.calls if c[1] is None]
    card_prompts = [c for c in model.calls if c[1] is not None]
    assert all(prompt.count("Input: ") == 4 or prompt.startswith("Copy it.") for prompt, _ in icl_prompts)
    assert all(prompt.count("Input: ") == 1 and not prompt.startswith(("Uppercase", "Shout", "Copy"))
               for prompt, _ in card_prompts)
    assert sorted(cards) == sorted(p.adapter_from for t in tasks for p in results.cell(t.name, "t2l+card").predictions)
    # another seed draws other shots; the same seed the same
    assert shots_for(tasks[0], 0, 3, 4, 6) != shots_for(tasks[0], 0, 3, 4, 5) or shots_for(tasks[0], 1, 3, 4, 6) != \
        shots_for(tasks[0], 1, 3, 4, 5)
    assert shots_for(tasks[0], 0, 3, None, 5) == shots_for(tasks[0], 0, 3, None, 5)


def test_multitask_condition_uses_one_adapter_for_every_task_and_the_description():
    tasks, model = _tasks(), Recorder(_tasks())
    shared = LoraAdapter.zeros(SPEC, 1, task="multitask")
    encoded = []

    def encode(adapter):
        encoded.append(adapter.task)
        return b"multitask-bytes"

    results = evaluate(tasks, parse_conditions("multitask"), None, model, encode, multitask=shared, limit=2)
    assert encoded == ["multitask"]  # encoded once for the run
    adapters = {id(a) for _, a in model.calls}
    assert len(adapters) == 1 and model.calls[0][1] == b"multitask-bytes"
    for task in tasks:
        for p in results.cell(task.name, "multitask").predictions:
            assert p.adapter_from == "multitask" and p.description == task.descriptions[p.index % len(task.descriptions)]
    assert all(prompt.startswith(("Uppercase it.", "Shout it.", "Copy it.")) for prompt, _ in model.calls)
    with pytest.raises(InvalidInputError, match="needs the multitask LoRA"):
        evaluate(tasks, parse_conditions("multitask"), None, model, encode)
    with pytest.raises(InvalidInputError, match="need shots ≥ 1"):
        evaluate(tasks, parse_conditions("icl"), None, model, encode, shots=0)


# -- the SFT sampler's task cards --------------------------------------------------------------------------------


def test_sampler_cards_draw_k_from_the_mix_and_never_the_samples_own_input():
    from t2l_edge.train.config import CardMix
    from t2l_edge.train.data import TaskSampler

    inputs = [[f"t{t}-{i % 9}" for i in range(12)] for t in range(4)]  # inputs repeat: i and i+9 share one
    descriptions = [[f"task {t} wording {j}" for j in range(3)] for t in range(4)]
    plain = TaskSampler([12] * 4, descriptions, 16, 3, seed=7)
    carded = TaskSampler([12] * 4, descriptions, 16, 3, seed=7, cards=CardMix((0, 1, 2, 3), 0.3), inputs=inputs)
    ks, dropped = set(), 0
    for step in range(60):
        a, b = plain.batch(step), carded.batch(step)
        assert b == carded.batch(step)  # a pure function of (seed, step)
        assert [(s.task, s.example) for s in a] == [(s.task, s.example) for s in b]  # the same examples
        for s, c in zip(a, b):
            ks.add(len(c.shots))
            assert len(set(c.shots)) == len(c.shots) <= 3
            assert all(inputs[c.task][i] != inputs[c.task][c.example] for i in c.shots)  # never its own input
            if c.description is None:
                dropped += 1
                assert c.shots  # only a card with examples drops its description
            else:
                assert c.description == s.description
    assert ks == {0, 1, 2, 3} and 0 < dropped
    assert all(not s.shots for step in range(10) for s in plain.batch(step))  # default: descriptions alone
    with pytest.raises(InvalidInputError, match="need every task's example inputs"):
        TaskSampler([12] * 4, descriptions, 16, 3, seed=7, cards=CardMix((0, 2)))


def test_sample_card_is_the_rendered_card():
    from t2l_edge.train.data import Sample

    task = _tasks()[0]
    assert Sample(0, 3, "Shout it.").card(task) == "Shout it."
    assert Sample(0, 3, "Shout it.", (4, 5)).card(task) == render_card("Shout it.", [task.examples[4], task.examples[5]])
    assert Sample(0, 3, None, (4,)).card(task) == "Input: w3\nOutput: W3"


def test_card_mix_config_fields():
    from t2l_edge.train.config import TrainConfig

    cfg = TrainConfig.from_dict({"data": {"split": "train"}})
    assert cfg.data.card_examples == [0, 1, 2, 3] and cfg.data.card_mix().k == (0, 1, 2, 3)
    assert TrainConfig.from_dict({"data": {"card_examples": [0, 0, 3]}}).data.card_mix().k == (0, 0, 3)
    for bad, words in (({"card_examples": [-1]}, "field 'card_examples'"), ({"card_examples": []}, "field 'card_examples': must be a non-empty list"),
                       ({"card_no_description": 1.5}, "field 'card_no_description'")):
        with pytest.raises(InvalidInputError, match=rf"\[data\] {words}"):
            TrainConfig.from_dict({"data": bad}, source="t.toml")


# -- the multitask LoRA on the tiny base --------------------------------------------------------------------------


@pytest.mark.slow
def test_train_lora_multitask_lowers_heldout_loss(capsys, tmp_path):
    """`train-lora --multitask` on the tiny base: one PEFT LoRA on both training tasks (their held-out descriptions
    and instances in tiny_heldout.jsonl), the description in each prompt; its held-out loss drops well below the
    base's, and PEFT loads the directory back."""
    import torch

    torch.set_num_threads(1)
    from tiny_train import tiny_run_dir

    from t2l_edge.export.peft import read_peft

    config = tiny_run_dir(tmp_path, **{"max_length = 32": "max_length = 96"})
    out = tmp_path / "multitask"
    code, stdout, err = run(capsys, "train-lora", "--multitask", "--config", config, "--output", out, "--steps", "40",
                            "--lr", "3e-3")
    assert code == 0, err
    assert "wrote the multitask LoRA" in stdout
    assert {p.name for p in out.iterdir()} == {"adapter_config.json", "adapter_model.safetensors", "task.json"}
    info = json.loads((out / "task.json").read_text())
    assert info["name"] == "multitask" and info["tasks"] == ["shout", "count"] and info["steps"] == 40
    assert info["heldout_loss"] < info["heldout_loss_base"] - 0.5, info
    assert len(info["losses"]) == 40 and info["losses"][-1] == info["train_loss"]
    adapter = read_peft(out)
    assert adapter.rank == 4 and [k.value for k in adapter.target.modules] == ["q_proj", "v_proj", "down_proj"]


@pytest.mark.parametrize("args,words", [
    (["--multitask"], ["--multitask needs the training mixture"]),
    (["--multitask", "--only", "x", "--tasks", "{tmp}/t.jsonl"], ["--multitask trains on every training task"]),
    ([], ["give the tasks with --tasks"]),
])
def test_train_lora_bad_input(capsys, tmp_path, args, words):
    code, _, err = run(capsys, "train-lora", "--output", tmp_path / "o", *[a.format(tmp=tmp_path) for a in args])
    assert code == 2
    assert_one_line_error(code, err, *words)


# -- on the real base through llama.cpp --------------------------------------------------------------------------


@pytest.mark.slow
def test_baselines_on_gemma_through_llama_cpp(capsys, tmp_path, gemma_spec):
    """`evaluate` with base+desc, icl, t2l+card and multitask on two suite families (the shipped bundle, q4_0,
    Gemma 3 270M Q4_K_M): every baseline runs; in-context learning beats the base told the task on first_word."""
    from t2l_edge.export.peft import write_peft
    from t2l_edge.tasks.format import save_tasks
    from t2l_edge.tasks.splits import build_split

    tasks = [t for t in build_split("heldout-descriptions", n_instances=12, seed=3) if t.name in ("first_word", "plural")]
    assert len(tasks) == 2
    path = save_tasks(tasks, tmp_path / "tasks.jsonl")
    mt = write_peft(LoraAdapter.random(gemma_spec.select(["q_proj", "v_proj"]), 4, seed=1, std=0.005), tmp_path / "mt")
    out = tmp_path / "res.json"
    code, stdout, err = run(capsys, "evaluate", "--tasks", path, "--conditions", "base+desc,icl,t2l+card,multitask",
                            "--multitask-lora", mt, "--limit", "6", "--shots", "3", "--output", out)
    assert code == 0, err
    data = json.loads(out.read_text())
    acc = {(s["task"], s["condition"]): s["accuracy"] for s in data["scores"]}
    assert all(s["n"] == 6 for s in data["scores"])
    assert acc[("first_word", "icl")] >= 0.8 and acc[("first_word", "icl")] > acc[("first_word", "base+desc")]
    by_task = {t.name: t for t in tasks}
    for p in data["predictions"]:
        task = by_task[p["task"]]
        if p["condition"] in ("icl", "t2l+card"):
            assert len(p["shots"]) == 3 and all(i >= 6 for i in p["shots"])  # from the examples not evaluated
            assert all(task.examples[i].input != task.examples[p["index"]].input for i in p["shots"])
        if p["condition"] == "t2l+card":
            assert p["adapter_from"].count("\nInput: ") == 3
    assert data["meta"]["multitask"] == str(mt) and data["meta"]["shots"] == 3
    assert {(d["a"], d["b"]) for d in data["differences"]} >= {("t2l+card", "icl"), ("icl", "base+desc")}


@pytest.mark.slow
def test_a_run_from_before_task_cards_resumes_with_descriptions_alone(tmp_path):
    """A checkpoint whose saved config predates `card_examples` (and the encoder fields) resumes when the config keeps
    descriptions alone and a frozen encoder (what that run computed), and is refused otherwise, naming the field."""
    import torch

    torch.set_num_threads(1)
    from tiny_train import tiny_run_dir

    from t2l_edge.train.config import TrainConfig
    from t2l_edge.train.loop import TRAINER_STATE, Trainer

    short = {"steps = 40": "steps = 4", "every = 20\nn = 16": "every = 2\nn = 16", "every = 20\nkeep": "every = 2\nkeep",
             "max_length = 32": "max_length = 32\ncard_examples = [0]"}
    path = tiny_run_dir(tmp_path, **short)
    config = TrainConfig.load(path, "sft")
    Trainer(config, "sft", tmp_path / "run").fit(stop_at=2)
    state_file = tmp_path / "run" / "step-000002" / TRAINER_STATE
    state = json.loads(state_file.read_text())
    for section, key in (("data", "card_examples"), ("data", "card_no_description"), ("encoder", "train_layers"),
                         ("encoder", "lr")):
        del state["config"][section][key]  # as an older t2l-edge saved it
    state_file.write_text(json.dumps(state))
    assert Trainer(config, "sft", tmp_path / "run", resume=True).step == 2
    path.write_text(path.read_text().replace("card_examples = [0]", "card_examples = [0, 2]"))
    with pytest.raises(InvalidInputError, match=r"\[data\] field 'card_examples' is \[0, 2\].*trained with None"):
        Trainer(TrainConfig.load(path, "sft"), "sft", tmp_path / "run", resume=True)
