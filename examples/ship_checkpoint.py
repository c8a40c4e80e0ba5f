"""Ship a training run's newest checkpoint: fp16 weights (half the size), the training config and step recorded.

    python examples/ship_checkpoint.py ~/.cache/t2l-edge/runs/corpus t2l_edge/weights/gemma3-270m \
        examples/train_corpus_gemma.toml

Then the device kit beside it (`<output>-device-kit/`, export/device_kit.py), from which a device without PyTorch
assembles the default int8 bundle. The model card (MODEL_CARD.md) next to it is written by hand from `t2l-edge evaluate`'s results; it is kept across
the folder's atomic replacement, to be rewritten for the new weights.
"""

import sys
import tomllib
from pathlib import Path

import torch

from t2l_edge.export.onnx import write_default_kit
from t2l_edge.io import write_bytes_atomic
from t2l_edge.model.checkpoint import load_checkpoint, read_checkpoint_config, save_checkpoint
from t2l_edge.runs import resolve_checkpoint


def main(run: str, output: str, config: str = "examples/train_default_gemma.toml") -> None:
    source = resolve_checkpoint(run)
    _, data = read_checkpoint_config(source)
    extra = {**data["extra"], "source": source.name, "train_config": tomllib.loads(Path(config).read_text())}
    card = Path(output) / "MODEL_CARD.md"
    kept = card.read_text() if card.exists() else None
    save_checkpoint(load_checkpoint(source), output, extra=extra, dtype=torch.float16)  # replaces the folder
    if kept is not None:
        write_bytes_atomic(card, kept.encode())
    print(f"{source} -> {output} (fp16)")
    # the device kit: the int8 CPU bundle of these weights, rebuilt by numpy alone on a device without PyTorch
    kit = Path(f"{Path(output).resolve()}-device-kit")
    cut = write_default_kit(output, kit, progress=print)
    print(f"device kit -> {kit} ({', '.join(f'{n}: {b / 2**20:.1f} MiB filled from the weights' for n, b in cut.items())})")
    # the README's and docs' expected outputs come from these weights: refresh them (tests/test_docs.py checks them)
    print("now run: T2L_EDGE_DOCS_REFRESH=1 python -m pytest -q tests/test_docs.py")


if __name__ == "__main__":
    main(*sys.argv[1:])
