"""Generator bundles: the directory `t2l-edge build-engine` writes and the device runtimes read.

    bundle/
      manifest.json   format version, package version, TargetSpec, rank/alpha/scale rule, encoder tokenizer settings
                      and pooling, prompt format, variant, target, precision, every file with its size and sha256
      tokenizer.json  the text encoder's tokenizer (`tokenizers`; truncation and padding are set from the manifest)
      encoder.onnx    input_ids, attention_mask (batch, sequence) -> embedding (batch, d), pooled and normalised
      hypernet.onnx   embedding (batch, d) -> lora_A.<module> (batch, L, r, in), lora_B.<module> (batch, L, out, r)
      gguf.onnx       those outputs -> gguf_data (batch, bytes) uint8: the adapter's GGUF tensor data, quantized
      gguf_template.bin  the adapter file's header with an empty task name (docs/gguf-template.md); bundles of
                      older bundles have neither and fall back to the numpy writer
      *.ort + required_operators.config (mobile) / *.engine (tensorrt)

Plain data and numpy: no torch here. Loading checks the format version, then every listed file's size and sha256,
and names the file that is missing, modified or too new.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from .adapter import LoraAdapter, ScaleRule
from .choices import Choice, Precision, parse_choice
from .errors import CorruptFileError, InvalidInputError, MissingFileError
from .io import read_json, sha256_file
from .keys import BUNDLE_FORMAT_VERSION, BundleFiles, BundleGraph
from .prompts import LEGACY_PROMPT_MODE, parse_prompt_mode
from .targets import ModuleKind, TargetSpec
from .text import quote


MAX_RANK = 4096


class EngineTarget(Choice):
    CPU = "cpu"
    CUDA = "cuda"
    TENSORRT = "tensorrt"
    MOBILE = "mobile"


# What each target builds when no precision is given, and which precisions it accepts.
DEFAULT_PRECISION = {
    EngineTarget.CPU: Precision.FP32,
    EngineTarget.CUDA: Precision.FP16,
    EngineTarget.TENSORRT: Precision.FP16,
    EngineTarget.MOBILE: Precision.INT8,
}
ALLOWED_PRECISIONS = {
    EngineTarget.CPU: (Precision.FP32, Precision.INT8),
    EngineTarget.CUDA: (Precision.FP32, Precision.FP16, Precision.INT8),
    # int8 on TensorRT needs explicit Q/DQ calibration (TensorRT 11 has no implicit int8): not built here.
    EngineTarget.TENSORRT: (Precision.FP32, Precision.FP16),
    EngineTarget.MOBILE: (Precision.FP32, Precision.INT8),
}


def check_precision(target: EngineTarget | str, precision: Precision | str | None) -> Precision:
    target = parse_choice(EngineTarget, target, "target")
    if precision is None:
        return DEFAULT_PRECISION[target]
    precision = parse_choice(Precision, precision, "precision")
    if precision not in ALLOWED_PRECISIONS[target]:
        allowed = ", ".join(p.value for p in ALLOWED_PRECISIONS[target])
        raise InvalidInputError(f"precision {precision.value} is not available for target {target.value} (choose {allowed})")
    return precision


@dataclass(frozen=True)
class EncoderInfo:
    """How the device must tokenize and what the encoder graph already does (pooling, normalisation)."""

    name: str
    dim: int
    max_length: int
    pad_id: int
    pad_token: str
    pooling: str
    normalize: bool


@dataclass(frozen=True)
class GraphInfo:
    file: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]


@dataclass(frozen=True)
class FileInfo:
    size: int
    sha256: str


@dataclass(frozen=True)
class GGUFInfo:
    """How to write an adapter without a quantizer: template + the gguf graph's output (docs/gguf-template.md)."""

    template: str  # file name in the bundle (its size and sha256 are in `files`)
    recipe: str  # the quantization recipe the graph writes (q4_0, q8_0, f16)
    task_offset: int  # byte offset, in the template, of the task name's uint64 length (0 in the template)
    alignment: int  # the data section starts at the next multiple of this
    data_bytes: int  # bytes of `gguf_data` per adapter

    def __post_init__(self):
        for name in ("task_offset", "alignment", "data_bytes"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < (1 if name == "alignment" else 0):
                raise ValueError(f"gguf.{name} must be a non-negative integer (alignment positive), got {value!r}")

    def assemble(self, template: bytes, task: str, data) -> bytes:
        """The adapter file: template with the task name spliced in, zero padding to the alignment, the data (any
        bytes-like object: a numpy array's buffer is copied once, into the result)."""
        data = memoryview(data).cast("B")
        if data.nbytes != self.data_bytes:
            raise InvalidInputError(f"GGUF tensor data has {data.nbytes} bytes, the bundle's template expects {self.data_bytes}")
        name = task.encode("utf-8")
        head = b"".join((template[: self.task_offset], len(name).to_bytes(8, "little"), name,
                         template[self.task_offset + 8 :]))
        return b"".join((head, bytes(-len(head) % self.alignment), data))


@dataclass
class Manifest:
    target: TargetSpec  # the LoRA target: architecture, layers, module shapes
    rank: int
    alpha: float
    scale_rule: ScaleRule
    variant: str
    encoder: EncoderInfo
    prompt_format: str
    engine_target: EngineTarget
    precision: Precision
    graphs: dict[str, GraphInfo]
    files: dict[str, FileInfo]
    generator: str = ""  # the checkpoint's generator hash: provenance of every adapter
    package_version: str = ""
    format_version: int = BUNDLE_FORMAT_VERSION
    extra: dict[str, Any] = field(default_factory=dict)
    gguf: GGUFInfo | None = None  # the in-graph GGUF writer; None in bundles built before it
    prompt_mode: str = "bare"  # the PromptMode its adapters are recorded with (bundles before modes: bare)

    def __post_init__(self):
        if not 0 < self.rank <= MAX_RANK:
            raise CorruptFileError(f"bundle manifest: rank {self.rank} is not in 1..{MAX_RANK}")
        if not (math.isfinite(self.alpha) and self.alpha > 0):
            raise CorruptFileError(f"bundle manifest: alpha {self.alpha} is not a positive finite number")
        for name, info in self.files.items():
            if info.size < 0 or len(info.sha256) != 64:
                raise CorruptFileError(f"bundle manifest: file {quote(repr(name), 80)} has a bad size or sha256")

    @property
    def scale(self) -> float:
        return self.scale_rule.scale(self.alpha, self.rank)

    @property
    def modules(self) -> list[ModuleKind]:
        return list(self.target.modules)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format_version": self.format_version,
            "package_version": self.package_version,
            "target": self.target.to_dict(),
            "rank": self.rank,
            "alpha": self.alpha,
            "scale_rule": self.scale_rule.value,
            "scale": self.scale,
            "variant": self.variant,
            "encoder": vars(self.encoder).copy(),
            "prompt_format": self.prompt_format,
            "prompt_mode": self.prompt_mode,
            "engine_target": self.engine_target.value,
            "precision": self.precision.value,
            "generator": self.generator,
            "graphs": {k: {"file": g.file, "inputs": list(g.inputs), "outputs": list(g.outputs)} for k, g in self.graphs.items()},
            "files": {k: {"size": f.size, "sha256": f.sha256} for k, f in self.files.items()},
            "extra": dict(self.extra),
            **({"gguf": vars(self.gguf).copy()} if self.gguf is not None else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = BundleFiles.MANIFEST) -> "Manifest":
        if not isinstance(data, Mapping):
            raise CorruptFileError(f"{source}: a bundle manifest must be a JSON object")
        version = data.get("format_version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise CorruptFileError(f"{source}: no integer format_version")
        if version > BUNDLE_FORMAT_VERSION:
            raise CorruptFileError(
                f"{source}: bundle format {version} is newer than this t2l-edge reads ({BUNDLE_FORMAT_VERSION}); "
                "upgrade t2l-edge or rebuild the bundle"
            )
        try:
            return cls(
                target=TargetSpec.from_dict(data["target"]),
                rank=int(data["rank"]),
                alpha=float(data["alpha"]),
                scale_rule=ScaleRule(data["scale_rule"]),
                variant=str(data["variant"]),
                encoder=EncoderInfo(**data["encoder"]),
                prompt_format=str(data["prompt_format"]),
                engine_target=parse_choice(EngineTarget, data["engine_target"], f"{source}: engine_target"),
                precision=parse_choice(Precision, data["precision"], f"{source}: precision"),
                graphs={
                    k: GraphInfo(str(g["file"]), tuple(g["inputs"]), tuple(g["outputs"])) for k, g in data["graphs"].items()
                },
                files={k: FileInfo(int(f["size"]), str(f["sha256"])) for k, f in data["files"].items()},
                generator=str(data.get("generator", "")),
                package_version=str(data.get("package_version", "")),
                format_version=version,
                extra=dict(data.get("extra", {})),
                gguf=GGUFInfo(**data["gguf"]) if data.get("gguf") is not None else None,
                prompt_mode=parse_prompt_mode(data.get("prompt_mode", LEGACY_PROMPT_MODE), f"{source}: prompt_mode").value,
            )
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as e:
            if isinstance(e, CorruptFileError):
                raise
            raise CorruptFileError(f"{source}: malformed bundle manifest ({type(e).__name__}: {quote(e, 400)})") from None


def _check_file(file: Path, root: Path, info: FileInfo, verify: bool) -> None:
    if not file.resolve().is_relative_to(root):  # a symlink out of the bundle: never read what it points to
        raise CorruptFileError(f"{file}: is a link to a file outside the bundle")
    if not file.is_file():
        raise MissingFileError(f"{file}: listed in the bundle manifest but missing")
    if file.stat().st_size != info.size:
        raise CorruptFileError(f"{file}: size {file.stat().st_size} differs from the manifest's {info.size} (modified or truncated)")
    if verify and sha256_file(file) != info.sha256:
        raise CorruptFileError(f"{file}: sha256 differs from the manifest's (modified or corrupted)")


def describe_files(directory: Path, names: Sequence[str]) -> dict[str, FileInfo]:
    return {name: FileInfo((directory / name).stat().st_size, sha256_file(directory / name)) for name in names}


@dataclass
class Bundle:
    path: Path
    manifest: Manifest

    @classmethod
    def load(cls, path: str | os.PathLike, verify: bool = True) -> "Bundle":
        """Read the manifest and (verify=True) check every file's size and sha256. Refuses, naming the file, a
        missing or modified file and a manifest of a newer format."""
        path = Path(path)
        if not path.is_dir():
            raise MissingFileError(f"{path}: bundle directory not found (build one with t2l-edge build-engine)")
        manifest_path = path / BundleFiles.MANIFEST
        if not manifest_path.is_file():
            raise MissingFileError(f"{manifest_path}: not found; {path} is not a t2l-edge bundle")
        manifest = Manifest.from_dict(read_json(manifest_path), str(manifest_path))
        listed = set(manifest.files)
        for role, graph in manifest.graphs.items():
            if graph.file not in listed:
                raise CorruptFileError(f"{manifest_path}: graph {role} file {graph.file} has no checksum in 'files'")
        if manifest.gguf is not None and manifest.gguf.template not in listed:
            raise CorruptFileError(f"{manifest_path}: GGUF template {manifest.gguf.template} has no checksum in 'files'")
        if BundleFiles.TOKENIZER not in listed:
            raise CorruptFileError(f"{manifest_path}: {BundleFiles.TOKENIZER} has no checksum in 'files'")
        root = path.resolve()
        for name, info in manifest.files.items():
            if not name or "\0" in name or Path(name).is_absolute() or ".." in Path(name).parts:
                raise CorruptFileError(f"{manifest_path}: file name {quote(repr(name), 80)} points outside the bundle")
            try:
                _check_file(path / name, root, info, verify)
            except OSError as e:  # a name too long, a loop of links: the manifest is at fault
                if isinstance(e, MissingFileError):
                    raise
                raise CorruptFileError(f"{manifest_path}: file {quote(repr(name), 80)}: {e.strerror or e}") from None
        return cls(path, manifest)

    def file(self, role: str) -> Path:
        """Path of a graph (`encoder`, `hypernet`) or of a named bundle file."""
        graph = self.manifest.graphs.get(role)
        return self.path / (graph.file if graph is not None else role)

    def size(self) -> int:
        return sum(f.size for f in self.manifest.files.values()) + (self.path / BundleFiles.MANIFEST).stat().st_size


def output_names(modules: Sequence[ModuleKind]) -> list[str]:
    """Hypernetwork graph outputs, in order: lora_A and lora_B of each module."""
    return [name.format(module=kind.value) for kind in modules for name in (BundleGraph.LORA_A, BundleGraph.LORA_B)]


def adapters_from_outputs(
    manifest: Manifest, outputs: Mapping[str, np.ndarray], tasks: Sequence[str] | None = None
) -> list[LoraAdapter]:
    """Hypernetwork graph outputs (batch-major, any float dtype) -> one float32 `LoraAdapter` per batch row."""
    target = manifest.target
    arrays = {}
    for kind in target.modules:
        a = np.asarray(outputs[BundleGraph.LORA_A.format(module=kind.value)], dtype=np.float32)  # (B, L, r, in)
        b = np.asarray(outputs[BundleGraph.LORA_B.format(module=kind.value)], dtype=np.float32)  # (B, L, out, r)
        arrays[kind] = (a, b)
    n = next(iter(arrays.values()))[0].shape[0]
    if tasks is not None and len(tasks) != n:
        raise InvalidInputError(f"{len(tasks)} task texts for {n} generated adapters")
    adapters = []
    for i in range(n):
        weights = {
            (layer, kind): (np.ascontiguousarray(a[i, layer]), np.ascontiguousarray(b[i, layer]))
            for kind, (a, b) in arrays.items()
            for layer in range(target.n_layers)
        }
        adapters.append(
            LoraAdapter(
                target, manifest.rank, manifest.alpha, weights, manifest.scale_rule,
                task=tasks[i] if tasks is not None else "", generator=manifest.generator,
                prompt_mode=manifest.prompt_mode,
            )
        )
    return adapters



__all__ = [
    "Bundle", "Manifest", "GGUFInfo", "EncoderInfo", "GraphInfo", "FileInfo", "EngineTarget", "Precision", "check_precision",
    "adapters_from_outputs", "output_names", "describe_files", "sha256_file",
]
