"""The library sets what its runtimes need before they initialize, without overriding the user: OpenMP threads that
wait passively (llama.cpp is 10-30x slower spinning on a busy machine) and every telemetry opt-out. Checked on the
installed `t2l-edge` command: libgomp's own report of its settings, a fresh HOME after `generate`, and strace."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from cli_helpers import installed_command
from t2l_edge.env import RUNTIME_ENV, configure_runtime_env

# onnxruntime 1.32 sends no telemetry when one of these says it runs under CI (measured: CI=true leaves HOME empty),
# so both telemetry tests drop them: otherwise they would prove nothing on a CI machine, and the control would fail.
CI_MARKERS = ("CI", "TF_BUILD", "GITHUB_ACTIONS", "GITLAB_CI", "CIRCLECI", "TRAVIS", "JENKINS_URL", "CODEBUILD_BUILD_ID",
              "BUILDKITE", "TEAMCITY_VERSION", "APPVEYOR", "BITBUCKET_BUILD_NUMBER")
CLEAN = ("OMP_WAIT_POLICY", "XDG_CACHE_HOME", *RUNTIME_ENV, *CI_MARKERS)


def clean_env(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CLEAN}
    env.update(extra)
    return env


def test_configure_sets_what_is_missing_and_keeps_what_the_user_set():
    env = {"OMP_WAIT_POLICY": "ACTIVE"}
    added = configure_runtime_env(env)
    assert env["OMP_WAIT_POLICY"] == "ACTIVE" and "OMP_WAIT_POLICY" not in added
    assert env["ORT_DISABLE_TELEMETRY"] == "1" and env["HF_HUB_DISABLE_TELEMETRY"] == "1"
    assert configure_runtime_env(env) == {}


def test_onnxruntime_reads_the_variable_we_set():
    """The installed onnxruntime's own strings name the opt-out we set (re-checked when onnxruntime is upgraded)."""
    import onnxruntime

    capi = os.path.join(os.path.dirname(onnxruntime.__file__), "capi")
    libs = [os.path.join(capi, f) for f in os.listdir(capi) if ".so" in f or f.endswith(".dll") or f.endswith(".pyd")]
    names = set()
    for lib in libs:
        with open(lib, "rb") as f:
            data = f.read()
        names |= {n for n in (b"ORT_DISABLE_TELEMETRY", b"ORT_TELEMETRY_DISABLED") if n in data}
    assert names, "onnxruntime reads no telemetry variable we know: check its source for the new opt-out"
    assert {n.decode() for n in names} <= set(RUNTIME_ENV)


def test_installed_command_runs_llama_cpp_with_passive_openmp(tmp_path):
    """libgomp reports its settings when it initializes (OMP_DISPLAY_ENV=VERBOSE): spin count 0 means passive."""
    done = subprocess.run(
        [installed_command(), "infer", "--adapter", str(tmp_path / "missing.gguf"), "--prompt", "x", "--max-tokens", "1"],
        env=clean_env(OMP_DISPLAY_ENV="VERBOSE"), capture_output=True, text=True, timeout=300,
    )
    assert "OPENMP DISPLAY ENVIRONMENT" in done.stderr, done.stderr[-2000:]
    assert "GOMP_SPINCOUNT = '0'" in done.stderr and "OMP_WAIT_POLICY = 'PASSIVE'" in done.stderr
    # the user's own value wins
    done = subprocess.run(
        [installed_command(), "infer", "--adapter", str(tmp_path / "missing.gguf"), "--prompt", "x", "--max-tokens", "1"],
        env=clean_env(OMP_DISPLAY_ENV="VERBOSE", OMP_WAIT_POLICY="ACTIVE"), capture_output=True, text=True, timeout=300,
    )
    assert "OMP_WAIT_POLICY = 'ACTIVE'" in done.stderr, done.stderr[-2000:]


@pytest.mark.slow
def test_generate_writes_no_telemetry_and_connects_nowhere(tmp_path):
    strace = shutil.which("strace")
    assert strace, "strace is needed to prove no connection is attempted: apt-get install strace (make test does)"
    from tiny_hypernet import gemma_bundle

    bundle = gemma_bundle("cpu", "int8")
    home = tmp_path / "home"
    home.mkdir()
    trace = tmp_path / "connect.txt"
    done = subprocess.run(
        [strace, "-f", "-qq", "-e", "trace=connect", "-o", str(trace), installed_command(), "generate", "--bundle", str(bundle),
         "--task", "Reverse the order of the words.", "--output", str(tmp_path / "a.gguf")],
        env=clean_env(HOME=str(home)), capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "a.gguf").read_bytes()[:4] == b"GGUF"
    assert not (home / ".cache" / "Microsoft").exists(), sorted(p.name for p in home.rglob("*"))
    calls = [line for line in trace.read_text().splitlines() if "connect(" in line]
    assert trace.exists() and calls == [], calls


@pytest.mark.slow
def test_without_the_opt_out_onnxruntime_does_write_its_telemetry_folder(tmp_path):
    """The control: the folder the test above looks for is what this onnxruntime writes when nothing opts out."""
    from tiny_hypernet import gemma_bundle

    home = tmp_path / "home"
    home.mkdir()
    code = ("import onnxruntime as ort, sys; ort.InferenceSession(sys.argv[1])")
    subprocess.run([sys.executable, "-c", code, str(gemma_bundle("cpu", "int8") / "hypernet.onnx")],
                   env=clean_env(HOME=str(home)), check=True, timeout=300)
    assert (home / ".cache" / "Microsoft" / "DeveloperTools" / ".onnxruntime").is_dir()
