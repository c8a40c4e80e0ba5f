"""`evaluate --adapter NAME=PATH --test-data FILE`: adapters you have, scored on your own data, on the real Gemma 3
270M with the shipped hypernetwork; response times from llama.cpp's own counters."""

from __future__ import annotations

import json

import pytest

from cli_helpers import assert_one_line_error, run

pytestmark = pytest.mark.slow

TASK = "Reverse the order of the words."
EXAMPLES = [("red fox jumps", "jumps fox red"), ("one two three", "three two one"), ("sun and moon", "moon and sun"),
            ("big blue sea", "sea blue big"), ("cats chase mice", "mice chase cats"), ("we like tea", "tea like we")]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("evaluate")
    task = {"name": "reverse", "descriptions": [TASK], "examples": [{"input": i, "output": o} for i, o in EXAMPLES]}
    (tmp / "task.jsonl").write_text(json.dumps(task) + "\n")
    (tmp / "reverse.jsonl").write_text("".join(json.dumps({"input": i, "output": o}) + "\n" for i, o in EXAMPLES))
    return tmp


def scores(path) -> dict:
    out = json.loads(path.read_text())
    return {(s["task"], s["condition"]): s for s in out["scores"]}, out


def test_reproduces_the_t2l_score_from_the_same_adapter(capsys, data):
    code, _, err = run(capsys, "generate", "--task", TASK, "-q", "q4_0", "--output", data / "mine.gguf")
    assert code == 0, err
    code, _, err = run(capsys, "evaluate", "--tasks", data / "task.jsonl", "--conditions", "t2l", "-o", data / "t2l.json")
    assert code == 0, err
    code, out, err = run(capsys, "evaluate", "--adapter", f"mine={data / 'mine.gguf'}", "--test-data", data / "task.jsonl",
                         "--conditions", "t2l,base", "--metrics", "accuracy,response_time,tokens_per_second",
                         "-o", data / "mine.json")
    assert code == 0, err
    t2l, _ = scores(data / "t2l.json")
    mine, full = scores(data / "mine.json")
    assert mine[("reverse", "mine")]["accuracy"] == t2l[("reverse", "t2l")]["accuracy"]
    assert mine[("reverse", "mine")]["ci"] == t2l[("reverse", "t2l")]["ci"]
    assert mine[("reverse", "t2l")]["accuracy"] == t2l[("reverse", "t2l")]["accuracy"]
    preds = {c: [p["prediction"] for p in full["predictions"] if p["condition"] == c] for c in ("t2l", "mine", "base")}
    assert preds["mine"] == preds["t2l"] and preds["mine"] != preds["base"]
    assert "mine" in out and "response time" in out and "tokens/s" in out

    latency = {s["condition"]: s for s in full["latency"]}
    assert set(latency) == {"base", "t2l", "mine"} and latency["mine"]["answers"] == len(EXAMPLES)
    for s in latency.values():
        for key in ("prompt_ms", "decode_ms", "total_ms"):
            assert 0 < s[key]["p50"] <= s[key]["p95"]
        assert 1 < s["tokens_per_second_overall"] < 5000
    for p in full["predictions"]:
        t = p["timing"]
        assert t["prompt_tokens"] >= 5 and t["prompt_ms"] > 0  # 'Input: … Output:' through the model
        assert t["decode_tokens"] + 1 >= len(p["prediction"].split())  # every word came from a decoded token


def test_plain_input_output_jsonl_and_several_adapters(capsys, data):
    code, _, err = run(capsys, "generate", "--task", "Sort the words in alphabetical order.", "-q", "q8_0",
                       "--output", data / "sort.gguf")
    assert code == 0, err
    code, _, err = run(capsys, "evaluate", "-a", f"mine={data / 'mine.gguf'}", "-a", data / "sort.gguf",
                       "--test-data", data / "reverse.jsonl", "-o", data / "plain.json")
    assert code == 0, err
    plain, full = scores(data / "plain.json")
    named, _ = scores(data / "mine.json")
    assert [c["name"] for c in full["conditions"]] == ["base", "mine", "sort"]  # a bare path is named by its file
    assert plain[("reverse", "mine")]["accuracy"] == named[("reverse", "mine")]["accuracy"]  # same data, plain form
    assert plain[("reverse", "base")]["accuracy"] == named[("reverse", "base")]["accuracy"]
    assert "latency" not in full  # accuracy only, by default


def test_refusals(capsys, data, gemma_spec):
    from t2l_edge.adapter import LoraAdapter
    from t2l_edge.targets import ModelDims, TargetSpec

    dims = ModelDims(hidden=64, n_layers=2, n_heads=4, n_kv_heads=2, head_dim=16, intermediate=96)
    LoraAdapter.random(TargetSpec.from_dims("llama", dims, ["q_proj"]), 4).save(data / "llama.safetensors")
    for args, words in [
        (["-a", f"x={data / 'llama.safetensors'}"], ["llama"]),
        (["-a", f"base={data / 'mine.gguf'}"], ["'base'"]),
        (["-a", f"x={data / 'mine.gguf'}", "-a", f"x={data / 'mine.gguf'}"], ["'x' is used twice"]),
        (["-a", f"x={data / 'nope.gguf'}"], ["nope.gguf"]),
        (["-a", f"x={data / 'mine.gguf'}", "--metrics", "speed"], ["unknown metric 'speed'"]),
    ]:
        code, _, err = run(capsys, "evaluate", *args, "--test-data", data / "reverse.jsonl", "-o", data / "x.json")
        assert_one_line_error(code, err, *words)
        assert code == 2


def test_lora_scale_multiplies_the_adapter(capsys, data):
    """--lora-scale S answers as the same adapter with alpha × S (llama.cpp scales ΔW), and 0 as the base."""
    import dataclasses

    from t2l_edge.export.formats import load_adapter
    from t2l_edge.export.gguf import to_gguf_bytes
    from t2l_edge.export.recipes import Recipe

    code, _, err = run(capsys, "generate", "--task", TASK, "-q", "f16", "--output", data / "f16.gguf")
    assert code == 0, err
    adapter = load_adapter(data / "f16.gguf")
    (data / "f16x2.gguf").write_bytes(to_gguf_bytes(dataclasses.replace(adapter, alpha=adapter.alpha * 2), Recipe.F16))
    results = {}
    for scale, names in [("2", ["mine=f16.gguf"]), ("0", ["mine=f16.gguf"]), ("1", ["mine=f16.gguf", "doubled=f16x2.gguf"])]:
        args = [a for n in names for a in ("-a", f"{n.split('=')[0]}={data / n.split('=')[1]}")]
        code, _, err = run(capsys, "evaluate", *args, "--test-data", data / "reverse.jsonl", "--lora-scale", scale,
                           "-o", data / f"scale{scale}.json")
        assert code == 0, err
        full = json.loads((data / f"scale{scale}.json").read_text())
        assert full["meta"]["lora_scale"] == float(scale)
        results[scale] = {c: [p["prediction"] for p in full["predictions"] if p["condition"] == c]
                          for c in ("base", "mine", "doubled")}
    assert results["2"]["mine"] == results["1"]["doubled"]  # the multiplier is the adapter's alpha × S
    assert results["1"]["mine"] != results["1"]["doubled"]  # and it changes the answers here
    assert results["0"]["mine"] == results["0"]["base"]  # 0: the base answers
    for bad in ("-1", "4.5", "many"):
        code, _, err = run(capsys, "evaluate", "-a", f"x={data / 'f16.gguf'}", "--test-data", data / "reverse.jsonl",
                           "--lora-scale", bad, "-o", data / "x.json")
        assert_one_line_error(code, err, "--lora-scale")
        assert code == 2
