"""Training on tiny random bases (tests/tiny_train.py), nothing downloaded: answer-only logits against the full
logits, learning two tasks told apart only by their descriptions, reconstruction of a LoRA library, DDP (2-process
torchrun, gloo) against one process, exact resume, and the train/generate CLI."""

from __future__ import annotations

import json
import re
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import torch
torch.set_num_threads(1)

from t2l_edge.adapter import LoraAdapter  # noqa: E402
from t2l_edge.cli import main  # noqa: E402
from t2l_edge.errors import AdapterMismatchError, InvalidInputError, MissingFileError  # noqa: E402
from t2l_edge.export.formats import load_adapter  # noqa: E402
from t2l_edge.export.gguf import write_gguf_adapter  # noqa: E402
from t2l_edge.export.peft import write_peft  # noqa: E402
from t2l_edge.model.base import LoraHooks, stack_adapters  # noqa: E402
from t2l_edge.model.checkpoint import load_checkpoint  # noqa: E402
from t2l_edge.prompts import get_prompt_format  # noqa: E402
from t2l_edge.targets import TargetSpec  # noqa: E402
from t2l_edge.tasks.format import Example  # noqa: E402
from t2l_edge.train.config import TrainConfig  # noqa: E402
from t2l_edge.train.data import IGNORE_INDEX, PromptTokenizer, Sample, collate  # noqa: E402
from t2l_edge.train.generate import Generator  # noqa: E402
from t2l_edge.train.loop import LATEST, OPTIMIZER_FILE, TRAINER_STATE, Trainer, latest_checkpoint  # noqa: E402
from t2l_edge.train.reconstruction import load_library, write_task_sidecar  # noqa: E402
from t2l_edge.train.sft import token_losses  # noqa: E402

from tiny_models import tiny_model  # noqa: E402
from tiny_train import char_tokenizer, tiny_run_dir  # noqa: E402

MODULES = ["q_proj", "v_proj", "down_proj"]
SHORT = {"steps = 40": "steps = 6", "every = 20\nn = 16": "every = 3\nn = 16"}  # 6 steps, evaluated every 3


def weights_of(path: Path) -> dict[str, torch.Tensor]:
    from safetensors.torch import load_file

    return load_file(str(path))


def run_cli(capsys, *args) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main([str(a) for a in args])
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


# -- the loss -------------------------------------------------------------------------------------------------------


def test_prompt_tokenizer_labels_only_the_answer_and_truncates_the_prompt():
    tok = char_tokenizer()
    fmt = get_prompt_format()
    enc = PromptTokenizer(tok, fmt, 64).encode(Example("red fox", "FOX"))
    prompt_ids = tok(fmt.prompt("red fox")).input_ids
    assert list(enc.input_ids[: enc.n_prompt]) == prompt_ids and prompt_ids[0] == tok.bos_token_id
    assert tok.decode(enc.input_ids[enc.n_prompt :]) == " FOX\n"  # answer prefix, answer, stop
    assert enc.labels == [IGNORE_INDEX] * len(prompt_ids) + list(enc.input_ids[enc.n_prompt :])
    short = PromptTokenizer(tok, fmt, 16).encode(Example("a long input that does not fit", "OK"))
    assert len(short.input_ids) == 16 and short.input_ids[0] == tok.bos_token_id
    assert tok.decode(short.input_ids[short.n_prompt :]) == " OK\n"  # the answer survives, the prompt's start goes
    assert tok.decode(short.input_ids[1 : short.n_prompt]).endswith("fit\nOutput:")
    batch = collate([enc, short], 0)
    assert batch["input_ids"].shape == (2, len(enc.input_ids)) and batch["attention_mask"][1].sum() == 16
    assert (batch["labels"][1, 16:] == IGNORE_INDEX).all()


@pytest.mark.parametrize("architecture", ["gemma3", "gemma2", "llama"])  # gemma2: logit soft-cap; llama: untied head
def test_answer_only_logits_equal_full_logits_on_answer_tokens(architecture):
    """Loss and gradients with the head applied only at answer positions equal those of the full (B, T, V) logits,
    and both equal a per-token cross-entropy written out by hand from the model's own logits."""
    model = tiny_model(architecture).requires_grad_(False)
    spec = TargetSpec.from_hf_config(model.config.to_dict()).select(MODULES)
    prompt = PromptTokenizer(char_tokenizer(), get_prompt_format(), 40)
    examples = [Example("abc", "ABC"), Example("hello there", "5"), Example("x y", "y x")]
    encoded = [prompt.encode(e) for e in examples]
    batch = collate(encoded, prompt.pad_id)
    adapters = [LoraAdapter.random(spec, 4, 8.0, seed=s, std=0.3) for s in range(3)]
    weights, scale = stack_adapters(adapters)
    leaves = [t.requires_grad_(True) for pair in weights.values() for t in pair]
    with LoraHooks(model, spec, scale, weights):
        fast, rows = token_losses(model, batch)
        grads_fast = torch.autograd.grad(fast.sum(), leaves)
        full, rows_full = token_losses(model, batch, full_logits=True)
        grads_full = torch.autograd.grad(full.sum(), leaves)
        with torch.no_grad():
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    reference = [
        -torch.log_softmax(logits[i, t - 1], -1)[e.input_ids[t]]
        for i, e in enumerate(encoded)
        for t in range(e.n_prompt, len(e.input_ids))
    ]
    assert len(fast) == sum(e.n_answer for e in encoded) and torch.equal(rows, rows_full)
    assert rows.tolist() == [i for i, e in enumerate(encoded) for _ in range(e.n_answer)]
    torch.testing.assert_close(fast, torch.stack(reference), atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(fast, full, atol=1e-5, rtol=1e-5)
    for gf, gl in zip(grads_fast, grads_full):
        assert gl.abs().max() > 0
        torch.testing.assert_close(gf, gl, atol=1e-6, rtol=1e-4)


# -- learning -------------------------------------------------------------------------------------------------------


def test_sft_learns_two_tasks_told_apart_by_their_descriptions(tmp_path):
    """A hundred SFT steps on "uppercase the word" and "count its letters" (same inputs): the held-out loss (unseen
    words, unseen descriptions) falls, and on each task's held-out words the adapter generated from that task's
    description beats the one generated from the other task's."""
    config = TrainConfig.load(tiny_run_dir(tmp_path, **{"steps = 40": "steps = 100"}), "sft")
    trainer = Trainer(config, "sft", tmp_path / "run")
    evals = []
    result = trainer.fit(lambda e: evals.append(e.values) if e.kind == "eval" else None)
    assert len(evals) == 6 and result["step"] == 100  # steps 0, 20, …, 100
    assert evals[0]["eval_loss"] == pytest.approx(evals[0]["eval_loss_base"])  # bias-HyperInit: ΔW = 0 at step 0
    assert evals[-1]["eval_loss"] < evals[0]["eval_loss"] - 1.5, evals

    objective, hypernet = trainer.objective, trainer.hypernet.eval()
    train_tasks, held = objective.train_tasks, objective.held_tasks
    assert [t.name for t in held] == [t.name for t in train_tasks] == ["shout", "count"]

    def loss(task: int, description: str) -> float:
        samples = [Sample(task, i, description) for i in range(len(held[task].examples))]
        ce, n = objective.sample_losses(hypernet, samples, held)
        return float(ce.sum() / n.sum())

    for x, y in ((0, 1), (1, 0)):
        own = np.mean([loss(x, d) for d in train_tasks[x].descriptions])
        other = np.mean([loss(x, d) for d in train_tasks[y].descriptions])
        samples = [Sample(x, i, "") for i in range(len(held[x].examples))]
        base_ce, base_n = objective.sample_losses(None, samples, held)
        assert own < other - 0.2 < float(base_ce.sum() / base_n.sum()), (held[x].name, own, other)


def write_library(folder: Path, spec: TargetSpec) -> dict[str, tuple[LoraAdapter, list[str]]]:
    """Three LoRAs: two PEFT dirs with task.json (several descriptions), one GGUF with its task in its metadata."""
    tasks = {
        "shout": ["Write the word in capital letters.", "Uppercase the word."],
        "count": ["Count the letters of the word.", "How many letters does the word have?"],
        "reverse": ["Reverse the letters of the word."],
    }
    out = {}
    for i, (name, descriptions) in enumerate(tasks.items()):
        adapter = LoraAdapter.random(spec, 4, 8.0, seed=i, std=0.1, task=descriptions[0])
        if name == "reverse":
            write_gguf_adapter(adapter, folder / f"{name}.gguf", "f32")
        else:
            write_task_sidecar(write_peft(adapter, folder / name), name, descriptions)
        out[name] = (adapter, descriptions)
    return out


def relative_error(got: LoraAdapter, want: LoraAdapter) -> float:
    diff = sum(((got.weights[s][w] - want.weights[s][w]) ** 2).sum() for s in want.weights for w in (0, 1))
    norm = sum((want.weights[s][w] ** 2).sum() for s in want.weights for w in (0, 1))
    return float(np.sqrt(diff / norm))


def test_reconstruction_reproduces_the_library(tmp_path):
    path = tiny_run_dir(tmp_path, "recon_tiny.toml")
    spec = TargetSpec.from_hf_config(tmp_path / "tiny-base").select(MODULES)
    library = write_library(tmp_path / "library", spec)
    trainer = Trainer(TrainConfig.load(path, "reconstruction"), "reconstruction", tmp_path / "run")
    evals = []
    trainer.fit(lambda e: evals.append(e.values) if e.kind == "eval" else None)
    assert evals[0]["eval_rel_error"] > 0.9 and evals[-1]["eval_rel_error"] < 0.08, evals

    hypernet, encoder = trainer.hypernet, trainer.embeddings.encoder
    for name, (target, descriptions) in library.items():
        for adapter in hypernet.generate(encoder.encode(descriptions), tasks=descriptions):
            errors = {other: relative_error(adapter, t) for other, (t, _) in library.items()}
            assert errors[name] < 0.08 and min(errors, key=errors.get) == name, (name, errors)
            scale = adapter.scale
            assert scale == target.scale
            got = adapter.delta(0, "q_proj")
            np.testing.assert_allclose(got, target.delta(0, "q_proj"), atol=0.1 * np.abs(target.delta(0, "q_proj")).max())


def test_library_errors(tmp_path):
    spec = TargetSpec.from_hf_config(tiny_model("gemma3").config.to_dict()).select(MODULES)
    folder = tmp_path / "lib"
    with pytest.raises(MissingFileError, match="LoRA library folder not found"):
        load_library(folder, spec, 4, 2.0)
    folder.mkdir()
    (folder / "notes.txt").write_text("not an adapter")
    with pytest.raises(InvalidInputError, match="no adapters"):
        load_library(folder, spec, 4, 2.0)
    write_peft(LoraAdapter.random(spec, 4, 8.0), folder / "nameless")
    with pytest.raises(InvalidInputError, match=r"nameless: no task description \(neither task.json"):
        load_library(folder, spec, 4, 2.0)
    write_peft(LoraAdapter.random(spec, 8, 8.0, task="Do it."), folder / "nameless")
    with pytest.raises(AdapterMismatchError, match="nameless: rank 8, the hypernetwork's is 4"):
        load_library(folder, spec, 4, 2.0)
    write_peft(LoraAdapter.random(spec.select(["q_proj"]), 4, 8.0, task="Do it."), folder / "nameless")
    with pytest.raises(AdapterMismatchError, match="module v_proj is absent"):
        load_library(folder, spec, 4, 2.0)
    write_peft(LoraAdapter.random(spec, 4, 16.0, task="Do it."), folder / "nameless")  # scale 4, not 2
    (entry,) = load_library(folder, spec, 4, 2.0)
    original = LoraAdapter.random(spec, 4, 16.0)  # the same weights as the one written
    for kind in spec.modules:  # B carries the scale ratio, so the hypernetwork's scale · B·A is the adapter's ΔW
        a, b = entry.tensors[kind]
        np.testing.assert_allclose(a[1].numpy(), original.weights[(1, kind)][0])
        np.testing.assert_allclose(b[1].numpy(), 2.0 * original.weights[(1, kind)][1])
    assert entry.descriptions == ("Do it.",) and entry.name == "nameless"


# -- scale-out and resume -------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_torchrun_two_processes_match_one_process(tmp_path):
    """The same global batch of 8 on 2 gloo processes (4 each) and on one: the same parameters after 6 steps."""
    path = tiny_run_dir(tmp_path, **SHORT)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
         "-m", "t2l_edge.cli", "train", "--mode", "sft", "--config", str(path), "--output", str(tmp_path / "ddp")],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    Trainer(TrainConfig.load(path, "sft"), "sft", tmp_path / "one").fit()
    ddp, one = latest_checkpoint(tmp_path / "ddp"), latest_checkpoint(tmp_path / "one")
    assert ddp.name == one.name == "step-000006"
    assert json.loads((ddp / TRAINER_STATE).read_text())["world_size"] == 2
    a, b = weights_of(ddp / "hypernet.safetensors"), weights_of(one / "hypernet.safetensors")
    start = Trainer(TrainConfig.load(path, "sft"), "sft", tmp_path / "fresh").hypernet.state_dict()
    moved = max(float((b[k] - start[k]).abs().max()) for k in b)
    assert moved > 1e-2  # the runs did train
    for k in a:
        torch.testing.assert_close(a[k], b[k], atol=1e-5, rtol=0)


def test_resume_continues_exactly(tmp_path):
    """6 steps straight, and 3 steps + a resume from the step-3 checkpoint in a new Trainer: identical bits."""
    config = TrainConfig.load(tiny_run_dir(tmp_path, **{**SHORT, "every = 20\nkeep": "every = 3\nkeep"}), "sft")
    Trainer(config, "sft", tmp_path / "straight").fit()
    Trainer(config, "sft", tmp_path / "split").fit(stop_at=3)
    with open(tmp_path / "split" / "metrics.jsonl", "a") as f:  # an interrupted run logged a step it never saved
        f.write(json.dumps({"step": 4, "loss": 9.0}) + "\n")
    assert latest_checkpoint(tmp_path / "split").name == "step-000003"
    assert json.loads((tmp_path / "split" / LATEST).read_text()) == {"step": 3, "checkpoint": "step-000003"}
    resumed = Trainer(config, "sft", tmp_path / "split", resume=True)
    assert resumed.step == 3
    resumed.fit()
    for name in ("hypernet.safetensors", OPTIMIZER_FILE):
        a = weights_of(tmp_path / "straight" / "step-000006" / name)
        b = weights_of(tmp_path / "split" / "step-000006" / name)
        assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a), name
    assert sorted(p.name for p in (tmp_path / "split").glob("step-*")) == ["step-000003", "step-000006"]  # keep = 2
    lines = [json.loads(x) for x in (tmp_path / "split" / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in lines if "loss" in r] == [1, 2, 3, 4, 5, 6]
    loaded = load_checkpoint(tmp_path / "split" / "step-000006")  # a plain hypernetwork checkpoint too
    assert loaded.config.extra["mode"] == "sft" and loaded.config.encoder == "all-MiniLM-L6-v2"


def test_run_directory_refusals(tmp_path):
    path = tiny_run_dir(tmp_path, **SHORT)
    config = TrainConfig.load(path, "sft")
    Trainer(config, "sft", tmp_path / "run").fit(stop_at=2)
    with pytest.raises(InvalidInputError, match="already holds checkpoints .*pass --resume"):
        Trainer(config, "sft", tmp_path / "run")
    with pytest.raises(MissingFileError, match="no checkpoint to resume from"):
        Trainer(config, "sft", tmp_path / "empty", resume=True)
    changed = TrainConfig.load(path.parent / path.name, "sft")
    changed.data.batch_size = 4
    with pytest.raises(InvalidInputError, match=r"\[data\] field 'batch_size' is 4, .*trained with 8"):
        Trainer(changed, "sft", tmp_path / "run", resume=True)


# -- CLI ------------------------------------------------------------------------------------------------------------


def test_cli_train_then_generate(capsys, tmp_path):
    path = tiny_run_dir(tmp_path, **SHORT)
    code, out, err = run_cli(capsys, "train", "--mode", "sft", "--config", path, "--output", tmp_path / "run")
    assert code == 0, err
    assert "trained to step 6" in out and "eval_loss" in out
    # off a terminal (a log), the progress bar is a heartbeat on stderr: the first step and the last
    assert re.search(r"^sft: step 1/6 · loss \d\.\d{4} · [\d,]+ tok/s · ETA \d+:\d\d:\d\d$", err, re.M), err
    assert re.search(r"^sft: step 6/6 · loss \d\.\d{4} · [\d,]+ tok/s · ETA 0:00:00$", err, re.M), err
    assert {p.name for p in (tmp_path / "run" / "step-000006").iterdir()} == {
        "config.json", "hypernet.safetensors", OPTIMIZER_FILE, TRAINER_STATE}

    # one task, quantized GGUF, from the run directory (its newest checkpoint)
    code, out, err = run_cli(capsys, "generate", "--checkpoint", tmp_path / "run", "--task", "Uppercase the word.",
                             "--output", tmp_path / "one.gguf", "--quantization", "q8_0")
    assert code == 0, err
    one = load_adapter(tmp_path / "one.gguf")
    generator = Generator(tmp_path / "run" / "step-000006")
    assert one.task == "Uppercase the word." and one.generator == generator.hypernet.generator_hash()

    # a batch file: one forward pass, one adapter per line, the index mapping lines to files
    batch = tmp_path / "batch.txt"
    texts = ["Uppercase the word.", "Count the letters of the word.", "Say the word backwards."]
    batch.write_text(f"{texts[0]}\n\n{json.dumps({'task': texts[1]})}\n{texts[2]}\n")
    code, out, err = run_cli(capsys, "generate", "--checkpoint", tmp_path / "run", "--batch-file", batch,
                             "--output", tmp_path / "many", "--format", "safetensors")
    assert code == 0, err
    index = [json.loads(x) for x in (tmp_path / "many" / "index.jsonl").read_text().splitlines()]
    assert index == [{"line": 1, "file": "0001.safetensors", "task": texts[0]},
                     {"line": 3, "file": "0002.safetensors", "task": texts[1]},
                     {"line": 4, "file": "0003.safetensors", "task": texts[2]}]
    for row, text in zip(index, texts):
        got = LoraAdapter.load(tmp_path / "many" / row["file"])
        (alone,) = generator.generate([text])  # the batched pass equals one text at a time
        assert got.task == text
        for slot, (a, b) in alone.weights.items():
            np.testing.assert_allclose(got.weights[slot][0], a, atol=1e-6)
            np.testing.assert_allclose(got.weights[slot][1], b, atol=1e-6)
    first, second = (LoraAdapter.load(tmp_path / "many" / r["file"]) for r in index[:2])
    assert relative_error(first, second) > 1e-3  # different tasks, different adapters

    code, _, err = run_cli(capsys, "generate", "--checkpoint", tmp_path / "run", "--task", "x", "--batch-file", batch,
                           "--output", tmp_path / "x")
    assert code == 2 and "give --batch-file, or --task and/or --examples, not both" in err
    code, _, err = run_cli(capsys, "generate", "--checkpoint", tmp_path / "nothing", "--task", "x", "--output", tmp_path / "x")
    assert code == 2 and "checkpoint directory not found" in err
    code, _, err = run_cli(capsys, "generate", "--checkpoint", tmp_path / "run", "--task", "x", "--output", tmp_path / "x",
                           "--format", "onnx")
    assert code == 2 and "--format must be one of gguf, peft, safetensors" in err

    # continuing the run through the CLI
    code, _, err = run_cli(capsys, "train", "--mode", "sft", "--config", path, "--output", tmp_path / "run")
    assert code == 2 and "pass --resume" in err
    code, out, err = run_cli(capsys, "train", "--mode", "sft", "--config", path, "--output", tmp_path / "run", "--resume")
    assert code == 0 and "trained to step 6" in out  # already done: nothing more to do
    # more steps: the cosine is re-planned over 12, so the rate at step 6 climbs back up, and the user is told
    code, out, err = run_cli(capsys, "train", "--mode", "sft", "--config", path, "--output", tmp_path / "run", "--resume",
                             "--steps", "12")
    assert code == 0 and "trained to step 12" in out
    note = re.search(r"resuming at step 6 with \[optim\] steps 12 \(the run planned 6\): the cosine schedule is "
                     r"re-planned, the learning rate goes from ([\d.e-]+) to ([\d.e-]+) \(([\d.]+)×\)", err)
    assert note, err
    assert float(note[2]) > float(note[1]) and abs(float(note[3]) - float(note[2]) / float(note[1])) < 0.02


@pytest.mark.slow
def test_compiled_decoder_trains_as_the_eager_one(tmp_path):
    """[run] compile = true: the base's decoder goes through torch.compile (inductor, shapes dynamic) and the run
    computes what the eager one does: the same losses over steps of different sequence lengths."""
    from t2l_edge.train.sft import decoder_and_head

    path = tiny_run_dir(tmp_path, **SHORT)
    eager = Trainer(TrainConfig.load(path, "sft"), "sft", tmp_path / "eager")
    path.write_text(path.read_text().replace("[run]\n", "[run]\ncompile = true\n"))
    compiled = Trainer(TrainConfig.load(path, "sft"), "sft", tmp_path / "compiled")
    decoder, _, _ = decoder_and_head(compiled.objective.model)
    assert decoder._compiled_call_impl is not None and decoder_and_head(eager.objective.model)[0]._compiled_call_impl is None
    lengths = set()
    for _ in range(4):
        a, b = eager.train_step(), compiled.train_step()
        assert b["loss"] == pytest.approx(a["loss"], rel=1e-4, abs=1e-5)
        lengths.add(a["tokens"])
    assert len(lengths) > 1  # batches of different lengths: one dynamic graph serves them


def test_compile_must_be_a_boolean(tmp_path):
    path = tiny_run_dir(tmp_path)
    path.write_text(path.read_text().replace("[run]\n", "[run]\ncompile = \"yes\"\n"))
    with pytest.raises(InvalidInputError, match=r"\[run\] field 'compile': must be true or false"):
        TrainConfig.load(path, "sft")


@pytest.mark.slow
def test_profile_script_times_compiled_beside_eager(tmp_path):
    """examples/profile_train_step.py --compile-vs-eager: both trainers on the same batches (equal losses per step),
    and the medians it reports are those of its step lines."""
    import statistics

    script = Path(__file__).resolve().parent.parent / "examples" / "profile_train_step.py"
    done = subprocess.run([sys.executable, str(script), str(tiny_run_dir(tmp_path)), "1", "5", "--compile-vs-eager"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    steps = re.findall(r"^step \d+: ([\d.]+) s, loss ([\d.]+) · compiled ([\d.]+) s, loss ([\d.]+)$", done.stdout, re.M)
    assert len(steps) == 5
    for _, eager_loss, _, compiled_loss in steps:
        assert float(compiled_loss) == pytest.approx(float(eager_loss), rel=1e-4, abs=1e-5)
    eager = statistics.median(float(s[0]) for s in steps[2:])
    compiled = statistics.median(float(s[2]) for s in steps[2:])
    assert f"median {eager:.3f} s/step" in done.stdout and f"compiled: median {compiled:.3f} s/step" in done.stdout
    ratio = re.search(r"eager / compiled ([\d.]+)×", done.stdout)
    assert ratio and float(ratio.group(1)) == pytest.approx(eager / compiled, rel=0.05)  # from the unrounded times
