"""Running the CLI in-process through its real entry point, and checking its one-line errors."""

import pytest

from t2l_edge.cli import main


def run(capsys, *args) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `t2l-edge ARGS`."""
    with pytest.raises(SystemExit) as exit_info:
        main([str(a) for a in args])
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def assert_one_line_error(code, err, *words):
    assert code != 0
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and "Traceback" not in err
    for w in words:
        assert w in lines[0], lines[0]


def installed_command() -> str:
    """The installed `t2l-edge` script: on PATH, or beside this interpreter (`make test` runs .venv/bin/python)."""
    import os
    import shutil
    import sys

    exe = shutil.which("t2l-edge") or os.path.join(os.path.dirname(sys.executable), "t2l-edge")
    assert os.path.exists(exe), "the t2l-edge command is not installed (pip install -e .)"
    return exe
