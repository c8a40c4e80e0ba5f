#!/usr/bin/env bash
# Issue 20's figures: a generator that reads task cards with examples, on the held-out operations, through the
# device path (an int8 bundle from build-engine, q4_0 adapters, the Q4_K_M base, greedy, k = 3):
#
#   t2l-edge build-engine --checkpoint RUN -o BUNDLE        (a card-reading run: the bundle gets card.onnx)
#   examples/evaluate_cards.sh OUT_DIR BUNDLE [EXTRA evaluate OPTIONS...]
#
# Conditions, paired per example (the same k examples on the card and in the icl prompt): t2l and t2l+desc (the
# description alone: a card reader must not lower them), t2l+card (the adapter from the description and k examples,
# none of them in the prompt), icl (the base with the description and the examples in its prompt) and t2l+card+icl
# (both). evaluate prints the differences with their intervals; response_time records each prompt's tokens, so the
# results hold the prompt cost of icl against the card's adapter. CONDITIONS=… runs fewer (an ablation). Results that
# exist are kept (a stopped run resumes).
set -euo pipefail
out=$1; bundle=$2; shift 2
mkdir -p "$out"
cmd=${T2L_EDGE:-t2l-edge}
[ -s "$out/heldout-families.jsonl" ] || $cmd tasks export --split heldout-families -n 6 --seed 1 -o "$out/heldout-families.jsonl"
[ -s "$out/cards.json" ] || $cmd evaluate -o "$out/cards.json" --tasks "$out/heldout-families.jsonl" --bundle "$bundle" \
  --conditions "${CONDITIONS:-t2l,t2l+desc,t2l+card,icl,t2l+card+icl}" --shots 3 --metrics accuracy,response_time "$@"
