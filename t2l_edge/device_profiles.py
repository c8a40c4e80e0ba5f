"""Device memory profiles: one TOML file per device under `profiles/`, checked by a dataclass.

A profile says how much memory the device has, how much of it an app can count on (the budget, with the
reasoning in a comment of the TOML file), its GPU memory and whether that memory is shared with the CPU, its CPU
threads and which runtimes, execution providers and precisions it can use. `load_profile` takes a shipped name
(`raspberry-pi-5-8gb`) or the path of a user's own file; every error names the file, the field and the reason.

Sizes are strings with a unit or plain byte counts: `parse_size("2GB")` is 2·10⁹ bytes, `parse_size("512MiB")`
512·2²⁰; a bare K/M/G/T is binary, as memory tools (`free -g`, docker `--memory 2g`) read it.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import MISSING, dataclass, field, fields
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Any

from .choices import Choice, Precision, parse_choice, parse_choices
from .errors import InvalidInputError, MissingFileError
from .text import quote

PROFILE_PACKAGE = "t2l_edge.profiles"
PROFILE_SUFFIX = ".toml"


class ProfileError(InvalidInputError):
    """A device profile is malformed: a missing field, a negative size, an unknown runtime."""


# -- sizes ---------------------------------------------------------------------------------------------------------

SIZE_UNITS: dict[str, int] = {
    "": 1, "b": 1,
    "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
    "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40,
    "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40,
}
MAX_SIZE = 2**60  # 1 EiB: sizes beyond it are typos, and would overflow the estimator's arithmetic elsewhere
_SIZE_RE = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*([a-z]*)\s*$", re.IGNORECASE)


def parse_size(value: str | int | float, where: str = "size") -> int:
    """Bytes from "2GB", "512MiB", "1.5 GiB", "3g" or a plain number of bytes. Raises InvalidInputError naming
    `where` (an option or "file: field") and the reason."""
    if isinstance(value, bool):
        raise InvalidInputError(f"{where}: expected a size such as '2GB' or '512MiB', got {quote(repr(value), 80)}")
    if isinstance(value, int) and abs(value) > MAX_SIZE:
        raise InvalidInputError(f"{where}: {quote(value, 40)} bytes is larger than any device ({format_size(MAX_SIZE)} at most)")
    if isinstance(value, (int, float)):
        number, unit = float(value), ""
    elif isinstance(value, str):
        m = _SIZE_RE.match(value)
        if not m:
            raise InvalidInputError(
                f"{where}: {quote(repr(value), 80)} is not a size (expected a number and a unit, e.g. '2GB', '512MiB')"
            )
        number, unit = float(m.group(1)), m.group(2).lower()
        if unit not in SIZE_UNITS:
            units = ", ".join(u for u in SIZE_UNITS if u)
            raise InvalidInputError(f"{where}: unknown size unit {quote(repr(m.group(2)), 80)} in {quote(repr(value), 80)} (use one of: {units})")
    else:
        raise InvalidInputError(f"{where}: expected a size such as '2GB' or '512MiB', got {type(value).__name__}")
    if not math.isfinite(number):
        raise InvalidInputError(f"{where}: {quote(repr(value), 80)} is not a finite size")
    if number < 0:
        raise InvalidInputError(f"{where}: {quote(repr(value), 80)} is negative; a size must be zero or more")
    if number * SIZE_UNITS[unit] > MAX_SIZE:
        raise InvalidInputError(f"{where}: {quote(repr(value), 40)} is larger than any device ({format_size(MAX_SIZE)} at most)")
    return int(round(number * SIZE_UNITS[unit]))


def format_size(n: float) -> str:
    """Binary units, two decimals: 1.50 GiB, 300.00 MiB. Negative values keep their sign."""
    sign, n = ("-" if n < 0 else ""), abs(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{sign}{n:.0f} {unit}" if unit == "B" else f"{sign}{n:.2f} {unit}"
        n /= 1024
    return f"{sign}{n} B"


# -- choices -------------------------------------------------------------------------------------------------------


class Runtime(Choice):
    LLAMA_CPP = "llama.cpp"
    ONNXRUNTIME = "onnxruntime"
    TENSORRT = "tensorrt"


class ExecutionProvider(Choice):
    """ONNX Runtime execution providers (short names) a generator bundle may run on."""

    CPU = "cpu"
    XNNPACK = "xnnpack"
    CUDA = "cuda"
    TENSORRT = "tensorrt"
    COREML = "coreml"
    NNAPI = "nnapi"
    QNN = "qnn"


class LlamaBackend(Choice):
    """Where llama.cpp puts the base model's layers."""

    CPU = "cpu"
    CUDA = "cuda"
    METAL = "metal"
    VULKAN = "vulkan"


class CpuKernels(Choice):
    """The CPU's matmul kernels as ggml picks them. They decide which weights ggml repacks at load time into a
    second, anonymous buffer (`CPU_REPACK`, `AMX`) — memory on top of the memory-mapped file."""

    GENERIC = "generic"
    X86_AVX2 = "x86_avx2"
    X86_AMX = "x86_amx"
    ARM_DOTPROD = "arm_dotprod"
    ARM_I8MM = "arm_i8mm"


# -- the profile ---------------------------------------------------------------------------------------------------


def _choices(enum, values, where: str) -> tuple:
    if isinstance(values, (str, Enum)) or not isinstance(values, (list, tuple)):
        raise ProfileError(f"{where}: expected a list, got {quote(repr(values), 80)}")
    try:
        return parse_choices(enum, values, f"{where}:")
    except InvalidInputError as e:
        raise ProfileError(str(e)) from None


def _choice(enum, value, where: str):
    try:
        return parse_choice(enum, value, f"{where}:")
    except InvalidInputError as e:
        raise ProfileError(str(e)) from None


@dataclass(frozen=True)
class DeviceProfile:
    """One device. Sizes are bytes (strings with units are parsed). `app_budget` is what one app can use of the
    CPU-side (or unified) memory; `gpu_budget` is what it can use of a discrete GPU's own memory."""

    name: str
    description: str
    total_memory: int
    app_budget: int
    gpu_memory: int
    gpu_shared: bool
    cpu_threads: int
    runtimes: tuple[Runtime, ...]
    execution_providers: tuple[ExecutionProvider, ...]
    precisions: tuple[Precision, ...]
    llama_cpp_backend: LlamaBackend = LlamaBackend.CPU
    cpu_kernels: CpuKernels = CpuKernels.GENERIC
    gpu_budget: int | None = None
    # Memory of the app's process before any model: interpreter or native app, libraries. None: the estimator's
    # default for a Python process.
    process_baseline: int | None = None
    source: str = field(default="<profile>", compare=False)

    def __post_init__(self):
        src = self.source
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731 (frozen dataclass)

        def where(name: str) -> str:
            return f"{src}: field {name}"

        for name in ("name", "description"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ProfileError(f"{where(name)}: must be a non-empty string, got {quote(repr(value), 80)}")
        for name in ("total_memory", "app_budget", "gpu_memory", "gpu_budget", "process_baseline"):
            value = getattr(self, name)
            if value is not None:
                try:
                    set_(name, parse_size(value, where(name)))
                except InvalidInputError as e:
                    raise ProfileError(str(e)) from None
        if self.total_memory <= 0:
            raise ProfileError(f"{where('total_memory')}: must be greater than zero")
        if self.app_budget <= 0:
            raise ProfileError(f"{where('app_budget')}: must be greater than zero")
        if self.app_budget > self.total_memory:
            raise ProfileError(
                f"{where('app_budget')}: {format_size(self.app_budget)} is more than total_memory "
                f"{format_size(self.total_memory)}"
            )
        if not isinstance(self.gpu_shared, bool):
            raise ProfileError(f"{where('gpu_shared')}: must be true or false, got {quote(repr(self.gpu_shared), 80)}")
        if self.gpu_shared and self.gpu_memory > self.total_memory:
            raise ProfileError(f"{where('gpu_memory')}: shared GPU memory cannot exceed total_memory")
        if self.gpu_budget is not None:
            if self.gpu_shared or self.gpu_memory == 0:
                raise ProfileError(
                    f"{where('gpu_budget')}: only a discrete GPU (gpu_shared = false) has its own budget"
                )
            if self.gpu_budget > self.gpu_memory:
                raise ProfileError(f"{where('gpu_budget')}: more than gpu_memory {format_size(self.gpu_memory)}")
        if isinstance(self.cpu_threads, bool) or not isinstance(self.cpu_threads, int) or self.cpu_threads <= 0:
            raise ProfileError(f"{where('cpu_threads')}: must be a positive integer, got {quote(repr(self.cpu_threads), 80)}")
        set_("runtimes", _choices(Runtime, self.runtimes, where("runtimes")))
        set_("execution_providers", _choices(ExecutionProvider, self.execution_providers, where("execution_providers")))
        set_("precisions", _choices(Precision, self.precisions, where("precisions")))
        set_("llama_cpp_backend", _choice(LlamaBackend, self.llama_cpp_backend, where("llama_cpp_backend")))
        set_("cpu_kernels", _choice(CpuKernels, self.cpu_kernels, where("cpu_kernels")))
        for name in ("runtimes", "precisions"):
            if not getattr(self, name):
                raise ProfileError(f"{where(name)}: must list at least one value")
        if self.llama_cpp_backend is not LlamaBackend.CPU and self.gpu_memory == 0:
            raise ProfileError(
                f"{where('llama_cpp_backend')}: {self.llama_cpp_backend.value} needs a GPU, but gpu_memory is 0"
            )

    # -- derived ---------------------------------------------------------------------------------------------------

    @property
    def discrete_gpu(self) -> bool:
        return self.gpu_memory > 0 and not self.gpu_shared

    @property
    def llm_on_gpu(self) -> bool:
        return self.llama_cpp_backend is not LlamaBackend.CPU

    def effective_gpu_budget(self) -> int:
        return self.gpu_budget if self.gpu_budget is not None else self.gpu_memory

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Enum):
                value = value.value
            elif isinstance(value, tuple):
                value = [getattr(v, "value", v) for v in value]
            out[f.name] = value
        return out


def _required_fields() -> list[str]:
    return [f.name for f in fields(DeviceProfile) if f.default is MISSING and f.default_factory is MISSING]


def profile_from_dict(data: dict[str, Any], source: str = "<profile>") -> DeviceProfile:
    """Check the keys (every required field present, no unknown ones), then let the dataclass check the values."""
    known = {f.name for f in fields(DeviceProfile)} - {"source"}
    for key in data:
        if key not in known:
            raise ProfileError(f"{source}: field {key}: unknown field (known fields: {', '.join(sorted(known))})")
    for name in _required_fields():
        if name not in data:
            raise ProfileError(f"{source}: field {name}: missing (required fields: {', '.join(_required_fields())})")
    return DeviceProfile(**data, source=source)


# A device profile is a page of TOML; anything far larger is refused before it is parsed or printed.
MAX_PROFILE_BYTES = 1 << 20


def _read_profile_text(path: Path) -> str:
    if not path.is_file():
        raise MissingFileError(f"{path}: device profile not found")
    size = path.stat().st_size
    if size > MAX_PROFILE_BYTES:
        raise ProfileError(f"{path}: {size:,} bytes, larger than any device profile ({MAX_PROFILE_BYTES:,} at most)")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ProfileError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None


def load_profile_file(path: str | os.PathLike) -> DeviceProfile:
    path = Path(path)
    text = _read_profile_text(path)
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as e:
        raise ProfileError(f"{path}: not valid TOML ({quote(e, 160)})") from None
    return profile_from_dict(data, str(path))


def _shipped_dir():
    return resources.files(PROFILE_PACKAGE)


def shipped_profile_names() -> list[str]:
    return sorted(
        p.name[: -len(PROFILE_SUFFIX)] for p in _shipped_dir().iterdir() if p.name.endswith(PROFILE_SUFFIX)
    )


def load_shipped_profiles() -> list[DeviceProfile]:
    return [load_profile(name) for name in shipped_profile_names()]


def _is_path(text: str) -> bool:
    return text.endswith(PROFILE_SUFFIX) or os.sep in text or "/" in text


def _shipped_resource(name: str):
    resource = _shipped_dir() / f"{name}{PROFILE_SUFFIX}"
    if not resource.is_file():
        raise MissingFileError(
            f"{name}: no such device profile (shipped: {', '.join(shipped_profile_names())}; "
            "or pass the path of a .toml file)"
        )
    return resource


def load_profile(name_or_path: str | os.PathLike) -> DeviceProfile:
    """A shipped profile by name (`pixel-8`), else a TOML file by path (`./my-device.toml`)."""
    text = str(name_or_path)
    if _is_path(text):
        return load_profile_file(text)
    with resources.as_file(_shipped_resource(text)) as p:
        profile = load_profile_file(p)
    object.__setattr__(profile, "source", f"profiles/{text}{PROFILE_SUFFIX}")
    return profile


def profile_comments(name_or_path: str | os.PathLike) -> list[str]:
    """The comment lines of a profile's TOML file: where its numbers come from and why its budget is what it is."""
    text = str(name_or_path)
    raw = _read_profile_text(Path(text)) if _is_path(text) else _shipped_resource(text).read_text("utf-8")
    return [quote(line.strip()[1:].strip()) for line in raw.splitlines() if line.strip().startswith("#")]
