#!/usr/bin/env bash
# ONNX end to end (docs/BENCHMARKS.md): a CNN trained on Fashion-MNIST with PyTorch and exported
# to ONNX is imported, pruned to 2x fewer MACs (channel counts as found, and rounded to multiples
# of 8), fine-tuned and exported by prune4j; ONNX Runtime measures every file's accuracy on the
# full test set and their latency side by side (2 threads and 1 thread).
set -euo pipefail
cd "$(dirname "$0")/.."
out=runs/bench/onnx-e2e
mkdir -p "$out"
[ -f "$out/cnn.onnx" ] || /usr/bin/python3 benchmarks/train_fmnist_cnn_pytorch.py "$out/cnn.onnx" 4 | tee "$out/pytorch.log"
./prune4j inspect "$out/cnn.onnx" > "$out/inspect.txt"
for variant in "pruned" "pruned-r8 --round-to 8"; do
  set -- $variant
  name=$1; shift
  ./prune4j prune --model "$out/cnn.onnx" --data fashion-mnist --criterion l1 --scope global --target macs=2x "$@" \
      --finetune-epochs 2 --finetune-lr 0.01 --seed 0 --threads 2 --out "$out/cnn-$name.onnx" --json \
      > "$out/prune-$name.json" 2> "$out/prune-$name.log"
done
files=("$out/cnn.onnx" "$out/cnn-pruned.onnx" "$out/cnn-pruned-r8.onnx")
./prune4j latency "${files[@]}" --data fashion-mnist --threads 2 --json > "$out/latency.json"
./prune4j latency "${files[@]}" --threads 1 --json > "$out/latency-1thread.json"
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
for name in ["pruned", "pruned-r8"]:
    p = json.load(open(f"{out}/prune-{name}.json"))
    print(f"{name}: prune4j top-1 {100*p['accuracyBefore']:.2f}% imported -> {100*p['accuracyAfterPruning']:.2f}% pruned -> "
          f"{100*p['accuracyAfterFineTuning']:.2f}% fine-tuned; MACs {p['macReduction']:.2f}x fewer, params "
          f"{p['paramReduction']:.2f}x; channels {[v[1] for v in p['channels'].values()]}")
lat = json.load(open(f"{out}/latency.json"))["models"]
lat1 = json.load(open(f"{out}/latency-1thread.json"))["models"]
for a, b in zip(lat, lat1):
    print(f"{a['file']}: ONNX Runtime top-1 {100*a['top1']:.2f}%; 2 threads b1 {a['batch1Ms']:.3f} ms b128 {a['batch128Ms']:.2f} ms "
          f"(speed-up {a['speedUpBatch1']:.2f}x / {a['speedUpBatch128']:.2f}x); 1 thread b1 {b['batch1Ms']:.3f} ms "
          f"b128 {b['batch128Ms']:.2f} ms (speed-up {b['speedUpBatch1']:.2f}x / {b['speedUpBatch128']:.2f}x)")
PY
