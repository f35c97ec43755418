#!/usr/bin/env bash
# Dynamical isometry and the fine-tuning learning rate (docs/BENCHMARKS.md, issue 13): LeNet-300-100
# on Fashion-MNIST (5 epochs), pruned by L1 to 4x fewer parameters (structured, global), then the
# singular values of the input-output Jacobian (256 test images) of the dense model, of the pruned
# one before fine-tuning, and after 2 epochs of fine-tuning at learning rates 0.001, 0.01 and 0.1
# (cosine), with their accuracies. 3 seeds. PRUNE4J=path runs another launcher.
set -euo pipefail
cd "$(dirname "$0")/.."
p4j=${PRUNE4J:-./prune4j}
d=runs/isometry
mkdir -p $d
for seed in 0 1 2; do
  [[ -f $d/dense-s$seed/model.p4j ]] || $p4j train --model mlp --epochs 5 --seed "$seed" --threads 2 \
      --out $d/dense-s$seed > $d/dense-s$seed.log 2>&1
  for lr in 0 0.001 0.01 0.1; do
    out=$d/l1-s$seed-lr$lr
    epochs=2; [[ $lr == 0 ]] && epochs=0
    flr=$lr; [[ $lr == 0 ]] && flr=0.01
    [[ -f $out.json ]] || $p4j prune --model $d/dense-s$seed --criterion l1 --scope global --target params=4x \
        --finetune-epochs $epochs --finetune-lr $flr --no-latency --seed "$seed" --threads 2 --out $out \
        > $out.log 2>&1
    [[ -f $out.json ]] || $p4j evaluate --model $out --reference $d/dense-s$seed --corruptions none \
        --jacobian 256 --threads 2 --json 2>> $out.log | tail -1 > $out.json.tmp && mv $out.json.tmp $out.json
  done
done
python3 - <<'PY'
import glob, json, statistics
rows = {}
for f in sorted(glob.glob("runs/isometry/l1-s*-lr*.json")):
    r = json.load(open(f))
    lr = f.split("-lr")[1][:-5]
    row = rows.setdefault(lr, {"top1": [], "model": [], "dense": [], "dense_top1": []})
    row["top1"].append(100 * r["clean"]["top1"])
    row["model"].append(r["jacobian"]["model"]["mean"])
    row["dense"].append(r["jacobian"]["reference"]["mean"])
print("| fine-tuning | top-1 | Jacobian mean singular value (pruned) | (dense) |")
print("|---|---|---|---|")
for lr, row in rows.items():
    label = "none (right after pruning)" if lr == "0" else "2 epochs, lr " + lr
    m = lambda v: "%.3f ± %.3f" % (statistics.mean(v), statistics.stdev(v) if len(v) > 1 else 0)
    print("| %s | %.2f ± %.2f | %s | %s |" % (label, statistics.mean(row["top1"]),
          statistics.stdev(row["top1"]) if len(row["top1"]) > 1 else 0, m(row["model"]), m(row["dense"])))
PY
