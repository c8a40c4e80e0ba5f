"""Errors only the server raises; each maps to one HTTP status in `app.ERROR_STATUS`."""

from __future__ import annotations

from t2l_edge.errors import InvalidInputError, T2LEdgeError


class NotReadyError(T2LEdgeError):
    """The model and generator are still loading (or failed to load)."""


class UnauthorizedError(T2LEdgeError):
    """No API key, or the wrong one."""


class NotFoundError(T2LEdgeError, KeyError):
    """An adapter or model that the server does not know."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class QueueFullError(T2LEdgeError):
    """The request queue is full; retry after `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class ShuttingDownError(T2LEdgeError):
    """The server is stopping (SIGTERM): the request was queued, or its decode ran past the grace period."""


class ClientDisconnected(Exception):
    """The client closed its connection before the answer was ready (not an error of anyone's input)."""


class RequestTimeoutError(T2LEdgeError, TimeoutError):
    """A request ran past its time limit (in the queue or while decoding)."""


class ChatTemplateMissingError(InvalidInputError):
    """The base model's GGUF has no chat template: chat would be made-up formatting."""
