"""Environment the runtimes need, set before they initialize and never over a value the user set.

- `OMP_WAIT_POLICY=PASSIVE`: llama.cpp's (and torch's) OpenMP threads otherwise spin between jobs; on a busy 2-core
  machine `infer --max-tokens 16` took 113 s spinning and 4 s passive (FACTS.md).
- Telemetry off: ONNX Runtime >= 1.29 queues 1DS telemetry under ~/.cache/Microsoft/DeveloperTools/.onnxruntime/
  for upload; huggingface_hub sends usage pings. An offline toolkit that apps embed must not phone home.
"""

from __future__ import annotations

import os
from typing import MutableMapping

RUNTIME_ENV: dict[str, str] = {
    "OMP_WAIT_POLICY": "PASSIVE",
    # ONNX Runtime: 1.32.0's libonnxruntime reads ORT_DISABLE_TELEMETRY (the only telemetry variable among its
    # strings); ORT_TELEMETRY_DISABLED is the opt-out later releases read (upstream PR #29843).
    "ORT_DISABLE_TELEMETRY": "1",
    "ORT_TELEMETRY_DISABLED": "1",
    # huggingface_hub / transformers: no usage pings, no downloads at run time
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "DO_NOT_TRACK": "1",  # the cross-tool convention (huggingface_hub reads it too)
    # transformers' and huggingface_hub's tqdm bars ("Loading weights", "Fetching files") would land in logs and
    # pipes: the CLI draws its own progress, on stderr and only on a terminal
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
}
# torch sends nothing at run time (torch.hub downloads only when asked); gguf, tokenizers, numpy likewise.


def configure_runtime_env(environ: MutableMapping[str, str] | None = None) -> dict[str, str]:
    """Set every variable of `RUNTIME_ENV` the user has not set; returns the ones set here."""
    environ = os.environ if environ is None else environ
    added = {k: v for k, v in RUNTIME_ENV.items() if k not in environ}
    environ.update(added)
    return added
