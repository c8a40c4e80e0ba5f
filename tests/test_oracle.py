"""Oracle LoRAs (`train-lora`): PEFT-trained per-task LoRAs on the tiny base, written as PEFT directories that PEFT
itself loads back to the trained model, with their task descriptions, usable as a reconstruction library."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import torch
torch.set_num_threads(1)

from t2l_edge.cli import main  # noqa: E402
from t2l_edge.export.peft import read_peft  # noqa: E402
from t2l_edge.model.base import LoraHooks, load_base_model, stack_adapters  # noqa: E402
from t2l_edge.prompts import get_prompt_format  # noqa: E402
from t2l_edge.tasks.format import load_tasks  # noqa: E402
from t2l_edge.train.config import TrainConfig  # noqa: E402
from t2l_edge.train.data import PromptTokenizer, collate, holdout_examples  # noqa: E402
from t2l_edge.train.reconstruction import load_library  # noqa: E402
from t2l_edge.train.sft import token_losses  # noqa: E402

from tiny_train import tiny_run_dir  # noqa: E402


def run_cli(capsys, *args) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main([str(a) for a in args])
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def test_train_lora_writes_peft_dirs_that_peft_loads_and_that_learned(capsys, tmp_path):
    from peft import PeftModel

    config = tiny_run_dir(tmp_path)
    code, out, err = run_cli(capsys, "train-lora", "--tasks", tmp_path / "tiny_tasks.jsonl", "--output",
                             tmp_path / "oracles", "--config", config, "--steps", "40")
    assert code == 0, err
    assert "wrote 2 oracle LoRA(s)" in out
    tasks = {t.name: t for t in load_tasks(tmp_path / "tiny_tasks.jsonl")}
    # off a terminal, a heartbeat at most once a minute: the first step (no rate yet), and each task's last
    assert re.match(rf"oracle {next(iter(tasks))}: step 1/40 · loss \d+\.\d{{4}} · ETA -\n", err), err
    for name in tasks:
        assert re.search(rf"^oracle {name}: step 40/40 · loss \d+\.\d{{4}} · ETA 0:00:00$", err, re.M), err
    base = load_base_model(tmp_path / "tiny-base")
    prompt = PromptTokenizer(base.tokenizer, get_prompt_format(), 32)
    for name, task in tasks.items():
        folder = tmp_path / "oracles" / name
        assert {p.name for p in folder.iterdir()} == {"adapter_config.json", "adapter_model.safetensors", "task.json"}
        info = json.loads((folder / "task.json").read_text())
        assert info["name"] == name and info["descriptions"] == list(task.descriptions) and info["steps"] == 40
        assert info["heldout_loss"] < info["heldout_loss_base"] - 0.5  # it learned the task
        curve = info["losses"]  # every step's loss, the last one the train_loss reported
        assert len(curve) == 40 and curve[-1] == info["train_loss"] and min(curve[-5:]) < curve[0] - 0.5

        adapter = read_peft(folder)
        assert adapter.task == task.descriptions[0] and adapter.rank == 4 and adapter.alpha == 8.0
        assert [k.value for k in adapter.target.modules] == ["q_proj", "v_proj", "down_proj"]
        config_json = json.loads((folder / "adapter_config.json").read_text())
        assert config_json["r"] == 4 and sorted(config_json["target_modules"]) == ["down_proj", "q_proj", "v_proj"]

        # PEFT loads the directory back to the trained model: its held-out loss is the one measured in training
        _, held = holdout_examples([task], 0.2)
        batch = collate([prompt.encode(e) for e in held[0].examples], prompt.pad_id)
        peft_model = PeftModel.from_pretrained(base.model, folder)
        with torch.no_grad():
            losses, _ = token_losses(peft_model.get_base_model(), batch)
        assert float(losses.double().mean()) == pytest.approx(info["heldout_loss"], abs=1e-5)
        # … and the hypernetwork's hooks, given the same adapter, compute the same thing
        base.model = peft_model.unload()
        weights, scale = stack_adapters([adapter] * len(held[0].examples))
        with torch.no_grad(), LoraHooks(base.model, adapter.target, scale, weights):
            hooked, _ = token_losses(base.model, batch)
        torch.testing.assert_close(hooked, losses, atol=1e-5, rtol=1e-5)

    # the output folder is a reconstruction library: every description of every task, the LoRAs as written
    cfg = TrainConfig.load(config)
    target = base.target.select(cfg.hypernet.modules)
    library = load_library(tmp_path / "oracles", target, 4, 2.0)
    assert [(e.name, e.descriptions) for e in library] == [(n, tasks[n].descriptions) for n in ("count", "shout")]
    written = read_peft(tmp_path / "oracles" / "shout")
    for kind in target.modules:
        np.testing.assert_array_equal(library[1].tensors[kind][0][0].numpy(), written.weights[(0, kind)][0])


def test_train_lora_options_and_bad_input(capsys, tmp_path):
    config = tiny_run_dir(tmp_path)
    code, out, err = run_cli(capsys, "train-lora", "--tasks", tmp_path / "tiny_tasks.jsonl", "--output",
                             tmp_path / "o", "--config", config, "--steps", "2", "--only", "count", "--rank", "2",
                             "--modules", "q_proj,o_proj")
    assert code == 0, err
    assert [p.name for p in (tmp_path / "o").iterdir()] == ["count"]
    adapter = read_peft(tmp_path / "o" / "count")
    assert adapter.rank == 2 and [k.value for k in adapter.target.modules] == ["q_proj", "o_proj"]

    code, _, err = run_cli(capsys, "train-lora", "--tasks", tmp_path / "tiny_tasks.jsonl", "--output", tmp_path / "o",
                           "--config", config, "--only", "translate")
    assert code == 2 and "no task named 'translate'" in err
    code, _, err = run_cli(capsys, "train-lora", "--tasks", tmp_path / "tiny_tasks.jsonl", "--output", tmp_path / "o",
                           "--config", config, "--modules", "q_proj,wq")
    assert code == 2 and "'modules'" in err and "unknown module 'wq'" in err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"name": "a", "descriptions": ["Do a."], "examples": [{"input": "x"}]}\n')
    code, _, err = run_cli(capsys, "train-lora", "--tasks", bad, "--output", tmp_path / "o", "--config", config)
    assert code == 2 and f"{bad}:1:" in err and "examples[0]" in err and "missing 'output'" in err
