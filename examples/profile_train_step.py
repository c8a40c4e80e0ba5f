"""Samples per hour of one SFT training step, measured on this machine.

    python examples/profile_train_step.py examples/train_default_v3.toml [THREADS] [STEPS]

Runs STEPS steps (default 20) of the config's SFT training in a temporary folder, no eval and no checkpoints, and
prints each step's time and the median of all but the first two (warm-up) as samples per hour.
"""

import statistics
import sys
import tempfile

from t2l_edge.train.config import TrainConfig
from t2l_edge.train.loop import Trainer


def main(config: str, threads: str = "1", steps: str = "20") -> None:
    cfg = TrainConfig.load(config)
    cfg.run.threads = int(threads)
    cfg.eval.every = 0
    cfg.checkpoint.every = 0
    with tempfile.TemporaryDirectory() as out:
        trainer = Trainer(cfg, "sft", out)
        times = []
        for i in range(int(steps)):
            step = trainer.train_step()
            times.append(step["step_time"])
            print(f"step {i}: {step['step_time']:.3f} s, loss {step['loss']:.3f}", flush=True)
    median = statistics.median(times[2:])
    print(f"median {median:.3f} s/step · {3600 * cfg.data.batch_size / median:,.0f} samples/hour "
          f"({threads} thread(s), batch {cfg.data.batch_size})")


if __name__ == "__main__":
    main(*sys.argv[1:])
