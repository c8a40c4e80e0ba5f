"""Write a seeded random LoRA adapter for the default base (Gemma 3 270M), to try the CLI before you have a
trained one:

    python examples/random_adapter.py my_adapter.safetensors            # native format, q_proj + v_proj, rank 8
    python examples/random_adapter.py my_adapter.gguf --modules q_proj,v_proj,down_proj --rank 16 --std 0.02

Its std (0.02) moves Gemma's answers a little without turning them into noise (0.04 and up does).
"""

import argparse

from t2l_edge import LoraAdapter, TargetSpec
from t2l_edge.export.formats import AdapterFormat, save_adapter
from t2l_edge.models import default_base_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output")
    parser.add_argument("--modules", default="q_proj,v_proj")
    parser.add_argument("--rank", type=int, default=8)
    parser.add_argument("--std", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    spec = TargetSpec.from_gguf(default_base_model()).select(args.modules.split(","))
    adapter = LoraAdapter.random(spec, args.rank, seed=args.seed, std=args.std, task="a random adapter")
    fmt = AdapterFormat.GGUF if args.output.endswith(".gguf") else AdapterFormat.SAFETENSORS
    print(f"wrote {save_adapter(adapter, args.output, fmt, 'f16')}")


if __name__ == "__main__":
    main()
