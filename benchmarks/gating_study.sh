#!/usr/bin/env bash
# Input-dependent top-k channel gating study (docs/BENCHMARKS.md, issue 13): trains the model densely
# per seed, then `gate` reports, per share of channels kept, the test accuracy and the MACs actually
# executed per sample for the Hebbian predictor, the static choice and the oracle.
#   benchmarks/gating_study.sh [model] [epochs] [seeds...]     default: lenet5 5 0 1 2
# Results: runs/gating/<model>-s<seed>/ (model.p4j, gate.json); finished parts are not redone.
# PRUNE4J=path runs another launcher; THREADS=N sets the engine's threads (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-lenet5}; epochs=${2:-5}; shift $(( $# < 2 ? $# : 2 )) || true
seeds=("$@"); [[ ${#seeds[@]} -gt 0 ]] || seeds=(0 1 2)
for seed in "${seeds[@]}"; do
  out="runs/gating/$model-s$seed"
  mkdir -p "$out"
  [[ -f "$out/model.p4j" ]] || ${PRUNE4J:-./prune4j} train --model "$model" --data fashion-mnist --epochs "$epochs" \
      --seed "$seed" --threads "${THREADS:-2}" --out "$out" > "$out/train.log" 2>&1
  [[ -f "$out/gate.json" ]] || { ${PRUNE4J:-./prune4j} gate --model "$out/model.p4j" --keep 0.25,0.5,0.75 \
      --threads "${THREADS:-2}" --json > "$out/gate.json.tmp" 2> "$out/gate.log" && mv "$out/gate.json.tmp" "$out/gate.json"; }
done
python3 - "$model" "${seeds[@]}" <<'PY'
import json, statistics, sys
model, seeds = sys.argv[1], sys.argv[2:]
rows = {}
for s in seeds:
    r = json.load(open(f"runs/gating/{model}-s{s}/gate.json"))
    dense = r["denseMacs"]
    for x in r["results"]:
        rows.setdefault((x["keep"], x["mode"]), []).append((100 * x["top1"], x["executedMacsPerSample"], x["predictorMacs"]))
print(f"{model}, {len(seeds)} seeds; dense MACs per sample {dense}")
print("| keep | mode | top-1 % (mean ± sd) | executed MACs / sample | predictor MACs | dense / (executed + predictor) |")
print("|---|---|---|---|---|---|")
for (keep, mode), v in sorted(rows.items()):
    acc = [a for a, _, _ in v]
    sd = statistics.stdev(acc) if len(acc) > 1 else 0
    print(f"| {keep:.2f} | {mode} | {statistics.mean(acc):.2f} ± {sd:.2f} | {v[0][1]:,.0f} | {v[0][2]:,} | {dense / (v[0][1] + v[0][2]):.2f}x |")
PY
