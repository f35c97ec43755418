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
print("| model | mode | prune4j channels-last | prune4j contiguous | PyTorch stock | PyTorch tcmalloc+channels-last | prune4j / stock | prune4j / tuned |")
print("|---|---|---|---|---|---|---|---|")
for model in ("lenet5", "resnet20"):
    for mode in ("train", "infer"):
        p = med.get((model, mode, "prune4j", "tcmalloc+channels-last"))
        pc = med.get((model, mode, "prune4j", "tcmalloc+contiguous"))
        s = med.get((model, mode, "pytorch", "stock"))
        t = med.get((model, mode, "pytorch", "tcmalloc+channels-last"))
        best = max(p, pc)
        print(f"| {model} | {mode} | {p:.0f} | {pc:.0f} | {s:.0f} | {t:.0f} | {best / s:.2f} | {best / t:.2f} |")
print("\nratios use prune4j's faster layout for that model and mode (the default is channels-last)")
