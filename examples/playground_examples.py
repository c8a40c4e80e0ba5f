"""Pick the playground's example tasks (t2l_edge/serve/static/examples.json) for the shipped hypernetwork: suite
families asked with a held-out description (never trained on), each on a few seeded inputs, through a real server as
the page asks (the adapter at its own prompt mode, greedy). A family qualifies when its adapter answers every input
right; those where the base told the task gets the most wrong come first. Run it after shipping a new default; the
test (tests/test_serve_web.py) checks the file against the real default.

    python examples/playground_examples.py [--limit 5] [--inputs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

OUT = Path(__file__).resolve().parents[1] / "t2l_edge" / "serve" / "static" / "examples.json"
# demo-friendly families a visitor understands at a glance: (family, button title)
CANDIDATES = [
    ("uppercase", "Uppercase"), ("noun_plural", "Plural"), ("capital_of_country", "Capital"), ("sentiment", "Sentiment"),
    ("first_word", "First word"), ("last_word", "Last word"), ("antonym", "Antonym"), ("country_to_flag", "Flag"),
    ("capitalize_words", "Capitalize"), ("ing_form", "-ing form"), ("past_tense", "Past tense"),
    ("reverse_words", "Reverse words"), ("initials", "Initials"), ("wrap_in_parentheses", "Parentheses"),
]
MAX_TOKENS = 32  # the page's default


def main() -> None:
    import httpx

    from t2l_edge.serve import ServeSettings, start_server
    from t2l_edge.tasks.suite import FAMILIES

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=5)
    parser.add_argument("--inputs", type=int, default=2)
    args = parser.parse_args()

    found = []
    with start_server(ServeSettings(port=0, context=512)) as server, \
            httpx.Client(base_url=server.url, timeout=300) as http:
        def complete(body: dict) -> str:
            r = http.post("/v1/completions", json={**body, "max_tokens": MAX_TOKENS})
            r.raise_for_status()
            return r.json()["choices"][0]["text"].strip()

        for name, title in CANDIDATES:
            family = FAMILIES.get(name)
            if family is None:
                continue
            task = family.descriptions[-1]  # held out in training
            adapter = http.post("/v1/adapters", json={"task": task}).json()["id"]
            rng = random.Random(0)
            rows = [family.make(rng) for _ in range(args.inputs)]
            adapted = [complete({"prompt": x, "adapter": adapter}) == y for x, y in rows]
            told = [complete({"prompt": x, "adapter": adapter, "prompt_mode": "instructed", "lora_scale": 0}) == y
                    for x, y in rows]
            print(f"{name:24s} adapted {sum(adapted)}/{len(rows)}  base told {sum(told)}/{len(rows)}", flush=True)
            if all(adapted):
                x, y = rows[0]
                found.append((sum(told), {"title": title, "family": name, "task": task, "input": x, "expected": y}))
        generator = server.state.generator_id
    found.sort(key=lambda item: item[0])
    data = {"generator": generator, "note": "written by examples/playground_examples.py; checked by "
            "tests/test_serve_web.py against the default hypernetwork",
            "examples": [example for _, example in found[:args.limit]]}
    tmp = OUT.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    tmp.replace(OUT)
    print(f"wrote {len(data['examples'])} examples to {OUT}")


if __name__ == "__main__":
    main()
