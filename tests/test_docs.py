"""The README's shell blocks run as written, in order, and print what the text shows (issue 22).

Each ```bash block runs in bash (`set -e`), in one working folder per page that starts as a fresh checkout would
(`examples/` copied, the other tracked folders linked read-only in spirit), with the installed `t2l-edge` and the
venv's `python` on PATH and stdin empty. A ```text block right after a bash block is its
expected stdout: the outputs shown come from one place, the page itself, which `T2L_EDGE_DOCS_REFRESH=1` rewrites
from the real CLI (run it after shipping new weights: examples/ship_checkpoint.py says so). Values that change from
run to run (milliseconds) are written `…` through the VOLATILE table, in the page and in the output alike.

A block is left out only with a marker line before it, `<!-- docs-test: skip: REASON -->`, and every such block is
listed in SKIPPED below, so none is skipped silently. `<!-- docs-test: env: NAME=VALUE -->` shortens a long block
(e.g. fewer steps) through a variable the block reads.

Pages too long for make test are listed in PAGES_LONG: `make docs-long` runs them (or T2L_EDGE_DOCS_PAGES=PAGE);
pages without shell blocks (benchmarks, mobile, scaling, the GGUF template) have nothing to run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# More pages run when named here (space-separated): the pages below that already run as written, but take long.
EXTRA_PAGES = os.environ.get("T2L_EDGE_DOCS_PAGES", "").split()
PAGES_RUN = list(dict.fromkeys(["README.md", "docs/commands.md", "docs/serve.md", *EXTRA_PAGES]))
# Pages that run as written, shortened by their markers, but too long for make test: `make docs-long` runs them.
PAGES_LONG = {
    "docs/evaluation.md": "T2L_EDGE_STEPS=2: 13 tasks evaluated six ways, 13 oracles, a multitask LoRA; ≈ 5.5 min on a "
                          "busy 2-core machine",
    "docs/formats.md": "FUZZ_PROFILE=ci: the brief fuzz profile, the kill test and 463 reproducers through the CLI, "
                       "the server and SIGTERM (make test runs the same cases in test_fuzz, test_kill, test_hardening); ≈ 2 min",
    "docs/training.md": "T2L_EDGE_STEPS=2: four trainings (one under torchrun), 13 oracles, generation; ≈ 10 min on a "
                        "busy 2-core machine",
}
SKIPPED = {
    ("README.md", "make demo"): "builds its own venv; tests/test_device_install.py runs that install and apply",
    ("README.md", "pip install '.[llama]'"): "tests/test_device_install.py installs exactly this in a fresh venv",
    ("README.md", "pip install torch==2.13.0 --index-url"): "the training install: torch from PyTorch's index",
    ("docs/commands.md", "cd examples/node && npm ci"): "about 1 GB of npm packages; tests/test_node_example.py",
    ("docs/commands.md", "t2l-edge build-engine --checkpoint"): "minutes of ONNX export; tests/test_onnx.py",
    ("docs/training.md", "pip install -e '.[train]'"): "the training install; make test installs it",
    ("docs/training.md", "git clone https://github.com/SakanaAI"): "clones from GitHub; tests run offline",
    ("docs/evaluation.md", "t2l-edge evaluate --tasks gsm8k"): "benchmark files the user downloads; test_benchmarks.py",
    ("docs/serve.md", "t2l-edge serve"): "servers that run until stopped; tests/test_serve*.py start them",
    ("docs/serve.md", "curl -s http://127.0.0.1:8080"): "needs a running server; tests/test_serve.py runs it against one",
}
# run-to-run values, written `…` in the pages
VOLATILE = [(re.compile(r"generated in \d+ ms"), "generated in … ms")]
CHECKOUT = ("profiles", "t2l_edge", "export", "runtimes", "docs", "tests", "README.md", "pyproject.toml", "Makefile")
MARKER = re.compile(r"<!-- docs-test: (skip|env): (.*?) -->")


@dataclass
class Block:
    page: str
    line: int
    code: str
    expected: str | None = None
    expected_span: tuple[int, int] | None = None  # character offsets of the text block's body in the page
    skip: str | None = None
    env: dict[str, str] = field(default_factory=dict)


def blocks(page: Path) -> list[Block]:
    text = page.read_text()
    name = str(page.relative_to(ROOT))
    fence = re.compile(r"^```(\w*)\n(.*?)^```\n", re.S | re.M)
    found: list[Block] = []
    last_end, after_bash = 0, False
    for m in fence.finditer(text):
        lang, body = m.group(1), m.group(2)
        between = text[last_end:m.start()]
        if lang == "text" and after_bash and not between.strip():
            found[-1].expected, found[-1].expected_span = body, (m.start(2), m.end(2))
        elif lang in ("bash", "sh", "shell"):
            block = Block(name, text.count("\n", 0, m.start()) + 1, body)
            lines = between.strip().splitlines()
            for kind, value in MARKER.findall(lines[-1] if lines else ""):
                if kind == "skip":
                    block.skip = value
                else:
                    key, _, val = value.partition("=")
                    block.env[key.strip()] = val.strip()
            found.append(block)
        after_bash = lang in ("bash", "sh", "shell")
        last_end = m.end()
    return found


def normalized(output: str) -> str:
    for pattern, written in VOLATILE:
        output = pattern.sub(written, output)
    return output


def test_every_page_is_run_or_listed_with_its_reason():
    """A page with shell blocks is run in make test or in make docs-long; every listed page has some (a stale entry
    fails)."""
    with_blocks = {str(p.relative_to(ROOT)) for p in PAGES if blocks(p)}
    listed = set(PAGES_RUN) | set(PAGES_LONG)
    assert with_blocks == listed, with_blocks ^ listed


def test_make_docs_long_runs_exactly_the_long_pages():
    makefile = (ROOT / "Makefile").read_text()
    named = re.search(r"^LONG_PAGES := (.*)$", makefile, re.M)
    assert named is not None and set(named.group(1).split()) == set(PAGES_LONG)


def test_skipped_blocks_are_exactly_the_listed_ones():
    skipped = {(b.page, next((k[1] for k in SKIPPED if k[0] == b.page and b.code.startswith(k[1])), b.code[:40]))
               for p in PAGES for b in blocks(p) if b.skip}
    assert skipped == set(SKIPPED)


def test_the_block_reader_pairs_commands_with_their_outputs():
    readme = blocks(ROOT / "README.md")
    apply = next(b for b in readme if b.code.startswith("t2l-edge apply"))
    assert apply.expected is not None and "an awful, boring film\tnegative" in apply.expected  # tab-separated
    assert sum(b.expected is not None for b in readme) >= 2


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES_RUN)
def test_shell_blocks_run_as_written_and_print_what_the_page_shows(page, tmp_path):
    work = tmp_path / "checkout"
    work.mkdir()
    shutil.copytree(ROOT / "examples", work / "examples", ignore=shutil.ignore_patterns("node_modules"))
    for name in CHECKOUT:  # what a block reads from a checkout (profiles to copy, the shipped checkpoint)
        (work / name).symlink_to(ROOT / name)
    # A block runs as from a user's shell after `make test`: not as a sub-make of `make docs-long` (make would print
    # "Entering directory" into its output), and make finds the venv by its real path (a reinstall from the checkout
    # would write the checkout's path into the venv's scripts).
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    env = {**env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "OMP_NUM_THREADS": "1", "VENV": sys.prefix}
    refresh = os.environ.get("T2L_EDGE_DOCS_REFRESH") == "1"
    text = (ROOT / page).read_text()
    edits, failures = [], []
    for block in blocks(ROOT / page):
        if block.skip:
            continue
        done = subprocess.run(["bash", "-e", "-c", block.code], cwd=work, env={**env, **block.env},
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=900)
        where = f"{page}:{block.line}"
        if done.returncode != 0:
            failures.append(f"{where}: exit {done.returncode}\n{block.code}\n{done.stderr[-2000:]}")
            continue
        if block.expected is not None:
            got = normalized(done.stdout)
            if refresh:
                edits.append((block.expected_span, got))
            elif got != block.expected:
                failures.append(f"{where}: printed\n{got}\nthe page shows\n{block.expected}")
    if refresh and edits:
        for (start, end), got in sorted(edits, reverse=True):
            text = text[:start] + got + text[end:]
        (ROOT / page).write_text(text)
    assert failures == [], "\n\n".join(failures)
