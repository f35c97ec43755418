#!/usr/bin/env bash
# Criteria study, part 1 (docs/BENCHMARKS.md, issue 11): the rank correlation of every channel
# criterion with the oracle (the loss increase of removing each channel) on the trained LeNet-5
# and ResNet-20 of benchmarks/accuracy_runs.sh, 8 calibration batches of 128 training images.
# Results: runs/study/<model>.json (scores, per-group and pooled Spearman/Kendall, seconds).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p runs/study
study() {  # run-dir methods
  local name; name=$(basename "$1")
  ./prune4j scores --model "$1" --compare "$2" --data fashion-mnist --batches 8 --batch-size 128 --seed 0 \
      --threads 2 --bottlenecks 0.5 --json > "runs/study/$name.json" 2> "runs/study/$name.log"
  python3 - "runs/study/$name.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(sys.argv[1])
for m in d["methods"][1:]:
    print("  %-18s pooled spearman %6.3f kendall %6.3f | mean over groups spearman %6.3f | %.1f s"
          % (m, d["pooled"][m]["spearman"], d["pooled"][m]["kendall"], d["meanOverGroups"][m]["spearman"], d["seconds"][m]))
for m, b in d.get("bottlenecks", {}).get("byMethod", {}).items():
    print("  bottlenecks at half the channels, %-18s %s" % (m, ", ".join(b["bottlenecks"]) or "none"))
PY
}
[[ -f runs/bench/lenet5-s0/model.p4j ]] || benchmarks/accuracy_runs.sh lenet5-s0
[[ -f runs/bench/resnet20-s0/model.p4j ]] || benchmarks/accuracy_runs.sh resnet20-s0
study runs/bench/lenet5-s0 oracle,taylor,taylor-so,sosp-h,sosp-i,singe,taylor-activation,i-spasp,sipp,nisp,l1,l2,random
# sosp-i is for small networks: on ResNet-20 it refuses (448 structures x 270k parameters)
study runs/bench/resnet20-s0 oracle,taylor,taylor-so,sosp-h,singe,taylor-activation,i-spasp,sipp,nisp,l1,l2,bn-scale,random
# the own-block check of taylor-so on one batch (about 20 minutes: one Hessian-vector product per channel)
./prune4j scores --model runs/bench/resnet20-s0 --compare oracle,taylor,taylor-so,taylor-so-block \
    --data fashion-mnist --batches 1 --batch-size 128 --seed 0 --threads 2 --json \
    > runs/study/resnet20-s0-block.json 2> runs/study/resnet20-s0-block.log
