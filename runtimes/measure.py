"""Measure the real pipeline's memory in a child process, phase by phase, to check the estimate.

The child (`python -m t2l_edge.runtimes.measure SPEC_JSON`) imports the runtime, prepares the adapters, loads the base model
through `LlamaCppRunner` with the adapters active, evaluates a prompt that fills the requested context and decodes a
few tokens. A sampler thread reads VmRSS from /proc/self/status every 2 ms, and at each phase start the kernel's
high-water mark is reset (`/proc/self/clear_refs` ← 5) so VmHWM gives each phase's exact peak where allowed. The
child prints one JSON line; llama.cpp's own log (stderr) is parsed for the buffer sizes it reports.

Generator bundles are not measured yet: no bundle runtime exists in this version.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

from t2l_edge.errors import RuntimeBackendError

STATUS = "/proc/self/status"
SAMPLE_INTERVAL_S = 0.002
DEFAULT_DECODE_TOKENS = 16
DEFAULT_TIMEOUT_S = 900
_WORDS = (
    "the quick brown fox jumps over a lazy dog while seven wizards quietly judge boxing matches near the old "
    "river bank and every morning a small bird sings about distant mountains covered in snow"
).split()


@dataclass
class PhaseResult:
    name: str
    peak_rss: int
    end_rss: int
    seconds: float


@dataclass
class Measurement:
    context: int
    prompt_tokens: int
    decode_tokens: int
    adapters: list[str]
    phases: list[PhaseResult]
    llama_buffers: dict[str, float] = field(default_factory=dict)  # MiB, as llama.cpp logs them
    hwm_reset: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def peak_rss(self) -> int:
        return max(p.peak_rss for p in self.phases)

    def phase(self, name: str) -> PhaseResult:
        return next(p for p in self.phases if p.name == name)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["peak_rss"] = self.peak_rss
        return d


# -- the parent side -----------------------------------------------------------------------------------------------


def measure_pipeline(
    base_model: str | os.PathLike,
    adapters: Sequence[str | os.PathLike] = (),
    context: int = 512,
    prompt_tokens: int | None = None,
    decode_tokens: int = DEFAULT_DECODE_TOKENS,
    n_threads: int = 2,
    timeout: float = DEFAULT_TIMEOUT_S,
    llama_options: dict[str, Any] | None = None,
) -> Measurement:
    """Run the pipeline in a fresh child process and return its per-phase peak RSS. `prompt_tokens` None: the prompt
    fills the context, less the decoded tokens. `llama_options`: KV cache settings passed to `LlamaCppRunner`
    (cache_type_k, cache_type_v, flash_attn, swa_full)."""
    if prompt_tokens is None:
        prompt_tokens = context - decode_tokens - 1
    if not 0 < prompt_tokens <= context - decode_tokens - 1:
        raise RuntimeBackendError(
            f"a prompt of {prompt_tokens} tokens and {decode_tokens} decoded ones do not fit a context of {context}"
        )
    spec = {
        "base_model": str(base_model),
        "adapters": [str(a) for a in adapters],
        "context": context,
        "prompt_tokens": prompt_tokens,
        "decode_tokens": decode_tokens,
        "n_threads": n_threads,
        "llama_options": llama_options or {},
    }
    env = dict(os.environ, OMP_WAIT_POLICY=os.environ.get("OMP_WAIT_POLICY", "PASSIVE"))
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "t2l_edge.runtimes.measure", json.dumps(spec)],
            capture_output=True, text=True, timeout=timeout, env=env,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeBackendError(f"the measurement did not finish within {timeout:.0f} s") from None
    result_line = next((line for line in reversed(proc.stdout.splitlines()) if line.startswith("{")), None)
    if proc.returncode != 0 or result_line is None:
        tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeBackendError(f"the measurement child failed (exit {proc.returncode}): {tail}")
    data = json.loads(result_line)
    if "error" in data:
        raise RuntimeBackendError(f"the measurement child failed: {data['error']}")
    data["phases"] = [PhaseResult(**p) for p in data["phases"]]
    data["llama_buffers"] = parse_llama_log(proc.stderr)
    return Measurement(**data)


_BUFFER_LINES = {
    "kv": re.compile(r"llama_kv_cache:\s+(\S+) KV buffer size =\s+([\d.]+) MiB"),
    "compute": re.compile(r"sched_reserve:\s+(\S+) compute buffer size =\s+([\d.]+) MiB"),
    "output": re.compile(r"llama_context:\s+(\S+)\s+output buffer size =\s+([\d.]+) MiB"),
    "model": re.compile(r"load_tensors:\s+(\S+) model buffer size =\s+([\d.]+) MiB"),
}


def parse_llama_log(text: str) -> dict[str, float]:
    """Buffer sizes (MiB) llama.cpp logs while loading: every KV buffer summed under "kv", the compute and output
    buffers, and the model buffers by type ("model:CPU_Mapped", "model:CPU_REPACK")."""
    out: dict[str, float] = {}
    for key, pattern in _BUFFER_LINES.items():
        for buf, mib in pattern.findall(text):
            name = f"model:{buf}" if key == "model" else key
            out[name] = out.get(name, 0.0) + float(mib)
    return out


def host_profile(runtimes: Sequence[str] = ("llama.cpp",)):
    """A profile of the machine this runs on: its memory, threads and the CPU kernels llama.cpp was built with."""
    from t2l_edge.device_profiles import DeviceProfile
    from t2l_edge.memory import detect_cpu_kernels

    meminfo = _meminfo()
    try:
        import llama_cpp

        info = llama_cpp.llama_print_system_info().decode()
    except ImportError:
        info = ""
    return DeviceProfile(
        name="this-host",
        description="the machine this measurement runs on",
        total_memory=meminfo["MemTotal"],
        app_budget=min(meminfo.get("MemAvailable", meminfo["MemTotal"]), meminfo["MemTotal"]),
        gpu_memory=0,
        gpu_shared=True,
        cpu_threads=os.cpu_count() or 1,
        runtimes=list(runtimes),
        execution_providers=["cpu"],
        precisions=["f32", "int8"],
        cpu_kernels=detect_cpu_kernels(info),
        source="<this host>",
    )


def _meminfo() -> dict[str, int]:
    out = {}
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                key, value = line.split(":", 1)
                out[key] = int(value.split()[0]) * 1024
    except OSError:
        raise RuntimeBackendError("measuring memory needs Linux (/proc/meminfo)") from None
    return out


# -- the child side ------------------------------------------------------------------------------------------------


def _read_status() -> dict[str, int]:
    out = {}
    with open(STATUS) as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":", 1)
                out[key] = int(value.split()[0]) * 1024
    return out


class RssSampler:
    """Peak RSS per phase: a 2 ms sampling thread, and VmHWM reset at each phase start where the kernel allows it."""

    def __init__(self):
        self.phases: list[PhaseResult] = []
        self._peak = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.hwm_reset = self._reset_hwm()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def _reset_hwm() -> bool:
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            return True
        except OSError:
            return False

    def _run(self):
        while not self._stop.is_set():
            rss = _read_status()["VmRSS"]
            with self._lock:
                self._peak = max(self._peak, rss)
            time.sleep(SAMPLE_INTERVAL_S)

    @contextmanager
    def phase(self, name: str):
        status = _read_status()
        with self._lock:
            self._peak = status["VmRSS"]
        reset = self._reset_hwm()
        t0 = time.perf_counter()
        yield
        seconds = time.perf_counter() - t0
        status = _read_status()
        with self._lock:
            peak = max(self._peak, status["VmRSS"], status["VmHWM"] if reset else 0)
        self.phases.append(PhaseResult(name, peak, status["VmRSS"], round(seconds, 3)))

    def close(self):
        self._stop.set()
        self._thread.join()


def _prompt_tokens(runner, n: int) -> list[int]:
    """A text prompt tokenized by the model, cut to exactly n tokens (BOS first)."""
    import random

    rng = random.Random(0)
    words = []
    tokens: list[int] = []
    while len(tokens) < n:
        words.extend(rng.choice(_WORDS) for _ in range(max(64, n)))
        tokens = runner.tokenize(" ".join(words))
    return tokens[:n]


def _child(spec: dict[str, Any]) -> dict[str, Any]:
    sampler = RssSampler()
    notes: list[str] = []
    with sampler.phase("start"):
        from t2l_edge.runtimes.llama_cpp import LlamaCppRunner, import_llama_cpp

        import_llama_cpp()
    with tempfile.TemporaryDirectory(prefix="t2l-measure-") as tmp:
        with sampler.phase("adapters"):
            paths = [_as_gguf_file(Path(p), Path(tmp), spec["base_model"]) for p in spec["adapters"]]
        with sampler.phase("load"):
            runner = LlamaCppRunner(
                spec["base_model"], n_ctx=spec["context"], n_threads=spec["n_threads"], verbose=True,
                **spec.get("llama_options", {}),
            )
            loaded = [runner.load_adapter(p) for p in paths]
            runner.set_adapters(loaded)
        with sampler.phase("prompt"):
            tokens = _prompt_tokens(runner, spec["prompt_tokens"])
            runner.llm.eval(tokens)
        with sampler.phase("decode"):
            runner.llm.create_completion(tokens, max_tokens=spec["decode_tokens"], temperature=0.0, top_k=1)
        runner.close()
    sampler.close()
    return {
        "context": spec["context"],
        "prompt_tokens": len(tokens),
        "decode_tokens": spec["decode_tokens"],
        "adapters": spec["adapters"],
        "phases": [asdict(p) for p in sampler.phases],
        "hwm_reset": sampler.hwm_reset,
        "notes": notes,
    }


def _as_gguf_file(path: Path, tmp: Path, base_model: str) -> Path:
    """GGUF adapters load as they are; other formats are converted to f16 GGUF (what `t2l-edge infer` does)."""
    from t2l_edge.export.formats import AdapterFormat, detect_format, load_adapter
    from t2l_edge.export.gguf import write_gguf_adapter
    from t2l_edge.targets import TargetSpec

    if detect_format(path) is AdapterFormat.GGUF:
        return path
    lora = load_adapter(path, target=TargetSpec.from_gguf(base_model))
    return write_gguf_adapter(lora, tmp / f"{path.stem}.gguf", "f16")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    try:
        result = _child(json.loads(argv[0]))
    except Exception as e:  # reported to the parent as one line
        result = {"error": f"{type(e).__name__}: {e}"}
    sys.stderr.flush()
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
