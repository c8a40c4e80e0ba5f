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
