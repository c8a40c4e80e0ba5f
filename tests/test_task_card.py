"""Task cards: the card-v1 text, its validation, the examples-file reader, the shot picker shared by training and
evaluation, and the generators (ONNX Runtime bundle, PyTorch reference) reading cards through one function."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from t2l_edge.errors import InvalidInputError
from t2l_edge.task_card import TaskCard, card_from, pick_shots, read_examples, render_card, task_texts
from t2l_edge.tasks.format import Example

SHOTS = [Example("red fox", "fox red"), Example("a b c", "c b a")]


def test_card_text_is_the_documented_format():
    assert render_card("Reverse the words.", SHOTS) == (
        "Reverse the words.\nInput: red fox\nOutput: fox red\nInput: a b c\nOutput: c b a"
    )
    assert TaskCard(None, SHOTS).text == "Input: red fox\nOutput: fox red\nInput: a b c\nOutput: c b a"
    # k = 0: the description exactly, so adapters from plain descriptions are unchanged
    assert TaskCard("Reverse the words.").text == "Reverse the words." and TaskCard("x").k == 0
    # examples given as pairs or objects become Examples
    card = TaskCard("d", [("red fox", "fox red"), {"input": "a b c", "output": "c b a"}])
    assert card.examples == tuple(SHOTS) and card.k == 2


@pytest.mark.parametrize("description,examples,words", [
    (None, (), "a description, examples, or both"),
    ("  ", (), "description must be a non-empty string"),
    ("d", "red fox", "examples must be a list"),
    ("d", [("only input",)], r"example 1: an example is an \(input, output\) pair"),
    ("d", [{"input": "x"}], "example 1: field 'output' is missing"),
    ("d", [("x", "two\nlines")], "example 1: field 'output': contains a line break"),
])
def test_card_refuses_bad_values(description, examples, words):
    with pytest.raises(InvalidInputError, match=words):
        TaskCard(description, examples)


def test_task_texts_renders_cards_and_keeps_descriptions():
    card = TaskCard("Reverse the words.", SHOTS)
    assert task_texts("Sum") == ["Sum"]
    assert task_texts(["Sum", card]) == ["Sum", card.text]
    assert task_texts(card) == [card.text]
    for bad in ([], [""], [3]):
        with pytest.raises(InvalidInputError):
            task_texts(bad)


def test_pick_shots_never_shows_the_query_and_respects_k():
    inputs = ["a", "b", "a", "c", "d", "e"]  # index 2 repeats the input of index 0
    for seed in range(50):
        rng = random.Random(seed)
        shots = pick_shots(inputs, 0, 3, rng)
        assert len(shots) == 3 and len(set(shots)) == 3
        assert 0 not in shots and 2 not in shots  # neither the query nor an example with its input
    assert pick_shots(inputs, 0, 0, random.Random(0)) == ()
    assert sorted(pick_shots(inputs, 0, 10, random.Random(0))) == [1, 3, 4, 5]  # fewer when too few remain
    assert set(pick_shots(inputs, 1, 2, random.Random(0), pool=[1, 4, 5])) == {4, 5}  # only from the pool
    assert pick_shots(inputs, 3, 2, random.Random(7)) == pick_shots(inputs, 3, 2, random.Random(7))  # seeded
    with pytest.raises(InvalidInputError, match="k must be an integer"):
        pick_shots(inputs, 0, -1, random.Random(0))


def test_read_examples_from_jsonl_and_json(tmp_path):
    rows = [{"input": "red fox", "output": "fox red"}, {"input": "a b c", "output": "c b a"}]
    jsonl = tmp_path / "ex.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows) + "\n")
    assert read_examples(jsonl) == tuple(SHOTS)
    as_list = tmp_path / "ex.json"
    as_list.write_text(json.dumps(rows, indent=2))
    assert read_examples(as_list) == tuple(SHOTS)
    task = tmp_path / "task.json"  # a task in our format: its examples
    task.write_text(json.dumps({"name": "rev", "descriptions": ["x"], "examples": rows}))
    assert read_examples(task) == tuple(SHOTS)
    assert card_from("Reverse.", jsonl) == TaskCard("Reverse.", SHOTS) and card_from(None, jsonl).description is None


@pytest.mark.parametrize("content,words", [
    ('{"input": "a", "output": "b"}\n{"input": "c"}\n', "ex.jsonl:2: field 'output' is missing"),
    ('{"input": "a", "output": "b"}\n{"input": \n', "ex.jsonl:2: not valid JSON"),
    ('{"input": "a", "output": 3}\n', "ex.jsonl:1: field 'output': must be a string"),
    ('["a", "b"]\n', "ex.jsonl:1: an example must be an object"),
    ("\n\n", "no examples in the file"),
])
def test_read_examples_errors_name_the_line(tmp_path, content, words):
    path = tmp_path / "ex.jsonl"
    path.write_text(content)
    with pytest.raises(InvalidInputError, match=words):
        read_examples(path)


def test_read_examples_json_errors(tmp_path):
    path = tmp_path / "ex.json"
    path.write_text('[{"input": "a", "output": "b"}, 5]')
    with pytest.raises(InvalidInputError, match="ex.json: item 2: an example must be an object"):
        read_examples(path)
    path.write_text('"just text"')
    with pytest.raises(InvalidInputError, match="expected a list"):
        read_examples(path)
    with pytest.raises(FileNotFoundError, match="nope.json"):
        read_examples(tmp_path / "nope.json")
    with pytest.raises(InvalidInputError, match="description is empty"):
        card_from(" ", path)
    with pytest.raises(InvalidInputError, match="description, an examples file, or both"):
        card_from(None, None)


# -- generators read cards through task_texts --------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundle_generator():
    from t2l_edge.runtimes.onnxruntime import Generator

    return Generator.load()  # the shipped hypernetwork's int8 bundle


def test_bundle_generator_takes_cards(bundle_generator):
    """A card and its rendered text are the same task text; its examples change the embedding and the adapter."""
    card = TaskCard("Reverse the order of the words.", SHOTS)
    from_card, from_text, plain = bundle_generator.generate([card, card.text, card.description])
    assert from_card.task == card.text
    for key, (a, b) in from_card.weights.items():
        np.testing.assert_array_equal(a, from_text.weights[key][0])
        np.testing.assert_array_equal(b, from_text.weights[key][1])
    emb = bundle_generator.embed([card, card.description, TaskCard(None, SHOTS)])
    assert float(emb[0] @ emb[1]) < 0.999 and float(emb[0] @ emb[2]) < 0.999
    assert any(not np.array_equal(a, plain.weights[k][0]) or not np.array_equal(b, plain.weights[k][1])
               for k, (a, b) in from_card.weights.items())
    only_examples = bundle_generator.generate(TaskCard(examples=SHOTS))
    assert only_examples[0].task.startswith("Input: red fox")


def test_bundle_generator_refuses_a_card_past_256_tokens(bundle_generator):
    long = TaskCard("Reverse the words.", [Example(f"word{i} " * 8, f"word{i}") for i in range(20)])
    with pytest.raises(InvalidInputError, match=r"task text 2 .* longer than the 256 tokens the text encoder reads"):
        bundle_generator.generate(["Sum", long])


@pytest.mark.slow
def test_pytorch_reference_takes_the_same_cards(bundle_generator):
    """The reference generator (shipped checkpoint, PyTorch MiniLM) renders the card alike: same text, an adapter
    close to the int8 bundle's, and the same refusal of a long card."""
    import torch

    torch.set_num_threads(1)
    from t2l_edge.models import default_checkpoint
    from t2l_edge.train.generate import Generator

    reference = Generator(default_checkpoint())
    card = TaskCard("Reverse the order of the words.", SHOTS)
    (ours,), (theirs,) = reference.generate([card]), bundle_generator.generate([card])
    assert ours.task == theirs.task == card.text
    for key, (a, b) in ours.weights.items():
        delta, other = b @ a, theirs.weights[key][1] @ theirs.weights[key][0]
        cosine = float((delta * other).sum() / np.linalg.norm(delta) / np.linalg.norm(other))
        assert cosine > 0.95, key
    with pytest.raises(InvalidInputError, match="longer than the 256 tokens"):
        reference.generate(TaskCard("x", [Example("word " * 300, "y")]))


# -- generate / apply --examples -----------------------------------------------------------------------------------


def _examples_file(tmp_path):
    path = tmp_path / "examples.jsonl"
    path.write_text("".join(json.dumps(e.to_dict()) + "\n" for e in SHOTS))
    return path


@pytest.mark.slow
def test_generate_with_examples_writes_the_cards_adapter(capsys, tmp_path):
    from cli_helpers import run

    from t2l_edge.export.formats import load_adapter

    examples = _examples_file(tmp_path)
    code, out, err = run(capsys, "generate", "--task", "Reverse the words.", "--examples", examples,
                         "--output", tmp_path / "a.safetensors", "--format", "safetensors")
    assert code == 0, err
    assert "'Reverse the words.' and 2 examples" in out.replace("\n", " ")
    adapter = load_adapter(tmp_path / "a.safetensors")
    assert adapter.task == render_card("Reverse the words.", SHOTS)
    code, out, err = run(capsys, "generate", "--examples", examples, "--output", tmp_path / "b.gguf", "-q", "q4_0")
    assert code == 0, err
    assert (tmp_path / "b.gguf").read_bytes()[:4] == b"GGUF" and "2 examples" in out


@pytest.mark.parametrize("args,words", [
    (["--examples", "{bad}"], ["bad.jsonl:2", "field 'output' is missing"]),
    (["--examples", "{tmp}/nope.jsonl"], ["nope.jsonl"]),
    (["--batch-file", "{good}", "--examples", "{good}"], ["--batch-file, or --task and/or --examples"]),
    ([], ["give --task, --examples (or both), or --batch-file"]),
])
def test_generate_examples_bad_input_is_one_line(capsys, tmp_path, args, words):
    from cli_helpers import assert_one_line_error, run

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"input": "a", "output": "b"}\n{"input": "c"}\n')
    values = {"tmp": tmp_path, "bad": bad, "good": _examples_file(tmp_path)}
    code, _, err = run(capsys, "generate", "--output", tmp_path / "x.gguf", *[a.format(**values) for a in args])
    assert code == 2
    assert_one_line_error(code, err, *words)


@pytest.mark.slow
def test_apply_with_examples_alone(capsys, tmp_path):
    """An adapter from examples alone (no description), applied on Gemma 3 270M through llama.cpp."""
    from cli_helpers import run

    code, out, err = run(capsys, "apply", "--examples", _examples_file(tmp_path), "--prompt", "blue sky",
                         "--max-tokens", "8", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["task"] is None and data["examples"] == 2 and data["card"] == TaskCard(None, SHOTS).text
    assert len(data["answers"]) == 1 and data["answers"][0]["prompt"] == "blue sky"
    code, _, err = run(capsys, "apply", "--prompt", "x")
    assert code == 2 and "give --task, --examples, or both" in err
