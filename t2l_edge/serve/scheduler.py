"""The request queue in front of the one llama.cpp context.

Requests are admitted up to a bound (beyond it: `QueueFullError`, a 429 with Retry-After). Jobs run one at a time
on a single LLM thread; when several wait, those for the adapter that is already active go first (at most
`batch_limit` in a row, so others do not starve), which saves a swap and its KV reset. A job whose client went away
is dropped from the queue, or stops at the next token; a job past its deadline is failed or stopped the same way.
On shutdown, `drain` refuses new work and fails the queued jobs; `cancel_running` stops the running one at its next
token.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable

from .errors import QueueFullError, RequestTimeoutError, ShuttingDownError

RETRY_AFTER_MIN_S = 1


@dataclass(eq=False)
class Job:
    key: Hashable  # jobs with equal keys run on the same adapter state
    work: Callable[["Job"], Any]  # runs on the LLM thread; polls `stop_reason()` between tokens
    deadline: float  # time.monotonic()
    future: asyncio.Future
    enqueued: float = field(default_factory=time.monotonic)
    started: float | None = None
    _cancelled: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def stop_reason(self) -> str | None:
        if self._cancelled.is_set():
            return "cancelled"
        if time.monotonic() > self.deadline:
            return "timeout"
        return None

    @property
    def queue_wait_s(self) -> float:
        return (self.started or time.monotonic()) - self.enqueued


class Ticket:
    """An admitted request's place; `release()` (or leaving the `with` block) frees it."""

    def __init__(self, scheduler: "Scheduler"):
        self._scheduler = scheduler
        self._held = True
        self.admitted = time.monotonic()

    def release(self) -> None:
        if self._held:
            self._held = False
            self._scheduler._released(time.monotonic() - self.admitted)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()


class Scheduler:
    def __init__(self, capacity: int, batch_limit: int = 8, housekeeping: Callable[[], None] | None = None,
                 on_swap_saved: Callable[[], None] | None = None):
        self.capacity = capacity
        self.batch_limit = batch_limit
        self._on_swap_saved = on_swap_saved or (lambda: None)
        self._request_seconds: float | None = None  # running mean of an admitted request's time, admission to release
        self._housekeeping = housekeeping or (lambda: None)
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="t2l-llm")
        self._pending: list[Job] = []
        self._admitted = 0
        self._wake: asyncio.Event | None = None
        self._worker: asyncio.Task | None = None
        self._current_key: Hashable = None
        self._streak = 0
        self._job_seconds = 1.0  # running mean of a job's time, for Retry-After
        self.swaps_saved = 0
        self._running: Job | None = None
        self._draining: ShuttingDownError | None = None  # set by drain(): why new work is refused

    # -- lifecycle (on the event loop) --------------------------------------------------------------------------

    def start(self) -> None:
        self._wake = asyncio.Event()
        self._worker = asyncio.get_running_loop().create_task(self._run(), name="t2l-scheduler")

    async def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            try:
                await self._worker
            except asyncio.CancelledError:
                pass
        for job in self._pending:
            if not job.future.done():
                job.future.set_exception(RequestTimeoutError("the server is shutting down"))
        self._pending.clear()

    def shutdown_executor(self) -> None:
        self._executor.shutdown(wait=True)

    # -- admission ----------------------------------------------------------------------------------------------

    @property
    def depth(self) -> int:
        """Requests admitted and not finished (waiting for an adapter, queued or running)."""
        return self._admitted

    def admit(self) -> Ticket:
        if self._draining is not None:
            raise self._draining
        if self._admitted >= self.capacity:
            retry = self.retry_after()
            raise QueueFullError(f"the request queue is full ({self.capacity} requests): retry in about {retry} s",
                                 retry)
        self._admitted += 1
        return Ticket(self)

    def retry_after(self) -> int:
        """Seconds until a full queue has turned over: how long admitted requests have been taking, all in (waiting
        in the queue, adapter generation, decoding), which is depth / throughput (Little's law). Before any request
        has finished: the LLM time per job times the depth."""
        estimate = self._request_seconds if self._request_seconds is not None else self._job_seconds * self._admitted
        return max(RETRY_AFTER_MIN_S, math.ceil(estimate))

    def _released(self, seconds: float) -> None:
        self._admitted -= 1
        self._request_seconds = seconds if self._request_seconds is None else 0.8 * self._request_seconds + 0.2 * seconds

    # -- jobs ---------------------------------------------------------------------------------------------------

    async def submit(self, key: Hashable, work: Callable[[Job], Any], deadline: float) -> Job:
        if self._draining is not None:
            raise self._draining
        job = Job(key, work, deadline, asyncio.get_running_loop().create_future())
        self._pending.append(job)
        self._wake.set()
        return job

    # -- shutdown -----------------------------------------------------------------------------------------------

    def drain(self, reason: ShuttingDownError) -> None:
        """Refuse every new request and job with `reason`, and fail the queued jobs with it; the running job goes on."""
        self._draining = reason
        for job in self._pending:
            job.cancel()
            if not job.future.done():
                job.future.set_exception(reason)
        self._pending.clear()

    def cancel_running(self) -> None:
        """Stop the running job at its next token (it finishes with finish_reason 'cancelled')."""
        if self._running is not None:
            self._running.cancel()

    def withdraw(self, job: Job) -> None:
        """The client went away: drop the job if it has not started, else stop it at the next token."""
        job.cancel()
        if job in self._pending:
            self._pending.remove(job)
            if not job.future.done():
                job.future.cancel()

    async def call(self, fn: Callable[..., Any], *args) -> Any:
        """Run fn on the LLM thread outside the queue (start-up, housekeeping, shutdown)."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    def _next(self) -> Job:
        same = next((j for j in self._pending if j.key == self._current_key), None)
        if same is not None and (self._streak < self.batch_limit or same is self._pending[0]):
            job = same
            if job is not self._pending[0]:
                self.swaps_saved += 1
                self._on_swap_saved()
            self._streak += 1
        else:
            job = self._pending[0]
            self._streak = 1 if job.key != self._current_key else self._streak + 1
        self._pending.remove(job)
        self._current_key = job.key
        return job

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if not self._pending:
                self._wake.clear()
                await self._wake.wait()
                continue
            job = self._next()
            if job.future.done():
                continue
            if time.monotonic() > job.deadline:
                job.future.set_exception(RequestTimeoutError("the request waited in the queue past its time limit"))
                continue
            job.started = time.monotonic()
            self._running = job
            try:
                result = await loop.run_in_executor(self._executor, self._execute, job)
            except BaseException as e:  # noqa: BLE001 - handed to the request that owns the job
                if isinstance(e, asyncio.CancelledError):
                    raise
                if not job.future.done():
                    job.future.set_exception(e)
            else:
                if not job.future.done():
                    job.future.set_result(result)
            finally:
                self._running = None
            elapsed = time.monotonic() - job.started
            self._job_seconds = 0.8 * self._job_seconds + 0.2 * elapsed

    def _execute(self, job: Job) -> Any:
        try:
            return job.work(job)
        finally:
            self._housekeeping()  # e.g. free adapters evicted meanwhile, on this thread
