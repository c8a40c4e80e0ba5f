"""`LlamaCppRunner.stream` on the real Gemma 3 270M: the pieces come one by one and join to `generate`'s text."""

import pytest

from conftest import strong_adapter
from t2l_edge.export.gguf import to_gguf_bytes


@pytest.mark.parametrize(
    "prompt, stop",
    [
        ("Count: 1, 2, 3,", ()),
        ("Count: 1, 2, 3,", (" 6",)),  # the stop is two tokens: pieces that may start it are held back
        ("Input: red fox jumps\nOutput:", ("\n",)),
    ],
)
def test_stream_joins_to_generate(runner, prompt, stop):
    runner.use(None)
    expected = runner.generate(prompt, max_tokens=24, stop=stop)
    pieces = list(runner.stream(prompt, max_tokens=24, stop=stop))
    assert "".join(pieces) == expected
    assert len(pieces) >= min(4, len(expected.split())) and len(pieces) > 1  # token by token, not one block
    assert all(pieces)


def test_stream_with_an_adapter_and_sampling(runner, gemma_spec):
    runner.use(to_gguf_bytes(strong_adapter(gemma_spec.select(["q_proj", "v_proj"]), seed=4), "f16"))
    try:
        prompt = "The capital of France is"
        assert "".join(runner.stream(prompt, max_tokens=16)) == runner.generate(prompt, max_tokens=16)
        sampled = runner.generate(prompt, max_tokens=16, temperature=1.0, seed=7)
        assert "".join(runner.stream(prompt, max_tokens=16, temperature=1.0, seed=7)) == sampled
    finally:
        runner.use(None)


def test_a_stream_left_half_read_does_not_leak_into_the_next_call(runner):
    runner.use(None)
    prompt = "Count: 1, 2, 3,"
    expected = runner.generate(prompt, max_tokens=12)
    first = runner.stream("The capital of France is", max_tokens=12)
    next(first)
    first.close()
    assert runner.generate(prompt, max_tokens=12) == expected
