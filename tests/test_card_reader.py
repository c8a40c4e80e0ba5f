"""Issue 20: a hypernetwork that reads a task card's examples through the base model's own hidden states.

The card features against PyTorch's hidden states of the same base, the card pool's draws and in-context teacher
against an independent forward pass, distillation's arithmetic, a fine-tune that starts exactly where its
description-only checkpoint was, and the card graph of a bundle against the PyTorch reference."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
import torch

from t2l_edge.card_features import n_card_features, pool_card_states
from t2l_edge.errors import InvalidInputError
from t2l_edge.prompts import get_prompt_format
from t2l_edge.task_card import TaskCard
from t2l_edge.tasks.format import Example, load_tasks
from t2l_edge.train.card_pool import PoolSpec, build_card_pool, draw_cards
from t2l_edge.train.sft import distillation_loss
from t2l_edge.train.config import TrainConfig
from t2l_edge.train.data import PromptTokenizer
from t2l_edge.train.loop import Trainer
from tiny_train import tiny_run_dir

CARD = TaskCard("Reverse the words.", [Example("red fox jumps", "jumps fox red"), Example("a b c", "c b a")])


def letters_reader(width: int):
    """A stand-in for the base model's card reader on the tiny base (which llama.cpp cannot load): features that
    depend on the card's text, so cards differ."""

    def read(texts):
        return np.stack([np.resize(np.array([t.count(c) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"],
                                            np.float32), width) for t in texts])

    return read


# -- the features, on the real base ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_card_features_are_the_bases_final_hidden_states_as_pytorch_computes_them():
    from t2l_edge.model.base import load_base_model
    from t2l_edge.runtimes.llama_cpp import CardReader

    with CardReader(n_threads=2) as reader:
        states = reader.states(CARD.text)  # (T, 640) from llama.cpp, the Q4_K_M base
        features = reader([CARD.text, "Uppercase it.\nInput: ab\nOutput: AB"])
        again = reader([CARD.text])
    assert features.shape == (2, n_card_features(640)) and np.array_equal(features[0], again[0])
    assert np.array_equal(features[0], pool_card_states(states))
    assert not np.allclose(features[0], features[1])
    with CardReader(n_threads=2, stop_at_norm=False) as whole:  # the pass with the vocabulary projection
        assert np.array_equal(whole([CARD.text, "Uppercase it.\nInput: ab\nOutput: AB"]), features)
        assert whole.stops == 0
    assert reader.stops == 4  # every pass above ended at the final norm: the node's name still matches llama.cpp's
    base = load_base_model(None)  # the same base in PyTorch (dequantized fp32)
    ids = base.tokenizer(CARD.text, return_tensors="pt").input_ids
    assert ids.shape[1] == states.shape[0]  # llama.cpp and transformers tokenize the card alike
    with torch.no_grad():
        hidden = base.model(input_ids=ids, output_hidden_states=True).hidden_states[-1][0].numpy()  # after the norm
    reference = pool_card_states(hidden)
    half = states.shape[1]
    for part in (slice(0, half), slice(half, None)):  # mean and last token: quantized base vs fp32, same direction
        a, b = features[0][part], reference[part]
        assert a @ b / np.linalg.norm(a) / np.linalg.norm(b) > 0.9


# -- the pool and its teacher, on the tiny base ---------------------------------------------------------------------


@pytest.fixture
def tiny_pool_config(tmp_path):
    path = tiny_run_dir(tmp_path, **{
        'modules = ["q_proj", "v_proj", "down_proj"]': 'modules = ["q_proj", "v_proj", "down_proj"]\ncard_reader = true',
        "max_length = 32": 'max_length = 96\ncard_pool = "pool.safetensors"\ncard_share = 0.5\ncard_pool_cards = 3\n'
                           "card_pool_queries = 2",
        "l2 = 1e-4": "l2 = 1e-4\ndistill = 1.0", "steps = 40": "steps = 8"})
    return path


def test_pool_queries_are_never_on_their_card_and_the_teacher_is_the_base_with_the_examples(tmp_path):
    from t2l_edge.model.base import load_base_model

    tiny_run_dir(tmp_path)
    tasks = load_tasks(tmp_path / "tiny_tasks.jsonl")
    base = load_base_model(tmp_path / "tiny-base")
    fmt = get_prompt_format()
    prompt = PromptTokenizer(base.tokenizer, fmt, 96)
    spec = PoolSpec(tuple(t.name for t in tasks), 3, 2, (1, 2, 3), 0.5, 4, 0, "stand-in", "tiny")
    pool = build_card_pool(spec, tasks, base.model, prompt, fmt, letters_reader(8))
    assert len(pool.cards) == 3 * len(tasks) and pool.features.shape == (len(pool.cards), 8)
    for card in pool.cards:
        task = tasks[card.task]
        shown = {task.examples[i].input for i in card.shots}
        assert 1 <= len(card.shots) <= 3 and not shown & {task.examples[q].input for q in card.queries}
    # the stored top-1 at every answer position is the base's own argmax on the few-shot prompt
    card = pool.cards[0]
    task = tasks[card.task]
    query = task.examples[card.queries[0]]
    shots = [(task.examples[i].input, task.examples[i].output) for i in card.shots]
    encoded = prompt.encode_text(fmt.prompt(query.input, card.description, shots), query.output)
    with torch.no_grad():
        logits = base.model(input_ids=torch.tensor([encoded.input_ids])).logits[0]  # (T, V)
    answer = logits[encoded.n_prompt - 1 : len(encoded.input_ids) - 1]  # positions predicting the answer tokens
    n = int(pool.answer_tokens[0, 0])
    assert n == len(encoded.input_ids) - encoded.n_prompt
    assert np.array_equal(pool.teacher_ids[0, 0, :n, 0], answer.argmax(-1).numpy())
    assert np.allclose(pool.teacher_logprobs[0, 0, :n, 0], torch.log_softmax(answer, -1).max(-1).values.numpy(), atol=1e-4)
    # saved and read back; a pool for other sizes is refused, naming what differs
    pool.save(tmp_path / "pool.safetensors")
    from t2l_edge.train.card_pool import CardPool

    again = CardPool.load(tmp_path / "pool.safetensors", spec)
    assert again.cards == pool.cards and np.array_equal(again.teacher_ids, pool.teacher_ids)
    with pytest.raises(InvalidInputError, match="cards"):
        CardPool.load(tmp_path / "pool.safetensors", dataclasses.replace(spec, cards=4))
    assert draw_cards(tasks, spec) == pool.cards  # the draw is a function of the spec


def test_distillation_is_cross_entropy_against_the_renormalized_top_k():
    logits = torch.tensor([[2.0, 0.0, -1.0, 0.5]])
    ids = torch.tensor([[0, 3]])
    teacher = torch.log(torch.tensor([[0.6, 0.2]]))  # renormalized: 0.75, 0.25
    student = torch.log_softmax(logits, -1)[0]
    expected = -(0.75 * student[0] + 0.25 * student[3])
    assert torch.allclose(distillation_loss(logits, ids, teacher), expected.reshape(1))


# -- training and generation ----------------------------------------------------------------------------------------


def test_a_card_fine_tune_starts_where_its_checkpoint_was_and_learns_to_read_cards(tmp_path, tiny_pool_config):
    from t2l_edge.runtimes import open_generator
    from t2l_edge.export.onnx import build_bundle

    plain = TrainConfig.load(tiny_run_dir(tmp_path / "plain", **{"steps = 40": "steps = 4"}))
    Trainer(plain, "sft", tmp_path / "plain-run").fit()
    config = TrainConfig.load(tiny_pool_config)
    config.run.init = str(tmp_path / "plain-run")
    width = n_card_features(64)  # the tiny base's hidden size
    said = []  # the pool's build reports its two stages to the end (a log shows them)
    trainer = Trainer(config, "sft", tmp_path / "card-run", card_reader=lambda: letters_reader(width),
                      progress=lambda *said_now: said.append(said_now))
    n_cards = len(trainer.objective.pool.cards)
    assert said[0][0] == "card features" and ("card features", n_cards, n_cards) in said
    assert said[-1][0] == "teacher" and said[-1][1] == said[-1][2] == n_cards * 2  # card_pool_queries = 2
    card = TaskCard("Write the word in capital letters.", [Example("abc", "ABC"), Example("xy", "XY")])
    before_plain = open_generator(checkpoint=tmp_path / "plain-run").generate([card, card.description])
    with torch.no_grad():
        emb = trainer.encoder.encode([card.text, card.description])
        feats = torch.from_numpy(letters_reader(width)([card.text, card.text]))
        start = trainer.hypernet.generate(trainer.hypernet.card_embeddings(emb, feats, torch.tensor([True, False])))
    for ours, theirs in zip(start, before_plain):  # the card reader starts at zero: nothing changed
        for slot, (a, b) in ours.weights.items():
            assert np.allclose(a, theirs.weights[slot][0], atol=1e-6) and np.allclose(b, theirs.weights[slot][1], atol=1e-6)
    trainer.fit()
    assert trainer.hypernet.card_net.net[-1].weight.abs().sum() > 0
    metrics = [json.loads(line) for line in (tmp_path / "card-run" / "metrics.jsonl").read_text().splitlines()]
    assert any("loss" in m for m in metrics)
    # generation: the PyTorch reference and the bundle's card graph agree; the features move the adapter
    reader = letters_reader(width)
    torch_gen = open_generator(checkpoint=tmp_path / "card-run", card_reader=reader)
    bundle = build_bundle(tmp_path / "card-run", tmp_path / "bundle", precision="fp32")
    ort_gen = open_generator(bundle=bundle.path, card_reader=reader)
    with_card, described = ort_gen.generate([card, card.description])
    reference = torch_gen.generate([card])[0]
    other_features = open_generator(bundle=bundle.path, card_reader=lambda texts: reader(texts) * 0)
    moved = other_features.generate([card])[0]
    slot = next(iter(with_card.weights))
    assert np.allclose(with_card.weights[slot][0], reference.weights[slot][0], atol=1e-5)
    assert not np.allclose(with_card.weights[slot][1], moved.weights[slot][1])
    from t2l_edge.export.gguf import to_gguf_bytes

    assert ort_gen.generate_gguf(card) == to_gguf_bytes(with_card, "q4_0")
    with pytest.raises(InvalidInputError, match="card reader"):
        open_generator(bundle=bundle.path).generate([card])
    assert open_generator(bundle=bundle.path).generate([card.description])[0].task == described.task
