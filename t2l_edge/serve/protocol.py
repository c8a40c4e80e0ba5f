"""Request and response bodies: OpenAI's schema for completions, chat and models, plus t2l-edge's extension fields
(`task`, `adapter`, `lora_scale`, `format`, `prompt_mode`) and its adapter endpoints. Unknown OpenAI fields are
accepted and ignored (clients send many); wrong types and out-of-range values are 400s. `temperature`, `stop` and
`format` left out mean "what fits the adapter" (prompting.py), so they default to None here."""

from __future__ import annotations

import re
import time
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..limits import MAX_LORA_MULTIPLIER

MAX_STOP_SEQUENCES = 4
_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_lone_surrogate(value: Any) -> Any:
    """JSON's "\\ud800" escape makes a lone surrogate: text no tokenizer or UTF-8 writer can take (a 400, not a 500)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and _SURROGATE.search(item):
            raise ValueError("holds a lone surrogate (a \\ud800-\\udfff escape without its pair), not valid UTF-8 text")
        if isinstance(item, dict):
            stack.extend([*item.keys(), *item.values()])
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return value


class Body(BaseModel):
    """A request body: every text field (nested ones included) is valid UTF-8."""

    @field_validator("*", mode="after")
    @classmethod
    def _utf8(cls, value: Any) -> Any:
        return _no_lone_surrogate(value)


class GenerationRequest(Body):
    model_config = ConfigDict(extra="ignore")

    model: str | None = None
    max_tokens: int | None = Field(default=None, ge=1)
    temperature: float | None = Field(default=None, ge=0.0, le=2.0)  # None: 0 (greedy) for a task, else OpenAI's 1
    top_p: float = Field(default=1.0, gt=0.0, le=1.0)
    seed: int | None = None
    stop: str | list[str] | None = None
    stream: bool = False
    n: int = Field(default=1, ge=1, le=1)
    # extensions
    task: str | None = None
    examples: list[dict[str, str]] | None = None  # with or instead of `task`: a task card (input/output pairs)
    adapter: str | None = None
    lora_scale: float = Field(default=1.0, ge=0.0, le=MAX_LORA_MULTIPLIER)  # 0: the base answers the rendered prompt
    prompt_mode: Literal["instructed", "bare"] | None = None  # None: the mode the adapter records

    @field_validator("stop", mode="after")
    @classmethod
    def _stop_not_empty(cls, value: str | list[str] | None) -> str | list[str] | None:
        if value is not None and "" in ([value] if isinstance(value, str) else value):
            raise ValueError("a stop sequence must not be empty (it would stop before the first token)")
        return value

    def stop_list(self) -> list[str]:
        stop = [self.stop] if isinstance(self.stop, str) else list(self.stop or [])
        return stop[:MAX_STOP_SEQUENCES]


class CompletionRequest(GenerationRequest):
    prompt: str
    format: Literal["raw", "io-v1"] | None = None  # io-v1: an input, wrapped as `apply` wraps it; None: io-v1 for a task
    echo: bool = False


class TextPart(Body):
    model_config = ConfigDict(extra="ignore")

    type: Literal["text"]
    text: str


class ChatMessage(Body):
    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "developer", "user", "assistant"]
    content: str | list[TextPart]  # chat UIs send a list of parts; only text parts are understood

    @property
    def text(self) -> str:
        return self.content if isinstance(self.content, str) else "".join(p.text for p in self.content)


class ChatCompletionRequest(GenerationRequest):
    messages: list[ChatMessage] = Field(min_length=1)


class AdapterRequest(Body):
    model_config = ConfigDict(extra="forbid")

    task: str | None = None
    examples: list[dict[str, str]] | None = None
    quantization: str | None = None


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class CompletionChoice(BaseModel):
    index: int = 0
    text: str
    logprobs: None = None
    finish_reason: str | None


class ChatChoice(BaseModel):
    index: int = 0
    message: dict[str, str]
    finish_reason: str | None


def _now() -> int:
    return int(time.time())


class CompletionResponse(BaseModel):
    id: str
    object: Literal["text_completion"] = "text_completion"
    created: int = Field(default_factory=_now)
    model: str
    choices: list[CompletionChoice]
    usage: Usage
    t2l: dict[str, Any]  # which adapter answered, cache hit, routing score, timings by phase (ms)


class ChatCompletionResponse(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int = Field(default_factory=_now)
    model: str
    choices: list[ChatChoice]
    usage: Usage
    t2l: dict[str, Any]


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = Field(default_factory=_now)
    owned_by: str = "t2l-edge"
    t2l: dict[str, Any] = Field(default_factory=dict)


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class AdapterInfo(BaseModel):
    id: str
    object: Literal["adapter"] = "adapter"
    kind: Literal["generated", "registered"]
    task: str
    quantization: str | None
    gguf_bytes: int
    generation_ms: float | None
    created: int


class AdapterList(BaseModel):
    object: Literal["list"] = "list"
    data: list[AdapterInfo]


def error_body(message: str, type_: str, code: str | None = None, param: str | None = None) -> dict:
    """OpenAI's error shape."""
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}
