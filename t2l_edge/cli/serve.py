"""`t2l-edge serve`: parse, check, start the server (t2l_edge.serve). FastAPI and llama.cpp load inside the command.

    t2l-edge serve                                   # http://127.0.0.1:8080/ (web page), /v1 (OpenAI API)
    t2l-edge serve --adapter upper=upper.gguf --route --port 9000
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Optional

import typer

from .console import console
from .options import DEFAULT_CONTEXT, BaseModel, Bundle, Context, Quantization, flag, recipe_or_default


def serve(
    bundle: Bundle = None,
    base_model: BaseModel = None,
    host: Annotated[str, typer.Option(help="Address to bind; other than loopback needs --api-key or --insecure.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free port).")] = 8080,
    adapter: Annotated[
        Optional[list[str]], typer.Option("--adapter", "-a", metavar="NAME=PATH",
                                          help="Register a GGUF adapter under a name (repeatable).")
    ] = None,
    cache_size: Annotated[int, typer.Option(min=1, help="Generated adapters kept (LRU); evicted ones are freed.")] = 16,
    queue_size: Annotated[int, typer.Option(min=1, help="Requests admitted at once; more get 429.")] = 32,
    api_key: Annotated[
        Optional[str], typer.Option(envvar="T2L_EDGE_API_KEY", help="Require 'Authorization: Bearer KEY'.")
    ] = None,
    insecure: Annotated[bool, flag("--insecure", help="Allow a non-loopback --host without --api-key.")] = False,
    route: Annotated[
        bool, flag("--route", help="Send requests without task/adapter to the nearest registered adapter.")
    ] = False,
    route_threshold: Annotated[float, typer.Option(help="Least cosine for --route to pick an adapter.")] = 0.35,
    context: Context = DEFAULT_CONTEXT,
    threads: Annotated[Optional[int], typer.Option(min=1, help="llama.cpp threads (default: up to 4).")] = None,
    quantization: Quantization = None,
    max_tokens: Annotated[int, typer.Option("--max-request-tokens", min=1, help="Largest max_tokens a request may ask for.")] = 512,
    chat_format: Annotated[
        Optional[str], typer.Option(metavar="io-v1|raw", help="Plain chat (no task, adapter or system message) on a "
                                    "model without a chat template: the last user message as a task input (io-v1) or "
                                    "as it is (raw). Default: refused.")
    ] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn's log level.")] = "info",
    shutdown_grace: Annotated[
        float, typer.Option(min=0, max=3600, metavar="SECONDS",
                            help="On SIGTERM or Ctrl-C: queued requests get 503 at once; the running one may finish "
                            "within this many seconds, then its decode is cancelled.")
    ] = 10.0,
):
    """Serve an OpenAI-compatible API on this machine: a task description in a request becomes an adapter."""
    from ..serve.server import WILDCARD_LOOPBACK, browsable_url, free_port, serve as run
    from ..serve.service import check_registered_adapters
    from ..serve.settings import Limits, ServeSettings, parse_adapter_option

    settings = ServeSettings(
        bundle=bundle, base_model=base_model, host=host, port=port,
        adapters=dict(parse_adapter_option(a) for a in adapter or []), cache_size=cache_size, queue_size=queue_size,
        api_key=api_key, insecure=insecure, route=route, route_threshold=route_threshold, context=context,
        threads=threads, quantization=recipe_or_default(quantization).value, limits=Limits(max_tokens=max_tokens),
        chat_format=chat_format, shutdown_grace=shutdown_grace,
    )
    check_registered_adapters(settings)  # a bad --adapter is a one-line error now, not a crash in llama.cpp later
    if settings.port == 0:  # any free port: pick it now, so that the address printed is the one served
        settings = dataclasses.replace(settings, port=free_port(host))
    url = browsable_url(host, settings.port)
    where = " (listening on every interface: other machines use this machine's address)" \
        if host in WILDCARD_LOOPBACK else ""
    console.print(f"t2l-edge serve: {url}/ (web page), {url}/v1 (OpenAI API){where}", highlight=False)
    run(settings, log_level=log_level)
