"""`create_app(settings)`: the ASGI app of `t2l-edge serve`.

The heavy state (`ServeState`: llama.cpp runner, generator, adapter cache, queue) is built once, in the background
of the lifespan handler, so /health answers (503, then 200) while the model loads. Handlers are thin: parse a typed
request (protocol.py), ask the state, shape an OpenAI response. One exception handler maps the error family and
HTTP errors to OpenAI's error body.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import time
import uuid
from pathlib import Path
from typing import Any, AsyncIterator, Callable

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from t2l_edge import __version__
from t2l_edge.task_card import TaskCard
from t2l_edge.errors import (AdapterMismatchError, CorruptFileError, InvalidAdapterError, InvalidInputError,
                             MissingFileError, RuntimeBackendError, T2LEdgeError)

from . import protocol as p
from .backend import Piece, Sampling
from .errors import (ChatTemplateMissingError, ClientDisconnected, NotFoundError, NotReadyError, QueueFullError,
                     RequestTimeoutError, ShuttingDownError, UnauthorizedError)
from .prompting import Rendering, chat_refusal, chat_rendering, chat_task, completion_rendering, last_user_text
from .service import Completion, Resolved, ServeState
from .settings import ServeSettings, is_loopback

STATIC_DIR = Path(__file__).parent / "static"
SHUTDOWN_CANCELLED = "the server shut down before the answer was complete (its grace period ended)"
DEFAULT_MAX_TOKENS = 16  # OpenAI's default for completions
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]

# One table: error type -> (HTTP status, OpenAI error type, code). Most specific first.
ERROR_STATUS: list[tuple[type[BaseException], int, str, str | None]] = [
    (UnauthorizedError, 401, "authentication_error", "invalid_api_key"),
    (NotFoundError, 404, "not_found_error", "not_found"),
    (QueueFullError, 429, "rate_limit_error", "queue_full"),
    (NotReadyError, 503, "service_unavailable", "not_ready"),
    (ShuttingDownError, 503, "service_unavailable", "shutting_down"),
    (RequestTimeoutError, 504, "timeout_error", "timeout"),
    (AdapterMismatchError, 400, "invalid_request_error", "adapter_mismatch"),
    (InvalidAdapterError, 400, "invalid_request_error", "invalid_adapter"),
    (CorruptFileError, 400, "invalid_request_error", "invalid_adapter"),
    (MissingFileError, 404, "not_found_error", "not_found"),
    (InvalidInputError, 400, "invalid_request_error", "invalid_value"),
    (RuntimeBackendError, 500, "server_error", "backend_error"),
    (T2LEdgeError, 400, "invalid_request_error", None),
]
HTTP_ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 404: "not_found_error",
                    405: "invalid_request_error", 413: "invalid_request_error", 422: "invalid_request_error"}


def error_response(status: int, message: str, type_: str, code: str | None = None, param: str | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(p.error_body(message, type_, code, param), status_code=status, headers=headers)


def _t2l_error(request: Request, exc: T2LEdgeError) -> JSONResponse:
    for kind, status, type_, code in ERROR_STATUS:
        if isinstance(exc, kind):
            headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, QueueFullError) else None
            if isinstance(exc, UnauthorizedError):
                headers = {"WWW-Authenticate": "Bearer"}
            return error_response(status, str(exc), type_, code, headers=headers)
    return error_response(500, str(exc), "server_error")


def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    first = errors[0] if errors else {}
    if first.get("type") == "json_invalid":  # its loc is ("body", character offset): not a parameter
        detail = (first.get("ctx") or {}).get("error", "malformed")
        offset = next((x for x in first.get("loc", ()) if isinstance(x, int)), None)
        at = f" at character {offset}" if offset is not None else ""
        return error_response(400, f"the body is not valid JSON ({detail}{at})", "invalid_request_error", "invalid_json")
    where = ".".join(str(x) for x in first.get("loc", ()) if x != "body")
    msg = str(first.get("msg", "invalid value")).removeprefix("Value error, ")  # pydantic's prefix for our ValueErrors
    message = f"{where}: {msg}" if where else msg
    return error_response(400, message, "invalid_request_error", "invalid_value", param=where or None)


def _client_disconnected(request: Request, exc: ClientDisconnected) -> Response:
    """Nobody reads this answer: the client left. An empty 499 (nginx's "client closed request") ends the request
    without the traceback a raised CancelledError logged for every disconnect."""
    return Response(status_code=499)


def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return error_response(exc.status_code, str(exc.detail), HTTP_ERROR_TYPES.get(exc.status_code, "server_error"),
                          headers=getattr(exc, "headers", None))


class BodyLimit:
    """ASGI middleware: a request body over `limit` bytes is a 413 before any handler reads it. The body is read
    here (bounded) and replayed; later receive() calls go to the server (for disconnects)."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            return await self._too_large(scope, receive, send)
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # client went away before sending its body
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > self.limit:
                return await self._too_large(scope, receive, send)
        body = b"".join(chunks)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope, receive, send):
        response = error_response(413, f"request body is larger than {self.limit} bytes", "invalid_request_error",
                                  "body_too_large", headers={"Connection": "close"})
        await response(scope, receive, send)


class HostCheck:
    """ASGI middleware: a Host header not in `allowed` (port stripped, IPv6 brackets kept) is a 400 with OpenAI's error
    body. A loopback server is thereby out of reach of DNS rebinding: a page elsewhere names another host."""

    def __init__(self, app, allowed: list[str]):
        self.app, self.allowed = app, {h.lower() for h in allowed}

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        host = request_host(dict(scope.get("headers") or ()).get(b"host", b"").decode("latin-1"))
        if host not in self.allowed:
            response = error_response(400, f"Host header {host!r} is not one this server answers to ("
                                      f"{', '.join(sorted(self.allowed))})", "invalid_request_error", "invalid_host")
            return await response(scope, receive, send)
        await self.app(scope, receive, send)


def request_host(header: str) -> str:
    """The host of a Host header, lower-case, without its port: "[::1]:8080" -> "[::1]", "Local:80" -> "local"."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[: header.find("]") + 1] if "]" in header else header
    return header.split(":", 1)[0]


def key_matches(token: str, key: str) -> bool:
    """Does the bearer token equal the API key? Starlette decodes header bytes as latin-1, so `token` is the bytes the
    client sent: a non-ASCII key matches when sent as UTF-8 (curl, httpx) or as latin-1 (http.client). compare_digest:
    the time taken does not reveal how much of the key matched."""
    sent = token.encode("latin-1")
    candidates = [key.encode("utf-8")]
    try:
        candidates.append(key.encode("latin-1"))
    except UnicodeEncodeError:
        pass
    return any([hmac.compare_digest(sent, c) for c in candidates])  # a list: both compared, whatever the first gives


class CountRequests:
    """ASGI middleware: requests by endpoint (the route's path template, never the raw URL) and status."""

    def __init__(self, app, metrics):
        self.app, self.metrics = app, metrics

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        status = 500

        async def send_status(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.requests.labels(route, str(status)).inc()


def create_app(settings: ServeSettings, state: ServeState | None = None) -> FastAPI:
    """The app; `state` lets a caller (tests, benchmarks) pass its own, e.g. with another backend behind the seam."""
    state = state or ServeState(settings)
    limits = settings.limits

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        loading = asyncio.create_task(state.load(), name="t2l-load")
        loading.add_done_callback(lambda t: t.cancelled() or t.exception())  # reported through /health
        app.state.loading = loading
        try:
            yield
        finally:
            if not loading.done():
                loading.cancel()
                with contextlib.suppress(BaseException):
                    await loading
            await state.close()

    app = FastAPI(title="t2l-edge serve", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.t2l = state
    app.add_exception_handler(T2LEdgeError, _t2l_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(ClientDisconnected, _client_disconnected)

    app.add_middleware(CountRequests, metrics=state.metrics)
    app.add_middleware(BodyLimit, limit=limits.max_body_bytes)
    if is_loopback(settings.host):  # DNS rebinding: a web page elsewhere must not reach a loopback server by name
        app.add_middleware(HostCheck, allowed=LOOPBACK_HOSTS + [settings.host])

    def authorize(request: Request) -> None:
        if settings.api_key is None:
            return
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not key_matches(token, settings.api_key):
            raise UnauthorizedError("missing or wrong API key (send 'Authorization: Bearer KEY')")

    def ready() -> ServeState:
        state.require_ready()
        return state

    guarded = [Depends(authorize)]

    # -- monitoring and the page ------------------------------------------------------------------------------

    @app.get("/health")
    async def health():
        if state.stopping:
            return JSONResponse({"status": "stopping", "detail": "shutting down"}, status_code=503)
        if state.ready:
            return {"status": "ok", "model": state.model_id, "adapters": len(state.cache.registered),
                    "cached": len(state.cache), "queue_depth": state.scheduler.depth}
        status = "error" if state.load_error else "loading"
        detail = str(state.load_error) if state.load_error else "loading the model and generator"
        return JSONResponse({"status": status, "detail": detail}, status_code=503)

    @app.get("/metrics", dependencies=guarded)
    async def metrics():
        state.metrics.queue_depth.set(state.scheduler.depth)
        return Response(state.metrics.render(), media_type="text/plain; version=0.0.4")

    @app.get("/", include_in_schema=False)
    async def index():
        return FileResponse(STATIC_DIR / "index.html")

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon():  # browsers ask for this path whatever the page says; the icon is an SVG
        return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    # -- models and adapters ----------------------------------------------------------------------------------

    @app.get("/v1/models", dependencies=guarded)
    async def models() -> p.ModelList:
        s = ready()
        cards = [p.ModelCard(id=s.model_id, t2l={"kind": "base"})]
        cards += [p.ModelCard(id=e.id, created=e.created, t2l={"kind": e.kind, "task": e.task})
                  for e in (*s.cache.registered.values(), *s.cache.generated())]
        return p.ModelList(data=cards)

    def adapter_info(e) -> p.AdapterInfo:
        return p.AdapterInfo(id=e.id, kind=e.kind, task=e.task, quantization=e.quantization, gguf_bytes=e.size,
                             generation_ms=round(e.generation_ms, 3) if e.generation_ms is not None else None,
                             created=e.created)

    @app.post("/v1/adapters", dependencies=guarded)
    async def create_adapter(body: p.AdapterRequest) -> dict[str, Any]:
        s = ready()
        task = request_task(body.task, body.examples)
        if task is None:
            raise InvalidInputError("'task' (a description) or 'examples' is required")
        with s.scheduler.admit():
            t0 = time.perf_counter()
            entry, hit = await s.adapter_for_task(task, body.quantization)
        info = adapter_info(entry).model_dump()
        info["cache"] = "hit" if hit else "miss"
        info["request_ms"] = round((time.perf_counter() - t0) * 1000, 3)
        return info

    @app.get("/v1/adapters", dependencies=guarded)
    async def list_adapters() -> p.AdapterList:
        s = ready()
        return p.AdapterList(data=[adapter_info(e) for e in (*s.cache.registered.values(), *s.cache.generated())])

    @app.get("/v1/adapters/{adapter_id}", dependencies=guarded)
    async def get_adapter(adapter_id: str) -> p.AdapterInfo:
        return adapter_info(ready().named_adapter(adapter_id))

    @app.get("/v1/adapters/{adapter_id}/gguf", dependencies=guarded)
    async def get_adapter_gguf(adapter_id: str):
        entry = ready().named_adapter(adapter_id)
        data = entry.gguf if entry.gguf is not None else await asyncio.to_thread(entry.path.read_bytes)
        return Response(data, media_type="application/octet-stream",
                        headers={"Content-Disposition": f'attachment; filename="{entry.id}.gguf"'})

    @app.delete("/v1/adapters/{adapter_id}", dependencies=guarded)
    async def delete_adapter(adapter_id: str):
        entry = await ready().delete_adapter(adapter_id)
        return {"id": entry.id, "object": "adapter", "deleted": True}

    # -- completions ------------------------------------------------------------------------------------------

    def request_task(task: str | None, examples: list[dict] | None) -> str | TaskCard | None:
        """A request's task: its description, or with `examples` a task card (both bounded)."""
        if examples is None:
            return task
        if len(examples) > limits.max_examples:
            raise InvalidInputError(f"{len(examples)} examples, at most {limits.max_examples}")
        return state.check_task(TaskCard(task, [(e.get("input"), e.get("output")) for e in examples]), "the task card")

    def check_common(req: p.GenerationRequest) -> int:
        max_tokens = req.max_tokens or DEFAULT_MAX_TOKENS
        if max_tokens > limits.max_tokens:
            raise InvalidInputError(f"max_tokens is {max_tokens}, this server allows at most {limits.max_tokens}")
        if req.task is not None:
            state.check_task(req.task)
        return max_tokens

    def check_chars(text: str, what: str) -> None:
        if len(text) > limits.max_prompt_chars:
            raise InvalidInputError(f"{what} is {len(text)} characters, at most {limits.max_prompt_chars}")

    @app.post("/v1/completions", dependencies=guarded)
    async def completions(req: p.CompletionRequest, request: Request):
        s = ready()
        max_tokens = check_common(req)
        check_chars(req.prompt, "'prompt'")

        def render(resolved: Resolved) -> Rendering:
            return completion_rendering(req.prompt, resolved.entry, s.prompt_format, req.format, req.prompt_mode,
                                        req.temperature, req.stop_list())

        return await run_completion(request, req, "text_completion", render, max_tokens, req.prompt,
                                    request_task(req.task, req.examples), echo=req.echo)

    @app.post("/v1/chat/completions", dependencies=guarded)
    async def chat_completions(req: p.ChatCompletionRequest, request: Request):
        s = ready()
        max_tokens = check_common(req)
        if len(req.messages) > limits.max_messages:
            raise InvalidInputError(f"{len(req.messages)} messages, at most {limits.max_messages}")
        messages = [{"role": m.role, "content": m.text} for m in req.messages]
        check_chars("".join(m["content"] for m in messages), "the messages' content")
        has_template = bool(s.backend.chat_template)
        names_adapter = req.adapter is not None or (req.model not in (None, s.model_id))
        task = chat_task(req.task, names_adapter, has_template, messages)
        if task is not None and req.task is None:
            s.check_task(task, "the system message (taken as the task)")
        if req.examples is not None:
            task = request_task(task, req.examples)
        if not (has_template or task or names_adapter or s.router or settings.chat_format):
            raise ChatTemplateMissingError(chat_refusal(s.model_id))  # the clear 400, before anything is queued

        def render(resolved: Resolved) -> Rendering:
            return chat_rendering(messages, resolved.entry, s.prompt_format, has_template, settings.chat_format,
                                  req.prompt_mode, req.temperature, req.stop_list(), s.model_id)

        return await run_completion(request, req, "chat.completion", render, max_tokens,
                                    last_user_text(messages), task, messages=messages)

    def decoding(rendering: Rendering, max_tokens: int, req: p.GenerationRequest,
                 messages: list[dict] | None) -> tuple[Callable, Sampling]:
        text = rendering.text
        make_tokens = (lambda b: b.tokenize(text)) if text is not None else (lambda b: b.render_chat(messages))
        return make_tokens, Sampling(max_tokens, rendering.temperature, req.top_p, req.seed, rendering.stop)

    def rendering_info(rendering: Rendering) -> dict[str, Any]:
        """What the model was given: the rendered prompt (None: the chat template's) and the prompt mode."""
        return {"prompt": rendering.text, "prompt_mode": rendering.prompt_mode.value if rendering.prompt_mode else None}

    async def run_completion(request: Request, req: p.GenerationRequest, kind: str,
                             render: Callable[[Resolved], Rendering], max_tokens: int, route_text: str,
                             task: str | None, echo: bool = False, messages: list[dict] | None = None):
        s = state
        deadline = time.monotonic() + (limits.stream_seconds if req.stream else limits.request_seconds)
        ticket = s.scheduler.admit()
        s.metrics.queue_depth.set(s.scheduler.depth)
        try:
            resolved = await s.resolve(req.model, task, req.adapter, None, route_text)
            rendering = render(resolved)
            make_tokens, sampling = decoding(rendering, max_tokens, req, messages)
            rid = ("cmpl-" if kind == "text_completion" else "chatcmpl-") + uuid.uuid4().hex[:24]
            model = resolved.entry.id if resolved.entry else s.model_id
            if req.stream:
                return await stream_completion(request, req, kind, rid, model, resolved, rendering, make_tokens,
                                               sampling, deadline, ticket)
            job = await s.submit(resolved, make_tokens, sampling, req.lora_scale, deadline)
            result: Completion = await _await_job(request, job)
        except BaseException:
            ticket.release()
            raise
        ticket.release()
        if result.finish_reason == "timeout":
            raise RequestTimeoutError(f"the request ran past its {limits.request_seconds:g} s limit")
        if result.finish_reason == "cancelled":  # only shutdown cancels a job whose client is still there
            raise ShuttingDownError(SHUTDOWN_CANCELLED)
        timings = dict(result.timings_ms)
        if resolved.generation_ms is not None and resolved.cache == "miss":
            timings["adapter_generation"] = round(resolved.generation_ms, 3)
        s.metrics.observe_phases(timings)
        usage = p.Usage(prompt_tokens=result.prompt_tokens, completion_tokens=result.completion_tokens,
                        total_tokens=result.prompt_tokens + result.completion_tokens)
        t2l = {**resolved.info(), **rendering_info(rendering), "timings_ms": timings}
        if kind == "text_completion":
            prefix = (rendering.text or "") if echo else ""
            choice = p.CompletionChoice(text=prefix + result.text, finish_reason=result.finish_reason)
            return p.CompletionResponse(id=rid, model=model, choices=[choice], usage=usage, t2l=t2l)
        choice = p.ChatChoice(message={"role": "assistant", "content": result.text}, finish_reason=result.finish_reason)
        return p.ChatCompletionResponse(id=rid, model=model, choices=[choice], usage=usage, t2l=t2l)

    async def _await_job(request: Request, job) -> Completion:
        """The job's result; if the client disconnects first, the job leaves the queue (or stops decoding)."""
        watch = asyncio.create_task(_disconnected(request))
        try:
            done, _ = await asyncio.wait({job.future, watch}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            watch.cancel()
        if job.future not in done:
            state.scheduler.withdraw(job)
            raise ClientDisconnected()
        return job.future.result()

    async def stream_completion(request, req, kind, rid, model, resolved: Resolved, rendering: Rendering, make_tokens,
                                sampling, deadline, ticket) -> StreamingResponse:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()
        end = object()

        def sink(piece: Piece) -> None:  # LLM thread
            loop.call_soon_threadsafe(queue.put_nowait, piece)

        job = await state.submit(resolved, make_tokens, sampling, req.lora_scale, deadline, sink=sink)
        job.future.add_done_callback(lambda f: queue.put_nowait(end))
        created = int(time.time())

        def event(delta: Any, finish: str | None, extra: dict | None = None) -> str:
            if kind == "text_completion":
                choice = {"index": 0, "text": delta or "", "logprobs": None, "finish_reason": finish}
                obj = "text_completion"
            else:
                choice = {"index": 0, "delta": delta if isinstance(delta, dict) else ({"content": delta} if delta else {}),
                          "finish_reason": finish}
                obj = "chat.completion.chunk"
            body = {"id": rid, "object": obj, "created": created, "model": model, "choices": [choice], **(extra or {})}
            return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

        async def events() -> AsyncIterator[str]:
            try:
                if kind != "text_completion":
                    yield event({"role": "assistant", "content": ""}, None)
                while True:
                    item = await queue.get()
                    if item is end:
                        break
                    if item.text and item.finish_reason not in ("timeout", "cancelled"):
                        yield event(item.text, None)
                if job.future.cancelled():
                    return
                if job.future.exception() is not None:
                    for chunk in error_events(job.future.exception()):
                        yield chunk
                    return
                result: Completion = job.future.result()
                timings = dict(result.timings_ms)
                if resolved.generation_ms is not None and resolved.cache == "miss":
                    timings["adapter_generation"] = round(resolved.generation_ms, 3)
                state.metrics.observe_phases(timings)
                ended = {"timeout": RequestTimeoutError("the stream ran past its time limit"),
                         "cancelled": ShuttingDownError(SHUTDOWN_CANCELLED)}.get(result.finish_reason)
                if ended is not None:
                    for chunk in error_events(ended):
                        yield chunk
                    return
                usage = {"prompt_tokens": result.prompt_tokens, "completion_tokens": result.completion_tokens,
                         "total_tokens": result.prompt_tokens + result.completion_tokens}
                t2l = {**resolved.info(), **rendering_info(rendering), "timings_ms": timings}
                yield event(None, result.finish_reason, {"usage": usage, "t2l": t2l})
                yield "data: [DONE]\n\n"
            finally:
                if not job.future.done():
                    state.scheduler.withdraw(job)  # the client went away: free the slot, stop decoding
                ticket.release()

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    return app


def error_events(exc: BaseException) -> list[str]:
    """How a stream that already answered 200 reports an error: an event with OpenAI's error body, then [DONE], so a
    client reading to the end stops there."""
    status, type_, code = next(((st, ty, co) for k, st, ty, co in ERROR_STATUS if isinstance(exc, k)),
                               (500, "server_error", None))
    return [f"data: {json.dumps(p.error_body(str(exc), type_, code))}\n\n", "data: [DONE]\n\n"]


async def _disconnected(request: Request) -> None:
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return
