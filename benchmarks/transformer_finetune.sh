#!/usr/bin/env bash
# A ViT and a ConvNeXt (torchvision's, small widths) trained in PyTorch on Fashion-MNIST as an image folder
# (3x32x32), then pruned by prune4j from the command line on that folder and fine-tuned (docs/BENCHMARKS.md,
# issue 14): accuracy of the dense model, right after pruning and after fine-tuning, all measured by prune4j.
#   benchmarks/transformer_finetune.sh [seeds...]        default: 0 1 2
# Env: EPOCHS (PyTorch training, default 5), FT (prune4j fine-tuning epochs, default 2), THREADS (default 2),
#      PRUNE4J=path. Results: runs/transformer-ft/<family>-s<seed>/ (finished steps are not redone).
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=("$@"); [[ ${#seeds[@]} -gt 0 ]] || seeds=(0 1 2)
folder=runs/fmnist-folder
[[ -d "$folder/test" ]] || /usr/bin/python3 tools/fashion_mnist_folder.py "$folder"
for seed in "${seeds[@]}"; do
  for family in vit convnext; do
    out="runs/transformer-ft/$family-s$seed"; mkdir -p "$out"
    [[ -f "$out/dense.json" ]] || { /usr/bin/python3 benchmarks/train_torchvision_folder.py "$family" "$folder" \
        "${EPOCHS:-5}" "$seed" "$out/dense.onnx" > "$out/dense.json.tmp" 2> "$out/dense.log" \
        && mv "$out/dense.json.tmp" "$out/dense.json"; }
    # at these widths the patch embedding / stem and the layer-normed residual stream (never pruned) hold about
    # 40% of the MACs, so 1.5x fewer MACs takes most of the heads and MLP units that can go
    target=macs=1.5x
    [[ -f "$out/prune.json" ]] || { ${PRUNE4J:-./prune4j} prune --model "$out/dense.onnx" --method l1 --target "$target" \
        --data image-folder --data-dir "$folder" --finetune-epochs "${FT:-2}" --seed "$seed" --threads "${THREADS:-2}" \
        --no-latency --round-to 1 --out "$out/pruned.onnx" --json > "$out/prune.json.tmp" 2> "$out/prune.log" \
        && mv "$out/prune.json.tmp" "$out/prune.json"; }
  done
done
python3 - "${seeds[@]}" <<'PY'
import json, statistics, sys
print("| model | target | PyTorch dense top-1 | prune4j: dense | after pruning | after fine-tuning | MAC reduction |")
print("|---|---|---|---|---|---|---|")
for family in ("vit", "convnext"):
    rows = []
    for s in sys.argv[1:]:
        d = json.load(open(f"runs/transformer-ft/{family}-s{s}/dense.json"))
        p = json.load(open(f"runs/transformer-ft/{family}-s{s}/prune.json"))
        rows.append((100 * d["top1"], 100 * p["accuracyBefore"], 100 * p["accuracyAfterPruning"],
                     100 * p["accuracyAfterFineTuning"], p["macReduction"]))
    def ms(i):
        v = [r[i] for r in rows]
        return f"{statistics.mean(v):.2f} ± {statistics.stdev(v) if len(v) > 1 else 0:.2f}"
    print(f"| {family} ({len(rows)} seeds) | macs=1.5x | {ms(0)} | {ms(1)} | {ms(2)} | {ms(3)} | {ms(4)}x |")
PY
