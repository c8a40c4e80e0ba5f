"""Every package in the source tree is in pyproject's explicit package list: a wheel (not only an editable install)
then carries the CLI and the memory estimator, and `t2l-edge` starts."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_pyproject_lists_every_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    dirs = {"t2l_edge": ROOT / "t2l_edge", **{name: ROOT / path for name, path in config["package-dir"].items()}}
    found = set()
    for name, folder in dirs.items():
        for init in folder.rglob("__init__.py"):
            rel = init.parent.relative_to(folder).parts
            if name == "t2l_edge" and rel and rel[0] in {"export", "runtimes", "profiles"}:
                continue
            if "__pycache__" not in rel:
                found.add(".".join([name, *rel]))
    assert found - listed == set(), "add these to [tool.setuptools] packages"
    assert listed - found == set()
