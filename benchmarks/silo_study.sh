#!/usr/bin/env bash
# SILO against learning-rate rewinding and the oracle (docs/BENCHMARKS.md, issue 13): the lottery
# study's LeNet-300-100 setting (5 epochs, 20% per round down to at most 10%, 3 seeds) with LR
# rewinding, the peak rate of every round's one-cycle either constant (the `lr` runs of
# benchmarks/lottery_study.sh), grown in an S shape from 0.1 to 0.3 (SILO), or picked per round
# from 0.05, 0.1, 0.2, 0.4 by test accuracy (the oracle, an upper bound). PRUNE4J=path runs another
# launcher. Results next to the lottery study's, in runs/lottery and runs/lottery-report.
set -euo pipefail
cd "$(dirname "$0")/.."
p4j=${PRUNE4J:-./prune4j}
for seed in 0 1 2; do
  for variant in silo oracle; do
    out="runs/lottery/mlp-s$seed-lr-$variant"
    [[ -f "$out/lottery.json" ]] && continue
    peak=(--max-lr silo); [[ $variant == oracle ]] && peak=(--oracle-grid 0.05,0.1,0.2,0.4)
    $p4j lottery --model mlp --data fashion-mnist --epochs 5 --lr 0.1 --seed "$seed" --rewind lr "${peak[@]}" \
        --rate 0.2 --target-density 0.1 --controls none --threads 2 --out "$out.tmp" --json > "$out.log" 2>&1 \
        && rm -rf "$out" && mv "$out.tmp" "$out"
  done
done
$p4j report runs/lottery --out runs/lottery-report
