"""The server in the fuzz pass (issue 21): each class of body mutation as cases, sent with the real HTTP client (httpx;
raw sockets for disconnects) to one in-process server on loopback, each outcome classified.

A case is clean when the server answers with a status it may give (2xx, or 4xx with OpenAI's error body: never a 5xx,
never plain text), logs no traceback for it, and still serves a completion afterwards. `expect` pins the status and
`words` the error message where a finding of the issue is behind the case. Used by tests/test_fuzz.py (the pass) and
tests/fuzz/report.py --server (the table).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from dataclasses import dataclass, field

# non-ASCII on purpose (finding 12): clients send it as UTF-8. T2L_FUZZ_KEY replaces it, to see what an old server,
# which refuses that key, does with the other cases.
KEY = os.environ.get("T2L_FUZZ_KEY", "clé-secrète-0123")
BASE = {"prompt": "x", "max_tokens": 1, "temperature": 0}
ENDPOINTS = {  # path -> a valid body, and its text fields
    "/v1/completions": (BASE, ["prompt", "task", "stop", "model", "adapter", "format"]),
    "/v1/chat/completions": ({"messages": [{"role": "user", "content": "x"}], "max_tokens": 1}, ["model", "task"]),
    "/v1/adapters": ({"task": "Reverse the words."}, ["task", "quantization"]),
}
CHOICE_FIELDS = {"format"}  # a choice, not free text: refused as not one of the choices
NUMBER_FIELDS = ["max_tokens", "temperature", "top_p", "seed", "lora_scale", "n"]
EXTREMES = [-1, 0, 1.5, 1e308, -1e308, 2**64, "NaN", "Infinity", True]  # "NaN": the bare JSON token Python reads
WRONG_TYPES = [7, 1.5, [], {}, ["a", 1], {"a": "b"}, True]
HTTP_CLASSES = {
    "http-text": "12 server: text fields",
    "http-type": "13 server: wrong types",
    "http-number": "14 server: extreme numbers",
    "http-json": "15 server: malformed JSON",
    "http-size": "16 server: sizes over the limits",
    "http-header": "17 server: host, key and content type",
    "http-disconnect": "18 server: clients that leave",
}
TIMEOUT_S = 120.0


@dataclass
class HttpCase:
    name: str
    cls: str
    path: str
    body: bytes | None  # raw bytes as sent
    headers: dict[str, str | bytes] = field(default_factory=dict)
    expect: int | None = None  # the status, when a finding pins it
    words: tuple[str, ...] = ()  # in the error message
    leave_after: float | None = None  # disconnect cases: close the socket this many seconds after sending
    stream: bool = False


@dataclass
class HttpOutcome:
    case: HttpCase
    verdict: str  # clean | crash | hang | wrong
    status: int | None
    detail: str


def _json(obj) -> bytes:
    return json.dumps(obj).encode()


def _raw_value(value) -> str:
    """A JSON value as text; the strings "NaN" / "Infinity" become the bare tokens Python's json reads."""
    return value if value in ("NaN", "Infinity") else json.dumps(value)


def _with(body: dict, key: str, value) -> bytes:
    rest = {k: v for k, v in body.items() if k != key}
    text = json.dumps(rest)[:-1] + (", " if rest else "") + f'"{key}": {_raw_value(value)}' + "}"
    return text.encode()


def _surrogate_field(body: dict, key: str, as_list: bool = False) -> bytes:
    value = '["ab\\ud800cd"]' if as_list else '"ab\\ud800cd"'  # a JSON escape Python decodes to a lone surrogate
    rest = {k: v for k, v in body.items() if k != key}
    return (json.dumps(rest)[:-1] + (", " if rest else "") + f'"{key}": {value}' + "}").encode()


def build_cases() -> list[HttpCase]:
    cases: list[HttpCase] = []
    add = cases.append
    # -- text fields: lone surrogates (finding 1), empty stop (a minor one) --------------------------------------
    for path, (body, texts) in ENDPOINTS.items():
        for key in texts:
            add(HttpCase(f"{path} {key} with a lone surrogate", "http-text", path, _surrogate_field(body, key),
                         expect=400, words=("surrogate",) if key not in CHOICE_FIELDS else ()))
    add(HttpCase("/v1/completions stop list with a lone surrogate", "http-text", "/v1/completions",
                 _surrogate_field(BASE, "stop", as_list=True), expect=400, words=("surrogate",)))
    chat = ENDPOINTS["/v1/chat/completions"][0]
    add(HttpCase("chat message content with a lone surrogate", "http-text", "/v1/chat/completions",
                 b'{"messages": [{"role": "user", "content": "a\\udfffb"}], "max_tokens": 1}', expect=400,
                 words=("surrogate",)))
    add(HttpCase("adapter examples with a lone surrogate", "http-text", "/v1/adapters",
                 b'{"task": "x", "examples": [{"input": "\\ud800", "output": "y"}]}', expect=400, words=("surrogate",)))
    add(HttpCase('stop [""]', "http-text", "/v1/completions", _with(BASE, "stop", [""]), expect=400, words=("stop",)))
    add(HttpCase('stop ""', "http-text", "/v1/completions", _with(BASE, "stop", ""), expect=400, words=("stop",)))
    add(HttpCase("a paired surrogate (an emoji) is text", "http-text", "/v1/completions",
                 b'{"prompt": "\\ud83d\\ude00", "max_tokens": 1, "temperature": 0}', expect=200))
    for key, value in (("task", ""), ("prompt", ""), ("task", "\x00\x1b[31m")):
        add(HttpCase(f"{key} {value!r}", "http-text", "/v1/completions", _with(BASE, key, value)))
    # -- wrong types ---------------------------------------------------------------------------------------------
    for path, (body, texts) in ENDPOINTS.items():
        for key in texts + (NUMBER_FIELDS if path != "/v1/adapters" else []) + (["stream", "echo"] if path == "/v1/completions" else []):
            for value in WRONG_TYPES:
                add(HttpCase(f"{path} {key} = {json.dumps(value)}", "http-type", path, _with(body, key, value)))
    for path in ("/v1/adapters", "/v1/completions"):  # task cards (issue 20): `examples` with or instead of `task`
        body = {k: v for k, v in ENDPOINTS[path][0].items() if k != "task"}
        for value in ("x", 7, {}, [], [1], [["a", "b"]], [{"input": "a"}], [{"input": 1, "output": "b"}],
                      [{"input": "a", "output": "b", "extra": {"deep": [1]}}]):
            add(HttpCase(f"{path} examples = {json.dumps(value)}", "http-type", path, _with(body, "examples", value)))
        add(HttpCase(f"{path} 9 examples", "http-size", path,
                     _with(body, "examples", [{"input": f"a{i}", "output": "b"} for i in range(9)]), expect=400, words=("examples",)))
        add(HttpCase(f"{path} an example of 5,000 characters", "http-size", path,
                     _with(body, "examples", [{"input": "a" * 5000, "output": "b"}])))
    add(HttpCase("messages = a string", "http-type", "/v1/chat/completions", _with(chat, "messages", "hi")))
    add(HttpCase("a message without content", "http-type", "/v1/chat/completions",
                 _json({"messages": [{"role": "user"}], "max_tokens": 1})))
    # -- extreme numbers -----------------------------------------------------------------------------------------
    for path in ("/v1/completions", "/v1/chat/completions"):
        body = ENDPOINTS[path][0]
        for key in NUMBER_FIELDS:
            for value in EXTREMES:
                add(HttpCase(f"{path} {key} = {value}", "http-number", path, _with(body, key, value)))
    # -- malformed JSON (a minor one: the offset was reported as the parameter) ------------------------------------
    valid = _json(BASE)
    for cut in (1, len(valid) // 2, len(valid) - 1):
        add(HttpCase(f"body cut at byte {cut}", "http-json", "/v1/completions", valid[:cut], expect=400,
                     words=("not valid JSON",)))
    for at in (0, 3, len(valid) // 2):
        flipped = bytearray(valid)
        flipped[at] = 0xFF
        add(HttpCase(f"byte {at} flipped to 0xFF", "http-json", "/v1/completions", bytes(flipped)))
    for label, raw in (("empty body", b""), ("a JSON list", b"[]"), ("a JSON string", b'"x"'), ("JSON null", b"null"),
                       ("nested 100,000 deep", b"[" * 100_000 + b"]" * 100_000),
                       ("an object nested 100,000 deep", b'{"prompt": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_001),
                       ("duplicate keys", b'{"prompt": "x", "prompt": "y", "max_tokens": 1, "temperature": 0}'),
                       ("UTF-16 text", '{"prompt": "x"}'.encode("utf-16")), ("NUL bytes", b'{"prompt": "x\x00"}'),
                       ("invalid UTF-8 in a string", b'{"prompt": "\xff\xfe", "max_tokens": 1}')):
        add(HttpCase(label, "http-json", "/v1/completions", raw))
    add(HttpCase("malformed JSON names no parameter", "http-json", "/v1/completions", b'{"prompt": "x",', expect=400,
                 words=("not valid JSON", "character")))
    # -- sizes over the limits -----------------------------------------------------------------------------------
    add(HttpCase("a 2 MB body", "http-size", "/v1/completions", _with(BASE, "prompt", "x" * (2 << 20)), expect=413))
    add(HttpCase("a 9,000-character prompt", "http-size", "/v1/completions", _with(BASE, "prompt", "x" * 9000), expect=400))
    add(HttpCase("a 2,000-character task", "http-size", "/v1/completions", _with(BASE, "task", "t" * 2000), expect=400))
    add(HttpCase("max_tokens 100000", "http-size", "/v1/completions", _with(BASE, "max_tokens", 100_000), expect=400))
    add(HttpCase("1,000 messages", "http-size", "/v1/chat/completions",
                 _json({"messages": [{"role": "user", "content": "x"}] * 1000}), expect=400))
    add(HttpCase("100 stop sequences", "http-size", "/v1/completions", _with(BASE, "stop", ["s"] * 100)))
    add(HttpCase("a 100,000-key object", "http-size", "/v1/completions",
                 _json({**BASE, **{f"k{i}": i for i in range(100_000)}})))
    # -- headers (findings 12 and a minor one: the host refusal was plain text) ---------------------------------
    add(HttpCase("the key as UTF-8", "http-header", "/v1/completions", valid, {"Authorization": b"Bearer " + KEY.encode()},
                 expect=200))
    add(HttpCase("the key as latin-1", "http-header", "/v1/completions", valid,
                 {"Authorization": b"Bearer " + KEY.encode("latin-1")}, expect=200))
    add(HttpCase("a wrong key", "http-header", "/v1/completions", valid, {"Authorization": "Bearer wrong-key-000"},
                 expect=401))
    add(HttpCase("no key", "http-header", "/v1/completions", valid, {"Authorization": ""}, expect=401))
    add(HttpCase("a raw 0xFF byte in the key", "http-header", "/v1/completions", valid,
                 {"Authorization": b"Bearer \xff\xfe"}, expect=401))
    add(HttpCase("a foreign Host header", "http-header", "/v1/completions", valid, {"Host": "evil.example"}, expect=400,
                 words=("Host",)))
    add(HttpCase("a Host header with a port", "http-header", "/v1/completions", valid, {"Host": "localhost:1"},
                 expect=200))
    add(HttpCase("text/plain content type", "http-header", "/v1/completions", valid, {"Content-Type": "text/plain"}))
    add(HttpCase("no content type", "http-header", "/v1/completions", valid, {"Content-Type": ""}))
    # -- clients that leave (finding 11) -------------------------------------------------------------------------
    long = _with(BASE, "max_tokens", 64)
    add(HttpCase("leaves 0.3 s into a completion", "http-disconnect", "/v1/completions", long, leave_after=0.3))
    add(HttpCase("leaves 0.3 s into a stream", "http-disconnect", "/v1/completions",
                 _with(json.loads(long), "stream", True), leave_after=0.3, stream=True))
    add(HttpCase("leaves before sending the body", "http-disconnect", "/v1/completions", None, leave_after=0.0))
    add(HttpCase("leaves 0.3 s into an adapter generation", "http-disconnect", "/v1/adapters",
                 _json({"task": "Write the words backwards, one by one."}), leave_after=0.3))
    return cases


CASES = build_cases()


# -- running them ------------------------------------------------------------------------------------------------


class TracebackLog(logging.Handler):
    """Collects what the server logs at ERROR (uvicorn's "Exception in ASGI application" and its traceback)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record.getMessage() + (" (traceback)" if record.exc_info else ""))

    def take(self) -> list[str]:
        out, self.records = self.records, []
        return out


def start_fuzz_server():
    """An in-process server on a free loopback port: the real Gemma 3 270M in llama.cpp and the shipped generator,
    small limits so a valid mutated body stays cheap. Returns (server, log)."""
    from t2l_edge.serve import Limits, ServeSettings, start_server

    settings = ServeSettings(port=0, api_key=KEY, context=256, cache_size=2,
                             limits=Limits(max_tokens=64, max_task_chars=1000, request_seconds=60, stream_seconds=60))
    server = start_server(settings)
    log = TracebackLog()
    for name in ("uvicorn.error", "uvicorn", "", "t2l_edge"):
        logging.getLogger(name).addHandler(log)
    return server, log


def _headers(case: HttpCase) -> dict:
    headers = {"Content-Type": "application/json", "Authorization": b"Bearer " + KEY.encode()}
    headers.update(case.headers)
    return {k: v for k, v in headers.items() if v != ""}


def _leave(url: str, case: HttpCase) -> None:
    """Send the request by hand and close the socket `leave_after` seconds later."""
    host, port = url.split("//", 1)[1].rsplit(":", 1)
    body = case.body or b""
    head = (f"POST {case.path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body) if case.body is not None else 100}\r\n").encode()
    head += b"Authorization: Bearer " + KEY.encode() + b"\r\n\r\n"
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(head + (body if case.body is not None else b""))
        time.sleep(case.leave_after or 0)


def _still_serving(client) -> bool:
    r = client.post("/v1/completions", json=BASE, headers={"Authorization": b"Bearer " + KEY.encode()})
    return r.status_code == 200 and bool(r.json().get("choices"))


def _is_openai_error(response) -> bool:
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return False
    return isinstance(error, dict) and set(error) == {"message", "type", "param", "code"} and bool(error["message"])


def run_http_case(server, log: TracebackLog, case: HttpCase, client, complete: bool = True) -> HttpOutcome:
    """One case; `complete`: afterwards the server must still answer a completion (else /health must say ok)."""
    import httpx

    log.take()
    status, detail = None, ""
    try:
        if case.leave_after is not None:
            _leave(server.url, case)
            time.sleep(0.5)  # the server notices and logs (or not)
        else:
            r = client.post(case.path, content=case.body, headers=_headers(case), timeout=TIMEOUT_S)
            status, detail = r.status_code, r.text[:160]
    except httpx.TimeoutException:
        return HttpOutcome(case, "hang", None, f"no answer within {TIMEOUT_S:.0f} s")
    except httpx.HTTPError as e:
        return HttpOutcome(case, "crash", None, f"connection failed: {e}")
    _wait_idle(server)
    logged = log.take()
    if logged:
        return HttpOutcome(case, "crash", status, f"logged: {logged[0][:120]}")
    serving = _still_serving(client) if complete else client.get("/health").status_code == 200
    if not serving:
        return HttpOutcome(case, "crash", status, "the server stopped serving")
    if status is None:
        return HttpOutcome(case, "clean", None, "")
    if status >= 500:
        return HttpOutcome(case, "crash", status, detail)
    if case.expect is not None and status != case.expect:
        return HttpOutcome(case, "wrong", status, f"expected {case.expect}: {detail}")
    if status >= 400:
        if not _is_openai_error(r):
            return HttpOutcome(case, "wrong", status, f"not OpenAI's error body: {detail}")
        message = r.json()["error"]["message"]
        missing = [w for w in case.words if w not in message]
        if missing:
            return HttpOutcome(case, "wrong", status, f"lacks {missing}: {message[:120]}")
    return HttpOutcome(case, "clean", status, "")


def _wait_idle(server, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while server.state.scheduler.depth and time.monotonic() < end:
        time.sleep(0.05)


def run_http_cases(cases: list[HttpCase] | None = None) -> list[HttpOutcome]:
    import httpx

    server, log = start_fuzz_server()
    try:
        with httpx.Client(base_url=server.url, timeout=TIMEOUT_S) as client:
            # a completion after every disconnect and every 10th case; /health after the others (a completion each
            # time would double the decoding)
            return [run_http_case(server, log, case, client, complete=i % 10 == 9 or case.cls == "http-disconnect")
                    for i, case in enumerate(cases or CASES)]
    finally:
        server.stop()
