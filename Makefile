# Set-up contract: `make demo` and `make test` work on a fresh machine from a clean clone.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-dev

# llama.cpp on a shared 2-core machine: spinning OpenMP threads starve each other.
export OMP_WAIT_POLICY ?= PASSIVE
# llama-cpp-python compiles from source; skip the parts we never use. Not -march=native: on these VMs the CPU
# advertises AMX, ggml then uses it and dies with SIGILL (tilezero); AVX2+FMA is portable across machines and
# safe to share through pip's wheel cache.
export CMAKE_ARGS ?= -DLLAVA_BUILD=OFF -DLLAMA_OPENSSL=OFF -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
export PIP_DISABLE_PIP_VERSION_CHECK = 1

.PHONY: install tools browser test test-fast demo bench fuzz docs-long screenshots clean

# torch==2.13.0 first: it is the CPU build on local disk; anything that pulls a bare `torch` later is then satisfied.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(STAMP)

# strace proves the device path opens no connection (tests/test_env.py); the test fails, not skips, without it.
tools:
	@command -v strace >/dev/null || { [ "$$(id -u)" = 0 ] && { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq strace >/dev/null 2>&1 \
		|| { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq strace; }; }; } \
		|| echo "warning: strace is not installed and could not be: tests/test_env.py will fail"

# The web page test drives Debian's headless Chromium (tests/test_serve_web.py fails naming these when absent).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { [ "$$(id -u)" = 0 ] && apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; } || \
	  echo "warning: install the Debian packages chromium and chromium-driver for the web page test" >&2

test: install tools browser
	$(PY) -m pytest -q tests

# The quick loop: everything but the tests marked slow (model exports, training, measurements).
test-fast: install
	$(PY) -m pytest -q -m "not slow" tests

# The demo runs on the device install: its own venv with the [llama] extra only (no torch, transformers or onnx);
# the default bundle is assembled from the package's device kit.
DEVICE_VENV ?= .venv-device
$(DEVICE_VENV)/.installed-device: pyproject.toml
	test -x $(DEVICE_VENV)/bin/python || $(PYTHON) -m venv $(DEVICE_VENV)
	$(DEVICE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(DEVICE_VENV)/bin/python -m pip install --quiet -e '.[llama]'
	touch $@

demo: $(DEVICE_VENV)/.installed-device
	$(DEVICE_VENV)/bin/python -m t2l_edge.cli.demo

bench: install
	$(PY) tests/bench/run.py

# Longer property-based fuzzing (thousands of examples per reader, random seeds), the kill test, and the table of
# reproducer classes of issues 12 and 21 re-run through the CLI, the server and SIGTERM (`make test` runs the same
# tests briefly, derandomized: FUZZ_PROFILE=ci). pytest's report goes to stderr, so stdout is the table alone.
FUZZ_PROFILE ?= fuzz
fuzz: install
	@HYPOTHESIS_PROFILE=$(FUZZ_PROFILE) $(PY) -m pytest -q tests/test_fuzz.py tests/test_kill.py >&2
	@$(PY) tests/fuzz/report.py --kill --server

# The docs pages too long for make test, run block by block as written (tests/test_docs.py PAGES_LONG).
LONG_PAGES := docs/training.md docs/evaluation.md docs/formats.md
docs-long: install
	T2L_EDGE_DOCS_PAGES="$(LONG_PAGES)" $(PY) -m pytest -q tests/test_docs.py -k "training or evaluation or formats"

# The playground's screenshots in docs/ (1280x800 and 390x844), taken by the web page test in headless Chromium.
screenshots: install browser
	T2L_EDGE_UPDATE_SCREENSHOTS=1 $(PY) -m pytest -q tests/test_serve_web.py -k side_by_side

clean:
	rm -rf $(VENV) $(DEVICE_VENV) build *.egg-info .pytest_cache
