"""examples/per_row_ceiling.sh, the hour-long recipe behind issue 19's per-row ceiling, run here shortened (2 rows,
2 steps, no multitask LoRA) on the real base model and the shipped hypernetwork: it must draw the rows the published
figure was measured on, train a LoRA per drawn row, score those rows' held-out wordings under every condition, and
keep what it has when run again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SCRIPT = Path(__file__).resolve().parent.parent / "examples" / "per_row_ceiling.sh"
# The 16 training rows of the figure in the model card (69.4% with a LoRA per row), as that sitting drew them.
MEASURED_ROWS = {
    "add_n_10", "add_n_3", "continent_of_country", "count_alphabetical_elements", "divide_by_n_3", "double_number",
    "km_to_m", "number_in_locale_french", "number_to_words_swedish", "plural_category_irish",
    "sort_words_then_uppercase", "split_words_on_dash", "value_type", "weekday_before_3",
    "weekday_from_language_indonesian", "words_to_number_spanish",
}


def names(path: Path) -> list[str]:
    return [json.loads(line)["name"] for line in path.read_text().splitlines()]


def test_per_row_ceiling_draws_the_measured_rows_and_scores_them(tmp_path):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "PYTHON": sys.executable}
    out = tmp_path / "ceiling"
    done = subprocess.run(["bash", str(SCRIPT), str(out), "none", "2", "2"], env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]

    rows = names(out / "train-rows.jsonl")
    assert len(rows) == 2 and set(rows) <= MEASURED_ROWS and names(out / "heldout-rows.jsonl") == rows
    assert all(len(json.loads(line)["examples"]) == 64 for line in (out / "train-rows.jsonl").read_text().splitlines())
    for row in rows:  # a LoRA of its own per row, trained the steps asked
        sidecar = json.loads((out / "oracles" / row / "task.json").read_text())
        assert sidecar["steps"] == 2 and (out / "oracles" / row / "adapter_model.safetensors").stat().st_size > 0

    results = json.loads((out / "ceiling.json").read_text())
    assert results["meta"]["conditions"] == ["t2l", "t2l+desc", "oracle"] and results["meta"]["multitask"] is None
    assert set(results["meta"]["oracles"]) == set(rows)
    held = {json.loads(line)["name"]: len(json.loads(line)["examples"])
            for line in (out / "heldout-rows.jsonl").read_text().splitlines()}
    scored = {(s["task"], s["condition"]): s["n"] for s in results["scores"]}
    assert scored == {(row, c): held[row] for row in rows for c in ("t2l", "t2l+desc", "oracle")}

    before = (out / "ceiling.json").stat().st_mtime_ns
    again = subprocess.run(["bash", str(SCRIPT), str(out), "none", "2", "2"], env=env, capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    assert (out / "ceiling.json").stat().st_mtime_ns == before  # a finished run is kept, not redone
