"""The shipped default hypernetwork: it loads, its card describes these very weights, its int8 CPU bundle is the
default of generate / apply / evaluate, and its adapters make the real Gemma 3 270M on llama.cpp do suite tasks,
worded as in no training example, that the base model told the task does not do."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from t2l_edge.bundle import Bundle
from t2l_edge.compat import check_adapter_fits
from t2l_edge.export.gguf import to_gguf_bytes
from t2l_edge.export.onnx import default_bundle
from t2l_edge.gguf_reader import read_gguf
from t2l_edge.model.checkpoint import CHECKPOINT_WEIGHTS, read_checkpoint_config
from t2l_edge.models import default_bundle_dir, default_bundles_glob, default_checkpoint
from t2l_edge.prompts import adapter_prompt, effective_prompt_mode, get_prompt_format
from t2l_edge.runtimes.onnxruntime import Generator
from t2l_edge.tasks.metrics import score
from t2l_edge.tasks.splits import Split, instances, split_descriptions, split_families
from t2l_edge.tasks.suite import FAMILIES

CLI = shutil.which("t2l-edge", path=str(Path(sys.executable).parent)) or "t2l-edge"
SHIP_LIMIT_BYTES = 25 * 10**6  # the cap on the shipped weights
# Every 17th training row in the suite's order (24 of the 401: hand-written, real-data, SNI, app, parameterized and composed
# rows; chosen by position, not by score), each with a held-out description on held-out instances.
CHECKED_FAMILIES = [f.name for f in split_families(Split.HELDOUT_DESCRIPTIONS)[::17]]
N_INSTANCES = 6


@pytest.fixture(scope="module")
def shipped():
    config, data = read_checkpoint_config(default_checkpoint())
    return config, data


@pytest.fixture(scope="module")
def generator():
    return Generator.load(default_bundle())


def test_shipped_checkpoint_is_small_and_its_card_describes_these_weights(shipped):
    config, data = shipped
    weights = default_checkpoint() / CHECKPOINT_WEIGHTS
    assert weights.stat().st_size <= SHIP_LIMIT_BYTES
    card = (default_checkpoint() / "MODEL_CARD.md").read_text()
    assert data["generator_hash"] in card and data["weights_sha256"][:12] in card  # not a card of older weights
    assert f"steps = {data['extra']['train_config']['optim']['steps']}" in card
    assert "t2l-edge train --mode sft --config examples/train_default_v3.toml" in card
    assert config.target.architecture == "gemma3" and config.rank == data["extra"]["train_config"]["hypernet"]["rank"]


def test_shipped_checkpoint_loads_and_its_adapters_fit_the_default_base(gemma_gguf, shipped):
    import torch

    from t2l_edge.model.checkpoint import load_checkpoint

    _, data = shipped
    model = load_checkpoint(default_checkpoint())
    assert model.generator_hash() == data["generator_hash"]
    (adapter,) = model.generate(torch.zeros(1, model.config.embedding_dim), tasks=["zeros"])
    check_adapter_fits(read_gguf(to_gguf_bytes(adapter, "q4_0")), gemma_gguf)  # raises if a tensor does not fit


def test_default_bundle_is_the_shipped_checkpoint_built_once(generator, shipped):
    _, data = shipped
    assert generator.bundle.path == default_bundle_dir()
    assert generator.manifest.generator == data["generator_hash"]
    Bundle.load(default_bundle_dir(), verify=True)  # every file matches its manifest checksum
    before = {p.name: p.stat().st_mtime_ns for p in default_bundle_dir().iterdir()}
    assert default_bundle() == default_bundle_dir()  # opened, not rebuilt
    assert before == {p.name: p.stat().st_mtime_ns for p in default_bundle_dir().iterdir()}


def test_default_bundle_is_built_when_missing_and_replaces_an_earlier_release(tmp_path, monkeypatch, shipped):
    monkeypatch.setenv("T2L_EDGE_CACHE", str(tmp_path))
    stale = tmp_path / "bundles" / default_bundles_glob().replace("?" * 12, "0" * 12)
    stale.mkdir(parents=True)
    (stale / "manifest.json").write_text("{}")
    built = default_bundle()
    assert built == default_bundle_dir() and built.parent == tmp_path / "bundles"
    assert Bundle.load(built).manifest.generator == shipped[1]["generator_hash"]
    assert not stale.exists()
    tokenizer = built / "tokenizer.json"
    tokenizer.write_text(tokenizer.read_text().replace('"[UNK]"', '"[UNX]"'))  # damaged, same size
    assert default_bundle() == built and Bundle.load(built, verify=True)  # rebuilt, not reported


def test_shipped_adapters_do_tasks_the_base_model_told_the_task_does_not(runner, generator):
    fmt = get_prompt_format(generator.manifest.prompt_format)
    mode = effective_prompt_mode(None, generator.manifest.prompt_mode)  # as apply prompts: the adapters' own mode
    right = {"base+desc": 0, "t2l": 0}
    total = 0
    for name in CHECKED_FAMILIES:
        family = FAMILIES[name]
        description = split_descriptions(family, Split.HELDOUT_DESCRIPTIONS)[0]
        runner.use(to_gguf_bytes(generator.generate([description])[0], "q4_0"))
        examples = instances(family, Split.HELDOUT_DESCRIPTIONS, N_INSTANCES, seed=1)
        for ex in examples:
            answer = runner.generate(adapter_prompt(fmt, ex.input, description, mode), max_tokens=24, stop=fmt.stop)
            right["t2l"] += score(family.metric, answer, ex.output, family.choices)
        runner.use(None)
        for ex in examples:
            answer = runner.generate(fmt.prompt(ex.input, description), max_tokens=24, stop=fmt.stop)
            right["base+desc"] += score(family.metric, answer, ex.output, family.choices)
        total += len(examples)
    accuracy = {k: v / total for k, v in right.items()}
    # the model card measures +29 points on average over all 338 rows (33.9% vs ≈5%): half of that, at least
    assert accuracy["t2l"] >= accuracy["base+desc"] + 0.15, accuracy


def test_apply_without_a_bundle_uses_the_shipped_hypernetwork():
    done = subprocess.run(
        [CLI, "apply", "--task", "Is this review positive or negative?",
         "--prompt", "an awful, boring film", "--json"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"},
    )
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)["answers"]
    assert row["adapter"] == "negative", row


def _without_torch(tmp_path, kit: str) -> subprocess.CompletedProcess:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "class Block:\n"
        "    def find_spec(self, name, *a):\n"
        "        if name.split('.')[0] in ('torch', 'onnx', 'transformers'): raise ImportError(name=name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import t2l_edge.models as models\n"
        "models.DEFAULT_KIT = Path(sys.argv[2]) if sys.argv[2] else models.DEFAULT_KIT\n"
        "from t2l_edge.cli import main\n"
        "main(['generate', '--task', 'Sum the numbers.', '--output', sys.argv[1]])\n"
    )
    return subprocess.run([sys.executable, "-c", code, str(tmp_path / "a.gguf"), kit], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "T2L_EDGE_CACHE": str(tmp_path / "cache")})


def test_without_torch_the_default_bundle_is_assembled_from_the_device_kit(tmp_path, shipped):
    done = _without_torch(tmp_path, "")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "a.gguf").stat().st_size > 100_000
    (bundle,) = (tmp_path / "cache" / "bundles").iterdir()
    assert Bundle.load(bundle, verify=True).manifest.generator == shipped[1]["generator_hash"]


def test_without_torch_or_a_kit_a_missing_default_bundle_is_a_one_line_error(tmp_path):
    done = _without_torch(tmp_path, str(tmp_path / "no-kit"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert re.search(r"default bundle .* needs (torch|onnx) \(pip install 't2l-edge\[train\]'\); or pass --bundle", line)
    assert not (tmp_path / "a.gguf").exists()
