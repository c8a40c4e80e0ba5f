"""Run the app: `serve(settings)` blocks (the CLI); `start_server(settings)` runs it in a background thread of this
process on a free port and returns once it is ready (tests, apps embedding the server)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import threading
import time
from dataclasses import dataclass

from t2l_edge.errors import RuntimeBackendError

from .app import create_app
from .memory import fix_malloc_mmap_threshold
from .service import ServeState
from .settings import ServeSettings

STARTUP_TIMEOUT_S = 300.0


def _prepare_environment() -> None:
    # llama.cpp with spinning OpenMP threads is 10-30x slower on a busy machine; the user's own choice wins.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    fix_malloc_mmap_threshold()  # a flat RSS over thousands of task texts (memory.py)


# After the grace period the running decode is cancelled and stops at its next token; uvicorn waits this much longer
# for the responses to go out before it cancels what is left.
SHUTDOWN_MARGIN_S = 1.0


def _config(app, settings: ServeSettings, sock_port: int, log_level: str):
    import uvicorn

    return uvicorn.Config(app, host=settings.host, port=sock_port, log_level=log_level, access_log=False,
                          timeout_graceful_shutdown=settings.shutdown_grace + SHUTDOWN_MARGIN_S, lifespan="on")


def _graceful_server(config, state: ServeState, grace_s: float):
    """uvicorn's server, whose SIGTERM / SIGINT handler first drains the queue (ServeState.begin_shutdown): queued
    requests get 503 at once, the running one has `grace_s` seconds, then uvicorn stops as usual."""
    import uvicorn

    class GracefulServer(uvicorn.Server):
        def handle_exit(self, sig, frame) -> None:
            if not self.should_exit:
                state.request_shutdown(grace_s)
            super().handle_exit(sig, frame)

    return GracefulServer(config)


def serve(settings: ServeSettings, log_level: str = "info") -> None:
    """Run until SIGTERM or Ctrl-C (then drain: see `_graceful_server`)."""
    _prepare_environment()
    state = ServeState(settings, free_on_close=False)  # the process ends right after: the OS frees llama.cpp
    config = _config(create_app(settings, state), settings, settings.port, log_level)
    _graceful_server(config, state, settings.shutdown_grace).run()


WILDCARD_LOOPBACK = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}


def browsable_url(host: str, port: int) -> str:
    """A URL a person can open for a server bound to `host`: a wildcard bind (0.0.0.0, ::) is reached through
    loopback on this machine (http://0.0.0.0:8080/ opens nothing in most browsers)."""
    name = WILDCARD_LOOPBACK.get(host) or (f"[{host}]" if ":" in host else host)
    return f"http://{name}:{port}"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@dataclass
class RunningServer:
    """A server in a background thread. `stop()` shuts it down cleanly (the lifespan frees llama.cpp)."""

    url: str
    settings: ServeSettings
    state: ServeState
    _server: object
    _thread: threading.Thread

    def stop(self, timeout: float = 30.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise RuntimeBackendError(f"the server at {self.url} did not stop within {timeout:g} s")

    def shutdown(self, timeout: float = 60.0) -> None:
        """What SIGTERM does to `t2l-edge serve`: drain (queued requests 503, the running one gets the grace period),
        then stop."""
        self._server.handle_exit(signal.SIGTERM, None)
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise RuntimeBackendError(f"the server at {self.url} did not stop within {timeout:g} s")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start_server(settings: ServeSettings | None = None, state: ServeState | None = None,
                 timeout: float = STARTUP_TIMEOUT_S, log_level: str = "warning", wait_ready: bool = True) -> RunningServer:
    """Start on `settings.port` (0: a free loopback port) and return once it listens and (`wait_ready`) /health says
    ready; raises the load error (a bad adapter, a missing model) if loading fails."""
    _prepare_environment()
    settings = settings or ServeSettings(port=0)
    port = settings.port or free_port(settings.host)
    state = state or ServeState(settings)
    server = _graceful_server(_config(create_app(settings, state), settings, port, log_level), state,
                              settings.shutdown_grace)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), name="t2l-serve", daemon=True)
    thread.start()
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    running = RunningServer(f"http://{host}:{port}", settings, state, server, thread)
    end = time.monotonic() + timeout
    while not (server.started and (state.ready or not wait_ready)):
        if state.load_error is not None or not thread.is_alive():
            running.stop()
            raise state.load_error or RuntimeBackendError("the server thread ended during start-up")
        if time.monotonic() > end:
            running.stop()
            raise RuntimeBackendError(f"the server was not ready within {timeout:g} s")
        time.sleep(0.02)
    return running
