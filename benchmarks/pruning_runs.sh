#!/usr/bin/env bash
# The structured-pruning runs of docs/BENCHMARKS.md: 2x MAC reduction with L1 and Taylor,
# uniform and global scope, 2 epochs of fine-tuning, from the dense models that
# benchmarks/accuracy_runs.sh trains (runs/bench/resnet20-s0, runs/bench/lenet5-s0); then the
# hardware-friendly variant (channel counts rounded to multiples of 8) and LeNet-5 pruned
# iteratively (4 steps, 1 epoch between steps). Arguments (e.g. resnet20-s0) run only the runs
# from those dense models.
set -euo pipefail
cd "$(dirname "$0")/.."
only=" $* "
run() { # name, base, prune options...
  local out="runs/bench/prune-$1" base="$2"
  [[ "$only" == "  " || "$only" == *" $base "* ]] || return 0
  shift 2
  ./prune4j prune --model "runs/bench/$base" --target macs=2x --finetune-epochs 2 --finetune-lr 0.05 \
      --seed 0 --threads 2 --out "$out" --json "$@" > "$out.json" 2> "$out.log"
  python3 -c "import json; d=json.load(open('$out.json')); print('$out: acc %.2f%% -> %.2f%% pruned -> %.2f%% fine-tuned; MACs %.2fx params %.2fx; speed-up b128 %.2fx b1 %.2fx; prune %.0f s, fine-tune %.0f s' % (100*d['accuracyBefore'], 100*d['accuracyAfterPruning'], 100*d['accuracyAfterFineTuning'], d['macReduction'], d['paramReduction'], d['latency']['batch128']['speedUp'], d['latency']['batch1']['speedUp'], d['seconds']['prune'], d['seconds']['fineTune']))"
}
for base in lenet5-s0 resnet20-s0; do
  for criterion in l1 taylor; do
    for scope in uniform global; do
      run "$base-$criterion-$scope" "$base" --criterion "$criterion" --scope "$scope"
    done
  done
done
run resnet20-s0-l1-global-round8 resnet20-s0 --criterion l1 --scope global --round-to 8
run resnet20-s0-taylor-global-round8 resnet20-s0 --criterion taylor --scope global --round-to 8
run lenet5-s0-taylor-uniform-4steps lenet5-s0 --criterion taylor --scope uniform --steps 4 --finetune-epochs-between-steps 1
