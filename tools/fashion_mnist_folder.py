"""Writes Fashion-MNIST as an image folder (ROOT/train/<class>/<i>.png, ROOT/test/<class>/<i>.png, 28x28
grayscale PNGs) from the IDX files of Debian's dataset-fashion-mnist, for `--data image-folder --data-dir ROOT`
(prune4j brings the images to the model's input: resized, 1 or 3 channels).

    /usr/bin/python3 tools/fashion_mnist_folder.py ROOT [--limit N]
"""
import gzip
import os
import sys

from PIL import Image

SRC = "/usr/share/datasets/fashion-mnist"
CLASSES = ["0-tshirt", "1-trouser", "2-pullover", "3-dress", "4-coat", "5-sandal", "6-shirt", "7-sneaker", "8-bag",
           "9-boot"]


def idx(name):
    with gzip.open(os.path.join(SRC, name)) as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return data[4 + 4 * dims:], shape


def main():
    root = sys.argv[1]
    limit = int(sys.argv[sys.argv.index("--limit") + 1]) if "--limit" in sys.argv else None
    for split, prefix in (("train", "train"), ("test", "t10k")):
        pixels, shape = idx(prefix + "-images-idx3-ubyte.gz")
        labels, _ = idx(prefix + "-labels-idx1-ubyte.gz")
        n = shape[0] if limit is None else min(limit, shape[0])
        for c in CLASSES:
            os.makedirs(os.path.join(root, split, c), exist_ok=True)
        for i in range(n):
            img = Image.frombytes("L", (28, 28), pixels[i * 784:(i + 1) * 784])
            img.save(os.path.join(root, split, CLASSES[labels[i]], f"{i:05d}.png"))
        print(split, n, "images")


if __name__ == "__main__":
    main()
