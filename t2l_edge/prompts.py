"""The one prompt format. Training, generation and evaluation must agree on it, so it lives here and its name
is recorded in checkpoints and bundles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .choices import Choice, parse_choice
from .errors import InvalidInputError


@dataclass(frozen=True)
class PromptFormat:
    name: str
    template: str  # formatted with input=
    with_description: str  # formatted with description= and prompt= (the template, or the few-shot block)
    answer_prefix: str  # put before the answer text in training targets
    stop: tuple[str, ...]  # where generation of an answer ends
    shot_separator: str  # after each solved example of a few-shot prompt

    def prompt(self, text: str, description: str | None = None, shots: Sequence[tuple[str, str]] = ()) -> str:
        """The prompt for `text`; with `shots` ((input, answer) pairs: in-context learning), each shot is written as
        its own prompt followed by its training target, before the query and after the description, if any."""
        prompt = "".join(self.template.format(input=x) + self.target(y) + self.shot_separator for x, y in shots)
        prompt += self.template.format(input=text)
        if description:
            return self.with_description.format(description=description, prompt=prompt)
        return prompt

    def target(self, answer: str) -> str:
        return self.answer_prefix + answer + self.stop[0]


PROMPT_FORMATS = {
    f.name: f
    for f in (
        PromptFormat(
            name="io-v1",
            template="Input: {input}\nOutput:",
            with_description="{description}\n\n{prompt}",
            answer_prefix=" ",
            stop=("\n",),
            shot_separator="\n",
        ),
    )
}
DEFAULT_PROMPT_FORMAT = "io-v1"


def get_prompt_format(name: str = DEFAULT_PROMPT_FORMAT) -> PromptFormat:
    try:
        return PROMPT_FORMATS[name]
    except KeyError:
        raise InvalidInputError(f"unknown prompt format {name!r} (known: {', '.join(PROMPT_FORMATS)})") from None


# The share of a description's tokens the encoder may read as unknown ([UNK]) before the adapter is refused: past it,
# the hypernetwork sees mostly one placeholder and its adapter is noise. Measured on one description in 17 scripts
# with MiniLM's vocabulary: Latin, Cyrillic, Greek, Arabic, Hebrew, Korean 0 unknown; Hindi 1 of 21, Japanese 1 of
# 15, Chinese 5 of 9 (56%), Thai 1 of 1 (100%). The encoder was trained on English: other languages tokenize into
# letters and read poorly even without unknowns (docs/formats.md).
MAX_UNKNOWN_SHARE = 0.25


def check_task_texts(texts: Sequence[str], truncated: Sequence[bool], max_tokens: int,
                     unknown: Sequence[tuple[int, int]] | None = None) -> None:
    """Refuse task texts the text encoder would cut short (an adapter for half a description is not what was asked
    for), or that it cannot read: `truncated[i]`, the tokenizer had to drop tokens of texts[i]; `unknown[i]`, (tokens
    read as [UNK], tokens) of texts[i]."""
    for i, (text, cut) in enumerate(zip(texts, truncated), 1):
        if cut:
            raise InvalidInputError(
                f"task text {i} ({text[:40]!r}…) is longer than the {max_tokens} tokens the text encoder reads: "
                "shorten it"
            )
    for i, (text, (unknowns, total)) in enumerate(zip(texts, unknown or ()), 1):
        if total and unknowns / total > MAX_UNKNOWN_SHARE:
            raise InvalidInputError(
                f"task text {i} ({text[:40]!r}): the text encoder reads {unknowns} of its {total} tokens as unknown "
                f"({unknowns / total:.0%}); it was trained on English: describe the task in English (the task's "
                "inputs may be in any language)"
            )


class PromptMode(Choice):
    """Where the task lives at inference: what a generated adapter was trained to be used with."""

    INSTRUCTED = "instructed"  # the task description in the prompt before the input; the adapter adds to it (T2L)
    BARE = "bare"  # the adapter alone carries the task: no description, no prompt overhead


# What an adapter that records no mode was made for: every generated adapter before modes existed was bare.
LEGACY_PROMPT_MODE = PromptMode.BARE


def parse_prompt_mode(value: "PromptMode | str", what: str = "prompt mode") -> PromptMode:
    return parse_choice(PromptMode, value, what)


def effective_prompt_mode(override: "PromptMode | str | None", recorded: str) -> PromptMode:
    """The mode a prompt is rendered in: the one asked for, else the one the adapter (or generator) records, else
    bare (what every adapter from before modes was made for)."""
    if override is not None:
        return parse_prompt_mode(override)
    return parse_prompt_mode(recorded) if recorded else LEGACY_PROMPT_MODE


def adapter_prompt(fmt: PromptFormat, text: str, task: str, mode: PromptMode | str) -> str:
    """The prompt for `text` with an adapter generated from `task` (a description, or a task card's text): in the
    instructed mode the card's description goes before the input (never its examples: that would be in-context
    learning), in the bare mode nothing does."""
    from .task_card import card_description

    description = card_description(task) if parse_prompt_mode(mode) is PromptMode.INSTRUCTED else None
    return fmt.prompt(text, description)


RAW_FORMAT = "raw"  # no prompt format: the text goes to the model as it is


def choose_prompt_format(name: str | None, generator: str) -> PromptFormat | None:
    """The format `infer` wraps prompts in: the one named (None for "raw"), else the task format when the adapter
    records a generator (a generated adapter was trained to answer in it), else raw."""
    if name is None:
        return get_prompt_format() if generator else None
    if name == RAW_FORMAT:
        return None
    try:
        return PROMPT_FORMATS[name]
    except KeyError:
        raise InvalidInputError(
            f"--prompt-format must be one of {', '.join([*PROMPT_FORMATS, RAW_FORMAT])}, got {name!r}"
        ) from None
