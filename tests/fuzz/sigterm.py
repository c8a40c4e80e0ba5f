"""SIGTERM while requests run (issue 21, finding 2): `t2l-edge serve` in a child process on the real Gemma 3 270M, one
request decoding, a stream and a request queued behind it, then SIGTERM. Each expectation is a check with a verdict
(the columns of the harness table).

Expected: the queued request gets 503 with OpenAI's error body at once; the queued stream ends with an error event and
`[DONE]`; the running one finishes within the grace period or its decode is cancelled (503, or for a stream an error
event and `[DONE]`); nothing is logged as a traceback; the process is gone within grace + 2 s.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

GRACE_S = 3.0
EXIT_MARGIN_S = 2.0  # the bound: exit within grace + 2 s
START_TIMEOUT_S = 600.0
LONG = {"prompt": "Once upon a time", "max_tokens": 400, "temperature": 0}  # far longer than the grace period


@dataclass
class Check:
    name: str
    verdict: str  # clean | crash | hang | wrong
    detail: str = ""


def _start(port: int) -> subprocess.Popen:
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    # T2L_FUZZ_NO_GRACE=1: a server from before --shutdown-grace (to see the old behaviour)
    grace = [] if os.environ.get("T2L_FUZZ_NO_GRACE") else ["--shutdown-grace", str(GRACE_S)]
    return subprocess.Popen(
        [sys.executable, "-m", "t2l_edge.cli", "serve", "--port", str(port), "--context", "512", *grace,
         "--log-level", "warning"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _wait_ready(url: str, proc: subprocess.Popen) -> None:
    import httpx

    end = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited during start-up: {proc.stderr.read()[-500:]}")
        try:
            if httpx.get(url + "/health", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server was not ready within {START_TIMEOUT_S:.0f} s")


def _error_code(body: str) -> str | None:
    try:
        error = json.loads(body)["error"]
        return error["code"] if set(error) == {"message", "type", "param", "code"} else None
    except (ValueError, KeyError, TypeError):
        return None


async def _stream(client, body: dict) -> tuple[int | None, list[str]]:
    """(status, the data of each event); a connection cut mid-stream leaves the events so far and a last "CUT"."""
    import httpx

    events, status = [], None
    try:
        async with client.stream("POST", "/v1/completions", json={**body, "stream": True}) as r:
            status = r.status_code
            async for line in r.aiter_lines():
                if line.startswith("data: "):
                    events.append(line[len("data: "):])
    except httpx.HTTPError as e:
        events.append(f"CUT ({type(e).__name__})")
    return status, events


async def _post(client, body: dict) -> tuple[int | None, str]:
    import httpx

    try:
        r = await client.post("/v1/completions", json=body)
    except httpx.HTTPError as e:
        return None, f"connection cut ({type(e).__name__})"
    return r.status_code, r.text


def _check_response(name: str, status: int | None, text: str, finished_ok: bool) -> Check:
    """A non-stream answer during shutdown: 200 (it finished) or 503 shutting_down; anything else is wrong."""
    if status is None:
        return Check(name, "crash", text)
    if status >= 500 and status != 503:
        return Check(name, "crash", f"{status}: {text[:120]}")
    if status == 503 and _error_code(text) == "shutting_down":
        return Check(name, "clean")
    if status == 200 and finished_ok:
        return Check(name, "clean")
    return Check(name, "wrong", f"{status}: {text[:120]}")


def _check_stream(name: str, status: int | None, events: list[str]) -> Check:
    """A stream during shutdown: 200, and it ends with [DONE] after either its last token or an error event."""
    if status is None:
        return Check(name, "crash", events[-1] if events else "no answer")
    if status >= 500 and status != 503:
        return Check(name, "crash", f"{status}")
    if status == 503:
        return Check(name, "clean")
    if len(events) < 2 or events[-1] != "[DONE]":
        return Check(name, "wrong", f"does not end with [DONE]: {events[-2:]}")
    last = events[-2]
    ended = _error_code(last) == "shutting_down" or '"finish_reason": "stop"' in last or '"finish_reason": "length"' in last
    return Check(name, "clean" if ended else "wrong", "" if ended else f"last event: {last[:120]}")


async def _scenario(url: str, proc: subprocess.Popen, running_stream: bool) -> tuple[list[Check], float]:
    import httpx

    checks = []
    async with httpx.AsyncClient(base_url=url, timeout=120) as c:
        running = asyncio.create_task(_stream(c, LONG) if running_stream else _post(c, LONG))
        await asyncio.sleep(1.5)  # it holds the LLM thread
        queued_stream = asyncio.create_task(_stream(c, LONG))
        queued = asyncio.create_task(_post(c, LONG))
        await asyncio.sleep(1.0)
        signalled = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        status, text = await queued
        waited = time.monotonic() - signalled
        checks.append(_check_response("queued request: 503 shutting_down", status, text, False))
        if waited > 2.0:
            checks[-1] = Check(checks[-1].name, "hang", f"answered {waited:.1f} s after SIGTERM")
        checks.append(_check_stream("queued stream: an error event, then [DONE]", *await queued_stream))
        if running_stream:
            checks.append(_check_stream("running stream: finished or cancelled, then [DONE]", *await running))
        else:
            status, text = await running
            checks.append(_check_response("running request: finished, or cancelled as 503", status, text, True))
        took = time.monotonic() - signalled
        if took > GRACE_S + EXIT_MARGIN_S:
            checks[-1] = Check(checks[-1].name, "hang", f"answered {took:.1f} s after SIGTERM")
    return checks, signalled


def run_sigterm_scenario(running_stream: bool) -> list[Check]:
    """One server, one scenario (the running request streams or not): the checks, in order."""
    from t2l_edge.serve import free_port

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = _start(port)
    try:
        _wait_ready(url, proc)
        checks, signalled = asyncio.run(_scenario(url, proc, running_stream))
        try:
            proc.wait(GRACE_S + EXIT_MARGIN_S + 30)
        except subprocess.TimeoutExpired:
            pass
        gone = time.monotonic() - signalled
        alive = proc.poll() is None
        kind = "stream" if running_stream else "request"
        if alive or gone > GRACE_S + EXIT_MARGIN_S:
            checks.append(Check(f"exit within grace + 2 s ({kind} running)", "hang",
                                "still running" if alive else f"exited {gone:.1f} s after SIGTERM"))
        else:
            checks.append(Check(f"exit within grace + 2 s ({kind} running)", "clean", f"{gone:.1f} s"))
    finally:
        if proc.poll() is None:
            proc.kill()
        _, stderr = proc.communicate()
    logged = [line for line in stderr.splitlines() if "Traceback" in line or "Exception in ASGI" in line]
    checks.append(Check(f"no traceback logged ({'stream' if running_stream else 'request'} running)",
                        "crash" if logged else "clean", logged[0] if logged else ""))
    return checks


def run_sigterm_checks() -> list[Check]:
    return run_sigterm_scenario(running_stream=False) + run_sigterm_scenario(running_stream=True)


if __name__ == "__main__":
    for check in run_sigterm_checks():
        print(f"{check.verdict:6} {check.name}  {check.detail}")
