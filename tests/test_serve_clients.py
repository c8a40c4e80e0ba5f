"""`t2l-edge serve` as its clients use it (issue 23): the real Gemma 3 270M in llama.cpp, the shipped generator, a
real server on loopback, the official `openai` client (completions and chat, stream and not), LangChain's
`ChatOpenAI` (a chat-only client), and the installed command.

- a request that names a task is answered as `t2l-edge apply` answers without the client setting anything;
- no marker or control token ever reaches the text;
- chat works on a base model without a chat template through a task, a system message or an adapter;
- /v1/models lists generated adapters, metric types are right, Retry-After follows measured request times, and the
  start-up line of a wildcard bind is a URL that answers."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import openai
import pytest

from t2l_edge.prompts import PromptMode, adapter_prompt, get_prompt_format
from t2l_edge.serve import ServeSettings, start_server
from t2l_edge.serve.server import browsable_url

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
pytestmark = pytest.mark.slow

T2L_EDGE = str(Path(sys.executable).parent / "t2l-edge")
TASK = "Reverse the order of the words."
INPUT = "red fox jumps"
IO = get_prompt_format("io-v1")
# what Gemma 3's vocabulary holds besides text: a completion must never show one
MARKERS = ("<start_of_image>", "<end_of_image>", "[multimodal]", "<start_of_turn>", "<pad>", "<unused")


@pytest.fixture(scope="module")
def server():
    with start_server(ServeSettings(port=0, context=512, cache_size=4)) as s:
        yield s


@pytest.fixture(scope="module")
def client(server):
    return openai.OpenAI(base_url=server.url + "/v1", api_key="none", max_retries=0, timeout=120)


@pytest.fixture()
def http(server):
    with httpx.Client(base_url=server.url, timeout=120) as c:
        yield c


def generator_mode(server) -> PromptMode:
    return PromptMode(server.state.prompt_mode or "bare")


# -- 1. completions that behave ---------------------------------------------------------------------------------


def test_marker_tokens_never_reach_the_text(client, server):
    """A prompt of image markers makes the base continue with more of them when it may; it may not."""
    prompt = "<start_of_image>" * 3
    for stream in (False, True):
        for seed in range(4):
            kwargs = dict(model=server.state.model_id, prompt=prompt, max_tokens=8, seed=seed)
            if stream:
                text = "".join(c.choices[0].text for c in client.completions.create(**kwargs, stream=True))
            else:
                text = client.completions.create(**kwargs).choices[0].text
            assert not any(m in text for m in MARKERS), (stream, seed, text)
    # the README's plain line, sampled at OpenAI's default temperature
    for seed in range(6):
        text = client.completions.create(model=server.state.model_id, prompt=INPUT, max_tokens=16,
                                         seed=seed).choices[0].text
        assert text.strip() and not any(m in text for m in MARKERS), (seed, text)
    banned = set(server.state.backend.banned_tokens.tolist())
    ids = server.state.backend.tokenize("<start_of_image><end_of_image>[multimodal]<start_of_turn>")[1:]
    assert set(ids) <= banned
    eos = server.state.backend.llm.token_eos()
    assert eos not in banned  # what ends an answer stays allowed
    html = server.state.backend.tokenize("<table>", special=True)[1:]
    assert not set(html) & banned  # user-defined tokens that are text stay


def test_a_task_request_is_answered_as_apply_without_decoding_fields(client, server):
    """Only prompt, task and max_tokens: the adapter's format and prompt mode, greedy, stopping at the answer's end,
    the same as every field spelt out."""
    bare = client.completions.create(model=server.state.model_id, prompt=INPUT, max_tokens=24,
                                     extra_body={"task": TASK})
    spelt = client.completions.create(model=server.state.model_id, prompt=INPUT, max_tokens=24, temperature=0,
                                      stop=["\n"], extra_body={"task": TASK, "format": "io-v1"})
    assert bare.choices[0].text == spelt.choices[0].text and bare.choices[0].text.strip()
    info = bare.model_extra["t2l"]
    assert info["prompt"] == adapter_prompt(IO, INPUT, TASK, generator_mode(server))
    assert info["prompt_mode"] == generator_mode(server).value
    assert bare.choices[0].finish_reason == "stop" and "\n" not in bare.choices[0].text
    again = [client.completions.create(model=server.state.model_id, prompt=INPUT, max_tokens=24,
                                       extra_body={"task": TASK}).choices[0].text for _ in range(2)]
    assert again == [bare.choices[0].text] * 2  # greedy: the same every time
    # the generated adapter named as the model gets the same defaults
    by_name = client.completions.create(model=info["adapter"], prompt=INPUT, max_tokens=24)
    assert by_name.choices[0].text == bare.choices[0].text


def test_what_the_client_sets_wins(client, server):
    instructed = client.completions.create(model=server.state.model_id, prompt=INPUT, max_tokens=8,
                                           extra_body={"task": TASK, "prompt_mode": "instructed"})
    assert instructed.model_extra["t2l"]["prompt"] == f"{TASK}\n\nInput: {INPUT}\nOutput:"
    raw = client.completions.create(model=server.state.model_id, prompt=INPUT, max_tokens=8, temperature=0,
                                    extra_body={"task": TASK, "format": "raw"})
    assert raw.model_extra["t2l"]["prompt"] == INPUT and raw.model_extra["t2l"]["prompt_mode"] is None
    stop = client.completions.create(model=server.state.model_id, prompt=INPUT, max_tokens=24, stop=[" "],
                                     extra_body={"task": TASK, "prompt_mode": "instructed"})
    assert " " not in stop.choices[0].text
    sampled = {client.completions.create(model=server.state.model_id, prompt=INPUT, max_tokens=8, temperature=1.5,
                                         seed=seed, extra_body={"task": TASK}).choices[0].text for seed in range(4)}
    assert len(sampled) >= 2  # the client's temperature, not greedy


def test_lora_scale_zero_is_the_base_told_the_task(http, server):
    """What the playground's first column shows: the instructed prompt, answered by the base without the adapter."""
    told = http.post("/v1/completions", json={"prompt": INPUT, "task": TASK, "prompt_mode": "instructed",
                                              "lora_scale": 0, "max_tokens": 16}).json()
    prompt = told["t2l"]["prompt"]
    assert prompt == f"{TASK}\n\nInput: {INPUT}\nOutput:"
    base = http.post("/v1/completions", json={"prompt": prompt, "format": "raw", "temperature": 0, "stop": ["\n"],
                                              "max_tokens": 16}).json()
    assert told["choices"][0]["text"] == base["choices"][0]["text"]
    adapted = http.post("/v1/completions", json={"prompt": INPUT, "task": TASK, "prompt_mode": "instructed",
                                                 "max_tokens": 16}).json()
    assert adapted["t2l"]["adapter"] == told["t2l"]["adapter"]


# -- 2. chat for a base model ---------------------------------------------------------------------------------


def test_chat_with_a_system_message_as_the_task(client, server):
    expected = client.completions.create(model=server.state.model_id, prompt=INPUT, max_tokens=24,
                                         extra_body={"task": TASK})
    messages = [{"role": "system", "content": TASK}, {"role": "user", "content": INPUT}]
    reply = client.chat.completions.create(model=server.state.model_id, messages=messages, max_tokens=24)
    assert reply.choices[0].message.content == expected.choices[0].text
    assert reply.choices[0].message.role == "assistant"
    assert reply.model_extra["t2l"]["adapter"] == expected.model_extra["t2l"]["adapter"]
    chunks = list(client.chat.completions.create(model=server.state.model_id, messages=messages, max_tokens=24,
                                                 stream=True))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == expected.choices[0].text
    # earlier turns do not change the answer to the last user message; the task field works as the system message
    history = [{"role": "user", "content": "blue sky"}, {"role": "assistant", "content": "sky blue"},
               {"role": "user", "content": INPUT}]
    by_field = client.chat.completions.create(model=server.state.model_id, messages=history, max_tokens=24,
                                              extra_body={"task": TASK})
    assert by_field.choices[0].message.content == expected.choices[0].text
    by_adapter = client.chat.completions.create(model=expected.model_extra["t2l"]["adapter"], max_tokens=24,
                                                messages=[{"role": "user", "content": INPUT}])
    assert by_adapter.choices[0].message.content == expected.choices[0].text
    parts = client.chat.completions.create(model=server.state.model_id, max_tokens=24, messages=[
        {"role": "developer", "content": [{"type": "text", "text": TASK}]},
        {"role": "user", "content": [{"type": "text", "text": INPUT}]}])
    assert parts.choices[0].message.content == expected.choices[0].text


def test_plain_chat_on_a_base_stays_a_clear_400(client, server, http):
    for stream in (False, True):
        with pytest.raises(openai.BadRequestError) as e:
            client.chat.completions.create(model=server.state.model_id, stream=stream,
                                           messages=[{"role": "user", "content": "hi"}])
        assert "no chat template" in str(e.value) and "system message" in str(e.value)
    too_long = http.post("/v1/chat/completions", json={"messages": [{"role": "system", "content": "x" * 1500},
                                                                    {"role": "user", "content": "hi"}]})
    assert too_long.status_code == 400 and "system message" in too_long.json()["error"]["message"]


def test_langchain_chat_model(server, client):
    """LangChain's ChatOpenAI speaks only chat: a system message and a user message get the task's answer."""
    from langchain_core.messages import HumanMessage, SystemMessage
    from langchain_openai import ChatOpenAI

    expected = client.completions.create(model=server.state.model_id, prompt=INPUT, max_tokens=24,
                                         extra_body={"task": TASK}).choices[0].text
    chat = ChatOpenAI(base_url=server.url + "/v1", api_key="none", model=server.state.model_id, max_tokens=24,
                      max_retries=0, timeout=120)
    messages = [SystemMessage(TASK), HumanMessage(INPUT)]
    assert chat.invoke(messages).content == expected
    assert "".join(chunk.content for chunk in chat.stream(messages)) == expected


# -- 4. the small ones --------------------------------------------------------------------------------------------


def test_models_list_generated_adapters(client, server, http):
    made = http.post("/v1/completions", json={"prompt": "a b", "task": "Write the text in uppercase.",
                                              "max_tokens": 1}).json()["t2l"]["adapter"]
    cards = {m.id: m for m in client.models.list().data}
    assert made in cards and cards[made].model_extra["t2l"] == {"kind": "generated",
                                                                 "task": "Write the text in uppercase."}
    assert cards[server.state.model_id].model_extra["t2l"]["kind"] == "base"


def test_metric_types_and_no_created_series(http):
    http.post("/v1/completions", json={"prompt": "ab", "max_tokens": 1})
    text = http.get("/metrics").text
    types = dict(re.findall(r"^# TYPE (\S+) (\S+)$", text, re.M))
    assert not [line for line in text.splitlines() if "_created" in line]
    expected = {"t2l_requests": "counter", "t2l_tokens": "counter", "t2l_adapter_cache": "counter",
                "t2l_swaps_saved": "counter", "t2l_queue_depth": "gauge", "t2l_adapters_loaded": "gauge",
                "t2l_resident_memory_bytes": "gauge", "t2l_ready": "gauge", "t2l_phase_seconds": "histogram"}
    for name, kind in expected.items():
        assert types.get(name) == kind or types.get(name + "_total") == kind, (name, types.get(name))


def test_swaps_saved_counts_up_with_the_scheduler():
    from t2l_edge.serve.scheduler import Scheduler

    counted = []

    async def scenario():
        sched = Scheduler(capacity=100, on_swap_saved=lambda: counted.append(1))
        sched.start()
        gate = threading.Event()
        first = await sched.submit("A", lambda job: gate.wait(10), time.monotonic() + 60)
        await asyncio.sleep(0.05)
        jobs = [await sched.submit(k, lambda job: None, time.monotonic() + 60) for k in "BAA"]
        gate.set()
        await asyncio.gather(first.future, *[j.future for j in jobs])
        await sched.stop()
        sched.shutdown_executor()
        return sched.swaps_saved

    saved = asyncio.run(scenario())
    assert saved == 2 and len(counted) == 2


def test_retry_after_follows_measured_request_times():
    """queue 2, requests that each generate an adapter and decode: a 429's Retry-After is about as long as admitted
    requests have been taking (not the LLM time alone)."""
    with start_server(ServeSettings(port=0, queue_size=2, context=512, chat_format="io-v1")) as s:
        async def burst(tag: str, n: int):
            async with httpx.AsyncClient(base_url=s.url, timeout=300) as c:
                async def one(i):
                    t0 = time.perf_counter()
                    r = await c.post("/v1/completions", json={"prompt": "Once upon a time", "max_tokens": 12,
                                                              "task": f"Tell a story, take {tag} {i}."})
                    return r, time.perf_counter() - t0
                return await asyncio.gather(*[one(i) for i in range(n)])

        first = asyncio.run(burst("a", 6))
        served = [t for r, t in first if r.status_code == 200]
        assert len(served) >= 2 and {r.status_code for r, _ in first} <= {200, 429}
        second = asyncio.run(burst("b", 6))
        limited = [int(r.headers["Retry-After"]) for r, _ in second if r.status_code == 429]
        served += [t for r, t in second if r.status_code == 200]
        assert limited, "the second burst should overflow the queue"
        typical = sorted(served)[len(served) // 2]
        for retry in limited:
            assert max(1, int(0.5 * typical)) <= retry <= 2 * max(served) + 1, (retry, served)

        # --chat-format io-v1: plain chat renders the last user message as an input to the base
        chat = httpx.post(s.url + "/v1/chat/completions", timeout=120, json={
            "messages": [{"role": "user", "content": INPUT}], "max_tokens": 8, "temperature": 0})
        plain = httpx.post(s.url + "/v1/completions", timeout=120, json={
            "prompt": INPUT, "format": "io-v1", "max_tokens": 8, "temperature": 0})
        assert chat.status_code == 200, chat.text
        assert chat.json()["choices"][0]["message"]["content"] == plain.json()["choices"][0]["text"]
        assert chat.json()["t2l"]["prompt"] == IO.prompt(INPUT) and chat.json()["t2l"]["adapter"] is None


def test_wildcard_bind_prints_a_url_that_answers():
    assert browsable_url("0.0.0.0", 8080) == "http://127.0.0.1:8080"
    assert browsable_url("::", 8080) == "http://[::1]:8080"
    assert browsable_url("127.0.0.1", 9) == "http://127.0.0.1:9"
    proc = subprocess.Popen([T2L_EDGE, "serve", "--host", "0.0.0.0", "--port", "0", "--api-key", "k" * 16,
                             "--context", "256", "--log-level", "warning"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "COLUMNS": "300"})
    try:
        line = proc.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:(\d+))/ \(web page\)", line)
        assert match and int(match.group(2)) > 0, line
        end = time.monotonic() + 180
        while time.monotonic() < end:
            try:
                if httpx.get(match.group(1) + "/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("the printed URL never answered")
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_the_malloc_threshold_is_pinned_unless_the_user_set_one():
    """memory.py: what keeps RSS flat over thousands of task texts (measured in tests/bench/bench_serve.py)."""
    code = ("from t2l_edge.serve.memory import fix_malloc_mmap_threshold as f; print(f())")
    ours = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={k: v for k, v in os.environ.items() if k != "MALLOC_MMAP_THRESHOLD_"})
    theirs = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "MALLOC_MMAP_THRESHOLD_": "65536"})
    assert ours.stdout.strip() == ("True" if sys.platform.startswith("linux") else "False"), ours.stderr
    assert theirs.stdout.strip() == "False"


# -- task cards (issue 20): examples with or instead of the task -------------------------------------------------------


def test_a_task_card_makes_an_adapter_and_its_examples_never_reach_the_prompt(server, client, http):
    from t2l_edge.task_card import TaskCard

    examples = [{"input": "a b c", "output": "c b a"}, {"input": "one two", "output": "two one"}]
    card = TaskCard(TASK, [(e["input"], e["output"]) for e in examples])
    made = http.post("/v1/adapters", json={"task": TASK, "examples": examples})
    assert made.status_code == 200, made.text
    assert made.json()["task"] == card.text  # the card, as the encoder read it
    alone = http.post("/v1/adapters", json={"examples": examples}).json()
    assert alone["task"] == TaskCard(None, card.examples).text and alone["id"] != made.json()["id"]
    reply = client.completions.create(model=server.state.model_id, prompt=INPUT, max_tokens=16,
                                      extra_body={"task": TASK, "examples": examples, "prompt_mode": "instructed"})
    t2l = reply.model_extra["t2l"]
    assert t2l["adapter"] == made.json()["id"]  # the same card: the cached adapter
    assert t2l["prompt"] == adapter_prompt(IO, INPUT, card.text, "instructed") == f"{TASK}\n\nInput: {INPUT}\nOutput:"
    chat = client.chat.completions.create(model=server.state.model_id, max_tokens=16,
                                          messages=[{"role": "user", "content": INPUT}],
                                          extra_body={"task": TASK, "examples": examples})
    assert chat.model_extra["t2l"]["adapter"] == made.json()["id"]


@pytest.mark.parametrize("body, message", [
    ({"task": TASK, "examples": [{"input": "a"}]}, "output"),
    ({"task": TASK, "examples": [{"input": "a", "output": "b"}] * 9}, "at most 8"),
    ({}, "'task'"),
])
def test_bad_task_cards_are_a_400_naming_the_problem(http, body, message):
    r = http.post("/v1/adapters", json=body)
    assert r.status_code == 400 and message in r.json()["error"]["message"], r.text
