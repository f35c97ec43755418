#!/usr/bin/env bash
# Sparse training against pruning (docs/BENCHMARKS.md, issue 13) on Fashion-MNIST at 10x
# compression of all parameters, 8 epochs for every method, 3 seeds; and dense training with NEq
# (neurons at equilibrium stop updating, epsilon 0.001) for the backward work it saves.
#   benchmarks/sparse_training_study.sh mlp 0.095      # LeNet-300-100 (266,610 parameters)
#   benchmarks/sparse_training_study.sh lenet5 0.084   # LeNet-5 (61,706 parameters)
# The density of the conv and linear weights but the classifier's that makes 10x of all
# parameters. The pruning baseline is examples/bench-sparse-vs-pruning-<model>.yaml (6 epochs
# dense, pruned by global magnitude, 2 of fine-tuning). A finished run is not run again.
# PRUNE4J=path runs another launcher (e.g. a frozen build); METHODS="dense rigl" runs only those;
# EPOCHS=N (default 8) and LIMIT=N (first N training images) must match the model's spec, as for
#   SEEDS=0 EPOCHS=4 LIMIT=10000 METHODS="dense static set rigl" benchmarks/sparse_training_study.sh resnet20 0.0926
# THREADS=N sets the engine's threads (default 2); SEEDS="0" runs only those seeds (match the spec's).
# Results: runs/sparse/<model>/<method>-s<seed>.json, runs/sparse-vs-pruning-<model>.db.
set -euo pipefail
cd "$(dirname "$0")/.."
p4j=${PRUNE4J:-./prune4j}
model=${1:-mlp}; density=${2:-0.095}
mkdir -p runs/sparse/$model
for seed in ${SEEDS:-0 1 2}; do
  for method in ${METHODS:-dense static set rigl neq}; do
    out=runs/sparse/$model/$method-s$seed.json
    [[ -f $out ]] && continue
    sparse=()
    case $method in
      static|set|rigl) sparse=(--sparse "$method" --density "$density") ;;
      neq) sparse=(--neq 0.001) ;;
    esac
    $p4j train --model "$model" --data fashion-mnist --epochs "${EPOCHS:-8}" --lr 0.1 --seed "$seed" \
        --threads "${THREADS:-2}" ${LIMIT:+--limit "$LIMIT"} "${sparse[@]}" \
        --json > "$out.tmp" 2> "runs/sparse/$model/$method-s$seed.log" && mv "$out.tmp" "$out"
  done
done
$p4j bench "examples/bench-sparse-vs-pruning-$model.yaml" --db "runs/sparse-vs-pruning-$model.db" --threads "${THREADS:-2}"
python3 - "$model" <<'PY'
import glob, json, sqlite3, statistics, sys
model = sys.argv[1]
rows = {}
for f in glob.glob("runs/sparse/%s/*-s*.json" % model):
    r = json.loads(open(f).read().strip().splitlines()[-1])
    method = f.split("/")[-1].split("-s")[0]
    rows.setdefault(method, []).append(100 * r["testAccuracy"])
    if "neq" in r:
        rows.setdefault("neq: share of weight-gradient work saved (%)", []).append(100 * r["neq"]["savedBackwardShare"])
db = sqlite3.connect("runs/sparse-vs-pruning-%s.db" % model)
for kind, top1 in db.execute("select kind, top1_finetuned from runs"):
    rows.setdefault("pruned (global magnitude 10x)" if kind != "dense" else "dense, pretrain epochs only", []).append(100 * top1)
for k, v in rows.items():
    print("%-32s %6.2f ± %.2f  (%d seeds: %s)" % (k, statistics.mean(v), statistics.stdev(v) if len(v) > 1 else 0,
                                                  len(v), ", ".join("%.2f" % x for x in sorted(v))))
PY
