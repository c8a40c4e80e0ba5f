"""Property tests over every reader of untrusted input: GGUF header and adapters (with llama.cpp's pre-check), PEFT
and native safetensors adapters, the bundle manifest, task files and device profiles.

The property: whatever the bytes, a reader returns or raises a `T2LEdgeError` whose message is one printable line of
bounded length, never another exception and never a numpy warning. `make test` runs a short derandomized pass
(profile "ci"); `make fuzz` runs `HYPOTHESIS_PROFILE=fuzz` (thousands of examples each, random seeds).
The explicit reproducers of issue 12 are in tests/fuzz/cases.py (test_hardening.py).
"""

from __future__ import annotations

import copy
import json
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent / "fuzz"))

from cases import safetensors_bytes  # noqa: E402
from gguf_bytes import ARR, STR, Gguf, Tensor, gemma_v_adapter  # noqa: E402

from t2l_edge.adapter import LoraAdapter  # noqa: E402
from t2l_edge.bundle import Manifest  # noqa: E402
from t2l_edge.compat import check_adapter_fits  # noqa: E402
from t2l_edge.device_profiles import load_profile_file, profile_from_dict  # noqa: E402
from t2l_edge.errors import T2LEdgeError  # noqa: E402
from t2l_edge.export.gguf import read_gguf_adapter, to_gguf_bytes  # noqa: E402
from t2l_edge.export.peft import read_peft, write_peft  # noqa: E402
from t2l_edge.gguf_reader import read_gguf  # noqa: E402
from t2l_edge.io import read_text_lines  # noqa: E402
from t2l_edge.safetensors_io import read_safetensors  # noqa: E402
from t2l_edge.targets import ModuleKind, ModuleShape, TargetSpec  # noqa: E402

_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("ci", max_examples=40, derandomize=True, **_COMMON)
settings.register_profile("fuzz", max_examples=3000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

MAX_MESSAGE = 600  # a path (may be long) plus the ~200 characters quoted from the file
SPEC = TargetSpec("gemma3", 2, {ModuleKind.V: ModuleShape(64, 32), ModuleKind.Q: ModuleShape(64, 64)})
ADAPTER = LoraAdapter.random(SPEC, 4, task="reverse the words")


def only_clean_errors(fn, *args, **kwargs):
    """Call fn; a T2LEdgeError is fine if its message is one printable, bounded line; numpy warnings fail."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            return fn(*args, **kwargs)
        except T2LEdgeError as e:
            message = str(e)
            assert message.isprintable() and len(message) <= MAX_MESSAGE, repr(message[:300])
            return None


def mutations(data: bytes, header_bytes: int):
    """Byte flips, overwrites with extreme integers, truncation and insertion, mostly inside the header."""
    position = st.integers(0, max(0, min(len(data), header_bytes) - 1))
    extreme = st.sampled_from([0, 1, 2**31 - 1, 2**32 - 1, 2**62, 2**63, 2**64 - 1, 0x7FC00000])
    flip = st.tuples(st.just("flip"), position, st.integers(0, 255))
    word = st.tuples(st.just("word"), position, extreme)
    cut = st.tuples(st.just("cut"), st.integers(0, len(data)), st.just(0))
    insert = st.tuples(st.just("insert"), position, st.integers(1, 64))
    return st.lists(st.one_of(flip, word, cut, insert), min_size=1, max_size=4)


def apply(data: bytes, edits) -> bytes:
    buf = bytearray(data)
    for kind, at, v in edits:
        if kind == "flip" and at < len(buf):
            buf[at] = v
        elif kind == "word":
            buf[at : at + 8] = v.to_bytes(8, "little")
        elif kind == "cut":
            del buf[at:]
        elif kind == "insert":
            buf[at:at] = bytes([0xFF]) * v
    return bytes(buf)


GGUF_DATA = to_gguf_bytes(ADAPTER, "q8_0")
GEMMA_ADAPTER = gemma_v_adapter(rank=2).to_bytes()


@pytest.fixture(scope="module")
def gemma_header(gemma_gguf):
    return gemma_gguf


@given(mutations(GGUF_DATA, 2048))
def test_gguf_adapter_reader(edits):
    gguf = only_clean_errors(read_gguf, apply(GGUF_DATA, edits))
    if gguf is not None:
        only_clean_errors(read_gguf_adapter, gguf)


@given(mutations(GEMMA_ADAPTER, 600))
def test_llama_cpp_precheck(gemma_header, edits):
    gguf = only_clean_errors(read_gguf, apply(GEMMA_ADAPTER, edits))
    if gguf is not None:
        only_clean_errors(check_adapter_fits, gguf, gemma_header)


_names = st.text(st.characters(codec="utf-8"), max_size=80)
_scalar = st.one_of(
    st.tuples(st.integers(0, 7).filter(lambda t: t != 6), st.integers(0, 1)),
    st.tuples(st.just(6), st.floats(width=32)),
    st.tuples(st.just(12), st.floats()),
    st.tuples(st.just(STR), _names),
)


@given(
    st.lists(st.tuples(st.sampled_from(["general.alignment", "general.type", "adapter.lora.alpha", "adapter.type",
                                        "general.architecture", "t2l.target", "x"]), _scalar), max_size=6),
    st.lists(st.tuples(_names, st.lists(st.integers(0, 2**64 - 1), max_size=5), st.integers(0, 40),
                       st.one_of(st.none(), st.integers(0, 2**64 - 1))), max_size=4),
    st.one_of(st.none(), st.integers(0, 2**64 - 1)),
)
def test_gguf_structures(gemma_header, kvs, tensors, n_tensors):
    """Headers built field by field: any key type, any dimensions, ggml type and offset, any declared count."""
    g = Gguf([(k, t, v) for k, (t, v) in kvs], [Tensor(n, tuple(ne), ty, bytes(64), off) for n, ne, ty, off in tensors],
             n_tensors=n_tensors)
    gguf = only_clean_errors(read_gguf, g.to_bytes())
    if gguf is not None:
        only_clean_errors(check_adapter_fits, gguf, gemma_header)
        only_clean_errors(read_gguf_adapter, gguf)


@given(st.lists(st.tuples(st.sampled_from([ARR, STR]), st.integers(0, 12), st.integers(0, 2**64 - 1)), max_size=3))
def test_gguf_arrays(arrays):
    """Arrays of any element type (nested too) declaring any length."""
    kvs = list(gemma_v_adapter().kvs)
    data = Gguf(kvs).to_bytes()
    for i, (_, etype, count) in enumerate(arrays):
        key = f"k{i}".encode()
        data += len(key).to_bytes(8, "little") + key + ARR.to_bytes(4, "little") + etype.to_bytes(4, "little")
        data += count.to_bytes(8, "little") + bytes(16)
    n_kv = len(kvs) + len(arrays)
    only_clean_errors(read_gguf, data[:16] + n_kv.to_bytes(8, "little") + data[24:])


SAFETENSORS = {
    dtype: safetensors_bytes({"layers.0.v_proj.lora_A": np.ones((4, 64)), "layers.0.v_proj.lora_B": np.ones((32, 4))}, dtype)
    for dtype in ("F32", "BF16")
}


@given(st.sampled_from(sorted(SAFETENSORS)), st.data())
def test_safetensors_reader(tmp_path_factory, dtype, data):
    raw = SAFETENSORS[dtype]
    edits = data.draw(mutations(raw, int.from_bytes(raw[:8], "little") + 8))
    path = tmp_path_factory.mktemp("st") / "a.safetensors"
    path.write_bytes(apply(raw, edits))
    only_clean_errors(read_safetensors, path)


@given(st.data())
def test_native_adapter(tmp_path_factory, data):
    d = tmp_path_factory.mktemp("native")
    ADAPTER.save(d / "a.safetensors")
    raw = (d / "a.safetensors").read_bytes()
    (d / "a.safetensors").write_bytes(apply(raw, data.draw(mutations(raw, int.from_bytes(raw[:8], "little") + 8))))
    only_clean_errors(LoraAdapter.load, d / "a.safetensors")


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(), st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12,
)


toml_values = st.recursive(  # what a TOML file can hold: no null
    st.one_of(st.booleans(), st.integers(-(2**63), 2**63 - 1), st.floats(), st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12,
)


def mutate_tree(tree, data, values=json_values):
    """Replace one node of a JSON-like tree with any value of `values`."""
    tree = copy.deepcopy(tree)
    node = tree
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node))) if isinstance(node, list) else []
        if not keys:
            return data.draw(values)
        key = data.draw(st.sampled_from(keys))
        if data.draw(st.booleans()) or not isinstance(node[key], (dict, list)) or not node[key]:
            node[key] = data.draw(values)
            return tree
        node = node[key]


@given(st.data())
def test_peft_config(tmp_path_factory, data):
    d = tmp_path_factory.mktemp("peft") / "p"
    write_peft(ADAPTER, d)
    config = json.loads((d / "adapter_config.json").read_text())
    (d / "adapter_config.json").write_text(json.dumps(mutate_tree(config, data)))
    only_clean_errors(read_peft, d, architecture="gemma3")


@pytest.fixture(scope="module")
def manifest_dict():
    from t2l_edge.models import default_bundle_dir

    return json.loads((default_bundle_dir() / "manifest.json").read_text())


@given(st.data())
def test_bundle_manifest(manifest_dict, data):
    only_clean_errors(Manifest.from_dict, mutate_tree(manifest_dict, data))


@given(st.binary(max_size=400) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_task_files(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("tasks") / "t.txt"
    path.write_bytes(raw)
    lines = only_clean_errors(read_text_lines, path, ("task", "description"), "task")
    for _, text in lines or []:
        text.encode("utf-8")  # every accepted text is valid UTF-8


@pytest.fixture(scope="module")
def profile_dict():
    import tomllib

    from t2l_edge.device_profiles import _shipped_dir

    return tomllib.loads((_shipped_dir() / "pixel-8.toml").read_text())


@given(st.data())
def test_device_profile_fields(profile_dict, data):
    only_clean_errors(profile_from_dict, mutate_tree(profile_dict, data, toml_values), "p.toml")


@given(st.text(max_size=300))
def test_device_profile_text(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("profile") / "p.toml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    only_clean_errors(load_profile_file, path)


HOSTILE_NAMES = ["../outside.json", "/etc/hostname", "a\x00b", "", ".", "sub/../../outside.json", "link.json", "x" * 300]


@given(st.data())
def test_bundle_directory(tmp_path_factory, manifest_dict, data):
    """Bundle.load over a small bundle whose manifest lists hostile file names, wrong sizes or checksums."""
    import hashlib

    root = tmp_path_factory.mktemp("bundle")
    d = root / "b"
    d.mkdir()
    (root / "outside.json").write_text("{}")
    (d / "link.json").symlink_to(root / "outside.json")
    manifest = copy.deepcopy(manifest_dict)
    files = {}
    for name in manifest["files"]:
        content = name.encode()
        (d / name).write_bytes(content)
        files[name] = {"size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
    manifest["files"] = files
    name = data.draw(st.sampled_from([*HOSTILE_NAMES, *files]))
    entry = {"size": data.draw(st.integers(-1, 10**20)), "sha256": data.draw(st.sampled_from(["0" * 64, "zz", ""]))}
    if name in files and data.draw(st.booleans()):
        entry = {**files[name], **data.draw(st.sampled_from([{}, {"size": 0}, {"sha256": "f" * 64}]))}
    manifest["files"][name] = entry
    (d / "manifest.json").write_text(json.dumps(manifest))
    from t2l_edge.bundle import Bundle

    bundle = only_clean_errors(Bundle.load, d)
    if bundle is not None:  # accepted: only when every listed file is inside the bundle and as recorded
        for listed in bundle.manifest.files:
            assert (d / listed).resolve().is_relative_to(d.resolve())


@given(st.sampled_from(sorted(SAFETENSORS)), st.data())
def test_peft_weights(tmp_path_factory, dtype, data):
    """A PEFT directory whose weights file is damaged (any dtype PEFT writes)."""
    d = tmp_path_factory.mktemp("peftw") / "p"
    d.mkdir()
    (d / "adapter_config.json").write_text(json.dumps({"peft_type": "LORA", "r": 4, "lora_alpha": 8}))
    raw = safetensors_bytes({"base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight": np.ones((4, 64)),
                             "base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight": np.ones((32, 4))}, dtype)
    (d / "adapter_model.safetensors").write_bytes(apply(raw, data.draw(mutations(raw, int.from_bytes(raw[:8], "little") + 8))))
    only_clean_errors(read_peft, d, architecture="gemma3")


# -- the server (issue 21): every class of body mutation against one in-process server ---------------------------------


@pytest.mark.slow
def test_server_answers_every_mutated_body_cleanly():
    """tests/fuzz/http_cases.py: surrogates, wrong types, extreme numbers, malformed JSON, sizes, headers and clients
    that leave, each sent with httpx to a real server on loopback (Gemma 3 270M, the shipped generator). Clean: a
    2xx or a 4xx with OpenAI's error body, no traceback logged, and the server still serving."""
    from http_cases import CASES as HTTP_CASES, run_http_cases

    outcomes = run_http_cases(HTTP_CASES)
    bad = [f"{o.verdict} {o.status} {o.case.name}: {o.detail}" for o in outcomes if o.verdict != "clean"]
    assert not bad, "\n".join(bad)
