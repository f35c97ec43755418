#!/usr/bin/env bash
# The torchvision families at their own sizes (docs/BENCHMARKS.md, issue 14): each exported by PyTorch
# (tools/make_zoo_fixtures.py full, random weights, 3x224x224, dynamic batch), imported (timed, and checked
# against ONNX Runtime with `inspect --check`), pruned from the command line without data
# (`prune --method l1 --target macs=2x --data none`, channel counts rounded as --round-to says), and the
# dense and pruned files timed side by side in ONNX Runtime at batch 1 and 16 (`latency`, interleaved rounds).
#   benchmarks/zoo_onnx.sh [family ...]        default: every family that imports
# Env: ROUND_TO (default: the prune command's default for ONNX output), THREADS (default 2), ROUNDS (default 5),
#      PRUNE4J=path runs another launcher. Results: runs/zoo-onnx/<family>/ (finished steps are not redone).
set -euo pipefail
cd "$(dirname "$0")/.."
families=("$@")
[[ ${#families[@]} -gt 0 ]] || families=(resnet18 resnext50 wide_resnet50 mobilenet_v2 mobilenet_v3_small efficientnet_b0
  regnet_x regnet_y densenet googlenet inception_v3 shufflenet_v2 squeezenet vgg11_bn mnasnet alexnet convnext vit swin)
p4j=${PRUNE4J:-./prune4j}; threads=${THREADS:-2}; suffix=${ROUND_TO:+-r$ROUND_TO}
for f in "${families[@]}"; do
  out="runs/zoo-onnx/$f"; mkdir -p "$out"
  [[ -f "$out/dense.onnx" ]] || { /usr/bin/python3 tools/make_zoo_fixtures.py full "$out/tmp" "$f" > "$out/export.log" 2>&1 \
      && mv "$out/tmp/$f.onnx" "$out/dense.onnx" && rm -rf "$out/tmp"; }
  [[ -f "$out/inspect.json" ]] || { /usr/bin/time -f "%e" -o "$out/inspect.seconds" $p4j inspect "$out/dense.onnx" --check \
      --threads "$threads" --json > "$out/inspect.json.tmp" 2> "$out/inspect.log" && mv "$out/inspect.json.tmp" "$out/inspect.json"; }
  pruned="$out/pruned$suffix.onnx"
  [[ -f "$out/prune$suffix.json" ]] || { $p4j prune --model "$out/dense.onnx" --method l1 --target macs=2x --data none \
      ${ROUND_TO:+--round-to $ROUND_TO} --no-latency --threads "$threads" --out "$pruned" --json > "$out/prune.json.tmp" \
      2> "$out/prune$suffix.log" && mv "$out/prune.json.tmp" "$out/prune$suffix.json"; }
  # the dense model written by prune4j's exporter too: what pruning gains apart from how the file is written
  [[ -f "$out/reexport.onnx" ]] || $p4j export --model "$out/dense.onnx" --out "$out/reexport.onnx" > /dev/null 2>&1
  [[ -f "$out/latency$suffix.json" ]] || { $p4j latency "$out/dense.onnx" "$out/reexport.onnx" "$pruned" --batch 16 \
      --rounds "${ROUNDS:-5}" --threads "$threads" --json > "$out/latency.json.tmp" 2> "$out/latency$suffix.log" \
      && mv "$out/latency.json.tmp" "$out/latency$suffix.json"; }
done
python3 - "$suffix" "${families[@]}" <<'PY'
import json, os, sys
suffix, families = sys.argv[1], sys.argv[2:]
print("| family | dense MB | import + check s | check: rel. diff | MAC reduction | params reduction | pruned vs original, b1 | b16 | pruned vs dense re-exported, b1 | b16 |")
print("|---|---|---|---|---|---|---|---|---|---|")
for f in families:
    d = f"runs/zoo-onnx/{f}"
    i = json.load(open(f"{d}/inspect.json")); p = json.load(open(f"{d}/prune{suffix}.json"))
    lat = json.load(open(f"{d}/latency{suffix}.json"))
    secs = open(f"{d}/inspect.seconds").read().split()[-1]
    mb = os.path.getsize(f"{d}/dense.onnx") / 1e6
    dense, again, pr = lat["models"]
    def speed(b):
        lo, hi = pr[f"speedUpBatch{b}Range"]
        return f"{pr[f'speedUpBatch{b}']:.2f}x ({lo:.2f}-{hi:.2f})"
    def own(b):  # pruned against prune4j's export of the same dense model, medians of the same rounds
        return f"{again[f'batch{b}Ms'] / pr[f'batch{b}Ms']:.2f}x"
    print(f"| {f} | {mb:.0f} | {float(secs):.1f} | {i['check']['relativeDifference']:.1e} | {p['macReduction']:.2f}x "
          f"| {p['paramReduction']:.2f}x | {speed(1)} | {speed(16)} | {own(1)} | {own(16)} |")
PY
