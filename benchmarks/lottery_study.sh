#!/usr/bin/env bash
# Lottery-ticket study (docs/BENCHMARKS.md, issue 13): iterative magnitude pruning of 20% of the
# remaining weights per round down to at most 10%, on Fashion-MNIST, 3 seeds, with every rewind
# (init, iteration:K, lr, finetune), for rewinding to init the paper's two controls, and COLT
# (two data splits, rewinding to init).
#   benchmarks/lottery_study.sh [model] [epochs] [K] [seeds...]     default: mlp 5 235 0 1 2
# Results: runs/lottery/<model>-s<seed>-<variant>/lottery.json (+ lottery.png, ticket.p4j) and
# runs/lottery-report/ (lottery.md: accuracy per round over seeds; lottery-MODEL.png); a
# finished run is not run again, so an interrupted study resumes with the next one. PRUNE4J=path
# runs another launcher (e.g. a frozen build while the sources change); LIMIT=N trains on the first N
# training images, THREADS=N sets the engine's threads (default 2), VARIANTS="init lr" runs only those.
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-mlp}; epochs=${2:-5}; k=${3:-235}; shift $(( $# < 3 ? $# : 3 )) || true
seeds=("$@"); [[ ${#seeds[@]} -gt 0 ]] || seeds=(0 1 2)
mkdir -p runs/lottery
for seed in "${seeds[@]}"; do
  for variant in ${VARIANTS:-init iteration:K lr finetune colt}; do
    variant=${variant/:K/:$k}
    out="runs/lottery/$model-s$seed-${variant/:/-}"
    [[ -f "$out/lottery.json" ]] && continue
    rewind=$variant; splits=1; controls=none
    [[ $variant == init ]] && controls=reinit,random-masks
    [[ $variant == colt ]] && rewind=init && splits=2
    ${PRUNE4J:-./prune4j} lottery --model "$model" --data fashion-mnist --epochs "$epochs" --lr 0.1 --seed "$seed" \
        --rewind "$rewind" --splits "$splits" --rate 0.2 --target-density 0.1 --controls "$controls" --threads "${THREADS:-2}" ${LIMIT:+--limit "$LIMIT"} \
        --out "$out.tmp" --json > "$out.log" 2>&1 && rm -rf "$out" && mv "$out.tmp" "$out"
  done
done
${PRUNE4J:-./prune4j} report runs/lottery --out runs/lottery-report   # lottery.md, lottery-MODEL.png
