#!/usr/bin/env bash
# Every figure of the default hypernetwork's model card, through the device path (the int8 CPU bundle of the
# shipped weights, q4_0 adapters unless said, the Q4_K_M base, greedy):
#
#   examples/evaluate_default.sh OUT_DIR MULTITASK_LORA [EXTRA evaluate OPTIONS...]
#   python examples/evaluation_targets.py OUT_DIR            (add --markdown for the model card's table)
#
# MULTITASK_LORA is `t2l-edge train-lora --multitask --config examples/train_default_v3.toml -o DIR` (the same batches
# and steps as the hypernetwork, every prompt instructed), or `none` to leave that baseline out. The two prompt modes are conditions: `t2l` is the bare
# mode (adapter only), `t2l+desc` the instructed one (the description in the prompt too). Each split is exported with
# its own seed-1 instances; nothing here was used to choose a checkpoint. Results that exist are kept, so a stopped
# run resumes; PART=families or PART=descriptions runs one half (two cores: both at once).
set -euo pipefail
out=$1; multitask=$2; shift 2
mkdir -p "$out"
cmd=${T2L_EDGE:-t2l-edge}
export_split() { [ -s "$out/$1.jsonl" ] || $cmd tasks export --split "$1" -n "$2" --seed 1 -o "$out/$1.jsonl"; }
evaluate() { local name=$1; shift; [ -s "$out/$name.json" ] || $cmd evaluate -o "$out/$name.json" "$@"; }

export_split heldout-families 6
export_split heldout-compositions 8
export_split heldout-parameters 6
export_split heldout-descriptions 3
export_split heldout-descriptions-v1 8

part=${PART:-all}
if [ "$part" != descriptions ]; then
evaluate families --tasks "$out/heldout-families.jsonl" --conditions base+desc,t2l,t2l+desc "$@"
# the baseline in a file of its own (paired with families.json per example by evaluation_targets.py)
if [ "$multitask" != none ]; then
evaluate families-multitask --tasks "$out/heldout-families.jsonl" --conditions multitask --multitask-lora "$multitask" "$@"
fi
evaluate compositions --tasks "$out/heldout-compositions.jsonl" --conditions base+desc,t2l,t2l+desc "$@"
evaluate parameters --tasks "$out/heldout-parameters.jsonl" --conditions base+desc,t2l,t2l+desc "$@"
fi
if [ "$part" != families ]; then
evaluate descriptions --tasks "$out/heldout-descriptions.jsonl" --conditions t2l,t2l+desc,mismatched "$@"
evaluate descriptions-f16 --tasks "$out/heldout-descriptions.jsonl" --conditions t2l -q f16 "$@"
evaluate descriptions-v1 --tasks "$out/heldout-descriptions-v1.jsonl" --conditions base+desc,t2l,t2l+desc "$@"
fi
