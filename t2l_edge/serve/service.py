"""The server's heavy state and what a request does with it, independent of HTTP: load the model, the generator
and the registered adapters; turn a task text into a cached adapter; queue a completion on the LLM thread.

Threads: the event loop owns the cache's bookkeeping; one generator thread turns texts into GGUF bytes (beside
decoding); one LLM thread (the scheduler's) owns every llama.cpp call.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from t2l_edge.task_card import TaskCard
from t2l_edge.errors import InvalidInputError
from t2l_edge.export.recipes import parse_recipe
from t2l_edge.keys import T2L, Adapter as AdapterKeys
from t2l_edge.prompts import get_prompt_format

from .backend import LLMBackend, Piece, Sampling
from .cache import AdapterCache, AdapterEntry, task_key
from .errors import NotFoundError, NotReadyError, ShuttingDownError
from .metrics import ServeMetrics
from .routing import Route, Router
from .scheduler import Job, Scheduler
from .settings import ServeSettings

BackendFactory = Callable[[ServeSettings], LLMBackend]


def llama_cpp_backend(settings: ServeSettings) -> LLMBackend:
    from .backend import LlamaCppBackend

    return LlamaCppBackend(settings.base_model, n_ctx=settings.context, n_threads=settings.threads)


def default_generator(settings: ServeSettings):
    """The bundle's generator (ONNX Runtime, or TensorRT for a tensorrt bundle); none given: the shipped one."""
    from t2l_edge.runtimes import open_generator

    from t2l_edge.runtimes.llama_cpp import CardReader

    # the base model's card reader opens at the first card with examples, on a card-reading bundle only
    return open_generator(settings.bundle, card_reader=CardReader(settings.base_model, n_threads=settings.threads))


def registered_entry(name: str, path: Path) -> AdapterEntry:
    """A registered adapter with what its GGUF records: the task text our writer stores (else its name), the prompt
    mode and the generator it was made with."""
    from t2l_edge.gguf_reader import read_gguf

    meta = read_gguf(path).metadata
    text = lambda key: meta.get(key) if isinstance(meta.get(key), str) else ""  # noqa: E731
    return AdapterEntry(name, "registered", text(AdapterKeys.LORA_TASK_NAME) or name, path=Path(path),
                        prompt_mode=text(T2L.PROMPT_MODE), generator=text(T2L.GENERATOR))


def check_registered_adapters(settings: ServeSettings) -> None:
    """--adapter NAME=PATH: every file exists and fits the base (header checks, milliseconds). Run before the server
    starts so that a bad one is a one-line error, never a crash inside llama.cpp."""
    from t2l_edge.compat import check_adapter_fits
    from t2l_edge.errors import MissingFileError
    from t2l_edge.gguf_reader import read_gguf
    from t2l_edge.models import resolve_base_model

    if not settings.adapters:
        return
    base = read_gguf(resolve_base_model(settings.base_model))
    for name, path in settings.adapters.items():
        if not Path(path).is_file():
            raise MissingFileError(f"--adapter {name}={path}: file not found (registered adapters are GGUF files)")
        check_adapter_fits(read_gguf(path, name=f"--adapter {name}"), base)


@dataclass
class Resolved:
    """Which adapter a request runs on, and why."""

    entry: AdapterEntry | None
    cache: str | None = None  # "hit" / "miss" for task adapters
    route: Route | None = None
    generation_ms: float | None = None

    def info(self) -> dict[str, Any]:
        out: dict[str, Any] = {"adapter": self.entry.id if self.entry else None,
                               "adapter_kind": self.entry.kind if self.entry else None}
        if self.cache:
            out["cache"] = self.cache
        if self.route is not None:
            out["route"] = {"adapter": self.route.adapter, "nearest": self.route.nearest,
                            "score": round(self.route.score, 4), "threshold": self.route.threshold}
        return out


@dataclass
class Completion:
    text: str
    finish_reason: str
    prompt_tokens: int
    completion_tokens: int
    timings_ms: dict[str, float] = field(default_factory=dict)


class ServeState:
    def __init__(self, settings: ServeSettings, backend_factory: BackendFactory = llama_cpp_backend,
                 generator_factory: Callable[[ServeSettings], Any] = default_generator, free_on_close: bool = True):
        """`free_on_close`: close() frees llama.cpp's model and context. A process about to exit (`t2l-edge serve`)
        passes False: the OS takes the memory back at once, where freeing it piece by piece took seconds of the
        shutdown's time on a busy device."""
        self.settings = settings
        self._free_on_close = free_on_close
        self.metrics = ServeMetrics()
        self.cache = AdapterCache(settings.cache_size)
        self.scheduler = Scheduler(settings.queue_size, settings.batch_same_adapter, housekeeping=self._free_released,
                                   on_swap_saved=self.metrics.swaps_saved.inc)
        self._backend_factory = backend_factory
        self._generator_factory = generator_factory
        self.backend: LLMBackend | None = None
        self.generator = None
        self.generator_id = ""
        self.prompt_format = get_prompt_format()
        self.prompt_mode = ""  # the PromptMode the generator's adapters are made for
        self.router: Router | None = None
        self.ready = False
        self.load_error: BaseException | None = None
        self._gen_executor = ThreadPoolExecutor(1, thread_name_prefix="t2l-gen")
        self._generating: dict[str, asyncio.Future] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self.stopping = False  # SIGTERM seen: draining (see begin_shutdown)

    # -- lifecycle ----------------------------------------------------------------------------------------------

    async def load(self) -> None:
        """Everything heavy, once: the base model on the LLM thread, the generator on the generator thread (side by
        side), then the registered adapters and the router."""
        loop = asyncio.get_running_loop()
        self._loop = loop
        try:
            self.scheduler.start()
            backend_f = self.scheduler.call(self._backend_factory, self.settings)
            generator_f = loop.run_in_executor(self._gen_executor, self._generator_factory, self.settings)
            self.backend, self.generator = await asyncio.gather(backend_f, generator_f)
            manifest = getattr(self.generator, "manifest", None)
            self.generator_id = (getattr(manifest, "generator", "") or str(getattr(self.generator, "bundle", ""))
                                 or type(self.generator).__name__)
            if manifest is not None:
                self.prompt_format = get_prompt_format(manifest.prompt_format)
            self.prompt_mode = getattr(self.generator, "prompt_mode", "") or ""
            descriptions = {}
            for name, path in self.settings.adapters.items():
                entry = registered_entry(name, Path(path))
                entry.handle = await self.scheduler.call(self.backend.load_adapter, Path(path), name)
                self.cache.register(entry)
                descriptions[name] = entry.task
            if self.settings.route:
                self.router = await loop.run_in_executor(
                    self._gen_executor, Router, self.generator.embed, descriptions, self.settings.route_threshold)
            self.ready = True
            self.metrics.ready.set(1)
            self.metrics.adapters_loaded.set(self.cache.loaded)
        except BaseException as e:
            self.load_error = e
            raise

    async def close(self) -> None:
        await self.scheduler.stop()
        if self.backend is not None and self._free_on_close:
            await self.scheduler.call(self.backend.close)  # frees every adapter llama.cpp still holds
        self.scheduler.shutdown_executor()
        self._gen_executor.shutdown(wait=True)

    def request_shutdown(self, grace_s: float) -> None:
        """From any thread (a signal handler included): start draining on the event loop."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self.begin_shutdown, grace_s)

    def begin_shutdown(self, grace_s: float) -> None:
        """Event loop: refuse new requests and fail the queued ones (503); the running one may finish within `grace_s`
        seconds, then its decode is cancelled (a 503, or a stream's error event)."""
        if self.stopping:
            return
        self.stopping = True
        self.metrics.ready.set(0)
        self.scheduler.drain(ShuttingDownError("the server is shutting down: retry later or on another instance"))
        asyncio.get_running_loop().call_later(grace_s, self.scheduler.cancel_running)

    def require_ready(self) -> None:
        if not self.ready:
            if self.load_error is not None:
                raise NotReadyError(f"the server failed to load: {self.load_error}")
            raise NotReadyError("the model and generator are still loading: retry shortly (GET /health)")

    @property
    def model_id(self) -> str:
        return self.backend.model_id if self.backend is not None else ""

    # -- adapters -----------------------------------------------------------------------------------------------

    def check_task(self, task: str | TaskCard, what: str = "'task'") -> str | TaskCard:
        """A description, or a task card (description and/or examples): within the server's bounds."""
        text = task.text if isinstance(task, TaskCard) else task
        if not isinstance(text, str) or not text.strip():
            raise InvalidInputError(f"{what} must be a non-empty description")
        if len(text) > self.settings.limits.max_task_chars:
            raise InvalidInputError(f"{what} is {len(text)} characters, at most {self.settings.limits.max_task_chars}")
        return task

    async def adapter_for_task(self, task: str | TaskCard,
                               quantization: str | None = None) -> tuple[AdapterEntry, bool]:
        """The cached adapter for this text (or task card), generated on the generator thread on a miss (concurrent
        requests for the same new text share one generation). Returns (entry, cache hit)."""
        self.check_task(task)
        recipe = parse_recipe(quantization or self.settings.quantization).value
        text = task.text if isinstance(task, TaskCard) else task
        key = task_key(text, self.generator_id, recipe)
        entry = self.cache.lookup(key)
        self.metrics.cache.labels("hit" if entry else "miss").inc()
        if entry is not None:
            return entry, True
        pending = self._generating.get(key)
        if pending is not None:
            return await asyncio.shield(pending), False
        future = asyncio.get_running_loop().create_future()
        self._generating[key] = future
        try:
            t0 = time.perf_counter()
            data = await asyncio.get_running_loop().run_in_executor(self._gen_executor, self._generate_gguf, task, recipe)
            entry = AdapterEntry(key, "generated", text, gguf=data, quantization=recipe,
                                 generation_ms=(time.perf_counter() - t0) * 1000, prompt_mode=self.prompt_mode,
                                 generator=self.generator_id)
            evicted = self.cache.put(entry)
            if evicted:
                self.metrics.cache.labels("eviction").inc(len(evicted))
            future.set_result(entry)
            return entry, False
        except BaseException as e:
            future.set_exception(e)
            future.exception()  # retrieved: no "never retrieved" warning when nobody else waited
            raise
        finally:
            del self._generating[key]

    def _generate_gguf(self, task: str | TaskCard, recipe: str) -> bytes:
        """Generator thread: text -> LoraAdapter (any AdapterGenerator) -> quantized GGUF bytes."""
        from t2l_edge.export.gguf import to_gguf_bytes

        return to_gguf_bytes(self.generator.generate([task])[0], recipe)

    def named_adapter(self, name: str) -> AdapterEntry:
        entry = self.cache.get(name)
        if entry is None:
            raise NotFoundError(f"adapter {name!r} not found (GET /v1/adapters lists them; generated adapters may "
                                "have been evicted from the cache)")
        return entry

    async def delete_adapter(self, adapter_id: str) -> AdapterEntry:
        if adapter_id in self.cache.registered:
            raise InvalidInputError(f"adapter {adapter_id!r} is registered at start-up (--adapter) and cannot be deleted")
        entry = self.cache.remove(adapter_id)
        if entry is None:
            raise NotFoundError(f"adapter {adapter_id!r} not found")
        await self.scheduler.call(self._free_released)
        return entry

    async def resolve(self, model: str | None, task: str | None, adapter: str | None, quantization: str | None,
                      route_text: str) -> Resolved:
        """Which adapter a request uses: `task` (generated), `adapter` or a `model` naming one, else the router
        (with --route), else the base."""
        if task is not None and adapter is not None:
            raise InvalidInputError("give 'task' or 'adapter', not both")
        if model and model != self.model_id:
            if adapter is not None and adapter != model:
                raise InvalidInputError(f"'model' {model!r} and 'adapter' {adapter!r} name different adapters")
            if self.cache.get(model) is None:
                raise NotFoundError(f"model {model!r} not found (GET /v1/models lists the base and its adapters)")
            adapter = model
        if task is not None:
            if adapter is not None:
                raise InvalidInputError("give 'task' or an adapter as 'model', not both")
            t0 = time.perf_counter()
            entry, hit = await self.adapter_for_task(task, quantization)
            ms = (time.perf_counter() - t0) * 1000
            return Resolved(entry, "hit" if hit else "miss", generation_ms=ms)
        if adapter is not None:
            return Resolved(self.named_adapter(adapter))
        if self.router is not None:
            route = await asyncio.get_running_loop().run_in_executor(self._gen_executor, self.router.route, route_text)
            return Resolved(self.cache.registered[route.adapter] if route.adapter else None, route=route)
        return Resolved(None)

    # -- completions (the work runs on the LLM thread) ------------------------------------------------------------

    async def submit(self, resolved: Resolved, make_tokens: Callable[[LLMBackend], list[int]], sampling: Sampling,
                     scale: float, deadline: float, sink: Callable[[Piece], None] | None = None) -> Job:
        # at scale 0 an adapter adds nothing: the base answers (no swap), e.g. "the base told the task"
        entry = resolved.entry if scale > 0 else None
        if entry is not None:
            self.cache.pin(entry)
        key = (entry.id if entry else None, scale)

        def work(job: Job) -> Completion:
            try:
                return self._complete(job, entry, scale, make_tokens, sampling, sink)
            finally:
                if entry is not None:
                    self.cache.unpin(entry)

        try:
            job = await self.scheduler.submit(key, work, deadline)
        except BaseException:
            if entry is not None:
                self.cache.unpin(entry)
            raise
        job.future.add_done_callback(lambda f: self._unpin_if_never_run(f, job, entry))
        return job

    def _unpin_if_never_run(self, future: asyncio.Future, job: Job, entry: AdapterEntry | None) -> None:
        if entry is not None and job.started is None:  # withdrawn or timed out in the queue: work() never ran
            self.cache.unpin(entry)

    def _complete(self, job: Job, entry: AdapterEntry | None, scale: float,
                  make_tokens: Callable[[LLMBackend], list[int]], sampling: Sampling,
                  sink: Callable[[Piece], None] | None) -> Completion:
        backend = self.backend
        timings = {"queue_wait": job.queue_wait_s * 1000}
        tokens = make_tokens(backend)
        t0 = time.perf_counter()
        handle, temporary = self._ensure_loaded(entry) if entry is not None else (None, False)
        try:
            backend.activate(handle, scale)
            t1 = time.perf_counter()
            timings["swap"] = (t1 - t0) * 1000
            pieces, reason, t_first = [], "length", None
            for piece in backend.stream(tokens, sampling, job.stop_reason):
                if t_first is None:
                    t_first = time.perf_counter()
                if piece.text:
                    pieces.append(piece.text)
                if sink is not None and (piece.text or piece.finish_reason):
                    sink(piece)
                if piece.finish_reason:
                    reason = piece.finish_reason
                    break
            t2 = time.perf_counter()
            t_first = t_first or t2
            timings["prompt"] = (t_first - t1) * 1000
            timings["decode"] = (t2 - t_first) * 1000
        finally:
            if temporary:
                backend.free_adapter(handle)
        text = "".join(pieces)
        n_out = len(backend.tokenize(text, special=False)) - 1 if text else 0  # minus the BOS tokenize adds
        result = Completion(text, reason, len(tokens), n_out, {k: round(v, 3) for k, v in timings.items()})
        self.metrics.tokens.labels("prompt").inc(len(tokens))
        self.metrics.tokens.labels("completion").inc(n_out)
        if n_out and timings["decode"] > 0:
            self.metrics.tokens_per_second.observe(n_out / (timings["decode"] / 1000))
        return result

    def _ensure_loaded(self, entry: AdapterEntry) -> tuple[object, bool]:
        """LLM thread: the entry's llama.cpp handle, loading it on first use. An entry evicted while its request
        waited gets a handle for this request only (freed right after)."""
        if entry.handle is not None:
            return entry.handle, False
        handle = self.backend.load_adapter(entry.gguf if entry.gguf is not None else entry.path, entry.id)
        if entry.evicted:
            return handle, True
        entry.handle = handle
        self.metrics.adapters_loaded.set(self.cache.loaded)
        return handle, False

    def _free_released(self) -> None:
        """LLM thread, after every job: free the llama.cpp adapters of evicted or deleted entries nobody uses."""
        if self.backend is None:
            return
        for handle in self.cache.drain_freeable():
            self.backend.free_adapter(handle)
        self.metrics.adapters_loaded.set(self.cache.loaded)
