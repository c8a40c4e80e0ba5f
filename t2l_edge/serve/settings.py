"""What `t2l-edge serve` is started with: one dataclass that checks itself, limits defined once."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

from t2l_edge.errors import InvalidInputError
from t2l_edge.limits import check_context

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_QUANTIZATION = "q4_0"  # what `apply` writes by default: answers match it
DEFAULT_ROUTE_THRESHOLD = 0.35
LOOPBACK_NAMES = frozenset({"localhost"})
DEFAULT_SHUTDOWN_GRACE_S = 10.0
MAX_SHUTDOWN_GRACE_S = 3600.0


@dataclass(frozen=True)
class Limits:
    """Bounds on what one request may ask for; anything above is refused (413 for the body, 400 for the rest)."""

    max_body_bytes: int = 1 << 20
    max_prompt_chars: int = 8_000
    max_task_chars: int = 1_000
    max_tokens: int = 512
    max_messages: int = 64
    max_examples: int = 8  # on a task card
    request_seconds: float = 120.0  # queue wait + generation + decoding
    stream_seconds: float = 120.0

    def __post_init__(self):
        for name, value in vars(self).items():
            if value <= 0:
                raise InvalidInputError(f"limit {name} must be positive, got {value}")


@dataclass(frozen=True)
class ServeSettings:
    bundle: Path | None = None  # None: the shipped hypernetwork's default bundle
    base_model: Path | None = None  # None: Gemma 3 270M Q4_K_M
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT  # 0: any free port (tests, in-process servers)
    adapters: dict[str, Path] = field(default_factory=dict)  # --adapter NAME=PATH
    cache_size: int = 16
    queue_size: int = 32
    api_key: str | None = None
    insecure: bool = False
    route: bool = False
    route_threshold: float = DEFAULT_ROUTE_THRESHOLD
    context: int = 1024
    threads: int | None = None
    quantization: str = DEFAULT_QUANTIZATION
    limits: Limits = field(default_factory=Limits)
    batch_same_adapter: int = 8  # at most this many requests jump the queue to reuse the active adapter
    chat_format: str | None = None  # plain chat on a model without a chat template: None refuses, io-v1 or raw renders
    shutdown_grace: float = DEFAULT_SHUTDOWN_GRACE_S  # SIGTERM: how long the running request may still decode

    def __post_init__(self):
        if not 0 <= self.port <= 65535:
            raise InvalidInputError(f"--port must be in 0..65535, got {self.port}")
        check_context(self.context, "--context")
        for name in ("cache_size", "queue_size", "context", "batch_same_adapter"):
            if getattr(self, name) < 1:
                raise InvalidInputError(f"--{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}")
        if not (isinstance(self.shutdown_grace, (int, float)) and 0 <= self.shutdown_grace <= MAX_SHUTDOWN_GRACE_S):
            raise InvalidInputError(f"--shutdown-grace must be between 0 and {MAX_SHUTDOWN_GRACE_S:g} seconds, "
                                    f"got {self.shutdown_grace!r}")
        if self.threads is not None and self.threads < 1:
            raise InvalidInputError(f"--threads must be at least 1, got {self.threads}")
        if not -1.0 <= self.route_threshold <= 1.0:
            raise InvalidInputError(f"--route-threshold is a cosine in [-1, 1], got {self.route_threshold}")
        if self.api_key is not None and len(self.api_key) < 8:
            raise InvalidInputError("--api-key must be at least 8 characters")
        if not is_loopback(self.host) and self.api_key is None and not self.insecure:
            raise InvalidInputError(
                f"--host {self.host} is reachable from other machines: give --api-key KEY, or --insecure to serve "
                "without one"
            )
        if self.route and not self.adapters:
            raise InvalidInputError("--route needs registered adapters (--adapter NAME=PATH) to route to")
        for name in self.adapters:
            if not name or not all(c.isalnum() or c in "-_." for c in name):
                raise InvalidInputError(f"adapter name {name!r}: use letters, digits, '-', '_' and '.' only")
        from t2l_edge.export.recipes import parse_recipe

        from .prompting import CHAT_FORMATS

        if self.chat_format is not None and self.chat_format not in CHAT_FORMATS:
            raise InvalidInputError(f"--chat-format must be one of {', '.join(CHAT_FORMATS)}, got {self.chat_format!r}")
        parse_recipe(self.quantization)


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_adapter_option(value: str) -> tuple[str, Path]:
    """`NAME=PATH` of --adapter."""
    name, sep, path = value.partition("=")
    if not sep or not name or not path:
        raise InvalidInputError(f"--adapter {value!r}: expected NAME=PATH")
    return name, Path(os.path.expanduser(path))
