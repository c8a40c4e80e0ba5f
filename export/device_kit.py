"""The shipped hypernetwork's int8 CPU bundle without PyTorch or the onnx package: a kit in the package, assembled
into the cache on first use with numpy and safetensors only.

The bundle is built once with PyTorch (`build-engine`) when a checkpoint ships; `write_kit` keeps what a device
cannot rebuild: the encoder graph and tokenizer (MiniLM's: the same bytes for every checkpoint, so git stores them
once), the GGUF graph and template (kilobytes), and the hypernetwork graph with its large weights cut out ("holes").
Each hole records which checkpoint tensor fills it and how: float32 as is or transposed, or ONNX Runtime's dynamic
per-channel int8 (`quantize_per_channel`, the same arithmetic as `onnxruntime.quantization`, checked byte for byte
here). `assemble_kit` fills the holes from the shipped `hypernet.safetensors` and checks every file's sha256 against
the manifest the PyTorch build wrote: the assembled bundle is that bundle, byte for byte.

    python -m t2l_edge.export.device_kit BUNDLE_DIR CHECKPOINT_DIR KIT_DIR   # from a bundle already built
    python -c 'from t2l_edge.export.onnx import write_default_kit; write_default_kit()'   # the shipped weights
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Callable

import numpy as np

from t2l_edge.errors import CorruptFileError, MissingFileError
from t2l_edge.io import atomic_dir, read_json
from t2l_edge.keys import BundleFiles

KIT_FORMAT = 1
HOLES = "holes.json"
SKELETON_SUFFIX = ".skeleton"
WEIGHTS = "hypernet.safetensors"
CUT = (BundleFiles.HYPERNET_ONNX,)  # graphs whose weights are cut out; the rest is copied as is
MIN_HOLE = 4096  # bytes: smaller tensors stay in the skeleton (a short run of bytes may occur twice in a file)


def quantize_per_channel(weight: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(K, N) float32 -> int8 (K, N), scale (N,) float32, zero point (N,) int8: symmetric int8 per column, as
    `onnxruntime.quantization.quantize_dynamic(per_channel=True, weight_type=QInt8)` computes it for a MatMul weight
    (range widened to hold 0, scale = 2·absmax / 254 in float64 stored as float32, values rounded half to even in
    float32 and clipped to [-128, 127], zero point 0; a zero column gets scale 1)."""
    w = np.asarray(weight, dtype=np.float32)
    rmin = np.minimum(w.min(axis=0), np.float32(0))
    rmax = np.maximum(w.max(axis=0), np.float32(0))
    absmax = np.maximum(np.abs(rmin), np.abs(rmax))  # float32, per column
    scale64 = (absmax.astype(np.float64) - (-absmax).astype(np.float64)) / np.float64(254)
    scale = scale64.astype(np.float32)
    tiny = scale64 < np.finfo(np.float32).tiny
    scale[tiny] = np.float32(1.0)
    q = np.clip((w / scale).round(), -128, 127).astype(np.int8)  # (K, N)
    return q, scale, np.zeros(scale.shape, dtype=np.int8)


def _candidates(tensors: dict[str, np.ndarray]):
    """(tensor, transpose, part) -> bytes, for every way a checkpoint tensor may appear in the exported graph."""
    for name, t in tensors.items():
        t = t.astype(np.float32)
        for transpose in ((False, True) if t.ndim == 2 else (False,)):
            m = np.ascontiguousarray(t.T if transpose else t)
            yield (name, transpose, "f32"), m.tobytes()
            if m.ndim == 2:
                q, scale, zero = quantize_per_channel(m)
                yield (name, transpose, "q"), q.tobytes()
                yield (name, transpose, "scale"), scale.tobytes()
                yield (name, transpose, "zero"), zero.tobytes()


def _fill(tensors: dict[str, np.ndarray], name: str, transpose: bool, part: str) -> bytes:
    if name not in tensors:
        raise CorruptFileError(f"the device kit needs the tensor {name!r}, which {WEIGHTS} does not hold")
    m = tensors[name].astype(np.float32)
    m = np.ascontiguousarray(m.T if transpose else m)
    if part == "f32":
        return m.tobytes()
    q, scale, zero = quantize_per_channel(m)
    return {"q": q, "scale": scale, "zero": zero}[part].tobytes()


def _load_weights(checkpoint: Path) -> dict[str, np.ndarray]:
    from safetensors.numpy import load_file

    path = Path(checkpoint) / WEIGHTS
    if not path.is_file():
        raise MissingFileError(f"{path}: the shipped hypernetwork's weights are missing from this install")
    return load_file(str(path))


def find_holes(graph: bytes, tensors: dict[str, np.ndarray]) -> list[dict]:
    """Spans of `graph` that a checkpoint tensor reproduces exactly and that occur once, largest first, disjoint."""
    found = []
    for (name, transpose, part), data in sorted(_candidates(tensors), key=lambda c: -len(c[1])):
        if len(data) < MIN_HOLE:
            continue
        at = graph.find(data)
        if at < 0 or graph.find(data, at + 1) >= 0:
            continue
        if any(at < h["offset"] + h["length"] and h["offset"] < at + len(data) for h in found):
            continue
        found.append({"offset": at, "length": len(data), "tensor": name, "transpose": transpose, "part": part})
    return sorted(found, key=lambda h: h["offset"])


def write_kit(bundle: str | os.PathLike, checkpoint: str | os.PathLike, kit: str | os.PathLike) -> dict:
    """A built bundle of `checkpoint` -> the kit folder (replaced whole). Returns what was cut: {file: bytes cut}."""
    bundle, kit = Path(bundle), Path(kit)
    manifest = read_json(bundle / BundleFiles.MANIFEST)
    tensors = _load_weights(Path(checkpoint))
    holes, cut = {}, {}
    with atomic_dir(kit) as out:
        out = Path(out)
        for name in manifest["files"]:
            data = (bundle / name).read_bytes()
            if name not in CUT:
                shutil.copyfile(bundle / name, out / name)
                continue
            spans = find_holes(data, tensors)
            skeleton, start = bytearray(), 0
            for h in spans:
                skeleton += data[start:h["offset"]]
                start = h["offset"] + h["length"]
            skeleton += data[start:]
            (out / (name + SKELETON_SUFFIX)).write_bytes(bytes(skeleton))
            holes[name] = spans
            cut[name] = sum(h["length"] for h in spans)
        # the builder's path means nothing on a device: name the shipped checkpoint instead
        manifest.setdefault("extra", {})["checkpoint"] = f"shipped: {Path(checkpoint).name}"
        (out / BundleFiles.MANIFEST).write_text(json.dumps(manifest, indent=2))
        (out / HOLES).write_text(json.dumps({"format": KIT_FORMAT, "generator": manifest["generator"],
                                             "weights_sha256": _sha256(Path(checkpoint) / WEIGHTS), "holes": holes},
                                            indent=1))
    assemble_kit(kit, checkpoint, None)  # the kit must give back the bundle it came from
    return cut


def kit_generator(kit: str | os.PathLike) -> str | None:
    """The generator hash the kit's bundle was built from (None: no kit here)."""
    path = Path(kit) / HOLES
    return read_json(path).get("generator") if path.is_file() else None


def kit_files(kit: str | os.PathLike) -> dict:
    """{file: {size, sha256}} of the bundle the kit assembles."""
    return read_json(Path(kit) / BundleFiles.MANIFEST)["files"]


def assemble_kit(kit: str | os.PathLike, checkpoint: str | os.PathLike, output: str | os.PathLike | None,
                 progress: Callable[[str], None] | None = None, patterns=("*",), force: bool = False) -> Path | None:
    """Kit + the checkpoint's safetensors -> the bundle at `output` (written atomically), every file checked against
    the manifest's sha256. `output=None`: only check that the kit assembles."""
    kit = Path(kit)
    info = read_json(kit / HOLES)
    manifest = read_json(kit / BundleFiles.MANIFEST)
    if info.get("format") != KIT_FORMAT:
        raise CorruptFileError(f"{kit / HOLES}: device kit format {info.get('format')!r}, this version reads {KIT_FORMAT}")
    (progress or (lambda _m: None))("assembling the default bundle from the shipped hypernetwork (no PyTorch)")
    tensors = _load_weights(Path(checkpoint))
    files = {}
    for name, expected in manifest["files"].items():
        if name in info["holes"]:
            skeleton = (kit / (name + SKELETON_SUFFIX)).read_bytes()
            data, start = bytearray(), 0
            for h in info["holes"][name]:
                literal = h["offset"] - len(data)
                data += skeleton[start:start + literal]
                start += literal
                data += _fill(tensors, h["tensor"], h["transpose"], h["part"])
            data += skeleton[start:]
            files[name] = bytes(data)
        else:
            files[name] = (kit / name).read_bytes()
        digest = hashlib.sha256(files[name]).hexdigest()
        if digest != expected["sha256"]:
            raise CorruptFileError(f"{kit}: {name} assembles to sha256 {digest[:12]}…, the manifest says "
                                   f"{expected['sha256'][:12]}… (do the kit and {WEIGHTS} come from one checkpoint?)")
    if output is None:
        return None
    with atomic_dir(output, patterns, force) as out:
        for name, data in files.items():
            (Path(out) / name).write_bytes(data)
        shutil.copyfile(kit / BundleFiles.MANIFEST, Path(out) / BundleFiles.MANIFEST)
    return Path(output)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> None:
    """BUNDLE_DIR CHECKPOINT_DIR KIT_DIR: a kit from a bundle already built (export.onnx.write_default_kit builds the
    bundle first)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3:
        print("usage: python -m t2l_edge.export.device_kit BUNDLE_DIR CHECKPOINT_DIR KIT_DIR", file=sys.stderr)
        sys.exit(2)
    cut, kit = write_kit(*args), Path(args[2])
    size = sum(f.stat().st_size for f in kit.iterdir())
    print(f"wrote {kit}: {size / 2**20:.1f} MiB; cut out of the graphs (filled from {WEIGHTS} on the device): "
          + ", ".join(f"{n} {b / 2**20:.1f} MiB" for n, b in cut.items()))


if __name__ == "__main__":
    main()
