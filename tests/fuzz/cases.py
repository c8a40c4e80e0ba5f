"""Every reproducer of issues 12 and 21 as a case: the input it builds, the command it runs, and what must hold after.

Used by tests/test_hardening.py (each case once, in-process) and tests/fuzz/report.py (each case in a subprocess
with a timeout, the outcome classified into the issue's table).
"""

from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from gguf_bytes import ARR, F32, F64, I32, STR, U32, U64, Gguf, Tensor, gemma_v_adapter, with_key

CLASSES = {
    "crash": "1 abort in llama.cpp",
    "files": "2 user files deleted",
    "nan": "4 NaN/Inf/alpha",
    "hang": "5 hangs on big input",
    "verdict": "6 wrong verdicts",
    "exit3": "7 exit 3 on bad input",
    "follow": "8 inputs followed outside",
    # issue 21
    "size": "9 unbounded sizes",
    "nest": "10 deep nesting",
    "value": "11 bad values accepted",
}
HANG_CLASSES = {"hang", "size", "nest"}  # a case of these that runs past case_outcome.HANG_S counts as a hang


@dataclass
class Case:
    name: str
    cls: str
    build: Callable[[Path], list[str]]  # writes inputs under a temp dir, returns the CLI arguments
    expect: str = "error"  # "error": a clean one-line exit 2; "ok": exit 0
    words: tuple[str, ...] = ()  # expected in the error line
    keep: tuple[str, ...] = ()  # files (relative to the temp dir) that must survive unchanged
    env: dict[str, str] = field(default_factory=dict)
    needs_llama: bool = False
    hang_s: float | None = None  # a hang class's bound for this case (None: case_outcome.HANG_S)


CASES: list[Case] = []


def case(name, cls, expect="error", words=(), keep=(), needs_llama=False):
    def register(build):
        CASES.append(Case(name, cls, build, expect, tuple(words), tuple(keep), needs_llama=needs_llama))
        return build
    return register


def write(tmp: Path, name: str, data: bytes | str) -> Path:
    p = tmp / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    return p


def infer(path: Path) -> list[str]:
    return ["infer", "--adapter", str(path), "--prompt", "hi", "--max-tokens", "1", "--context", "64"]


def adapter_case(name, cls, make: Callable[[], Gguf | bytes], words=(), expect="error"):
    """A GGUF adapter handed to `infer` (what llama.cpp would load)."""
    def build(tmp):
        g = make()
        return infer(write(tmp, "a.gguf", g if isinstance(g, bytes) else g.to_bytes()))
    CASES.append(Case(name, cls, build, expect, tuple(words), needs_llama=True))


# -- 1. key types llama.cpp asserts (GGML_ASSERT -> SIGABRT) ----------------------------------------------------------
adapter_case("alpha stored as FLOAT64", "crash", lambda: with_key(gemma_v_adapter(), "adapter.lora.alpha", F64, 16.0), ["FLOAT32"])
adapter_case("general.type stored as UINT32", "crash", lambda: with_key(gemma_v_adapter(), "general.type", U32, 1), ["STRING"])
adapter_case("architecture stored as an array", "crash", lambda: with_key(gemma_v_adapter(), "general.architecture", ARR, (STR, ["gemma3"])), ["STRING"])
adapter_case("adapter.type stored as INT32", "crash", lambda: with_key(gemma_v_adapter(), "adapter.type", I32, 7), ["STRING"])
adapter_case("alignment stored as UINT64", "crash", lambda: with_key(gemma_v_adapter(), "general.alignment", U64, 32), ["uint32"])
adapter_case("valid adapter (control)", "crash", gemma_v_adapter, expect="ok")


@case("validate --adapter with alpha stored as FLOAT64", "crash", words=("FLOAT32",))
def _(tmp):
    g = with_key(gemma_v_adapter(), "adapter.lora.alpha", F64, 16.0)
    return ["validate", "-d", "pixel-8", "--adapter", str(write(tmp, "a.gguf", g.to_bytes()))]


# -- 4. NaN / Inf / alpha ---------------------------------------------------------------------------------------------
def _poisoned(qtype: int, bad: float) -> Gguf:
    g = gemma_v_adapter()
    a = np.frombuffer(g.tensors[0].data, np.float32).copy()
    if qtype == 0:  # F32
        a[3] = bad
        g.tensors[0] = Tensor(g.tensors[0].name, g.tensors[0].ne, 0, a.tobytes())
    elif qtype == 1:  # F16
        g.tensors[0] = Tensor(g.tensors[0].name, g.tensors[0].ne, 1, a.astype(np.float16).tobytes())
        h = np.frombuffer(g.tensors[0].data, np.float16).copy()
        h[5] = bad
        g.tensors[0] = Tensor(g.tensors[0].name, g.tensors[0].ne, 1, h.tobytes())
    else:  # Q4_0 with a NaN scale in the second block
        blocks = bytearray(np.zeros(8 * 640 // 32 * 18, np.uint8).tobytes())
        blocks[18:20] = np.float16(bad).tobytes()
        g.tensors[0] = Tensor(g.tensors[0].name, g.tensors[0].ne, 2, bytes(blocks))
    return g


adapter_case("NaN in F32 weights", "nan", lambda: _poisoned(0, np.nan), ["NaN"])
adapter_case("Inf in F16 weights", "nan", lambda: _poisoned(1, np.inf), ["NaN or Inf"])
adapter_case("NaN Q4_0 scale", "nan", lambda: _poisoned(2, np.nan), ["NaN"])
for _label, _alpha in (("NaN", float("nan")), ("Inf", float("inf")), ("0", 0.0), ("negative", -4.0)):
    adapter_case(f"alpha {_label}", "nan", lambda a=_alpha: with_key(gemma_v_adapter(), "adapter.lora.alpha", F32, a), ["alpha"])
adapter_case("alpha missing", "nan", lambda: with_key(gemma_v_adapter(), "adapter.lora.alpha", None), ["alpha"])


@case("inspect reports adapter.lora.alpha", "nan", expect="ok")
def _(tmp):
    g = with_key(gemma_v_adapter(), "adapter.lora.alpha", F32, 4.0)
    return ["inspect", str(write(tmp, "a.gguf", g.to_bytes())), "--json"]


def _native(tmp: Path, scale: float = 1.0, alpha: float = 16.0, task: str = "t") -> Path:
    from t2l_edge.adapter import LoraAdapter
    from t2l_edge.targets import ModuleKind, ModuleShape, TargetSpec

    spec = TargetSpec("gemma3", 1, {ModuleKind.V: ModuleShape(640, 256)})
    ad = LoraAdapter.random(spec, 8, alpha, task=task)
    ad.weights[(0, ModuleKind.V)][0][0, :4] = scale
    return ad.save(tmp / "a.safetensors")


for _q in ("f16", "q4_0"):
    @case(f"export 1e38 at {_q}", "nan", words=("too large",), keep=())
    def _(tmp, q=_q):
        return ["export", "--adapter", str(_native(tmp, 1e38)), "--format", "gguf", "-q", q, "--output", str(tmp / "o.gguf")]


def _peft_dir(tmp: Path, config: dict | None = None, tensors: dict | None = None, dtype: str = "F32") -> Path:
    d = tmp / "peft"
    d.mkdir(exist_ok=True)
    cfg = {"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["v_proj"]}
    cfg.update(config or {})
    (d / "adapter_config.json").write_text(json.dumps(cfg))
    if tensors is None:
        rng = np.random.default_rng(0)
        tensors = {
            "base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight": (rng.standard_normal((8, 640)) * 0.01),
            "base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight": (rng.standard_normal((256, 8)) * 0.01),
        }
    (d / "adapter_model.safetensors").write_bytes(safetensors_bytes(tensors, dtype))
    return d


def safetensors_bytes(tensors: dict[str, np.ndarray], dtype: str = "F32") -> bytes:
    """A safetensors file written by hand (BF16 included, which numpy has no dtype for)."""
    header, blobs, offset = {}, [], 0
    for name, arr in tensors.items():
        arr = np.asarray(arr, np.float32)
        if dtype == "BF16":
            raw = (arr.view(np.uint32) >> 16).astype("<u2").tobytes()
        else:
            raw = arr.astype({"F32": "<f4", "F16": "<f2", "F64": "<f8", "I8": "i1", "I32": "<i4"}[dtype]).tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + b"".join(blobs)


@case("PEFT lora_alpha 1e308", "nan", words=("alpha",))
def _(tmp):
    return ["export", "--adapter", str(_peft_dir(tmp, {"lora_alpha": 1e308})), "--architecture", "gemma3",
            "--format", "gguf", "--output", str(tmp / "o.gguf")]


# -- 5. hangs ---------------------------------------------------------------------------------------------------------
@case("inspect a 100 KB task name", "hang", expect="ok")
def _(tmp):
    g = with_key(gemma_v_adapter(), "adapter.lora.task_name", STR, "x" * 100_000)
    return ["inspect", str(write(tmp, "a.gguf", g.to_bytes()))]


@case("PEFT claiming layer 1e9", "hang")
def _(tmp):
    t = {"base_model.model.model.layers.1000000000.self_attn.v_proj.lora_A.weight": np.zeros((8, 640)),
         "base_model.model.model.layers.1000000000.self_attn.v_proj.lora_B.weight": np.zeros((256, 8))}
    return ["inspect", str(_peft_dir(tmp, tensors=t))]


def _base(tmp: Path, overrides: dict) -> Path:
    """A tiny Gemma-3-like base header (no real weights) with some keys replaced."""
    keys = {"general.architecture": (STR, "gemma3"), "gemma3.block_count": (U32, 2), "gemma3.embedding_length": (U32, 64),
            "gemma3.feed_forward_length": (U32, 128), "gemma3.attention.head_count": (U32, 2),
            "gemma3.attention.head_count_kv": (U32, 1), "gemma3.attention.key_length": (U32, 32),
            "gemma3.context_length": (U32, 1024)}
    keys.update(overrides)
    tensors = [Tensor("token_embd.weight", (64, 100), 0, bytes(64 * 100 * 4))]
    for layer in range(2):
        for n, ne in (("attn_q", (64, 64)), ("attn_k", (64, 32)), ("attn_v", (64, 32)), ("attn_output", (64, 64)),
                      ("ffn_gate", (64, 128)), ("ffn_up", (64, 128)), ("ffn_down", (128, 64))):
            tensors.append(Tensor(f"blk.{layer}.{n}.weight", ne, 0, bytes(ne[0] * ne[1] * 4)))
    return write(tmp, "base.gguf", Gguf([(k, t, v) for k, (t, v) in keys.items() if t is not None], tensors).to_bytes())


@case("base with block_count 1e8", "hang")
def _(tmp):
    return ["validate", "-d", "pixel-8", "--base-model", str(_base(tmp, {"gemma3.block_count": (U32, 100_000_000)}))]


@case("header declaring 2^24 tensors", "hang", words=("tensors",))
def _(tmp):
    return ["inspect", str(write(tmp, "a.gguf", Gguf(list(gemma_v_adapter().kvs), [], n_tensors=1 << 24).to_bytes() + bytes(2**20)))]


@case("profile with a 10 MB comment line", "hang")
def _(tmp):
    from t2l_edge.device_profiles import _shipped_dir

    text = (_shipped_dir() / "pixel-8.toml").read_text()
    return ["profiles", "show", str(write(tmp, "p.toml", "#" + "x" * 10_000_000 + "\n" + text))]


# -- 6. wrong verdicts ------------------------------------------------------------------------------------------------
@case("base claiming 2^62 embedding rows", "verdict")
def _(tmp):
    g = Gguf([("general.architecture", STR, "gemma3")], [Tensor("token_embd.weight", (64, 1 << 62), 0, b"")])
    return ["validate", "-d", "pixel-8", "--base-model", str(write(tmp, "base.gguf", g.to_bytes()))]


@case("base with 0 tensors", "verdict")
def _(tmp):
    return ["validate", "-d", "pixel-8", "--base-model", str(write(tmp, "base.gguf", Gguf([("general.architecture", STR, "gemma3")]).to_bytes()))]


@case("negative head count", "verdict")
def _(tmp):
    return ["validate", "-d", "pixel-8", "--base-model", str(_base(tmp, {"gemma3.attention.head_count": (I32, -4)}))]


@case("negative sliding window", "verdict")
def _(tmp):
    return ["validate", "-d", "pixel-8", "--base-model", str(_base(tmp, {"gemma3.attention.sliding_window": (I32, -512)}))]


def _tampered_bundle(tmp: Path, how: str) -> Path:
    import shutil

    from t2l_edge.models import default_bundle_dir

    src = default_bundle_dir()
    dst = tmp / "bundle"
    shutil.copytree(src, dst)
    manifest = json.loads((dst / "manifest.json").read_text())
    if how == "version":
        manifest["format_version"] = 99
    elif how == "size":
        name = next(iter(manifest["files"]))
        manifest["files"][name]["size"] += 1
    elif how == "checksum":
        (dst / "tokenizer.json").write_text((dst / "tokenizer.json").read_text().replace("[UNK]", "[UNQ]", 1))
    elif how == "symlink":
        target = tmp / "outside.json"
        shutil.copyfile(dst / "tokenizer.json", target)
        (dst / "tokenizer.json").unlink()
        (dst / "tokenizer.json").symlink_to(target)
    (dst / "manifest.json").write_text(json.dumps(manifest))
    return dst


for _how in ("version", "size", "checksum"):
    @case(f"validate --bundle with a tampered {_how}", "verdict")
    def _(tmp, how=_how):
        return ["validate", "-d", "pixel-8", "--bundle", str(_tampered_bundle(tmp, how))]


@case("bundle file symlinked outside the bundle", "follow", words=("outside",))
def _(tmp):
    return ["generate", "--bundle", str(_tampered_bundle(tmp, "symlink")), "--task", "x", "--output", str(tmp / "o.gguf")]


# -- 2. user files ----------------------------------------------------------------------------------------------------
def _dir_with_notes(tmp: Path) -> Path:
    out = tmp / "out"
    write(out, "notes.txt", "mine")
    return out


@case("export --format peft into a folder with notes.txt", "files", keep=("out/notes.txt",))
def _(tmp):
    out = _dir_with_notes(tmp)
    return ["export", "--adapter", str(_native(tmp)), "--format", "peft", "--output", str(out)]


@case("generate --batch-file into a folder with notes.txt", "files", keep=("out/notes.txt",))
def _(tmp):
    out = _dir_with_notes(tmp)
    return ["generate", "--batch-file", str(write(tmp, "tasks.txt", "reverse the words\n")), "--output", str(out)]


@case("build-engine into a folder with notes.txt", "files", keep=("out/notes.txt",))
def _(tmp):
    return ["build-engine", "--output", str(_dir_with_notes(tmp))]


# -- 7. exit 3 on bad input -------------------------------------------------------------------------------------------
@case("BF16 PEFT safetensors", "exit3", expect="ok")
def _(tmp):
    return ["export", "--adapter", str(_peft_dir(tmp, dtype="BF16")), "--architecture", "gemma3", "--format", "gguf",
            "--output", str(tmp / "o.gguf")]


@case("F16 PEFT safetensors", "exit3", expect="ok")
def _(tmp):
    return ["export", "--adapter", str(_peft_dir(tmp, dtype="F16")), "--architecture", "gemma3", "--format", "gguf",
            "--output", str(tmp / "o.gguf")]


for _dt in ("I8", "I32", "F64"):
    @case(f"{_dt} PEFT tensors", "exit3", expect="ok" if _dt == "F64" else "error")
    def _(tmp, dt=_dt):
        return ["export", "--adapter", str(_peft_dir(tmp, dtype=dt)), "--architecture", "gemma3", "--format", "gguf",
                "--output", str(tmp / "o.gguf")]


adapter_case("alignment 0", "exit3", lambda: with_key(gemma_v_adapter(), "general.alignment", U32, 0), ["alignment"])
adapter_case("nested arrays", "exit3", lambda: with_key(gemma_v_adapter(), "x.nested", ARR, (ARR, [])), ["nested"])
for _label, _text in (("bad t2l.target JSON", "{not json"), ("deeply nested t2l.target", "[" * 100_000)):
    @case(_label, "exit3", words=("t2l.target",))
    def _(tmp, text=_text):  # llama.cpp ignores t2l.* keys; inspect reads them
        return ["inspect", str(write(tmp, "a.gguf", with_key(gemma_v_adapter(), "t2l.target", STR, text).to_bytes()))]
adapter_case("rank 0", "exit3", lambda: gemma_v_adapter(rank=0), ["rank 0"])


def _rank_huge():
    g = gemma_v_adapter()
    g.tensors[0] = Tensor(g.tensors[0].name, (640, 1 << 62), 0, g.tensors[0].data)
    return g


adapter_case("rank 2^62", "exit3", _rank_huge)
for _t, _tid in (("I8", 24), ("I32", 26), ("F64", 28)):
    def _typed(tid=_tid):
        g = gemma_v_adapter()
        g.tensors[1] = Tensor(g.tensors[1].name, g.tensors[1].ne, tid, g.tensors[1].data * 2)
        return g
    adapter_case(f"{_t} adapter tensor", "exit3", _typed)


@case("head_count 0", "exit3")
def _(tmp):
    return ["validate", "-d", "pixel-8", "--base-model", str(_base(tmp, {"gemma3.attention.head_count": (U32, 0)}))]


@case("deeply nested PEFT config JSON", "exit3")
def _(tmp):
    d = _peft_dir(tmp)
    (d / "adapter_config.json").write_text("[" * 100_000 + "]" * 100_000)
    return ["inspect", str(d)]


@case("deeply nested TOML profile", "exit3")
def _(tmp):
    return ["validate", "-d", str(write(tmp, "p.toml", "a = " + "[" * 50_000 + "]" * 50_000 + "\n"))]


@case("--max-memory 1e308TB", "exit3")
def _(tmp):
    return ["validate", "-d", "pixel-8", "--max-memory", "1e308TB"]


@case("invalid UTF-8 task text", "exit3")
def _(tmp):
    return ["generate", "--task", "reverse \udcff words", "--output", str(tmp / "o.gguf")]


@case("lone surrogate in a JSONL task", "exit3")
def _(tmp):
    return ["generate", "--batch-file", str(write(tmp, "t.jsonl", '{"task": "rev \\ud800"}\n')), "--output", str(tmp / "o")]


@case("rich markup in a task text", "exit3", expect="ok")
def _(tmp):
    return ["generate", "--task", "Reverse [/bold] the words", "--output", str(tmp / "o.gguf")]


@case("output is a directory", "exit3", keep=("o/keep.txt",))
def _(tmp):
    write(tmp, "o/keep.txt", "x")
    return ["export", "--adapter", str(_native(tmp)), "--format", "gguf", "--output", str(tmp / "o")]


@case("--output .", "exit3")
def _(tmp):
    return ["export", "--adapter", str(_native(tmp)), "--format", "peft", "--output", "."]


@case("disk full while writing", "exit3", keep=("o.gguf",))
def _(tmp):
    write(tmp, "o.gguf", b"old contents")
    return ["export", "--adapter", str(_native(tmp)), "--format", "gguf", "-q", "f32", "--output", str(tmp / "o.gguf")]


CASES[-1].env = {"T2L_FUZZ_FSIZE": "4096"}  # RLIMIT_FSIZE: writes past 4 KiB fail with EFBIG, like a full disk


@case("read-only output folder", "exit3", keep=("ro/o.gguf",))
def _(tmp):
    write(tmp, "ro/o.gguf", b"old contents")
    return ["export", "--adapter", str(_native(tmp)), "--format", "gguf", "--output", str(tmp / "ro" / "o.gguf")]


CASES[-1].env = {"T2L_FUZZ_READONLY": "ro"}  # mkstemp in that folder fails with EROFS (root ignores chmod)


@case("base GGUF llama.cpp refuses", "exit3")
def _(tmp):
    return ["infer", "--base-model", str(_base(tmp, {})), "--adapter", str(write(tmp, "a.gguf", gemma_v_adapter().to_bytes())),
            "--prompt", "hi", "--max-tokens", "1"]


CASES[-1].needs_llama = True


@case("adapter tensor name with control characters", "exit3", words=("\\x1b",))
def _(tmp):
    g = gemma_v_adapter()
    g.tensors[0] = Tensor("\x1b[31m\x00evil.lora_a", g.tensors[0].ne, 0, g.tensors[0].data)
    return infer(write(tmp, "a.gguf", g.to_bytes()))


CASES[-1].needs_llama = True


# == issue 21 ==========================================================================================================
DEEP = "[" * 100_000 + "]" * 100_000


def _results(tmp: Path, name: str, score="1", version: int = 1, raw: str | None = None) -> Path:
    """An `evaluate --output` file with one prediction (`score` is written as JSON text: NaN, 1e308 …)."""
    text = raw or ('{"format": "t2l-edge-evaluation", "version": %d, "predictions": [{"task": "t", "condition": "t2l", '
                   '"index": 0, "reference": "a", "score": %s}]}' % (version, score))
    return write(tmp, name, text)


# -- 10. deep nesting (finding 6) -------------------------------------------------------------------------------------
@case("evaluate --test-data with a deeply nested JSONL line", "nest", words=("nested", "100"))
def _(tmp):
    line = '{"input": "a", "output": "b", "x": %s}\n' % DEEP
    return ["evaluate", "--test-data", str(write(tmp, "t.jsonl", line)), "--output", str(tmp / "r.json")]


@case("generate --examples with a deeply nested JSONL line", "nest", words=("nested", "100"))
def _(tmp):
    line = '{"input": "a", "output": "b", "x": %s}\n' % DEEP
    return ["generate", "--examples", str(write(tmp, "e.jsonl", line)), "--output", str(tmp / "o.gguf")]


for _suffix, _text in ((".yaml", "generate:\n  task: x\n  extra: " + DEEP + "\n"), (".toml", "[generate]\nx = " + DEEP + "\n")):
    @case(f"generate --config {_suffix[1:].upper()} nested 100,000 deep", "nest", words=("nested", "100"))
    def _(tmp, suffix=_suffix, text=_text):
        return ["generate", "--config", str(write(tmp, "c" + suffix, text))]


@case("train --config nested 100,000 deep", "nest", words=("nested", "100"))
def _(tmp):
    return ["train", "--mode", "sft", "--config", str(write(tmp, "c.toml", "[train]\nx = " + DEEP + "\n"))]


@case("compare a results file nested 100,000 deep", "nest", words=("nested", "100"))
def _(tmp):
    return ["compare", str(_results(tmp, "a.json", raw=DEEP)), str(_results(tmp, "b.json"))]


# -- 11. bad values accepted (findings 7, 9; YAML duplicates) ------------------------------------------------------
@case("evaluate --test-data with a lone surrogate", "value", words=("surrogate",))
def _(tmp):
    return ["evaluate", "--test-data", str(write(tmp, "t.jsonl", '{"input": "\\ud800", "output": "x"}\n')),
            "--output", str(tmp / "r.json")]


for _label, _score in (("NaN", "NaN"), ("1e308", "1e308")):
    @case(f"compare a results file with score {_label}", "value", words=("score",))
    def _(tmp, score=_score):
        return ["compare", str(_results(tmp, "a.json", score)), str(_results(tmp, "b.json"))]


@case('compare results of "version": 9', "value", words=("version 9",))
def _(tmp):
    return ["compare", str(_results(tmp, "a.json", version=9)), str(_results(tmp, "b.json", version=9))]


@case("compare -o naming its own input", "value", keep=("a.json",), words=("input",))
def _(tmp):
    return ["compare", str(_results(tmp, "a.json")), str(_results(tmp, "b.json")), "-o", str(tmp / "a.json")]


@case("YAML config with a duplicate key", "value", words=("duplicate key",))
def _(tmp):
    text = "generate:\n  task: Reverse the words.\n  task: Write in uppercase.\n  output: o.gguf\n"
    return ["generate", "--config", str(write(tmp, "c.yaml", text))]


# -- 9. unbounded sizes (finding 13) ----------------------------------------------------------------------------------
@case("generate --examples /dev/zero", "size", words=("268,435,456",))
def _(tmp):
    return ["generate", "--examples", "/dev/zero", "--output", str(tmp / "o.gguf")]


# -- 9. unbounded sizes: context (findings 3, 4) ------------------------------------------------------------------------
for _ctx in (10**10, 2**63 - 1):
    @case(f"validate --context {_ctx}", "size", words=("16777216",))
    def _(tmp, ctx=_ctx):
        return ["validate", "-d", "raspberry-pi-5-4gb", "--context", str(ctx)]


@case("validate at the largest context answers at once", "size", expect="ok")
def _(tmp):
    return ["validate", "-d", "raspberry-pi-5-4gb", "--context", str(1 << 24), "--max-memory", "1000TB"]


@case("generate --config with validate and context 1e23", "size", words=("context", "16,777,216"))
def _(tmp):
    text = ("generate:\n  task: Reverse the words.\n  output: o.gguf\n  validate: raspberry-pi-5-4gb\n"
            "  context: 99999999999999999999999\n")
    return ["generate", "--config", str(write(tmp, "c.yaml", text))]


# -- merge (findings 5, 8) ---------------------------------------------------------------------------------------------
def _gemma_pair(tmp: Path) -> list[str]:
    """Two adapters of the shipped generator's shape for Gemma 3 270M (all seven projections, rank 8), as q4_0 GGUF."""
    from t2l_edge.adapter import LoraAdapter
    from t2l_edge.export.gguf import write_gguf_adapter
    from t2l_edge.models import default_base_model
    from t2l_edge.targets import TargetSpec

    spec = TargetSpec.from_gguf(default_base_model())
    paths = []
    for seed in (1, 2):
        paths.append(str(write_gguf_adapter(LoraAdapter.random(spec, 8, seed=seed), tmp / f"a{seed}.gguf", "q4_0")))
    return paths


@case("merge --strategy dare_ties --seed -1", "value", words=("--seed",))
def _(tmp):
    return ["merge", *_gemma_pair(tmp), "--strategy", "dare_ties", "--seed", "-1", "--output", str(tmp / "m.gguf")]


@case("merge --strategy svd --rank 100000", "size", words=("at most 256",))
def _(tmp):
    return ["merge", *_gemma_pair(tmp), "--strategy", "svd", "--rank", "100000", "--output", str(tmp / "m.gguf")]


@case("merge --strategy svd --rank 8 of two Gemma 3 270M adapters (the README's)", "size", expect="ok")
def _(tmp):
    return ["merge", *_gemma_pair(tmp), "--strategy", "svd", "--rank", "8", "--output", str(tmp / "m.gguf")]


CASES[-1].hang_s = 30.0  # 2 s of work on 2 quiet cores; the dense SVD it replaces took over 300 s


# -- 9. unbounded sizes: a hypernetwork's or a LoRA's dimensions ---------------------------------------------------------
@case("train --config with latent_size 1e9", "size", words=("latent_size", "65,536"))
def _(tmp):
    return ["train", "--mode", "sft", "--config", str(write(tmp, "c.toml", "[data]\nsplit = \"train\"\n[hypernet]\nlatent_size = 1000000000\n")),
            "--output", str(tmp / "run")]


@case("train-lora --rank 100000", "size", words=("--rank", "1024"))
def _(tmp):
    task = '{"name": "rev", "descriptions": ["Reverse the words."], "examples": [{"input": "a b", "output": "b a"}]}\n'
    return ["train-lora", "--tasks", str(write(tmp, "t.jsonl", task)), "--rank", "100000", "--output", str(tmp / "o")]


# -- 11. bad values accepted: alpha and task name of an adapter (finding 10, a minor one) ------------------------------
def _generated_gguf(tmp: Path, alpha: float) -> Path:
    """An adapter as `generate` writes it (t2l.* keys included) for Gemma 3 270M's attn_v, with adapter.lora.alpha
    overwritten in place."""
    from t2l_edge.adapter import LoraAdapter
    from t2l_edge.export.gguf import to_gguf_bytes
    from t2l_edge.targets import ModuleKind, ModuleShape, TargetSpec

    spec = TargetSpec("gemma3", 18, {ModuleKind.V: ModuleShape(640, 256)})
    data = bytearray(to_gguf_bytes(LoraAdapter.random(spec, 8, 16.0, task="t"), "f32"))
    key = b"adapter.lora.alpha"
    at = data.index(key) + len(key) + 4  # the key, then its uint32 value type, then the float32
    data[at:at + 4] = struct.pack("<f", alpha)
    return write(tmp, "a.gguf", bytes(data))


@case("inspect an adapter whose adapter.lora.alpha is 3e38", "value", words=("alpha", "10000"))
def _(tmp):
    return ["inspect", str(_generated_gguf(tmp, alpha=3e38))]


@case("infer with an adapter whose adapter.lora.alpha is 3e38", "value", words=("alpha", "10000"))
def _(tmp):
    return infer(_generated_gguf(tmp, alpha=3e38))


CASES[-1].needs_llama = True


@case("inspect an adapter whose adapter.lora.task_name is a number (infer takes it)", "value", expect="ok")
def _(tmp):
    return ["inspect", str(write(tmp, "a.gguf", with_key(gemma_v_adapter(), "adapter.lora.task_name", U32, 7).to_bytes()))]
