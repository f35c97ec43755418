#!/usr/bin/env bash
# The structured-pruning runs of docs/BENCHMARKS.md: 2x MAC reduction with L1 and Taylor,
# uniform and global scope, 2 epochs of fine-tuning, from the dense models that
# bench/accuracy_runs.sh trains (runs/bench/resnet20-s0, runs/bench/lenet5-s0).
set -euo pipefail
cd "$(dirname "$0")/.."
for base in lenet5-s0 resnet20-s0; do
  for method in l1 taylor; do
    for scope in uniform global; do
      out="runs/bench/prune-$base-$method-$scope"
      ./prune4j prune --model "runs/bench/$base" --method "$method" --scope "$scope" --target macs=2x \
          --finetune-epochs 2 --finetune-lr 0.05 --seed 0 --threads 2 --out "$out" --json > "$out.json" 2> "$out.log"
      python3 -c "import json; d=json.load(open('$out.json')); print('$base $method $scope: acc %.2f%% -> %.2f%% pruned -> %.2f%% fine-tuned; MACs %.2fx params %.2fx; speed-up b128 %.2fx b1 %.2fx; prune %.0f s, fine-tune %.0f s' % (100*d['accuracyBefore'], 100*d['accuracyAfterPruning'], 100*d['accuracyAfterFineTuning'], d['macReduction'], d['paramReduction'], d['speedUpBatch128'], d['speedUpBatch1'], d['pruneSeconds'], d['fineTuneSeconds']))"
    done
  done
done
