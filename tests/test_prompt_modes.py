"""Prompt modes (issue 19): instructed (the task description in the prompt, the adapter adds to it) and bare (the
adapter alone). Rendering, what adapters and bundles record in every format, and how training draws the modes."""

from __future__ import annotations

import numpy as np
import pytest

from t2l_edge.adapter import LoraAdapter
from t2l_edge.errors import InvalidInputError
from t2l_edge.export.formats import AdapterFormat, load_adapter, save_adapter
from t2l_edge.export.gguf import read_gguf_adapter, to_gguf_bytes
from t2l_edge.keys import T2L
from t2l_edge.prompts import (
    LEGACY_PROMPT_MODE, PromptMode, adapter_prompt, effective_prompt_mode, get_prompt_format,
)
from t2l_edge.task_card import TaskCard, card_description
from t2l_edge.tasks.format import Example
from t2l_edge.train.config import TrainConfig
from t2l_edge.train.data import TaskSampler
from t2l_edge.targets import ModelDims, TargetSpec

FMT = get_prompt_format()
TARGET = TargetSpec.from_dims("llama", ModelDims(hidden=64, n_layers=2, n_heads=4, n_kv_heads=2, head_dim=16,
                                                  intermediate=96), ["q_proj", "v_proj"])


def test_instructed_puts_the_description_before_the_input_and_bare_puts_nothing():
    assert adapter_prompt(FMT, "red fox", "Reverse the words.", "instructed") == "Reverse the words.\n\nInput: red fox\nOutput:"
    assert adapter_prompt(FMT, "red fox", "Reverse the words.", PromptMode.BARE) == "Input: red fox\nOutput:"


def test_a_cards_examples_never_go_into_the_prompt():
    card = TaskCard("Reverse the words.", [Example("a b", "b a"), Example("c d", "d c")])
    assert card_description(card.text) == "Reverse the words."
    assert adapter_prompt(FMT, "x y", card.text, "instructed") == "Reverse the words.\n\nInput: x y\nOutput:"
    examples_only = TaskCard(None, [Example("a b", "b a")]).text
    assert card_description(examples_only) is None
    assert adapter_prompt(FMT, "x y", examples_only, "instructed") == "Input: x y\nOutput:"


def test_the_mode_asked_for_wins_then_the_recorded_one_then_bare():
    assert effective_prompt_mode("bare", "instructed") is PromptMode.BARE
    assert effective_prompt_mode(None, "instructed") is PromptMode.INSTRUCTED
    assert effective_prompt_mode(None, "") is LEGACY_PROMPT_MODE is PromptMode.BARE
    with pytest.raises(InvalidInputError, match="instructed"):
        effective_prompt_mode("chatty", "")


def _adapter(mode: str = "") -> LoraAdapter:
    return LoraAdapter.random(TARGET, rank=4, seed=1, task="Reverse the words.", generator="abc",
                              prompt_mode=mode)


@pytest.mark.parametrize("mode", ["instructed", "bare"])
def test_every_format_keeps_the_prompt_mode(tmp_path, mode):
    lora = _adapter(mode)
    assert read_gguf_adapter(to_gguf_bytes(lora, "f16")).prompt_mode == mode
    for fmt, name in ((AdapterFormat.SAFETENSORS, "a.safetensors"), (AdapterFormat.PEFT, "peft")):
        save_adapter(lora, tmp_path / name, fmt)
        assert load_adapter(tmp_path / name).prompt_mode == mode


def test_an_adapter_without_a_mode_writes_no_key_and_reads_back_unrecorded():
    data = to_gguf_bytes(_adapter(""), "f16")
    assert T2L.PROMPT_MODE.encode() not in data
    assert read_gguf_adapter(data).prompt_mode == ""
    assert T2L.PROMPT_MODE.encode() in to_gguf_bytes(_adapter("bare"), "f16")


def test_an_unknown_mode_is_refused():
    with pytest.raises(InvalidInputError, match="prompt mode"):
        _adapter("loud")


def _sampler(instructed: float) -> TaskSampler:
    return TaskSampler([20] * 6, [[f"task {t} wording {i}" for i in range(4)] for t in range(6)], 8, 4, seed=3,
                       instructed=instructed)


def test_a_bare_run_draws_the_batches_of_runs_before_modes_and_a_mix_draws_both():
    bare, mixed = _sampler(0.0), _sampler(0.5)
    flags = []
    for step in range(50):
        a, b = bare.batch(step), mixed.batch(step)
        assert [(s.task, s.example, s.description) for s in a] == [(s.task, s.example, s.description) for s in b]
        assert not any(s.instructed for s in a)
        flags += [s.instructed for s in b]
        assert all(s.prompt_description == (s.description if s.instructed else None) for s in b)
    assert 0.4 < np.mean(flags) < 0.6
    assert all(s.instructed for s in _sampler(1.0).batch(7))


def test_config_refuses_a_recorded_mode_it_never_trains():
    with pytest.raises(InvalidInputError, match="never trains"):
        TrainConfig.from_dict({"hypernet": {"prompt_mode": "instructed"}, "data": {"split": "train", "instructed": 0}})
    with pytest.raises(InvalidInputError, match="never trains"):
        TrainConfig.from_dict({"hypernet": {"prompt_mode": "bare"}, "data": {"split": "train", "instructed": 1.0}})
    ok = TrainConfig.from_dict({"hypernet": {"prompt_mode": "instructed"}, "data": {"split": "train", "instructed": 0.5}})
    assert ok.data.instructed == 0.5
