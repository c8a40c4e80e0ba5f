"""Samples per hour of one SFT training step, measured on this machine.

    python examples/profile_train_step.py examples/train_default_v3.toml [THREADS] [STEPS] [--compile-vs-eager]

Runs STEPS steps (default 20) of the config's SFT training in a temporary folder, no eval and no checkpoints, and
prints each step's time and the median of all but the first two (warm-up) as samples per hour. --compile-vs-eager
runs two trainers side by side, one step each in turn on the same batches, one with `[run] compile = true`: the ratio
of their medians (the compiled one's first step, the compilation, is left out with the warm-up) and their losses.
"""

import statistics
import sys
import tempfile

from t2l_edge.train.config import TrainConfig
from t2l_edge.train.loop import Trainer

WARMUP = 2


def trainer(config: str, threads: int, out: str, cache: str, compile: bool = False) -> Trainer:
    cfg = TrainConfig.load(config)
    cfg.run.threads, cfg.run.compile = threads, compile
    cfg.encoder.cache = cfg.encoder.cache or cache  # the second trainer reads the descriptions' embeddings back
    cfg.eval.every = 0
    cfg.checkpoint.every = 0
    return Trainer(cfg, "sft", out)


def per_hour(seconds: float, batch: int) -> str:
    return f"{seconds:.3f} s/step · {3600 * batch / seconds:,.0f} samples/hour"


def main(config: str, threads: str = "1", steps: str = "20", *flags: str) -> None:
    with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as out2:
        cache = f"{out}/embeddings.safetensors"
        run = trainer(config, int(threads), f"{out}/run", cache)
        other = trainer(config, int(threads), out2, cache, compile=True) if "--compile-vs-eager" in flags else None
        times, other_times = [], []
        for i in range(int(steps)):
            step = run.train_step()
            times.append(step["step_time"])
            line = f"step {i}: {step['step_time']:.3f} s, loss {step['loss']:.5f}"
            if other is not None:
                compiled = other.train_step()
                other_times.append(compiled["step_time"])
                line += f" · compiled {compiled['step_time']:.3f} s, loss {compiled['loss']:.5f}"
            print(line, flush=True)
    batch = run.config.data.batch_size
    median = statistics.median(times[WARMUP:])
    print(f"median {per_hour(median, batch)} ({threads} thread(s), batch {batch})")
    if other is not None:
        compiled = statistics.median(other_times[WARMUP:])
        print(f"compiled: median {per_hour(compiled, batch)}; eager / compiled {median / compiled:.2f}×; "
              f"first step (compiling) {other_times[0]:.0f} s")


if __name__ == "__main__":
    main(*sys.argv[1:])
