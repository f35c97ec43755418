"""Mean and spread over seeds of the lottery study's test accuracy per round, one table per model.

    python3 benchmarks/summarize_lottery.py runs/lottery mlp
"""
import glob
import json
import os
import statistics
import sys

root, model = sys.argv[1], sys.argv[2]
curves = {}  # label -> round -> [top1 per seed]
density = {}
dense = {}
for path in sorted(glob.glob(os.path.join(root, model + "-s*", "lottery.json"))):
    r = json.load(open(path))
    rewind = r["settings"]["rewind"]
    label = "COLT, %d splits" % r["settings"]["splits"] if r["settings"].get("splits", 1) > 1 else "rewind " + rewind
    seed = os.path.basename(os.path.dirname(path)).split("-s")[1].split("-")[0]
    dense.setdefault(seed, r["denseTop1"])
    for rd in r["rounds"]:
        if label.startswith("rewind"):
            density[rd["round"]] = rd["density"]
        else:
            curves.setdefault(label + " density", {}).setdefault(rd["round"], []).append(rd["density"])
        curves.setdefault(label, {}).setdefault(rd["round"], []).append(rd["top1"])
        for c, v in rd["controls"].items():
            curves.setdefault(c, {}).setdefault(rd["round"], []).append(v)


def cell(values):
    if not values:
        return "-"
    m = 100 * statistics.mean(values)
    spread = 100 * (max(values) - min(values))
    return "%.2f (±%.2f, %d)" % (m, spread / 2, len(values)) if len(values) > 1 else "%.2f (1)" % m


d = list(dense.values())
print("dense: %s over %d seeds" % (cell(d), len(d)))
labels = list(curves)
print("| round | weights left | " + " | ".join(labels) + " |")
print("|---|---|" + "---|" * len(labels))
for rnd in sorted(density):
    print("| %d | %.1f%% | " % (rnd, 100 * density[rnd]) + " | ".join(cell(curves[l].get(rnd, [])) for l in labels) + " |")
