"""`t2l-edge serve`: an OpenAI-compatible local server that turns a task description into an adapter per request.

    from t2l_edge.serve import ServeSettings, start_server
    with start_server(ServeSettings(port=0)) as server:   # a free loopback port; returns once ready
        print(server.url)                                 # http://127.0.0.1:PORT/v1 for any OpenAI client

Layering: serve -> runtimes -> export -> core. FastAPI, uvicorn and prometheus-client are imported here only.
"""

from .server import RunningServer, free_port, serve, start_server
from .settings import Limits, ServeSettings

__all__ = ["Limits", "RunningServer", "ServeSettings", "free_port", "serve", "start_server"]
