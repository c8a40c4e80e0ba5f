"""A hypernetwork checkpoint for Gemma 3 270M without training: the default architecture with random head weights
scaled so that the generated A and B entries have std ≈ 0.02 (adapters that move Gemma's logits moderately, KL
0.1-0.5 from the base; larger is chaotic) and depend on the task text."""

from __future__ import annotations

from pathlib import Path

from t2l_edge.targets import TargetSpec

CALIBRATION_TEXTS = ["Reverse the words.", "Translate to French.", "Answer in uppercase.", "Sum the two numbers."]


def random_checkpoint(directory: Path, target: TargetSpec, std: float = 0.02, seed: int = 0, **config) -> Path:
    import torch

    from t2l_edge.model.checkpoint import save_checkpoint
    from t2l_edge.model.config import HypernetConfig
    from t2l_edge.model.hypernet import HyperNetwork

    torch.manual_seed(seed)
    net = HyperNetwork(HypernetConfig(target=target, **config)).eval()
    emb = torch.nn.functional.normalize(torch.randn(len(CALIBRATION_TEXTS), net.config.embedding_dim), dim=-1)
    with torch.no_grad():
        for head in net.heads.values():
            head.bias.zero_()
            head.weight.normal_()
        out = net(emb)
        for kind, (a, b) in out.items():
            head = net.heads[kind.value]
            head.weight.mul_(std / torch.cat([a.flatten(), b.flatten()]).std())
    return save_checkpoint(net, directory)


# -- bundles built once per test process (several test modules share them) ------------------------------------------

_CACHE: dict[tuple, Path] = {}
_ROOT: list[Path] = []

TASKS = [
    "Reverse the order of the words.",
    "Translate English to French.",
    "Sum",
    "Classify the sentiment of a movie review as positive or negative.",
    "Write the answer in uppercase letters only. " * 25,  # long (~227 tokens) but within the encoder's 256
]
TOO_LONG = "Write the answer in uppercase letters only. " * 60  # past 256 tokens: tokenized truncated, generation refused


def _root() -> Path:
    if not _ROOT:
        import atexit
        import shutil
        import tempfile

        _ROOT.append(Path(tempfile.mkdtemp(prefix="t2l-test-bundles-")))
        atexit.register(shutil.rmtree, _ROOT[0], True)
    return _ROOT[0]


def gemma_checkpoint() -> Path:
    """Default hypernetwork config (L variant, all seven projections of Gemma 3 270M, 27.6M parameters)."""
    key = ("checkpoint",)
    if key not in _CACHE:
        from t2l_edge.models import default_base_model

        target = TargetSpec.from_gguf(default_base_model())
        _CACHE[key] = random_checkpoint(_root() / "checkpoint", target)
    return _CACHE[key]


def gemma_bundle(target: str = "cpu", precision: str | None = None) -> Path:
    key = ("bundle", target, precision)
    if key not in _CACHE:
        from t2l_edge.export.onnx import build_bundle

        out = _root() / f"bundle-{target}-{precision or 'default'}"
        build_bundle(gemma_checkpoint(), out, target, precision)
        _CACHE[key] = out
    return _CACHE[key]
