#!/usr/bin/env bash
# Training speed of this build against another checkout of prune4j (the engine path before a
# change), interleaved: ResNet-20, 100 steps of batch 128 (--limit 12800), 2 threads, 3 rounds.
# Usage: benchmarks/before_after_training.sh /path/to/other/checkout   (both built with mvn package)
set -euo pipefail
cd "$(dirname "$0")/.."
other=$1
rm -rf runs/bench/before-after && mkdir -p runs/bench/before-after
for round in 1 2 3; do
  for side in this other; do
    dir=.; [[ $side == other ]] && dir=$other
    "$dir/prune4j" train --model resnet20 --data fashion-mnist --epochs 1 --limit 12800 --seed 0 --threads 2 \
        --out "runs/bench/before-after/$side-$round" --json 2>/dev/null \
      | python3 -c "import json,sys; d=json.load(sys.stdin); print('round $round $side: %.0f images/s (train %.1f s), test accuracy %.2f%%' % (12800/d['trainSeconds'], d['trainSeconds'], 100*d['testAccuracy']))"
  done
done
