"""What a request's text becomes before llama.cpp completes it, and how it is decoded when the client does not say.

A request that names a task, or an adapter made by a generator, is answered as `t2l-edge apply` answers: the input in
the adapter's prompt format (io-v1: `Input: …\\nOutput:`), rendered in the adapter's prompt mode (instructed: the task
description before the input; bare: the input alone), greedy, stopping at the end of the answer. Whatever the client
sets itself (`format`, `prompt_mode`, `temperature`, `stop`) wins. Anything else gets OpenAI's defaults: the prompt
as it is, temperature 1.

Chat on a base model (no chat template in its GGUF) works the same way once the request names a task: the `task`
field, an adapter, or else its system message, taken as the task. The last user message is the input; earlier turns
are not shown to the model (adapters answer one input). Plain chat with none of these is refused, unless the server
was started with `--chat-format` to pick a rendering.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from t2l_edge.prompts import RAW_FORMAT, PromptFormat, PromptMode, adapter_prompt, effective_prompt_mode

from .cache import AdapterEntry
from .errors import ChatTemplateMissingError

OPENAI_TEMPERATURE = 1.0  # OpenAI's default: sampled
TASK_TEMPERATURE = 0.0  # greedy, as adapters are trained and evaluated
CHAT_FORMATS = ("io-v1", RAW_FORMAT)  # --chat-format: how plain chat renders on a model without a chat template
SYSTEM_ROLES = ("system", "developer")  # newer OpenAI clients send "developer" for the system prompt


@dataclass(frozen=True)
class Rendering:
    """The text the model completes (None: the chat template renders the messages), how, and with what defaults."""

    text: str | None
    prompt_mode: PromptMode | None  # None: not in a task format
    stop: tuple[str, ...]
    temperature: float


def made_for_tasks(entry: AdapterEntry | None) -> bool:
    """A generated adapter, or a registered one that records the generator that made it: trained to answer inputs
    in the task format, greedily."""
    return entry is not None and (entry.kind == "generated" or bool(entry.generator))


def _in_format(fmt: PromptFormat, text: str, entry: AdapterEntry | None, mode_override: str | None,
               temperature: float | None, stop: Sequence[str]) -> Rendering:
    mode = effective_prompt_mode(mode_override, entry.prompt_mode if entry is not None else "")
    task = entry.task if entry is not None else ""
    return Rendering(adapter_prompt(fmt, text, task, mode), mode, tuple(stop) or fmt.stop,
                     _temperature(temperature, made_for_tasks(entry)))


def _temperature(asked: float | None, for_tasks: bool) -> float:
    if asked is not None:
        return asked
    return TASK_TEMPERATURE if for_tasks else OPENAI_TEMPERATURE


def completion_rendering(prompt: str, entry: AdapterEntry | None, fmt: PromptFormat, format_name: str | None,
                         mode_override: str | None, temperature: float | None, stop: Sequence[str]) -> Rendering:
    """/v1/completions: `format_name` None means the adapter's format for a task adapter, else raw."""
    if format_name is None:
        format_name = fmt.name if made_for_tasks(entry) else RAW_FORMAT
    if format_name == RAW_FORMAT:
        return Rendering(prompt, None, tuple(stop), _temperature(temperature, made_for_tasks(entry)))
    return _in_format(fmt, prompt, entry, mode_override, temperature, stop)


def system_text(messages: Sequence[dict[str, str]]) -> str | None:
    parts = [m["content"] for m in messages if m["role"] in SYSTEM_ROLES and m["content"].strip()]
    return "\n".join(parts) if parts else None


def last_user_text(messages: Sequence[dict[str, str]]) -> str:
    return next((m["content"] for m in reversed(messages) if m["role"] == "user"), messages[-1]["content"])


def chat_task(task: str | None, names_adapter: bool, has_template: bool,
              messages: Sequence[dict[str, str]]) -> str | None:
    """The task a chat request's adapter is generated from: its `task` field, else (on a model without a chat
    template, when no adapter is named) its system message."""
    if task is not None or names_adapter or has_template:
        return task
    return system_text(messages)


def chat_rendering(messages: Sequence[dict[str, str]], entry: AdapterEntry | None, fmt: PromptFormat,
                   has_template: bool, chat_format: str | None, mode_override: str | None,
                   temperature: float | None, stop: Sequence[str], model_id: str) -> Rendering:
    """/v1/chat/completions: the adapter's format for a task adapter (or any adapter on a model without a chat
    template), else the chat template, else `chat_format`, else a clear refusal."""
    user = last_user_text(messages)
    if made_for_tasks(entry) or (entry is not None and not has_template):
        return _in_format(fmt, user, entry, mode_override, temperature, stop)
    if has_template:
        return Rendering(None, None, tuple(stop), _temperature(temperature, False))
    if chat_format == RAW_FORMAT:
        return Rendering(user, None, tuple(stop), _temperature(temperature, False))
    if chat_format is not None:
        return _in_format(fmt, user, None, mode_override, temperature, stop)
    raise ChatTemplateMissingError(chat_refusal(model_id))


def chat_refusal(model_id: str) -> str:
    return (f"the base model {model_id} has no chat template in its GGUF (a base model, not instruction-tuned): name "
            "a task (the 'task' field or a system message) or an adapter, use /v1/completions, or start the server "
            "with --chat-format io-v1")
