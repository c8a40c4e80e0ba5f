"""The issue-20 targets of a card-reading generator, read from examples/evaluate_cards.sh's results.

    python examples/card_targets.py CARDS_OUT [DEFAULT_OUT]

CARDS_OUT holds cards.json; DEFAULT_OUT (examples/evaluate_default.sh's folder for the shipped default, the same
held-out task file) adds the description-only rows: the card reader must not lower them. Every row is paired per
example (compare_results: the stratified bootstrap, 95%), on all held-out operations and on the Super-
NaturalInstructions rows among them. Prompt tokens and card → adapter time are in the benchmark (bench_card.py).
"""

import json
import sys
from pathlib import Path

from t2l_edge.evaluate.compare import compare_results
from t2l_edge.tasks.suite import FAMILIES


def row(what: str, a: dict, b: dict, ca: str, cb: str, exclude=(), bar: float | None = None, above_zero=False) -> str:
    c = compare_results(a, b, ca, cb, exclude=exclude)
    d, low, high = (100 * x for x in (c.estimate.value, c.estimate.low, c.estimate.high))
    verdict = "" if bar is None else ("  met" if d >= bar and (low > 0 or not above_zero) else "  MISSED") + f" (bar ≥ {bar:+g})"
    return (f"{what}: {ca} {100 * c.mean_a:.1f} − {cb} {100 * c.mean_b:.1f} = {d:+.1f} [{low:+.1f}, {high:+.1f}] "
            f"on {len(c.tasks)} tasks{verdict}")


def main() -> None:
    cards = json.loads((Path(sys.argv[1]) / "cards.json").read_text())
    default = json.loads((Path(sys.argv[2]) / "families.json").read_text()) if len(sys.argv) > 2 else None
    tasks = {p["task"] for p in cards["predictions"]}
    subsets = {"held-out operations": (), "their SNI rows": tuple(t for t in tasks if not FAMILIES[t].sni)}
    for name, exclude in subsets.items():
        print(f"# {name} ({len(tasks) - len(exclude)} tasks)")
        print(row("card vs description", cards, cards, "t2l+card", "t2l", exclude, 10, True))
        c = compare_results(cards, cards, "t2l+card", "icl", exclude=exclude)
        print(f"card / icl: {100 * c.mean_a:.1f} / {100 * c.mean_b:.1f} = {c.mean_a / c.mean_b:.2f}  "
              f"{'met' if c.mean_a >= 0.8 * c.mean_b else 'MISSED'} (bar ≥ 0.8)")
        print(row("card + icl vs icl", cards, cards, "t2l+card+icl", "icl", exclude, 5))
        print(row("card vs the description in the prompt", cards, cards, "t2l+card", "t2l+desc", exclude))
        if default is not None:
            for mode in ("t2l", "t2l+desc"):
                print(row(f"description only, this generator − the default ({mode})", cards, default, mode, mode,
                          exclude))


if __name__ == "__main__":
    main()
