#!/usr/bin/env python3
"""PyTorch reference throughput benchmark (images/s) for LeNet-5 and ResNet-20.

Used to compare against the Java implementation of exactly the same
architectures. Input is 1x28x28 (Fashion-MNIST shaped), 10 classes, random
data generated once before timing (torch.manual_seed(0)); nothing is loaded
inside the timed region.

Run with Debian's torch:  /usr/bin/python3 benchmarks/pytorch_throughput.py --help
"""
import argparse
import json
import os
import re
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

NUM_CLASSES = 10
IN_CHANNELS = 1
IMAGE_SIZE = 28


# --------------------------------------------------------------------------
# Architectures
# --------------------------------------------------------------------------
def lenet5(in_channels=IN_CHANNELS, num_classes=NUM_CLASSES):
    return nn.Sequential(
        nn.Conv2d(in_channels, 6, 5, padding=2), nn.ReLU(),
        nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.ReLU(),
        nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, num_classes),
    )


def conv3x3(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = conv3x3(cin, cout, stride)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = conv3x3(cout, cout)
        self.bn2 = nn.BatchNorm2d(cout)
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride=stride, bias=False),
                nn.BatchNorm2d(cout))
        else:
            self.shortcut = nn.Identity()

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet20(nn.Module):
    """CIFAR-style ResNet-20 (He et al. 2016): 3 stages x 3 BasicBlocks."""

    def __init__(self, in_channels=IN_CHANNELS, num_classes=NUM_CLASSES):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        layers = []
        cin = 16
        for cout, stride in ((16, 1), (32, 2), (64, 2)):
            for i in range(3):
                layers.append(BasicBlock(cin, cout, stride if i == 0 else 1))
                cin = cout
        self.layers = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(64, num_classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layers(x)
        x = torch.flatten(self.pool(x), 1)
        return self.fc(x)


MODELS = {"lenet5": lenet5, "resnet20": ResNet20}


def count_params(model):
    return sum(p.numel() for p in model.parameters())


# --------------------------------------------------------------------------
# Environment info
# --------------------------------------------------------------------------
def blas_info():
    """First line of torch.__config__.show() mentioning BLAS (or None)."""
    for line in torch.__config__.show().splitlines():
        if "BLAS" in line:
            line = line.strip()
            m = re.search(r"BLAS_INFO=([^,\s]+)", line)
            # The build-settings line is very long; keep the BLAS_INFO token
            # when present, the whole line otherwise.
            return ("BLAS_INFO=" + m.group(1)) if m else line
    return None


def loaded_libs():
    """Shared objects related to BLAS/LAPACK/OpenMP/allocators actually mapped
    into this process (shows what the alternatives system / LD_LIBRARY_PATH /
    LD_PRELOAD resolved to)."""
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 6 and re.search(
                        r"blas|lapack|omp|mkl|tcmalloc|jemalloc", parts[-1]):
                    libs.add(parts[-1])
    except OSError:
        pass
    return sorted(libs)


# --------------------------------------------------------------------------
# Benchmark
# --------------------------------------------------------------------------
def make_steps(model, x, y):
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9,
                          weight_decay=5e-4)

    def train_step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()  # Java side also reads the loss every step

    def infer_step():
        with torch.no_grad():
            return model(x)

    return train_step, infer_step


def measure(step, warmup, steps, repeats, batch):
    for _ in range(warmup):
        step()
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        dt = time.perf_counter() - t0
        runs.append(steps * batch / dt)
    return runs


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", choices=["lenet5", "resnet20", "all"], default="all")
    ap.add_argument("--mode", choices=["train", "infer", "both"], default="both")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--steps", type=int, default=20, help="steps per repetition (W)")
    ap.add_argument("--repeats", type=int, default=5, help="timed repetitions (R)")
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--channels-last", action="store_true",
                    help="convert model and inputs to torch.channels_last")
    ap.add_argument("--json", action="store_true",
                    help="print one JSON object per model/mode")
    args = ap.parse_args(argv)

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    mem_fmt = torch.channels_last if args.channels_last else torch.contiguous_format

    names = ["lenet5", "resnet20"] if args.model == "all" else [args.model]
    modes = ["train", "infer"] if args.mode == "both" else [args.mode]
    binfo = blas_info()
    libs = loaded_libs()

    if not args.json:
        print(f"torch {torch.__version__}, threads={torch.get_num_threads()}, "
              f"interop={torch.get_num_interop_threads()}, batch={args.batch}, "
              f"channels_last={args.channels_last}, {binfo}")
        print("loaded libs: " + ", ".join(libs))
        print(f"warm-up {args.warmup} steps, {args.repeats} x {args.steps} steps")

    for name in names:
        torch.manual_seed(0)
        model = MODELS[name]()
        nparams = count_params(model)
        model = model.to(memory_format=mem_fmt)
        x = torch.randn(args.batch, IN_CHANNELS, IMAGE_SIZE, IMAGE_SIZE)
        x = x.contiguous(memory_format=mem_fmt)
        y = torch.randint(0, NUM_CLASSES, (args.batch,))
        train_step, infer_step = make_steps(model, x, y)
        if not args.json:
            print(f"\n{name}: {nparams:,} parameters ({IN_CHANNELS} input channel)")
        for mode in modes:
            if mode == "train":
                model.train()
                step = train_step
            else:
                model.eval()
                step = infer_step
            runs = measure(step, args.warmup, args.steps, args.repeats, args.batch)
            med = statistics.median(runs)
            if args.json:
                print(json.dumps({
                    "model": name, "mode": mode, "batch": args.batch,
                    "threads": args.threads,
                    "median_images_per_second": round(med, 2),
                    "runs": [round(r, 2) for r in runs],
                    "torch_version": torch.__version__,
                    "channels_last": args.channels_last,
                    "blas_info": binfo,
                    "parameters": nparams,
                    "loaded_libs": libs,
                    "ld_preload": os.environ.get("LD_PRELOAD", ""),
                }), flush=True)
            else:
                print(f"  {mode:5s}: median {med:9.1f} img/s   runs: "
                      + " ".join(f"{r:.1f}" for r in runs), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
