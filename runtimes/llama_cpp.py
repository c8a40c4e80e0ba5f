"""llama.cpp runner: one base model kept memory-mapped, LoRA adapters hot-swapped through the low-level API.

`Llama(lora_path=...)` would apply a single adapter and silently turn mmap off (the whole base copied into RAM);
here the base loads once and adapters switch in milliseconds. Every adapter is checked against the base's header
before llama.cpp sees it: llama-cpp-python 0.3.36 crashes the process on an adapter llama.cpp rejects.
"""

from __future__ import annotations

import ctypes
import os
import tempfile
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator, Sequence

import numpy as np

from t2l_edge.compat import check_adapter_fits
from t2l_edge.errors import InvalidInputError, RuntimeBackendError
from t2l_edge.evaluate.latency import Timing
from t2l_edge.gguf_reader import read_gguf
from t2l_edge.models import resolve_base_model
from t2l_edge.text import quote

DEFAULT_CONTEXT = 512


def import_llama_cpp():
    """The llama_cpp module (after the environment it needs: OpenMP threads that wait passively), or one line."""
    from t2l_edge.env import configure_runtime_env

    configure_runtime_env()
    try:
        import llama_cpp
    except ImportError:
        raise RuntimeBackendError("llama.cpp runtime not installed: pip install 't2l-edge[llama]'") from None
    return llama_cpp


_import_llama_cpp = import_llama_cpp  # its name before runtimes.measure used it


def _ggml_type(name: str) -> int:
    from gguf import GGMLQuantizationType

    try:
        return int(GGMLQuantizationType[name.upper()])
    except KeyError:
        raise RuntimeBackendError(f"unknown KV cache type {name!r}") from None


_log_callback = None  # kept alive for as long as llama.cpp may call it


def _quiet_logs(llama_cpp, verbose: bool) -> None:
    """llama.cpp logs warnings to stderr even with verbose=False; a CLI must print only its own lines."""
    global _log_callback
    if verbose or _log_callback is not None:
        return

    @llama_cpp.llama_log_callback
    def _drop(level, text, user_data):
        pass

    _log_callback = _drop
    llama_cpp.llama_log_set(_log_callback, ctypes.c_void_p(0))


@dataclass(eq=False)
class LoadedAdapter:
    """An adapter llama.cpp holds in memory; free it with `LlamaCppRunner.unload`."""

    name: str
    handle: object = field(repr=False)
    task: str = ""


class LlamaCppRunner:
    def __init__(
        self,
        base_model: str | os.PathLike | None = None,
        n_ctx: int = DEFAULT_CONTEXT,
        n_threads: int | None = None,
        seed: int = 0,
        verbose: bool = False,
        cache_type_k: str = "f16",
        cache_type_v: str = "f16",
        flash_attn: bool = False,
        swa_full: bool = True,
    ):
        """`cache_type_*`: KV cache element type (f16, q8_0, q4_0, …; a quantized V cache needs `flash_attn`).
        `swa_full`: llama-cpp-python's default gives sliding-window layers a full-size cache; False sizes it to the
        window, which cuts Gemma 3's KV cache by more than half at long contexts."""
        llama_cpp = import_llama_cpp()
        self._lib = llama_cpp
        _quiet_logs(llama_cpp, verbose)
        self.model_path = resolve_base_model(base_model)
        self.base = read_gguf(self.model_path)  # header only; tensor data stays on disk
        if self.base.metadata.get("general.type") == "adapter":  # llama.cpp would say it cannot load the model
            raise InvalidInputError(
                f"{self.model_path} is a LoRA adapter, not a base model: pass it with --adapter (-a); the base model "
                "goes to --base-model (-m), default Gemma 3 270M"
            )
        options = dict(
            model_path=str(self.model_path),
            n_ctx=n_ctx,
            n_threads=n_threads or min(4, os.cpu_count() or 1),
            seed=seed,
            use_mmap=True,
            verbose=verbose,
            type_k=_ggml_type(cache_type_k),
            type_v=_ggml_type(cache_type_v),
            flash_attn=flash_attn,
            swa_full=swa_full,
        )
        try:
            self.llm = llama_cpp.Llama(**options)
        except ValueError as e:  # llama-cpp-python's "Failed to load model from file"
            raise RuntimeBackendError(f"{self.model_path}: llama.cpp could not load the base model ({quote(e, 120)})") from None
        self._loaded: list[LoadedAdapter] = []
        self.active: list[tuple[LoadedAdapter, float]] = []
        self._abort_callback = None  # the ctypes callback llama.cpp holds: kept alive here
        now = time.perf_counter()
        self._clock = {"start": now, "first": None, "end": now}  # the last completion's, for last_timing

    # -- stopping a decode ----------------------------------------------------------------------------------------

    def set_abort_check(self, check: Callable[[], bool] | None) -> None:
        """llama.cpp calls `check()` between the operations of a decode (CPU backend); True aborts the decode, which
        llama-cpp-python then raises as `RuntimeError("llama_decode returned 2")`. A token can take seconds on a
        busy device: this stops within one operation. None: never abort."""
        lib = self._lib
        callback = lib.ggml_abort_callback(lambda _data: bool(check())) if check is not None else None
        pointer = callback if callback is not None else ctypes.cast(None, lib.ggml_abort_callback)
        lib.llama_set_abort_callback(self.llm._ctx.ctx, pointer, None)
        self._abort_callback = callback

    # -- adapters -------------------------------------------------------------------------------------------------

    def load_adapter(self, source: str | os.PathLike | bytes, name: str | None = None) -> LoadedAdapter:
        """Validate a GGUF adapter (a path or the file's bytes) against the base, then hand it to llama.cpp."""
        in_memory = isinstance(source, (bytes, bytearray, memoryview))
        header = read_gguf(source, name=name or ("adapter in memory" if in_memory else None))
        check_adapter_fits(header, self.base)
        if in_memory:
            handle = self._init_from_bytes(bytes(source))
            name = name or header.metadata.get("adapter.lora.task_name") or "<memory>"
        else:
            handle = self._lib.llama_adapter_lora_init(self.llm.model, os.fsencode(source))
            name = name or str(source)
        if not handle:  # a NULL pointer is not None in 0.3.36
            raise RuntimeBackendError(f"{name}: llama.cpp refused the adapter")
        loaded = LoadedAdapter(name, handle, header.metadata.get("adapter.lora.task_name", ""))
        self._loaded.append(loaded)
        return loaded

    def _init_from_bytes(self, data: bytes):
        # llama.cpp reads adapters from files: an anonymous in-memory file keeps the bytes off the disk.
        if hasattr(os, "memfd_create"):
            fd = os.memfd_create("t2l-adapter")
            try:
                os.write(fd, data)
                return self._lib.llama_adapter_lora_init(self.llm.model, f"/proc/self/fd/{fd}".encode())
            finally:
                os.close(fd)
        with tempfile.NamedTemporaryFile(suffix=".gguf") as f:
            f.write(data)
            f.flush()
            return self._lib.llama_adapter_lora_init(self.llm.model, f.name.encode())

    def set_adapters(self, adapters: Sequence[LoadedAdapter | tuple[LoadedAdapter, float]] = ()) -> None:
        """Make exactly these adapters active (empty: the plain base). The KV cache is reset: it holds the
        previous adapter's states."""
        pairs = [a if isinstance(a, tuple) else (a, 1.0) for a in adapters]
        for adapter, _ in pairs:
            if adapter not in self._loaded:
                raise RuntimeBackendError(f"{adapter.name}: adapter was unloaded or belongs to another runner")
        lib = self._lib
        n = len(pairs)
        handles = (lib.llama_adapter_lora_p_ctypes * max(n, 1))(*[a.handle for a, _ in pairs])
        scales = (ctypes.c_float * max(n, 1))(*[s for _, s in pairs])
        if lib.llama_set_adapters_lora(self.llm.ctx, handles if n else None, n, scales if n else None):
            raise RuntimeBackendError("llama.cpp could not set the adapters")
        self.active = pairs
        self.reset()

    def use(self, source: str | os.PathLike | bytes | None, scale: float = 1.0) -> LoadedAdapter | None:
        """Load (if needed) and activate one adapter, freeing the one used before; None returns to the base."""
        previous = [a for a, _ in self.active]
        loaded = self.load_adapter(source) if source is not None else None
        self.set_adapters([(loaded, scale)] if loaded else [])
        for adapter in previous:
            self.unload(adapter)
        return loaded

    def unload(self, adapter: LoadedAdapter) -> None:
        if adapter not in self._loaded:
            return
        if any(a is adapter for a, _ in self.active):
            self.set_adapters([p for p in self.active if p[0] is not adapter])
        self._lib.llama_adapter_lora_free(adapter.handle)
        self._loaded.remove(adapter)

    def reset(self) -> None:
        self.llm.reset()
        memory = self._lib.llama_get_memory(self.llm.ctx)
        if memory:
            self._lib.llama_memory_clear(memory, True)

    # -- inference ------------------------------------------------------------------------------------------------

    def tokenize(self, text: str, add_bos: bool = True) -> list[int]:
        return self.llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=False)

    def last_logits(self, prompt: str) -> np.ndarray:
        """Next-token logits after `prompt`, float32 (n_vocab,), from a fresh cache."""
        tokens = self._fitting(self.tokenize(prompt))
        self.reset()
        self.llm.eval(tokens)
        ptr = self._lib.llama_get_logits_ith(self.llm.ctx, -1)
        return np.ctypeslib.as_array(ptr, shape=(self.llm.n_vocab(),)).astype(np.float32)

    def generate(
        self,
        prompt: str,
        max_tokens: int = 64,
        stop: Sequence[str] = (),
        temperature: float = 0.0,
        top_p: float = 0.95,
        top_k: int = 40,
        seed: int | None = None,
    ) -> str:
        """Complete `prompt`: greedy when temperature is 0, else sampled (seeded when seed is given)."""
        out = self._completion(prompt, max_tokens, stop, temperature, top_p, top_k, seed, stream=False)
        return out["choices"][0]["text"]

    def stream(
        self,
        prompt: str,
        max_tokens: int = 64,
        stop: Sequence[str] = (),
        temperature: float = 0.0,
        top_p: float = 0.95,
        top_k: int = 40,
        seed: int | None = None,
    ) -> Iterator[str]:
        """`generate`, piece by piece as llama.cpp decodes: the pieces joined are `generate`'s text (a piece that
        could start a stop sequence is held back until it cannot)."""
        for chunk in self._completion(prompt, max_tokens, stop, temperature, top_p, top_k, seed, stream=True):
            text = chunk["choices"][0]["text"]
            if text:
                yield text

    def _completion(self, prompt, max_tokens, stop, temperature, top_p, top_k, seed, stream: bool):
        self._fitting(self.tokenize(prompt))
        self.reset()
        self._lib.llama_perf_context_reset(self.llm.ctx)  # `last_timing` counts this completion only
        self._clock = {"start": time.perf_counter(), "first": None, "end": None}  # for last_timing
        out = self.llm.create_completion(
            prompt,
            max_tokens=max_tokens,
            stop=list(stop) or None,
            temperature=temperature,
            top_p=top_p,
            top_k=top_k if temperature > 0 else 1,
            seed=seed,
            stream=stream,
        )
        if not stream:
            self._clock["end"] = time.perf_counter()
            self.release_sampler()
            return out
        return self.releasing_sampler(self._marking_first_piece(out))

    def _marking_first_piece(self, chunks: Iterator[dict]) -> Iterator[dict]:
        for chunk in chunks:
            if self._clock["first"] is None:  # the first piece comes right after the prompt's pass
                self._clock["first"] = time.perf_counter()
            yield chunk

    def release_sampler(self) -> None:
        """Free the last completion's sampler chain now. llama-cpp-python keeps it in a reference cycle (its close
        callback refers to it) that only Python's cyclic collector breaks, ≈ 3 MiB of native memory each on Gemma 3's
        262k-token vocabulary: a server's RSS rose and fell by up to 66 MiB between collections (docs/serve.md)."""
        sampler = getattr(self.llm, "_sampler", None)
        if sampler is not None:
            sampler.close()
            self.llm._sampler = None

    def releasing_sampler(self, chunks: Iterator[dict]) -> Iterator[dict]:
        """A completion's stream that frees its sampler once it ends, is closed or fails."""
        try:
            yield from chunks
        finally:
            self.release_sampler()

    def last_timing(self) -> Timing:
        """Time of the last `generate` / `stream`: the prompt's forward pass (to the first token) and the decoding
        after it (one pass per further token). Token counts and decoding time come from llama.cpp's counters; the
        prompt's time from the clock, because llama.cpp's prompt counter reads ≈ 0 ms once adapters have been set on
        the context (measured: 0.008 ms for 131 prompt tokens that took ≈ 870 ms)."""
        d = self._lib.llama_perf_context(self.llm.ctx)
        decode_ms, clock = float(d.t_eval_ms), self._clock
        if clock["first"] is not None:  # a stream: the prompt's pass ends at its first piece
            prompt_ms = (clock["first"] - clock["start"]) * 1000
        else:  # a whole completion: what decoding did not take
            prompt_ms = ((clock["end"] or clock["start"]) - clock["start"]) * 1000 - decode_ms
        return Timing(max(0.0, prompt_ms), int(d.n_p_eval), decode_ms, int(d.n_eval))

    def _fitting(self, tokens: list[int]) -> list[int]:
        n_ctx = self.llm.n_ctx()
        if len(tokens) >= n_ctx:
            raise InvalidInputError(
                f"the prompt is {len(tokens)} tokens, the context holds {n_ctx}: use a longer context (--context)"
            )
        return tokens

    def close(self) -> None:
        for adapter in list(self._loaded):
            self.unload(adapter)
        self.llm.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class LlamaCompleter:
    """`complete(prompt, adapter_bytes | None, max_tokens)` on a `LlamaCppRunner`, the callable evaluation drives:
    greedy, stopping at `stop`; the active adapter changes only when another bytes object comes. `scale` multiplies
    every adapter's ΔW (llama.cpp's adapter scale)."""

    def __init__(self, runner: LlamaCppRunner, stop, scale: float = 1.0):
        self.runner, self.stop, self.scale = runner, list(stop), scale
        self.current: bytes | None = None

    def __call__(self, prompt: str, adapter: bytes | None, max_tokens: int) -> str:
        if adapter is not self.current:
            self.runner.use(adapter, self.scale)
            self.current = adapter
        return self.runner.generate(prompt, max_tokens=max_tokens, stop=self.stop)  # too long: InvalidInputError


class _StopAtFinalNorm:
    """llama.cpp's graph-evaluation callback that ends a decode once the final norm's states are computed (the node
    llama.cpp names "result_embd_pooled" in an embedding context; with pooling "none" it is the final norm itself).
    An embedding context marks every token as an output, so llama.cpp also multiplies every token's state by the
    vocabulary (262k × 640 for Gemma 3 270M): half of a card's pass, for logits the card reader never reads. The
    scheduler asks about each node before computing it (`ask`); observing this one computes the graph up to it, and
    answering False after it stops the rest. Nothing before it changes: the states are the same numbers."""

    NAME = b"result_embd_pooled"

    def __init__(self, llama_cpp):
        from llama_cpp._ctypes_extensions import load_shared_library
        from llama_cpp._ggml import libggml_base_path

        get_name = load_shared_library("ggml-base", libggml_base_path).ggml_get_name
        get_name.argtypes, get_name.restype = [ctypes.c_void_p], ctypes.c_char_p
        self.stops = 0  # decodes ended at the norm (a test checks the name still matches llama.cpp's graph)

        def on_node(tensor, ask, _data) -> bool:
            if ask:
                return get_name(tensor) == self.NAME
            self.stops += 1
            return False

        self.callback = llama_cpp.ggml_backend_sched_eval_callback(on_node)  # kept alive: llama.cpp holds it

    def install(self, llm) -> None:
        """Give `llm` (a llama_cpp.Llama) a context made with this callback, in place of the one it made without."""
        import contextlib

        from llama_cpp import _internals

        params = llm.context_params
        params.cb_eval, params.cb_eval_user_data = self.callback, None
        old = llm._ctx
        llm._ctx = llm._stack.enter_context(contextlib.closing(
            _internals.LlamaContext(model=llm._model, params=params, verbose=False)))
        old.close()


class CardReader:
    """Card features (t2l_edge/card_features.py) from the base model through llama.cpp: a second context on the same
    base GGUF in embedding mode (memory-mapped: the weights are shared with a generating runner's pages), one forward
    pass per card up to its final norm (`_StopAtFinalNorm`), its final-layer states pooled. `reader(texts)` -> (N, F)
    float32. The context opens at the first card, so a reader given to every generator costs nothing until a card
    with examples comes. `stop_at_norm=False`: the whole pass, vocabulary projection included (the reference)."""

    def __init__(self, base_model: str | os.PathLike | None = None, n_ctx: int = 1024, n_threads: int | None = None,
                 stop_at_norm: bool = True):
        from t2l_edge.card_features import CARD_FEATURES

        self.base_model, self.name, self.n_ctx, self.n_threads = base_model, CARD_FEATURES, n_ctx, n_threads
        self.stop_at_norm = stop_at_norm
        self._llm = None
        self._stop: _StopAtFinalNorm | None = None

    @property
    def llm(self):
        if self._llm is None:
            llama_cpp = import_llama_cpp()
            _quiet_logs(llama_cpp, False)
            self.model_path = resolve_base_model(self.base_model)
            try:
                llm = llama_cpp.Llama(
                    model_path=str(self.model_path), embedding=True, pooling_type=llama_cpp.LLAMA_POOLING_TYPE_NONE,
                    n_ctx=self.n_ctx, n_batch=self.n_ctx, n_ubatch=self.n_ctx,
                    n_threads=self.n_threads or min(4, os.cpu_count() or 1), use_mmap=True, verbose=False,
                )
                if self.stop_at_norm:
                    self._stop = _StopAtFinalNorm(llama_cpp)
                    self._stop.install(llm)
            except ValueError as e:
                raise RuntimeBackendError(f"{self.model_path}: llama.cpp could not load the base model ({quote(e, 120)})") from None
            self._llm = llm
        return self._llm

    @property
    def stops(self) -> int:
        """Passes that ended at the final norm (0 with `stop_at_norm=False`)."""
        return self._stop.stops if self._stop is not None else 0

    @property
    def n_features(self) -> int:
        from t2l_edge.card_features import n_card_features

        return n_card_features(self.llm.n_embd())

    def states(self, text: str) -> np.ndarray:
        """(T, d) final-layer hidden states of the text's tokens (BOS first)."""
        tokens = self.llm.tokenize(text.encode("utf-8"), add_bos=True, special=False)
        if len(tokens) > self.n_ctx:
            raise InvalidInputError(f"the task card is {len(tokens)} tokens, the card reader reads at most {self.n_ctx}")
        return np.asarray(self.llm.embed(text, normalize=False), dtype=np.float32)

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        from t2l_edge.card_features import pool_card_states

        return np.stack([pool_card_states(self.states(t)) for t in texts]) if texts else np.zeros((0, self.n_features), np.float32)

    def close(self) -> None:
        if self._llm is not None:
            self._llm.close()
            self._llm = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
