#!/usr/bin/env bash
# The accuracy runs of docs/BENCHMARKS.md: LeNet-5 15 epochs, ResNet-20 3 epochs (seeds 0-2),
# full Fashion-MNIST training and test sets, 2 threads. Results: runs/bench/<model>-s<seed>/.
# Arguments (e.g. resnet20-s0) run only those runs.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p runs/bench
only=" $* "
run() {  # model epochs seed
  local out="runs/bench/$1-s$3"
  [[ "$only" == "  " || "$only" == *" $1-s$3 "* ]] || return 0
  /usr/bin/time -f "%e s wall" -o "$out.time" ./prune4j train --model "$1" --epochs "$2" --seed "$3" \
      --threads 2 --out "$out" --json > "$out.json" 2> "$out.log"
  python3 -c "import json; d=json.load(open('$out.json')); print('$1 seed $3: test accuracy %.2f%%, train %.0f s, total %.0f s' % (100*d['testAccuracy'], d['trainSeconds'], d['wallSeconds']))"
}
run lenet5 15 0
for seed in 0 1 2; do run resnet20 3 "$seed"; done
