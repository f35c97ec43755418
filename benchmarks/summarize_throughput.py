"""Medians over rounds and prune4j/PyTorch ratios from compare_throughput.sh's JSON lines."""
import collections
import json
import statistics
import sys

rows = [json.loads(line) for line in open(sys.argv[1])]
by = collections.defaultdict(list)
for r in rows:
    by[(r["model"], r["mode"], r["impl"], r["config"])].append(r["ips"])
med = {k: statistics.median(v) for k, v in by.items()}
rounds = max(r["round"] for r in rows)
print(f"median images/s over {rounds} rounds (2 threads, batch 128, 1x28x28)\n")
print("| model | mode | prune4j channels-last | prune4j contiguous | PyTorch stock | PyTorch tuned | prune4j / stock | prune4j / tuned |")
print("|---|---|---|---|---|---|---|---|")
for model in ("lenet5", "resnet20"):
    for mode in ("train", "infer", "inferFoldedBatchNorm"):
        p = med.get((model, mode, "prune4j", "tcmalloc+channels-last"))
        pc = med.get((model, mode, "prune4j", "tcmalloc+contiguous"))
        torch_mode = "infer" if mode.startswith("infer") else mode
        s = med.get((model, torch_mode, "pytorch", "stock"))
        t = med.get((model, torch_mode, "pytorch", "tuned"))
        label = "infer, BN folded" if mode == "inferFoldedBatchNorm" else mode
        print(f"| {model} | {label} | {p:.0f} | {pc:.0f} | {s:.0f} | {t:.0f} | {p / s:.2f} | {p / t:.2f} |")
blas = sorted({(r["config"], b) for r in rows if r["impl"] == "pytorch" for b in r.get("blas", [])})
print("\nratios use prune4j channels-last; PyTorch's BLAS per config:", blas)
