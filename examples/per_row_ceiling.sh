#!/usr/bin/env bash
# What the base model reaches on training rows with a LoRA of their own, beside the default's generated adapters
# (issue 19: how far the adapters are from what the base can do per row):
#
#   examples/per_row_ceiling.sh OUT_DIR MULTITASK_LORA [ROWS] [STEPS]
#
# Draws ROWS (default 16) training rows at random (seed 0), trains an ordinary LoRA per row on its 64 training
# instances (`train-lora`, STEPS steps of 8, default 150; the default's modules and rank), and evaluates the rows'
# held-out wordings and instances (seed 1, up to 12 each) with t2l, t2l+desc, the per-row LoRAs and the multitask
# LoRA (`none`: without it). One core: ≈ 3 min per row, then ≈ 4 min of evaluation. Results that exist are kept, so a
# stopped run resumes.
set -euo pipefail
out=$1; multitask=$2; rows=${3:-16}; steps=${4:-150}
mkdir -p "$out"
cmd=${T2L_EDGE:-t2l-edge}
python=${PYTHON:-python}
[ -s "$out/train.jsonl" ] || $cmd tasks export --split train -n 64 --seed 0 -o "$out/train.jsonl"
[ -s "$out/heldout.jsonl" ] || $cmd tasks export --split heldout-descriptions -n 12 --seed 1 -o "$out/heldout.jsonl"
"$python" - "$out" "$rows" <<'EOF'
import json, random, sys
from pathlib import Path
out, rows = Path(sys.argv[1]), int(sys.argv[2])
lines = {name: {json.loads(x)["name"]: x for x in (out / f"{name}.jsonl").read_text().splitlines()} for name in ("train", "heldout")}
names = sorted(lines["train"])
random.Random(0).shuffle(names)
for name, picked in lines.items():
    (out / f"{name}-rows.jsonl").write_text("".join(picked[n] + "\n" for n in sorted(names[:rows])))
EOF
[ -d "$out/oracles" ] || $cmd train-lora --tasks "$out/train-rows.jsonl" --output "$out/oracles" --steps "$steps" --rank 8 \
  --modules q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj
conditions=t2l,t2l+desc,oracle; baseline=()
[ "$multitask" = none ] || { conditions+=,multitask; baseline=(--multitask-lora "$multitask"); }
[ -s "$out/ceiling.json" ] || $cmd evaluate -o "$out/ceiling.json" --tasks "$out/heldout-rows.jsonl" \
  --conditions "$conditions" --oracle-dir "$out/oracles" "${baseline[@]}" --threads 2
