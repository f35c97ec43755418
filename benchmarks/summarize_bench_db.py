"""Markdown tables from a prune4j results database (docs/BENCHMARKS.md):
top-1 after fine-tuning, mean ± sd over seeds, per model, method and compression.

    python3 benchmarks/summarize_bench_db.py runs/fmnist.db
"""
import json
import sqlite3
import statistics
import sys
from collections import defaultdict

db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
rows = db.execute("SELECT model, kind, method, compression, seed, top1_before, top1_pruned, top1_finetuned, "
                  "actual_compression, theoretical_speedup, measured_speedup_b128, size_bytes, wall_seconds, metrics "
                  "FROM runs").fetchall()
cell = defaultdict(list)
dense = defaultdict(list)
for model, kind, method, c, seed, before, pruned, ft, actual, speed, measured, size, wall, metrics in rows:
    if kind == "dense":
        dense[model].append((ft, size, wall))
    else:
        cell[(model, method, c)].append((ft, pruned, speed, measured, actual, size, wall))


def ms(values, scale=100, digits=2):
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    m = statistics.mean(values) * scale
    sd = statistics.stdev(values) * scale if len(values) > 1 else 0
    return f"{m:.{digits}f} ± {sd:.{digits}f}"


for model in sorted({k[0] for k in cell}):
    d = dense[model]
    print(f"\n### {model}: dense {ms([x[0] for x in d])}% ({len(d)} seeds)\n")
    comps = sorted({k[2] for k in cell if k[0] == model})
    methods = sorted({k[1] for k in cell if k[0] == model})
    print("| method | " + " | ".join(f"×{c:g}" for c in comps) + " |")
    print("|---|" + "---|" * len(comps))
    for m in methods:
        print(f"| {m} | " + " | ".join(ms([x[0] for x in cell[(model, m, c)]]) for c in comps) + " |")
    print("\nRight after pruning (before fine-tuning):\n")
    print("| method | " + " | ".join(f"×{c:g}" for c in comps) + " |")
    print("|---|" + "---|" * len(comps))
    for m in methods:
        print(f"| {m} | " + " | ".join(ms([x[1] for x in cell[(model, m, c)]]) for c in comps) + " |")
    print("\nTheoretical speed-up (total / non-zero MACs), mean over seeds:\n")
    print("| method | " + " | ".join(f"×{c:g}" for c in comps) + " |")
    print("|---|" + "---|" * len(comps))
    for m in methods:
        print(f"| {m} | " + " | ".join(ms([x[2] for x in cell[(model, m, c)]], 1) for c in comps) + " |")
    sizes = [x[5] for k, v in cell.items() if k[0] == model for x in v]
print("\nruns:", len(rows), " total wall time of runs: %.0f s" % sum(r[12] for r in rows))
