#!/usr/bin/env bash
# The default's training on a CUDA machine, as one command: the hypernetwork and the multitask LoRA baseline of
# examples/train_default_v3.toml (same batches, same steps), then the card fine-tune of examples/train_cards_v3.toml.
# The configs' device is "auto" (CUDA when torch sees it); on a GPU the thread setting only sizes the CPU side.
#
#   examples/train_gpu.sh OUT_DIR [STEPS]
#
# A run stopped half-way continues with the same command (--resume). Needs `pip install -e '.[train,llama]'` with a
# CUDA build of torch, and a checkout of SakanaAI/text-to-lora where the configs' sni_descriptions points.
set -euo pipefail
out=$1; steps=${2:-6000}
mkdir -p "$out"
cmd=${T2L_EDGE:-t2l-edge}
config="$out/default.toml"
sed -e "s/^steps = .*/steps = $steps/" -e "s/^threads = .*/threads = 8/" examples/train_default_v3.toml > "$config"
resume=$([ -f "$out/hypernet/latest.json" ] && echo --resume || true)
$cmd train --mode sft --config "$config" --output "$out/hypernet" $resume
[ -d "$out/multitask" ] || $cmd train-lora --multitask --config "$config" --output "$out/multitask"
sed -e "s|^init = .*|init = \"$out/hypernet\"|" -e "s|^card_pool = .*|card_pool = \"$out/card-pool.safetensors\"|" \
    -e "s/^threads = .*/threads = 8/" examples/train_cards_v3.toml > "$out/cards.toml"
resume=$([ -f "$out/cards/latest.json" ] && echo --resume || true)
$cmd train --mode sft --config "$out/cards.toml" --output "$out/cards" $resume
