"""One generator interface: texts in, `LoraAdapter`s out, whatever runs the hypernetwork.

`BundleGenerator` holds what every bundle runtime shares (the manifest, tokenization with the manifest's settings,
the text checks, batching, turning graph outputs into adapters); ONNX Runtime and TensorRT each supply only how
the two graphs run; `factory.open_generator` picks the runtime. This module imports numpy and tokenizers only
and none of the runtimes (they import it).
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from typing import Callable, Mapping, Protocol, Sequence, runtime_checkable

import numpy as np

from t2l_edge.adapter import LoraAdapter
from t2l_edge.bundle import Bundle, adapters_from_outputs
from t2l_edge.choices import Precision
from t2l_edge.errors import InvalidAdapterError, InvalidInputError
from t2l_edge.keys import BundleFiles, BundleGraph
from t2l_edge.prompts import check_task_texts
from t2l_edge.task_card import CARD_READER_NEEDED, TaskCard, TaskInput, task_texts, with_examples
from t2l_edge.text import require_utf8


@runtime_checkable
class AdapterGenerator(Protocol):
    """Something that turns task texts into adapters; `prompt_format` names the prompt format it was trained with,
    `prompt_mode` the mode its adapters record (prompts.PromptMode), `provenance` says where it came from (recorded
    in evaluation results)."""

    prompt_format: str
    prompt_mode: str
    provenance: dict

    def generate(self, texts: TaskInput) -> list[LoraAdapter]: ...


def check_texts(texts: TaskInput) -> list[str]:
    """The texts the encoder reads: non-empty task strings as they are, `TaskCard`s (description and/or examples)
    rendered in the card format (a bare string or card counts as one). Every generator goes through here."""
    # undecodable command-line bytes arrive as lone surrogates: refused here, not deep in the tokenizer
    return [require_utf8(t, "the task text") for t in task_texts(texts)]


class BundleGenerator(ABC):
    """Text -> `LoraAdapter` from a bundle: tokenize (manifest settings), encoder graph, hypernetwork graph. A
    card-reading bundle (a `card` graph) moves the embedding of a task card with examples by its card features, read
    by `card_reader` (texts -> (N, F): runtimes.llama_cpp.CardReader over the base the app has loaded)."""

    batch_size = 32
    card_reader = None

    def __init__(self, bundle: Bundle):
        from tokenizers import Tokenizer

        self.bundle = bundle
        self.manifest = m = bundle.manifest
        self.tokenizer = Tokenizer.from_file(str(bundle.file(BundleFiles.TOKENIZER)))
        # tokenizer.json carries its own truncation and padding (128 for MiniLM); the manifest's settings win.
        self.tokenizer.enable_truncation(max_length=m.encoder.max_length)
        self.tokenizer.enable_padding(direction="right", pad_id=m.encoder.pad_id, pad_token=m.encoder.pad_token)

    # -- what each runtime supplies ---------------------------------------------------------------------------------

    @abstractmethod
    def run_encoder(self, feeds: Mapping[str, np.ndarray]) -> np.ndarray:
        """input_ids, attention_mask (B, T) int64 -> embedding (B, d)."""

    @abstractmethod
    def run_hypernet(self, embedding: np.ndarray) -> Mapping[str, np.ndarray]:
        """embedding (B, d) float32 -> {lora_A.<module>: (B, L, r, in), lora_B.<module>: (B, L, out, r)}."""

    def run_card(self, features: np.ndarray) -> np.ndarray:
        """card_features (B, F) float32 -> embedding_delta (B, d): the bundle's card graph, in ONNX Runtime on the
        CPU (a few hundred kilobytes, once per card)."""
        if getattr(self, "_card", None) is None:
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.log_severity_level = 3
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            self._card = ort.InferenceSession(str(self.bundle.file(BundleGraph.CARD)), options,
                                              providers=["CPUExecutionProvider"])
        return self._card.run([BundleGraph.EMBEDDING_DELTA], {BundleGraph.CARD_FEATURES: features})[0]

    @property
    def reads_cards(self) -> bool:
        return BundleGraph.CARD in self.manifest.graphs

    def card_embeddings(self, embedding: np.ndarray, texts: Sequence[str], examples: Sequence[bool]) -> np.ndarray:
        """The embeddings moved by the card features where a card shows examples (unchanged without a card graph)."""
        if not self.reads_cards or not any(examples):
            return embedding
        if self.card_reader is None:
            raise InvalidInputError(CARD_READER_NEEDED)
        rows = [i for i, e in enumerate(examples) if e]
        features = np.asarray(self.card_reader([texts[i] for i in rows]), dtype=np.float32)
        embedding = embedding.copy()
        embedding[rows] += self.run_card(features)
        return embedding

    # -- shared -----------------------------------------------------------------------------------------------------

    @property
    def batch_invariant(self) -> bool:
        """Whether a text's adapter is the same in any batch. Not for int8 bundles: dynamic quantization scales the
        activations per tensor, so the rows of a batch (and the encoder's padding to the longest) change each other's
        adapters (measured on the shipped bundle: embeddings off by 7% of their largest value); they run one text
        per call, so an adapter depends on its text alone."""
        return self.manifest.precision is not Precision.INT8

    @property
    def prompt_format(self) -> str:
        return self.manifest.prompt_format

    @property
    def prompt_mode(self) -> str:
        return self.manifest.prompt_mode

    @property
    def provenance(self) -> dict:
        return {"kind": "bundle", "path": str(self.bundle.path)}

    def tokenize(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """input_ids and attention_mask (B, T) int64, truncated to the manifest's length, right-padded to the longest."""
        encodings = self.tokenizer.encode_batch(list(texts))
        return {
            BundleGraph.INPUT_IDS: np.array([e.ids for e in encodings], dtype=np.int64),  # (B, T)
            BundleGraph.ATTENTION_MASK: np.array([e.attention_mask for e in encodings], dtype=np.int64),  # (B, T)
        }

    def embed(self, texts: TaskInput) -> np.ndarray:
        """(B, d) float32 task embeddings, pooled and normalised inside the encoder graph."""
        texts = check_texts(texts)
        batches = [texts] if self.batch_invariant else [[t] for t in texts]
        return np.concatenate([np.asarray(self.run_encoder(self.tokenize(b)), dtype=np.float32) for b in batches])

    def generate(self, texts: TaskInput, batch_size: int | None = None) -> list[LoraAdapter]:
        """One adapter per task text or `TaskCard`, in order; texts go through both graphs in batches of
        `batch_size`."""
        examples = with_examples(texts)
        texts = check_texts(texts)
        encodings = self.tokenizer.encode_batch(texts)
        check_task_texts(texts, [bool(e.overflowing) for e in encodings], self.manifest.encoder.max_length,
                         [self._unknown(e) for e in encodings])
        size = batch_size or (self.batch_size if self.batch_invariant else 1)
        adapters: list[LoraAdapter] = []
        for start in range(0, len(texts), size):
            chunk = texts[start : start + size]
            embedding = self.card_embeddings(self.embed(chunk), chunk, examples[start : start + size])  # (b, d)
            adapters.extend(adapters_from_outputs(self.manifest, self.run_hypernet(embedding), chunk))
        return adapters

    def generate_gguf(self, text: str | TaskCard, quantization: str | None = None) -> bytes:
        """One task text (or `TaskCard`) -> the bytes of a quantized GGUF adapter, ready for `LlamaCppRunner.use`.

        In the bundle's recipe (the default) the bundle's GGUF graph quantizes and its template frames the file
        (docs/gguf-template.md); another recipe, or a bundle built before the GGUF graph, goes through the numpy
        writer. Both give the same bytes."""
        from t2l_edge.export.gguf import to_gguf_bytes
        from t2l_edge.export.recipes import parse_recipe

        info = self.manifest.gguf
        recipe = parse_recipe(quantization or (info.recipe if info is not None else "q4_0"))
        card_read = self.reads_cards and with_examples(text)[0]  # the card graph sits between the encoder and the rest
        if info is None or recipe.value != info.recipe or card_read:
            return to_gguf_bytes(self.generate([text])[0], recipe)
        texts = check_texts(text)
        encoding = self.tokenizer.encode(texts[0])
        check_task_texts(texts, [bool(encoding.overflowing)], self.manifest.encoder.max_length,
                         [self._unknown(encoding)])
        tokens = {BundleGraph.INPUT_IDS: np.array([encoding.ids], dtype=np.int64),  # (1, T)
                  BundleGraph.ATTENTION_MASK: np.array([encoding.attention_mask], dtype=np.int64)}
        words, finite = self.run_gguf(tokens)
        if not finite == 0:
            raise InvalidAdapterError(f"the hypernetwork produced non-finite values for {texts[0][:40]!r}")
        return info.assemble(self._gguf_template, texts[0], np.ascontiguousarray(words, dtype="<u2"))

    def _unknown(self, encoding) -> tuple[int, int]:
        """(tokens read as unknown, tokens) of one encoding, padding and special tokens left out."""
        words = [t for t, m, s in zip(encoding.ids, encoding.attention_mask, encoding.special_tokens_mask) if m and not s]
        unk = self.tokenizer.token_to_id("[UNK]")
        return sum(t == unk for t in words), len(words)

    def run_gguf(self, feeds: Mapping[str, np.ndarray]) -> tuple[np.ndarray, float]:
        """input_ids, attention_mask (1, T) -> the adapter's data section as uint16 words, and `finite` (0, or NaN
        where an output of the hypernetwork was not finite). This default runs the two graphs, then the bundle's GGUF
        graph in ONNX Runtime on the CPU; a runtime may chain its own buffers instead (OrtGenerator)."""
        outputs = self.run_hypernet(np.asarray(self.run_encoder(feeds), dtype=np.float32))
        session = self._gguf_session()
        names = self.manifest.graphs[BundleGraph.GGUF].inputs
        data, finite = session.run([BundleGraph.GGUF_DATA, BundleGraph.FINITE], {n: outputs[n] for n in names})
        return data[0], float(finite[0])

    def _gguf_session(self):
        if getattr(self, "_gguf", None) is None:
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.log_severity_level = 3
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            self._gguf = ort.InferenceSession(str(self.bundle.file(BundleGraph.GGUF)), options,
                                              providers=["CPUExecutionProvider"])
        return self._gguf

    @property
    def _gguf_template(self) -> bytes:
        if getattr(self, "_template", None) is None:
            self._template = self.bundle.file(self.manifest.gguf.template).read_bytes()
        return self._template


# -- bundles by path, or the shipped one ------------------------------------------------------------------


def default_bundle(progress: Callable[[str], None] | None = None) -> Bundle:
    """The shipped hypernetwork's int8 CPU bundle, built once into the cache on first use (building needs [train])."""
    from t2l_edge.export.onnx import default_bundle as default_bundle_path

    return Bundle.load(default_bundle_path(progress), verify=False)  # default_bundle_path() has just checked every file


def open_bundle(bundle: str | os.PathLike | Bundle | None, verify: bool = True,
                progress: Callable[[str], None] | None = None) -> Bundle:
    if bundle is None:
        return default_bundle(progress)
    return bundle if isinstance(bundle, Bundle) else Bundle.load(bundle, verify=verify)
