"""The seam between the server and the LLM: a small protocol, with llama.cpp in-process as its one implementation.

Every method is called from the scheduler's single LLM thread, never concurrently: a llama.cpp context serves one
request at a time. Another engine (e.g. vLLM's OpenAI server, see docs/scaling.md) would implement the same five
calls over HTTP.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Protocol, Sequence

from t2l_edge.errors import InvalidInputError

from .errors import ChatTemplateMissingError

CHAT_TEMPLATE_KEY = "tokenizer.chat_template"
TOP_K_SAMPLED = 40
# llama.cpp token attributes (llama_token_attr): control tokens and unused slots are never text
TOKEN_ATTR_UNUSED, TOKEN_ATTR_CONTROL, TOKEN_ATTR_USER_DEFINED = 2, 8, 16
# user-defined tokens that mark other modalities, not text: Gemma 3's <start_of_image>, <end_of_image>, [multimodal]
# (its other user-defined tokens, HTML tags and runs of spaces, are text and stay)
MARKER_TOKEN = re.compile(r"<[a-z]+(?:_[a-z]+)+>|\[[a-z_]+\]")


@dataclass(frozen=True)
class Sampling:
    max_tokens: int
    temperature: float = 0.0  # 0: greedy (top-k 1), as `apply` decodes
    top_p: float = 1.0
    seed: int | None = None
    stop: tuple[str, ...] = ()


@dataclass
class Piece:
    """A bit of generated text; the last one carries `finish_reason` ('stop', 'length', 'timeout', 'cancelled')."""

    text: str
    finish_reason: str | None = None


class LLMBackend(Protocol):
    model_id: str
    n_ctx: int
    chat_template: str | None  # None: chat is refused (render_chat raises ChatTemplateMissingError)

    def tokenize(self, text: str, special: bool = True) -> list[int]: ...

    def render_chat(self, messages: Sequence[dict[str, str]]) -> list[int]: ...

    def load_adapter(self, source: bytes | Path, name: str) -> object: ...

    def free_adapter(self, handle: object) -> None: ...

    def activate(self, adapter: object | None, scale: float) -> None: ...

    def stream(self, tokens: list[int], sampling: Sampling, should_stop: Callable[[], str | None]) -> Iterator[Piece]: ...

    def close(self) -> None: ...


class LlamaCppBackend:
    """`LlamaCppRunner` (one memory-mapped base, adapters hot-swapped) behind the `LLMBackend` protocol."""

    def __init__(self, base_model: str | os.PathLike | None = None, n_ctx: int = 1024, n_threads: int | None = None):
        from t2l_edge.runtimes.llama_cpp import LlamaCppRunner

        self.runner = LlamaCppRunner(base_model, n_ctx=n_ctx, n_threads=n_threads)
        self.llm = self.runner.llm
        self.n_ctx = self.llm.n_ctx()
        self.model_id = Path(self.runner.model_path).stem
        self.chat_template: str | None = self.llm.metadata.get(CHAT_TEMPLATE_KEY)
        self._active: tuple[object | None, float] = (None, 1.0)
        self.banned_tokens = non_text_tokens(self.llm)  # never sampled: they would leak into the text

    def _ban(self, input_ids, scores):
        scores[self.banned_tokens] = -float("inf")
        return scores

    def tokenize(self, text: str, special: bool = True) -> list[int]:
        # What create_completion does with a string prompt: BOS first, special tokens parsed.
        return self.llm.tokenize(text.encode("utf-8"), add_bos=True, special=special)

    def render_chat(self, messages: Sequence[dict[str, str]]) -> list[int]:
        """The GGUF's own chat template, rendered by llama-cpp-python's Jinja formatter; none: a clear refusal."""
        if not self.chat_template:
            raise ChatTemplateMissingError(
                f"the base model {self.model_id} has no chat template in its GGUF (a base model, not instruction-tuned): "
                "use /v1/completions (with \"format\": \"io-v1\" and a task for adapted answers)"
            )
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        vocab = self.llm
        formatter = Jinja2ChatFormatter(
            template=self.chat_template,
            eos_token=vocab.detokenize([vocab.token_eos()], special=True).decode("utf-8", "replace"),
            bos_token=vocab.detokenize([vocab.token_bos()], special=True).decode("utf-8", "replace"),
        )
        rendered = formatter(messages=list(messages))
        return self.llm.tokenize(rendered.prompt.encode("utf-8"), add_bos=not rendered.added_special, special=True)

    def load_adapter(self, source: bytes | Path, name: str) -> object:
        return self.runner.load_adapter(source, name=name)  # validated against the base first

    def free_adapter(self, handle: object) -> None:
        if self._active[0] is handle:
            self._active = (None, 1.0)
        self.runner.unload(handle)  # llama_adapter_lora_free: the adapter's tensors are released

    def activate(self, adapter: object | None, scale: float) -> None:
        """Make `adapter` (None: the base) the active one at `scale`, with a fresh KV cache."""
        if self._active != (adapter, scale):
            self.runner.set_adapters([(adapter, scale)] if adapter is not None else [])  # resets the KV cache too
            self._active = (adapter, scale)
        else:
            self.runner.reset()  # a fresh cache per request: answers do not depend on the request before

    def stream(self, tokens: list[int], sampling: Sampling, should_stop: Callable[[], str | None]) -> Iterator[Piece]:
        """Complete `tokens` on the active adapter; `should_stop()` is polled after every token and, through llama.cpp's
        abort callback, inside each decode (a cancelled request stops within one operation, not one token)."""
        if len(tokens) >= self.n_ctx:
            raise InvalidInputError(f"the prompt is {len(tokens)} tokens, the context holds {self.n_ctx}")
        greedy = sampling.temperature == 0
        chunks = self.runner.releasing_sampler(self.llm.create_completion(
            tokens,
            max_tokens=min(sampling.max_tokens, self.n_ctx - len(tokens)),
            stop=list(sampling.stop) or None,
            temperature=sampling.temperature,
            top_p=sampling.top_p if not greedy else 0.95,
            top_k=1 if greedy else TOP_K_SAMPLED,
            seed=sampling.seed,
            stream=True,
            logits_processor=[self._ban],
        ))
        self.runner.set_abort_check(lambda: should_stop() is not None)
        try:
            for chunk in _until_aborted(chunks, should_stop):
                choice = chunk["choices"][0]
                reason = should_stop()
                if reason:
                    yield Piece(choice["text"], reason)
                    return
                yield Piece(choice["text"], choice.get("finish_reason"))
        finally:
            self.runner.set_abort_check(None)
            chunks.close()

    def close(self) -> None:
        self.runner.close()


def non_text_tokens(llm) -> "np.ndarray":
    """Token ids a completion must never contain: control tokens and unused slots that do not end generation
    (<pad>, <start_of_turn>, <unused5>…), and user-defined markers of other modalities (<start_of_image>). A base
    model samples them (Gemma 3 270M at temperature 1 starts "red fox jumps" with <start_of_image>), and llama.cpp
    prints user-defined ones as text."""
    import llama_cpp
    import numpy as np

    vocab = llama_cpp.llama_model_get_vocab(llm.model)
    banned = []
    for token in range(llm.n_vocab()):
        attr = llama_cpp.llama_vocab_get_attr(vocab, token)
        if attr & (TOKEN_ATTR_CONTROL | TOKEN_ATTR_UNUSED):
            if not llama_cpp.llama_vocab_is_eog(vocab, token):
                banned.append(token)
        elif attr & TOKEN_ATTR_USER_DEFINED:
            text = llm.detokenize([token], special=True).decode("utf-8", "replace")
            if MARKER_TOKEN.fullmatch(text):
                banned.append(token)
    return np.array(banned, dtype=np.int64)


def _until_aborted(chunks: Iterator[dict], should_stop: Callable[[], str | None]) -> Iterator[dict]:
    """The chunks, ending with an empty one that carries the stop reason when the abort callback stopped a decode
    (llama-cpp-python raises that as a RuntimeError); any other error goes on up."""
    try:
        yield from chunks
    except RuntimeError:
        reason = should_stop()
        if reason is None:
            raise
        yield {"choices": [{"text": "", "finish_reason": reason}]}

