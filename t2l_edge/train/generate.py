"""The PyTorch reference generator: a checkpoint and its text encoder -> `HyperNetwork.generate`, behind the same
interface as the bundle generators (`runtimes.AdapterGenerator`); `runtimes.open_generator(checkpoint=...)` opens it.
"""

from __future__ import annotations

import os

import numpy as np
import torch

from ..adapter import LoraAdapter
from ..batch import INDEX_FILE, TaskLine, read_batch_file  # noqa: F401  (their home before batch.py)
from ..errors import InvalidInputError
from ..runs import resolve_checkpoint
from ..prompts import check_task_texts
from ..task_card import CARD_READER_NEEDED, TaskInput, task_texts, with_examples


class Generator:
    """A checkpoint and its text encoder, ready to turn texts into adapters (torch)."""

    def __init__(self, checkpoint: str | os.PathLike, encoder: str | os.PathLike | None = None, device: str = "cpu"):
        from ..model.checkpoint import load_checkpoint
        from ..model.config import DEFAULT_ENCODER
        from ..model.encoder import TextEncoder, checkpoint_encoder

        self.checkpoint = resolve_checkpoint(checkpoint)
        self.hypernet = load_checkpoint(self.checkpoint, device=device)
        if encoder is None:  # a checkpoint trained with `[encoder] train_layers` carries its fine-tuned encoder
            encoder = checkpoint_encoder(self.checkpoint)
        config = self.hypernet.config
        if encoder is None and config.encoder != DEFAULT_ENCODER:
            raise InvalidInputError(
                f"{self.checkpoint}: trained with the encoder {config.encoder!r}; pass its folder with --encoder"
            )
        self.encoder = TextEncoder(encoder)
        if self.encoder.dim != config.embedding_dim:
            raise InvalidInputError(
                f"the encoder gives {self.encoder.dim}-d embeddings, the checkpoint expects {config.embedding_dim}"
            )

    @property
    def prompt_format(self) -> str:
        return self.hypernet.config.prompt_format

    @property
    def prompt_mode(self) -> str:
        return self.hypernet.config.prompt_mode

    @property
    def provenance(self) -> dict:
        return {"kind": "checkpoint", "path": str(self.checkpoint)}

    def generate(self, texts: TaskInput, batch_size: int = 64) -> list[LoraAdapter]:
        """One adapter per task text or `TaskCard` (rendered by `task_texts`, as every generator does)."""
        examples = with_examples(texts)
        texts = task_texts(texts)
        encodings = self.encoder.tokenizer.encode_batch(list(texts))
        check_task_texts(texts, [bool(e.overflowing) for e in encodings], self.encoder.spec.max_length)
        out: list[LoraAdapter] = []
        for start in range(0, len(texts), batch_size):
            chunk = list(texts[start : start + batch_size])
            out.extend(self.hypernet.generate(self._embeddings(chunk, examples[start : start + batch_size]), tasks=chunk))
        return out

    card_reader = None  # texts -> (N, F) card features, for a card-reading hypernetwork (runtimes.llama_cpp.CardReader)

    @torch.no_grad()
    def _embeddings(self, texts: list[str], examples: list[bool]):
        embedding = self.encoder.encode(texts)
        if self.hypernet.card_net is None or not any(examples):
            return embedding
        if self.card_reader is None:
            raise InvalidInputError(CARD_READER_NEEDED)
        features = np.zeros((len(texts), self.hypernet.config.card_features), np.float32)
        rows = [i for i, e in enumerate(examples) if e]
        features[rows] = self.card_reader([texts[i] for i in rows])
        return self.hypernet.card_embeddings(embedding, torch.from_numpy(features), torch.tensor(examples))


TorchGenerator = Generator  # the name runtimes use for it
