"""`t2l-edge serve` over real HTTP on loopback: the real Gemma 3 270M in llama.cpp, the shipped generator, the
official `openai` client and httpx. Each error class, the queue, disconnects, eviction and routing, and that the
server keeps serving after each."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import openai
import pytest

from t2l_edge.serve import Limits, ServeSettings, start_server
from t2l_edge.serve.errors import NotReadyError
from t2l_edge.serve.service import ServeState, check_registered_adapters, default_generator

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
pytestmark = pytest.mark.slow  # each module-level server loads Gemma and the generator (a few seconds)

KEY = "test-key-0123456789"
T2L_EDGE = str(Path(sys.executable).parent / "t2l-edge")  # the installed command
TASK = "Reverse the order of the words."
INPUT = "red fox jumps"
OTHER_TASKS = ["Write the text in uppercase.", "Give the first word of the text.", "Count the words in the text."]


def metric(text: str, name: str, **labels) -> float:
    """One sample's value from a Prometheus text exposition."""
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in text.splitlines():
        head, _, value = line.rpartition(" ")
        if head == (f"{name}{{{want}}}" if labels else name):
            return float(value)
    raise AssertionError(f"{name}{{{want}}} not in the metrics")


@pytest.fixture(scope="module")
def server():
    settings = ServeSettings(port=0, api_key=KEY, cache_size=3, context=512,
                             limits=Limits(max_body_bytes=1 << 20, max_tokens=256, max_task_chars=500))
    with start_server(settings) as s:
        yield s


@pytest.fixture(scope="module")
def client(server):
    return openai.OpenAI(base_url=server.url + "/v1", api_key=KEY, max_retries=0, timeout=120)


@pytest.fixture()
def http(server):
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {KEY}"}, timeout=120) as c:
        yield c


def still_serving(http) -> None:
    r = http.post("/v1/completions", json={"prompt": "1, 2, 3,", "max_tokens": 2, "temperature": 0})
    assert r.status_code == 200, r.text
    assert r.json()["choices"][0]["text"]


# -- the OpenAI client ------------------------------------------------------------------------------------------


def test_models_lists_the_base(client, server):
    ids = [m.id for m in client.models.list().data]
    assert ids[0] == server.state.model_id == "gemma-3-270m-q4_k_m"


def test_completion_on_the_base_is_greedy_and_counts_tokens(client, server):
    a = client.completions.create(model=server.state.model_id, prompt="The capital of France is", max_tokens=6,
                                  temperature=0)
    b = client.completions.create(model=server.state.model_id, prompt="The capital of France is", max_tokens=6,
                                  temperature=0)
    assert a.choices[0].text == b.choices[0].text and a.choices[0].text.strip()
    assert a.choices[0].finish_reason == "length"
    assert a.usage.completion_tokens == 6
    assert a.usage.prompt_tokens == 6  # <bos> + 5 words
    assert a.model_extra["t2l"]["adapter"] is None


def test_task_changes_the_answer_and_is_cached(client, server):
    kwargs = dict(model=server.state.model_id, prompt=INPUT, max_tokens=12, temperature=0)
    base = client.completions.create(**kwargs, extra_body={"format": "io-v1"})
    first = client.completions.create(**kwargs, extra_body={"format": "io-v1", "task": TASK})
    again = client.completions.create(**kwargs, extra_body={"format": "io-v1", "task": TASK})
    assert first.choices[0].text == again.choices[0].text
    assert first.choices[0].text.strip() != base.choices[0].text.strip()
    t1, t2 = first.model_extra["t2l"], again.model_extra["t2l"]
    assert t1["adapter"] == t2["adapter"] and t1["adapter"].startswith("t2l-")
    assert t2["cache"] == "hit"
    assert "adapter_generation" not in t2["timings_ms"]
    assert first.model == t1["adapter"]


def test_adapted_answer_equals_apply(client, server):
    """The server's answer for a task and an input (io-v1, greedy, q4_0) equals `t2l-edge apply`'s."""
    out = subprocess.run(
        [T2L_EDGE, "apply", "--task", TASK, "--prompt", INPUT, "--max-tokens", "24",
         "--context", "512", "--json"], capture_output=True, text=True, timeout=600,
        env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"})
    assert out.returncode == 0, out.stderr
    expected = json.loads(out.stdout)["answers"][0]["adapter"]
    got = client.completions.create(model=server.state.model_id, prompt=INPUT, max_tokens=24, temperature=0,
                                    extra_body={"task": TASK, "format": "io-v1"})
    assert got.choices[0].text.strip() == expected
    assert expected  # not two empty strings


def test_stream_equals_the_whole_answer(client, server):
    kwargs = dict(model=server.state.model_id, prompt=INPUT, max_tokens=12, temperature=0,
                  extra_body={"task": TASK, "format": "io-v1"})
    whole = client.completions.create(**kwargs).choices[0].text
    chunks = list(client.completions.create(**kwargs, stream=True))
    pieces = [c.choices[0].text for c in chunks]
    assert len([p for p in pieces if p]) >= 2  # really streamed, token by token
    assert "".join(pieces) == whole
    assert chunks[-1].choices[0].finish_reason in ("stop", "length")


def test_chat_is_refused_for_a_base_without_template(client, server, http):
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model=server.state.model_id, messages=[{"role": "user", "content": "hi"}])
    assert "no chat template" in str(e.value)
    assert e.value.body["code"] == "invalid_value"
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model=server.state.model_id, stream=True,
                                       messages=[{"role": "user", "content": "hi"}])
    still_serving(http)


def test_chat_renders_the_gguf_template_when_there_is_one(client, server):
    """With a template (set on the backend here, as a chat model's GGUF carries one), chat is rendered by it and
    answered through the same queue."""
    backend = server.state.backend
    saved = backend.chat_template
    backend.chat_template = "{{ bos_token }}{% for m in messages %}<{{ m.role }}>{{ m.content }}\n{% endfor %}<assistant>"
    try:
        tokens = backend.render_chat([{"role": "user", "content": "hello"}])
        reply = client.chat.completions.create(model=server.state.model_id, max_tokens=4, temperature=0,
                                               messages=[{"role": "user", "content": "hello"}])
        streamed = list(client.chat.completions.create(model=server.state.model_id, max_tokens=4, temperature=0,
                                                       messages=[{"role": "user", "content": "hello"}], stream=True))
    finally:
        backend.chat_template = saved
    assert tokens == backend.tokenize("<user>hello\n<assistant>")  # one BOS, then the rendered text
    assert reply.choices[0].message.role == "assistant"
    assert reply.usage.prompt_tokens == len(tokens)
    assert "".join(c.choices[0].delta.content or "" for c in streamed) == reply.choices[0].message.content


# -- adapter endpoints ------------------------------------------------------------------------------------------


def test_adapter_endpoints(http, server):
    from t2l_edge.compat import check_adapter_fits
    from t2l_edge.gguf_reader import read_gguf

    r = http.post("/v1/adapters", json={"task": "Sort the numbers in ascending order.", "quantization": "q8_0"})
    assert r.status_code == 200, r.text
    info = r.json()
    assert info["quantization"] == "q8_0" and info["generation_ms"] > 0 and info["cache"] == "miss"
    assert http.post("/v1/adapters", json={"task": "Sort the numbers in ascending order.", "quantization": "q8_0"}
                     ).json()["cache"] == "hit"
    ids = [a["id"] for a in http.get("/v1/adapters").json()["data"]]
    assert info["id"] in ids
    assert http.get(f"/v1/adapters/{info['id']}").json()["task"] == "Sort the numbers in ascending order."
    data = http.get(f"/v1/adapters/{info['id']}/gguf").content
    assert len(data) == info["gguf_bytes"]
    gguf = read_gguf(data)
    check_adapter_fits(gguf, server.state.backend.runner.base)  # ships to a device as it is
    assert gguf.metadata["adapter.lora.task_name"] == "Sort the numbers in ascending order."
    # the adapter answers by name, as `adapter` or as `model`
    by_adapter = http.post("/v1/completions", json={"prompt": "3 1 2", "adapter": info["id"], "max_tokens": 4,
                                                    "temperature": 0, "format": "io-v1"})
    by_model = http.post("/v1/completions", json={"prompt": "3 1 2", "model": info["id"], "max_tokens": 4,
                                                  "temperature": 0, "format": "io-v1"})
    assert by_adapter.status_code == by_model.status_code == 200
    assert by_adapter.json()["choices"][0]["text"] == by_model.json()["choices"][0]["text"]
    assert http.delete(f"/v1/adapters/{info['id']}").json()["deleted"] is True
    assert http.get(f"/v1/adapters/{info['id']}").status_code == 404
    assert http.delete(f"/v1/adapters/{info['id']}").status_code == 404


def test_eviction_frees_llama_cpp_adapters(http, server):
    """cache_size=3: a fourth task evicts the oldest; its llama.cpp adapter is freed, and it is gone from the API."""
    state = server.state
    evictions = metric(http.get("/metrics").text, "t2l_adapter_cache_total", event="eviction")
    ids = []
    for task in [f"Repeat the text {n} times." for n in ("two", "three", "four", "five")]:
        r = http.post("/v1/completions", json={"prompt": "ab", "task": task, "max_tokens": 1, "temperature": 0})
        assert r.status_code == 200, r.text
        ids.append(r.json()["t2l"]["adapter"])
    assert len(state.cache) == 3
    assert state.cache.loaded <= 3  # the evicted ones' handles were freed on the LLM thread
    assert len(state.backend.runner._loaded) == state.cache.loaded
    assert metric(http.get("/metrics").text, "t2l_adapter_cache_total", event="eviction") >= evictions + 1
    assert http.get(f"/v1/adapters/{ids[0]}").status_code == 404
    assert http.get(f"/v1/adapters/{ids[-1]}").status_code == 200


# -- bad requests: the right status, the OpenAI error shape, and the server keeps serving ------------------------


@pytest.mark.parametrize(
    "path, body, status, needle",
    [
        ("/v1/completions", {"prompt": 5}, 400, "prompt"),
        ("/v1/completions", {"max_tokens": 3}, 400, "prompt"),
        ("/v1/completions", {"prompt": "x", "max_tokens": 100000}, 400, "max_tokens"),
        ("/v1/completions", {"prompt": "x", "max_tokens": 0}, 400, "max_tokens"),
        ("/v1/completions", {"prompt": "x", "temperature": 9}, 400, "temperature"),
        ("/v1/completions", {"prompt": "x", "lora_scale": 100}, 400, "lora_scale"),
        ("/v1/completions", {"prompt": "x", "format": "io-v9"}, 400, "format"),
        ("/v1/completions", {"prompt": "x", "task": "t" * 501}, 400, "task"),
        ("/v1/completions", {"prompt": "x", "task": "   "}, 400, "task"),
        ("/v1/completions", {"prompt": "x" * 9000}, 400, "prompt"),
        ("/v1/completions", {"prompt": "x", "task": TASK, "adapter": "a"}, 400, "not both"),
        ("/v1/completions", {"prompt": "x", "adapter": "no-such-adapter"}, 404, "no-such-adapter"),
        ("/v1/completions", {"prompt": "x", "model": "gpt-4"}, 404, "gpt-4"),
        ("/v1/completions", {"prompt": "x", "adapter": "/etc/passwd"}, 404, "not found"),
        ("/v1/chat/completions", {"messages": []}, 400, "messages"),
        ("/v1/chat/completions", {"messages": [{"role": "wizard", "content": "x"}]}, 400, "role"),
        ("/v1/adapters", {"task": "x", "quantization": "q3_z"}, 400, "quantization recipe"),
        ("/v1/adapters", {"task": "x", "path": "/etc/passwd"}, 400, "path"),
        ("/v1/nothing", {}, 404, "Not Found"),
    ],
)
def test_bad_requests(http, path, body, status, needle):
    r = http.post(path, json=body)
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert needle in error["message"]
    assert set(error) == {"message", "type", "param", "code"}
    still_serving(http)


def test_malformed_json_is_400(http):
    r = http.post("/v1/completions", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["type"] == "invalid_request_error"


def test_ten_megabyte_body_is_413(http, server):
    big = b'{"prompt": "' + b"x" * (10 << 20) + b'"}'
    r = http.post("/v1/completions", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"
    chunked = http.post("/v1/completions", content=iter([big[i:i + 65536] for i in range(0, len(big), 65536)]),
                        headers={"Content-Type": "application/json"})  # no Content-Length: counted while read
    assert chunked.status_code == 413
    still_serving(http)


def test_wrong_or_missing_key_is_401(server, http):
    for headers in ({}, {"Authorization": "Bearer wrong-key-0123456789"}, {"Authorization": KEY}):
        r = httpx.post(server.url + "/v1/completions", json={"prompt": "x"}, headers=headers)
        assert r.status_code == 401 and r.json()["error"]["type"] == "authentication_error"
        assert httpx.get(server.url + "/metrics", headers=headers).status_code == 401
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=server.url + "/v1", api_key="nope-nope-nope", max_retries=0).models.list()
    assert httpx.get(server.url + "/health").status_code == 200  # health stays open for probes
    still_serving(http)


def test_foreign_host_header_is_refused(server):
    """A loopback server answers only to loopback names (a web page elsewhere cannot reach it by DNS rebinding)."""
    r = httpx.get(server.url + "/health", headers={"Host": "evil.example:80"})
    assert r.status_code == 400


def test_mid_stream_disconnect_frees_the_slot(server, http):
    state = server.state
    before = metric(http.get("/metrics").text, "t2l_tokens_total", kind="completion")
    with httpx.Client(timeout=60, headers={"Authorization": f"Bearer {KEY}"}) as c:
        with c.stream("POST", server.url + "/v1/completions",
                      json={"prompt": "Once upon a time", "max_tokens": 200, "stream": True, "temperature": 0}) as r:
            lines = r.iter_lines()
            got = [next(lines) for _ in range(3)]
            assert any(line.startswith("data: ") for line in got)
        # leaving the block closes the connection mid-stream
    end = time.monotonic() + 20
    while state.scheduler.depth and time.monotonic() < end:
        time.sleep(0.05)
    assert state.scheduler.depth == 0
    time.sleep(0.5)
    decoded = metric(http.get("/metrics").text, "t2l_tokens_total", kind="completion") - before
    assert decoded < 100, f"{decoded} tokens decoded after the client left"
    still_serving(http)


def test_a_client_that_leaves_the_queue_is_never_decoded(server, http):
    """A non-streaming request that gives up while queued behind another is withdrawn: it decodes nothing."""
    before = metric(http.get("/metrics").text, "t2l_tokens_total", kind="completion")
    long = {"prompt": "Once upon a time", "max_tokens": 60, "temperature": 0}
    first = {}
    t = threading.Thread(target=lambda: first.update(r=http.post("/v1/completions", json=long)))
    t.start()
    time.sleep(0.3)  # the first request holds the LLM
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(server.url + "/v1/completions", json=long, timeout=0.5,
                   headers={"Authorization": f"Bearer {KEY}"})
    t.join(120)
    assert first["r"].status_code == 200
    end = time.monotonic() + 10
    while server.state.scheduler.depth and time.monotonic() < end:
        time.sleep(0.05)
    time.sleep(0.3)
    decoded = metric(http.get("/metrics").text, "t2l_tokens_total", kind="completion") - before
    assert decoded == first["r"].json()["usage"]["completion_tokens"]  # only the first request's tokens
    still_serving(http)


def test_metrics_cover_phases_cache_queue_and_memory(http):
    for _ in range(2):  # a miss, then a hit
        body = {"prompt": "ab", "task": "Double every letter of the text.", "max_tokens": 1}
        assert http.post("/v1/completions", json=body).status_code == 200
    http.post("/v1/completions", json={"prompt": 5})  # a 400
    text = http.get("/metrics").text
    for phase in ("queue_wait", "swap", "prompt", "decode", "adapter_generation"):
        assert metric(text, "t2l_phase_seconds_count", phase=phase) >= 1, phase
    assert metric(text, "t2l_adapter_cache_total", event="hit") >= 1
    assert metric(text, "t2l_adapter_cache_total", event="miss") >= 1
    assert metric(text, "t2l_queue_depth") == 0
    assert metric(text, "t2l_swaps_saved_total") >= 0
    assert metric(text, "t2l_resident_memory_bytes") > 100e6
    assert metric(text, "t2l_requests_total", endpoint="/v1/completions", status="200") >= 1
    assert metric(text, "t2l_requests_total", endpoint="/v1/completions", status="400") >= 1
    assert metric(text, "t2l_decode_tokens_per_second_count") >= 1


# -- queue, time limit, readiness: servers of their own ---------------------------------------------------------


def test_full_queue_is_429_with_retry_after_then_serves():
    settings = ServeSettings(port=0, queue_size=2, context=512)
    with start_server(settings) as s:
        async def burst():
            async with httpx.AsyncClient(base_url=s.url, timeout=120) as c:
                body = {"prompt": "Once upon a time", "max_tokens": 24, "temperature": 0}
                return await asyncio.gather(*[c.post("/v1/completions", json=body) for _ in range(6)])

        responses = asyncio.run(burst())
        codes = sorted(r.status_code for r in responses)
        assert codes.count(200) >= 2 and codes.count(429) >= 1 and set(codes) <= {200, 429}, codes
        limited = next(r for r in responses if r.status_code == 429)
        assert int(limited.headers["Retry-After"]) >= 1
        assert limited.json()["error"]["type"] == "rate_limit_error"
        assert s.state.scheduler.depth == 0
        r = httpx.post(s.url + "/v1/completions", json={"prompt": "x", "max_tokens": 1})
        assert r.status_code == 200


def test_time_limit_is_504_and_the_server_goes_on():
    settings = ServeSettings(port=0, context=512, limits=Limits(request_seconds=0.3, stream_seconds=0.3))
    with start_server(settings) as s:
        r = httpx.post(s.url + "/v1/completions", json={"prompt": "Once upon a time", "max_tokens": 250}, timeout=60)
        assert r.status_code == 504, r.text
        assert r.json()["error"]["code"] == "timeout"
        with httpx.stream("POST", s.url + "/v1/completions", timeout=60,
                          json={"prompt": "Once upon a time", "max_tokens": 250, "stream": True}) as st:
            events = [line for line in st.iter_lines() if line.startswith("data: ")]
        assert "timeout" in events[-2] and events[-1] == "data: [DONE]"  # an error event, then the end
        ok = httpx.post(s.url + "/v1/completions", json={"prompt": "x", "max_tokens": 1}, timeout=60)
        assert ok.status_code == 200


def test_not_ready_is_503_until_loaded():
    release = threading.Event()

    def slow_generator(settings):
        release.wait(60)
        return default_generator(settings)

    settings = ServeSettings(port=0, context=256)
    state = ServeState(settings, generator_factory=slow_generator)
    server = start_server(settings, state=state, wait_ready=False)  # listening, the generator still loading
    try:
        health = httpx.get(server.url + "/health")
        assert health.status_code == 503 and health.json()["status"] == "loading"
        r = httpx.post(server.url + "/v1/completions", json={"prompt": "x"})
        assert r.status_code == 503 and r.json()["error"]["code"] == "not_ready"
        with pytest.raises(NotReadyError):
            state.require_ready()
        release.set()
        end = time.monotonic() + 120
        while not state.ready and time.monotonic() < end:
            time.sleep(0.05)
        assert httpx.get(server.url + "/health").json()["status"] == "ok"
        assert httpx.post(server.url + "/v1/completions", json={"prompt": "x", "max_tokens": 1}).status_code == 200
    finally:
        release.set()
        server.stop()


def test_bad_registered_adapter_is_refused_at_start(tmp_path):
    from t2l_edge.errors import CorruptFileError, MissingFileError

    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(CorruptFileError):
        check_registered_adapters(ServeSettings(adapters={"bad": bad}))
    with pytest.raises(MissingFileError):
        check_registered_adapters(ServeSettings(adapters={"gone": tmp_path / "gone.gguf"}))
    out = subprocess.run([T2L_EDGE, "serve", "--adapter", f"bad={bad}"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and out.stderr.startswith("error: ") and "Traceback" not in out.stderr


def test_settings_refuse_an_open_address_without_a_key():
    from t2l_edge.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="--api-key"):
        ServeSettings(host="0.0.0.0")
    assert ServeSettings(host="0.0.0.0", api_key=KEY).api_key == KEY
    assert ServeSettings(host="0.0.0.0", insecure=True).insecure
    assert ServeSettings(host="::1").host == "::1"
    with pytest.raises(InvalidInputError, match="--route"):
        ServeSettings(route=True)


def test_readme_examples_work_as_written():
    """docs/serve.md's curl line and openai example (= examples/serve_client.py), run against a live keyless server."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    readme = (root / "docs" / "serve.md").read_text()
    section = readme[readme.index("## Serve"):]
    python_block = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    example = root / "examples" / "serve_client.py"
    assert python_block == example.read_text()
    curl = re.search(r"```bash\n(curl .*?)```", section, re.S).group(1)
    assert "http://127.0.0.1:8080/v1/completions" in curl
    with start_server(ServeSettings(port=0, context=512)) as s:
        out = subprocess.run(["bash", "-c", curl.replace("http://127.0.0.1:8080", s.url)], capture_output=True,
                             text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        by_curl = json.loads(out.stdout)["choices"][0]["text"].strip()
        run = subprocess.run([sys.executable, str(example)], capture_output=True, text=True, timeout=120,
                             env={**os.environ, "T2L_EDGE_URL": s.url + "/v1"})
        assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == by_curl and by_curl
    assert "'cache': 'hit'" in run.stdout.splitlines()[1]  # the curl request generated it; the client reused it


def test_route_picks_the_nearest_registered_adapter(tmp_path):
    from t2l_edge.runtimes.onnxruntime import Generator

    gen = Generator.load()
    tasks = {"reverse": "Reverse the order of the words.", "upper": "Write the text in uppercase letters."}
    paths = {}
    for name, task in tasks.items():
        paths[name] = tmp_path / f"{name}.gguf"
        paths[name].write_bytes(gen.generate_gguf(task, "q4_0"))
    settings = ServeSettings(port=0, context=512, adapters=paths, route=True, route_threshold=0.5)
    with start_server(settings) as s, httpx.Client(base_url=s.url, timeout=120) as c:
        assert [m["id"] for m in c.get("/v1/models").json()["data"]][1:] == ["reverse", "upper"]
        assert c.get("/v1/adapters/upper").json()["task"] == tasks["upper"]  # the description stored in the GGUF
        body = {"max_tokens": 8, "temperature": 0}
        routed = c.post("/v1/completions", json={**body, "prompt": "Please reverse the order of these words: red fox"})
        route = routed.json()["t2l"]["route"]
        assert route["adapter"] == "reverse" and route["score"] >= route["threshold"] == 0.5
        explicit = c.post("/v1/completions", json={**body, "prompt": "Please reverse the order of these words: red fox",
                                                   "adapter": "reverse"})
        assert routed.json()["choices"][0]["text"] == explicit.json()["choices"][0]["text"]
        off = c.post("/v1/completions", json={**body, "prompt": "1 2 3 4 5 6 7"}).json()["t2l"]
        assert (off["adapter"] is None) == (off["route"]["score"] < 0.5)
        assert off["route"]["nearest"] in tasks
        # a registered adapter cannot be deleted, and a task still wins over routing
        assert c.delete("/v1/adapters/reverse").status_code == 400
        by_task = c.post("/v1/completions", json={**body, "prompt": "red fox", "task": tasks["upper"]}).json()["t2l"]
        assert by_task["adapter"].startswith("t2l-") and "route" not in by_task


def test_scheduler_runs_the_active_adapter_first_but_bounds_the_streak():
    """Jobs for the adapter already active jump the queue (no swap), at most batch_limit in a row."""
    from t2l_edge.serve.scheduler import Scheduler

    async def scenario(batch_limit):
        order = []
        sched = Scheduler(capacity=100, batch_limit=batch_limit)
        sched.start()
        gate = threading.Event()
        first = await sched.submit("A", lambda job: gate.wait(10) and order.append("A0"), time.monotonic() + 60)
        await asyncio.sleep(0.05)  # A0 is running: A is the active key
        jobs = [await sched.submit(k, (lambda name: lambda job: order.append(name))(f"{k}{i}"), time.monotonic() + 60)
                for i, k in enumerate("BAAAB", 1)]
        gate.set()
        await asyncio.gather(first.future, *[j.future for j in jobs])
        await sched.stop()
        sched.shutdown_executor()
        return order, sched.swaps_saved

    order, saved = asyncio.run(scenario(batch_limit=8))
    assert order == ["A0", "A2", "A3", "A4", "B1", "B5"] and saved == 3
    order, _ = asyncio.run(scenario(batch_limit=2))
    assert order == ["A0", "A2", "B1", "B5", "A3", "A4"]  # after 2 A's in a row, the oldest waiting job runs


def test_scheduler_withdraws_and_times_out_queued_jobs():
    from t2l_edge.serve.errors import QueueFullError, RequestTimeoutError
    from t2l_edge.serve.scheduler import Scheduler

    async def scenario():
        sched = Scheduler(capacity=2)
        sched.start()
        tickets = [sched.admit(), sched.admit()]
        with pytest.raises(QueueFullError) as full:
            sched.admit()
        assert full.value.retry_after >= 1
        tickets[0].release()
        tickets.append(sched.admit())  # a released slot is reusable
        gate = threading.Event()
        ran = []
        running = await sched.submit("A", lambda job: gate.wait(10), time.monotonic() + 60)
        await asyncio.sleep(0.05)
        gone = await sched.submit("B", lambda job: ran.append("gone"), time.monotonic() + 60)
        late = await sched.submit("C", lambda job: ran.append("late"), time.monotonic() + 0.01)
        sched.withdraw(gone)
        await asyncio.sleep(0.05)
        gate.set()
        await running.future
        with pytest.raises(RequestTimeoutError):
            await late.future
        assert gone.future.cancelled() and ran == []
        await sched.stop()
        sched.shutdown_executor()

    asyncio.run(scenario())
