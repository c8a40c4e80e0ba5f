"""Issue 12's reproducers, each a case run through the real CLI in its own process (tests/fuzz/cases.py), plus
the library behaviour behind them: outputs that never destroy foreign files, BF16 PEFT weights, bounded readers."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fuzz"))

from cases import CASES, safetensors_bytes  # noqa: E402
from gguf_bytes import F32, F64, Gguf, gemma_v_adapter, with_key  # noqa: E402
from case_outcome import run_case  # noqa: E402

from t2l_edge.adapter import LoraAdapter  # noqa: E402
from t2l_edge.compat import check_adapter_fits  # noqa: E402
from t2l_edge.errors import CorruptFileError, InvalidAdapterError, InvalidInputError, OutputError  # noqa: E402
from t2l_edge.export.peft import read_peft, write_peft  # noqa: E402
from t2l_edge.gguf_reader import read_gguf  # noqa: E402
from t2l_edge.io import atomic_dir, recover_dir, temp_dir_beside  # noqa: E402
from t2l_edge.safetensors_io import read_safetensors  # noqa: E402
from t2l_edge.targets import ModuleKind, ModuleShape, TargetSpec  # noqa: E402
from t2l_edge.text import quote  # noqa: E402

SLOW_CASES = {"build-engine into a folder with notes.txt"}  # loads the checkpoint and the encoder first


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, marks=[pytest.mark.slow] if c.needs_llama or c.name in SLOW_CASES else []) for c in CASES],
    ids=[c.name for c in CASES],
)
def test_reproducer(case, tmp_path):
    outcome = run_case(case, tmp_path)
    assert outcome.verdict == "clean", f"{outcome.verdict}: {outcome.detail}"


# -- the library behind the cases -------------------------------------------------------------------------------------

SPEC = TargetSpec("gemma3", 2, {ModuleKind.V: ModuleShape(64, 32)})


def test_alpha_stored_as_float64_is_refused_before_llama_cpp(gemma_gguf):
    bad = read_gguf(with_key(gemma_v_adapter(), "adapter.lora.alpha", F64, 16.0).to_bytes())
    with pytest.raises(CorruptFileError, match="FLOAT32"):
        check_adapter_fits(bad, gemma_gguf)
    check_adapter_fits(read_gguf(gemma_v_adapter().to_bytes()), gemma_gguf)  # the same adapter with an F32 alpha fits


def test_existing_folder_with_other_files_is_refused_and_force_keeps_them(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    adapter = LoraAdapter.random(SPEC, 4, task="a")
    with pytest.raises(OutputError, match="notes.txt"):
        write_peft(adapter, out)
    assert sorted(os.listdir(out)) == ["notes.txt"]
    write_peft(adapter, out, force=True)
    assert (out / "notes.txt").read_text() == "mine" and read_peft(out).task == "a"
    write_peft(LoraAdapter.random(SPEC, 4, task="b"), out, force=True)  # again: replaces only its own files
    assert (out / "notes.txt").read_text() == "mine" and read_peft(out).task == "b"


def test_previous_output_of_the_same_kind_is_replaced_whole(tmp_path):
    out = tmp_path / "out"
    write_peft(LoraAdapter.random(SPEC, 4, task="a"), out)
    write_peft(LoraAdapter.random(SPEC, 4, task="b"), out)
    assert read_peft(out).task == "b" and sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_output_into_a_file_or_the_current_directory_is_refused(tmp_path, monkeypatch):
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputError, match="not a directory"):
        with atomic_dir(tmp_path / "f"):
            pass
    monkeypatch.chdir(tmp_path)
    with pytest.raises(OutputError, match="current directory"):
        with atomic_dir("."):
            pass
    assert (tmp_path / "f").read_text() == "x"


def test_temporary_build_data_of_a_killed_run_is_cleaned_at_the_next_start(tmp_path):
    out = tmp_path / "bundle"
    work = temp_dir_beside(out)
    (Path(work.name) / "encoder.onnx").write_bytes(bytes(1000))
    work._finalizer.detach()
    dead = Path(work.name).with_name(Path(work.name).name.replace(f".{os.getpid()}.", ".999999999."))
    os.rename(work.name, dead)  # as if its writer had been killed: a pid no process has
    assert dead.parent == tmp_path
    recover_dir(out)
    assert list(tmp_path.iterdir()) == []
    live = temp_dir_beside(out)  # a live writer's temporary data stays
    recover_dir(out)
    assert Path(live.name).is_dir()
    live.cleanup()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("dtype", ["BF16", "F16", "F32"])
def test_half_precision_safetensors_read_exactly(tmp_path, dtype):
    values = np.array([[1.0, -2.5, 3.140625, 0.0], [1e-3, 65504.0 if dtype != "BF16" else 1e30, -0.5, 7.0]], np.float32)
    (tmp_path / "t.safetensors").write_bytes(safetensors_bytes({"x": values}, dtype))
    _, tensors = read_safetensors(tmp_path / "t.safetensors")
    expected = values.astype(np.float16).astype(np.float32) if dtype == "F16" else values
    if dtype == "BF16":  # bfloat16 keeps the upper 16 bits
        expected = (values.view(np.uint32) & 0xFFFF0000).view(np.float32)
    np.testing.assert_array_equal(tensors["x"], expected)
    assert tensors["x"].dtype == np.float32


def test_safetensors_header_lengths_are_checked_before_reading(tmp_path):
    data = bytearray(safetensors_bytes({"x": np.zeros((2, 4), np.float32)}))
    (tmp_path / "big.safetensors").write_bytes(b"\xff" * 8 + data[8:])
    with pytest.raises(CorruptFileError, match="header length"):
        read_safetensors(tmp_path / "big.safetensors")
    lying = bytes(data).replace(b'"shape": [2, 4]', b'"shape": [2, 9]')
    (tmp_path / "shape.safetensors").write_bytes(lying)
    with pytest.raises(CorruptFileError, match="data offsets"):
        read_safetensors(tmp_path / "shape.safetensors")


def test_hostile_counts_are_refused_in_milliseconds():
    g = Gguf(list(gemma_v_adapter().kvs), [], n_tensors=1 << 24, n_kv=1 << 40)
    start = time.perf_counter()
    with pytest.raises(CorruptFileError, match="more than the file"):
        read_gguf(g.to_bytes() + bytes(1 << 20))
    assert time.perf_counter() - start < 0.5


def test_export_refuses_values_that_overflow_the_chosen_type(tmp_path):
    from t2l_edge.export.gguf import to_gguf_bytes

    adapter = LoraAdapter.random(SPEC, 4)
    adapter.weights[(1, ModuleKind.V)][1][3, 2] = 1e38
    for recipe in ("f16", "q4_0", "q8_0"):
        with pytest.raises(InvalidAdapterError, match="too large"):
            to_gguf_bytes(adapter, recipe)
    read_gguf(to_gguf_bytes(adapter, "f32"))  # f32 holds it


def test_quote_escapes_and_shortens_file_controlled_text():
    assert quote("a\x00b\x1b[31m\udcff") == "a\\x00b\\x1b[31m\\udcff"
    long = quote("x" * 100_000)
    assert len(long) < 240 and long.endswith("(100,000 characters)")
    assert quote("naïve — ok") == "naïve — ok"


def test_gguf_alpha_is_what_inspect_reports(tmp_path):
    from t2l_edge.describe import describe_adapter
    from t2l_edge.export.gguf import read_gguf_adapter

    gguf = read_gguf(with_key(gemma_v_adapter(), "adapter.lora.alpha", F32, 4.0).to_bytes())
    info = describe_adapter(read_gguf_adapter(gguf), "gguf", "a.gguf", gguf.size, [], gguf.metadata["adapter.lora.alpha"])
    assert info["gguf_alpha"] == 4.0 and info["llama_cpp_scale"] == 0.5


# -- issue 21 ---------------------------------------------------------------------------------------------------------


def _resident_by_every_batch(model, settings) -> int:
    """The CPU-resident compute bytes summed the slow way: every prompt batch of n_ubatch tokens, each attending to
    the cells filled so far (what compute_buffers did before it became closed-form)."""
    from t2l_edge.memory.llama_terms import (ACTIVATION_BYTES_PER_TOKEN, ATTENTION_BYTES_PER_PAIR_HEAD,
                                             FLASH_ATTN_SCRATCH_PER_TOKEN_HEAD, KV_CELL_PAD, MASK_BYTES_PER_PAIR,
                                             SAMPLER_BYTES_PER_VOCAB)

    pad = lambda n: -(-n // KV_CELL_PAD) * KV_CELL_PAD  # noqa: E731
    ub, n_head, kv_full = settings.ubatch, max(model.n_head), settings.n_ctx
    kv_swa = kv_full if settings.swa_full else min(kv_full, pad(model.n_swa + ub))
    worst = 0
    for start in range(0, settings.filled, ub):
        n = min(ub, settings.filled - start)
        n_kv = min(kv_full, pad(start + n))
        n_kv_swa = min(kv_swa, n_kv) if model.has_swa else 0
        scores = 0 if settings.flash_attn else n * n_kv * n_head * ATTENTION_BYTES_PER_PAIR_HEAD
        worst = max(worst, scores + n * (n_kv + n_kv_swa) * MASK_BYTES_PER_PAIR[settings.flash_attn])
    tokens = min(ub, settings.filled)
    if settings.flash_attn:
        worst += tokens * n_head * FLASH_ATTN_SCRATCH_PER_TOKEN_HEAD
    return (tokens * ACTIVATION_BYTES_PER_TOKEN(model.n_ff, model.n_embd) + worst
            + model.n_vocab * SAMPLER_BYTES_PER_VOCAB)


@pytest.mark.parametrize("context", [1, 255, 256, 300, 511, 512, 513, 1000, 1024, 1537, 2048, 4097, 32768])
def test_memory_estimate_is_closed_form_and_equals_every_batch(gemma_gguf, context):
    from t2l_edge.memory import BaseModelInfo, CacheType, LlamaSettings, compute_buffers

    model = BaseModelInfo.from_gguf(gemma_gguf)
    variants = [dict(), dict(swa_full=False), dict(n_ubatch=128), dict(n_ubatch=333, n_batch=400),
                dict(prompt_tokens=max(1, context // 3))]
    for kwargs in variants:
        for cache in (CacheType.F16, CacheType.Q8_0):
            settings = LlamaSettings.for_cache_type(context, cache, **kwargs)
            assert compute_buffers(model, settings).resident == _resident_by_every_batch(model, settings), (kwargs, cache)


def test_context_above_the_bound_is_refused_naming_it():
    from t2l_edge.generate_config import GenerateConfig
    from t2l_edge.limits import MAX_CONTEXT
    from t2l_edge.memory import LlamaSettings

    assert LlamaSettings(MAX_CONTEXT).n_ctx == MAX_CONTEXT
    for make in (LlamaSettings, lambda c: GenerateConfig(context=c)):
        for bad in (MAX_CONTEXT + 1, 10**23, 2**63 - 1):
            with pytest.raises(InvalidInputError, match="16,777,216"):
                make(bad)


def test_structure_bounds_nesting_surrogates_and_aliases(tmp_path):
    from t2l_edge.config_files import read_config_file
    from t2l_edge.io import check_structure, parse_json
    from t2l_edge.limits import MAX_CONFIG_VALUES, MAX_NESTING

    assert parse_json("[" * MAX_NESTING + "]" * MAX_NESTING, "ok") is not None  # exactly the bound: read
    for text in ("[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1), "[" * 100_000):
        with pytest.raises(CorruptFileError, match=f"nested more than {MAX_NESTING} levels"):
            parse_json(text, "f.json")
    with pytest.raises(CorruptFileError, match="lone surrogate"):
        parse_json('{"a": {"b\\udfff": 1}}', "f.json")  # in a key, two levels down
    assert parse_json('"\\ud83d\\ude00"', "f.json") == "😀"  # a pair is a character
    wide = {str(i): list(range(10)) for i in range(MAX_CONFIG_VALUES // 11 + 1)}
    with pytest.raises(InvalidInputError, match=f"more than {MAX_CONFIG_VALUES:,} values"):
        check_structure(wide, "c.yaml", max_values=MAX_CONFIG_VALUES)
    aliases = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n" for p, n in zip("abcdef", "bcdefg"))
    (tmp_path / "c.yaml").write_text(aliases)
    with pytest.raises(InvalidInputError, match="aliases expanded"):
        read_config_file(tmp_path / "c.yaml")  # 10^7 values from 7 lines


def test_files_read_whole_are_bounded(tmp_path):
    from t2l_edge.io import read_text

    (tmp_path / "f.txt").write_bytes(b"x" * 1001)
    assert read_text(tmp_path / "f.txt", limit=1001) == "x" * 1001
    with pytest.raises(InvalidInputError, match="larger than 1,000 bytes"):
        read_text(tmp_path / "f.txt", limit=1000)
    with pytest.raises(InvalidInputError, match="larger than 1,000 bytes"):
        read_text("/dev/zero", limit=1000)  # a device that never ends


def test_an_adapter_scaled_past_the_bound_is_refused_everywhere():
    from t2l_edge.compat import check_adapter_header
    from t2l_edge.limits import MAX_LORA_SCALE

    rank = 8
    fine = with_key(gemma_v_adapter(rank=rank), "adapter.lora.alpha", F32, MAX_LORA_SCALE * rank)
    check_adapter_header(read_gguf(fine.to_bytes()))
    huge = with_key(gemma_v_adapter(rank=rank), "adapter.lora.alpha", F32, 3e38)
    with pytest.raises(InvalidAdapterError, match="at most 10000"):
        check_adapter_header(read_gguf(huge.to_bytes()))
    with pytest.raises(InvalidAdapterError, match="at most 10000"):
        LoraAdapter.random(SPEC, 4, alpha=4 * MAX_LORA_SCALE * 1.01)
