"""Trains a small CNN on Fashion-MNIST with PyTorch (Debian's python3-torch) and exports it to
ONNX: the "model born in PyTorch" of the ONNX end-to-end benchmark (benchmarks/onnx_e2e.sh).
Inputs are normalized exactly as prune4j normalizes Fashion-MNIST (mean 0.2860, std 0.3530).

    /usr/bin/python3 benchmarks/train_fmnist_cnn_pytorch.py OUT.onnx [EPOCHS]
"""
import gzip
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn

DATA = "/usr/share/datasets/fashion-mnist"


def idx(name):
    with gzip.open(f"{DATA}/{name}", "rb") as f:
        magic, n = struct.unpack(">II", f.read(8))
        if magic == 2051:
            rows, cols = struct.unpack(">II", f.read(8))
            return np.frombuffer(f.read(), np.uint8).reshape(n, 1, rows, cols)
        return np.frombuffer(f.read(), np.uint8)


def tensors(split):
    x = idx(f"{split}-images-idx3-ubyte.gz").astype(np.float32) / 255.0
    y = idx(f"{split}-labels-idx1-ubyte.gz").astype(np.int64)
    return torch.from_numpy((x - 0.2860) / 0.3530), torch.from_numpy(y)


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.3),
                                        nn.Linear(128, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


if __name__ == "__main__":
    out, epochs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 4
    torch.manual_seed(0)
    torch.set_num_threads(2)
    xtr, ytr = tensors("train")
    xte, yte = tensors("t10k")
    model = Cnn()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)
    steps = epochs * (len(xtr) // 128)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 0.1, total_steps=steps)
    start = time.time()
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(len(xtr))
        for i in range(len(xtr) // 128):
            idxs = perm[i * 128:(i + 1) * 128]
            loss = nn.functional.cross_entropy(model(xtr[idxs]), ytr[idxs])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        model.eval()
        with torch.no_grad():
            acc = sum((model(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum().item() for i in range(0, 10000, 1000))
        print(f"epoch {epoch + 1}/{epochs}: test top-1 {acc / 100:.2f}% ({time.time() - start:.0f} s)", flush=True)
    torch.onnx.export(model, xte[:1], out, opset_version=17, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
    print(f"saved {out}: PyTorch test top-1 {acc / 100:.2f}%")
