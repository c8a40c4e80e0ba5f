"""`t2l-edge serve` on SIGTERM (issue 21, finding 2): queued requests get 503 with OpenAI's error body at once, streams
end with an error event and [DONE], the running request finishes within the grace period or its decode is cancelled,
and the process is gone within grace + 2 s. The server is the installed command on the real Gemma 3 270M, signalled
for real (tests/fuzz/sigterm.py); the scheduler's part is tested on its own with real asyncio jobs."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fuzz"))

from sigterm import GRACE_S, run_sigterm_scenario  # noqa: E402

from t2l_edge.serve.errors import ShuttingDownError  # noqa: E402
from t2l_edge.serve.scheduler import Scheduler  # noqa: E402


@pytest.mark.slow
@pytest.mark.parametrize("running_stream", [False, True], ids=["request running", "stream running"])
def test_sigterm_during_requests(running_stream):
    checks = run_sigterm_scenario(running_stream)
    bad = [f"{c.verdict}: {c.name} ({c.detail})" for c in checks if c.verdict != "clean"]
    assert len(checks) == 5 and not bad, "\n".join(bad)


def test_drain_fails_the_queue_refuses_new_work_and_cancels_the_running_job():
    async def scenario():
        scheduler = Scheduler(capacity=8)
        scheduler.start()
        started, polls = asyncio.Event(), []
        loop = asyncio.get_running_loop()

        def decode(job):  # the LLM thread: a long decode that polls between "tokens", as the backend does
            loop.call_soon_threadsafe(started.set)
            while job.stop_reason() is None:
                polls.append(1)
                time.sleep(0.01)
            return job.stop_reason()

        deadline = time.monotonic() + 60
        running = await scheduler.submit("a", decode, deadline)
        queued = [await scheduler.submit(k, lambda job: "ran", deadline) for k in ("a", "b")]
        await started.wait()
        scheduler.drain(ShuttingDownError("stopping"))
        for job in queued:
            with pytest.raises(ShuttingDownError):
                await job.future
        with pytest.raises(ShuttingDownError):
            scheduler.admit()
        with pytest.raises(ShuttingDownError):
            await scheduler.submit("c", lambda job: "ran", deadline)
        assert not running.future.done()  # the running job goes on until cancelled
        scheduler.cancel_running()
        assert await asyncio.wait_for(running.future, 10) == "cancelled"
        await scheduler.stop()
        scheduler.shutdown_executor()

    asyncio.run(scenario())


def test_grace_period_is_bounded():
    from t2l_edge.errors import InvalidInputError
    from t2l_edge.serve import ServeSettings

    assert ServeSettings().shutdown_grace == 10.0
    assert GRACE_S < ServeSettings().shutdown_grace  # the test's is shorter than the default
    for bad in (-1, 3601, float("nan")):
        with pytest.raises(InvalidInputError, match="--shutdown-grace"):
            ServeSettings(shutdown_grace=bad)
