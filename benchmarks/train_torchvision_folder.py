"""Trains a small torchvision ViT or ConvNeXt (the widths of tools/make_zoo_fixtures.py, 10 classes) in PyTorch on an
image folder at 3x32x32 (grayscale images repeated to RGB), reports its test accuracy and exports it to ONNX
(opset 13, dynamic batch) for prune4j (benchmarks/transformer_finetune.sh).

    /usr/bin/python3 benchmarks/train_torchvision_folder.py vit|convnext FOLDER EPOCHS SEED OUT.onnx
"""
import json
import sys

import torch
import torch.nn as nn
from torchvision import datasets, models, transforms

family, folder, epochs, seed, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
torch.manual_seed(seed)
torch.set_num_threads(2)
if family == "vit":
    model = models.VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=16, mlp_dim=32,
                                     num_classes=10)
else:
    model = models.ConvNeXt([models.convnext.CNBlockConfig(8, 16, 1), models.convnext.CNBlockConfig(16, None, 1)],
                            num_classes=10)
# prune4j's image folder: shorter side to 32 (bilinear), center crop, RGB, [0, 1], no normalization file
tf = transforms.Compose([transforms.Resize(32), transforms.CenterCrop(32), transforms.Grayscale(3), transforms.ToTensor()])
train = torch.utils.data.DataLoader(datasets.ImageFolder(folder + "/train", tf), batch_size=128, shuffle=True,
                                    num_workers=1)
test = torch.utils.data.DataLoader(datasets.ImageFolder(folder + "/test", tf), batch_size=256)
opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.05)
steps = epochs * len(train)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=steps)
for epoch in range(epochs):
    model.train()
    for x, y in train:
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
        sched.step()
model.eval()
correct = total = 0
with torch.no_grad():
    for x, y in test:
        correct += (model(x).argmax(1) == y).sum().item()
        total += len(y)
torch.onnx.export(model, torch.randn(1, 3, 32, 32), out, opset_version=13, input_names=["input"],
                  output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
print(json.dumps({"family": family, "epochs": epochs, "seed": seed, "top1": correct / total,
                  "parameters": sum(p.numel() for p in model.parameters())}))
