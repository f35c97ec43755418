"""Writes the small ONNX fixtures of prune4j-onnx's tests with Debian's python3-torch and
python3-torchvision: each model.onnx comes with a fixed input and PyTorch's output for it
(raw little-endian float32), which the import test compares with prune4j's forward.

    /usr/bin/python3 tools/make_onnx_fixtures.py prune4j-onnx/src/test/resources/org/prune4j/onnx/fixtures
"""
import os
import sys

import torch
import torch.nn as nn
from torchvision.models.mobilenetv2 import InvertedResidual
from torchvision.models.resnet import BasicBlock
from torchvision.models.shufflenetv2 import channel_shuffle
from torchvision.ops import SqueezeExcitation

torch.manual_seed(0)


def randomize_bn(model):
    """Non-trivial running statistics, so batch norm is really exercised."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)
    return model


class TinyResNet(nn.Module):
    """Two torchvision BasicBlocks, one with a projection shortcut; flatten via view."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        down = nn.Sequential(nn.Conv2d(8, 16, 1, stride=2, bias=False), nn.BatchNorm2d(16))
        self.layer1 = BasicBlock(8, 8)
        self.layer2 = BasicBlock(8, 16, stride=2, downsample=down)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.layer2(self.layer1(self.stem(x)))
        x = self.pool(x)
        return self.fc(x.view(x.size(0), -1))


class TinyMobileNet(nn.Module):
    """torchvision InvertedResidual blocks (depthwise convs, ReLU6, a residual) and hardswish."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(8), nn.Hardswish())
        self.blocks = nn.Sequential(InvertedResidual(8, 8, 1, 4), InvertedResidual(8, 16, 2, 4),
                                    InvertedResidual(16, 16, 1, 4))
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2), nn.Linear(16, 10))

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)))


class TinyInception(nn.Module):
    """GoogLeNet-style branches concatenated on channels, then a DenseNet-style concat."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.b1 = nn.Sequential(nn.Conv2d(8, 4, 1), nn.ReLU())
        self.b3 = nn.Sequential(nn.Conv2d(8, 6, 1), nn.ReLU(), nn.Conv2d(6, 8, 3, padding=1), nn.ReLU())
        self.bp = nn.Sequential(nn.AvgPool2d(3, stride=1, padding=1), nn.Conv2d(8, 4, 1), nn.ReLU())
        self.dense = nn.Sequential(nn.BatchNorm2d(16), nn.ReLU(), nn.Conv2d(16, 6, 3, padding=1))
        self.fc = nn.Linear(22, 10)

    def forward(self, x):
        x = self.stem(x)
        x = torch.cat([self.b1(x), self.b3(x), self.bp(x)], 1)
        x = torch.cat([x, self.dense(x)], 1)
        return torch.softmax(self.fc(x.mean([2, 3])), 1)


class TinySE(nn.Module):
    """torchvision SqueezeExcitation (avg-pool, 1x1 conv, ReLU, 1x1 conv, sigmoid, multiply) and SiLU."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.SiLU())
        self.se = SqueezeExcitation(16, 4)
        self.conv2 = nn.Sequential(nn.Conv2d(16, 16, 3, stride=2, padding=1), nn.BatchNorm2d(16), nn.Hardswish())
        self.se2 = SqueezeExcitation(16, 8, scale_activation=nn.Hardsigmoid)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.se2(self.conv2(self.se(self.conv(x))))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


class TinyShuffle(nn.Module):
    """A ShuffleNet channel shuffle (Reshape, Transpose, Reshape) between convolutions."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU())
        self.conv2 = nn.Sequential(nn.Conv2d(8, 8, 1), nn.ReLU())
        self.conv3 = nn.Sequential(nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU())
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = channel_shuffle(self.conv2(self.conv1(x)), 2)
        x = self.conv3(x)
        return self.fc(x.mean([2, 3]))


class TinyMlp(nn.Module):
    """Input normalization written as Sub/Div, a reshape to (N, -1), a MatMul with an added bias, Gemm."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(784, 32) * 0.05)
        self.b = nn.Parameter(torch.randn(32) * 0.1)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = (x - 0.25) / 0.5
        x = x.reshape(-1, 784)
        x = torch.relu(torch.matmul(x, self.w) + self.b)
        return self.fc(x) * 2.0


class TinyNormalized(nn.Module):
    """Per-channel constants: (x - mean[c]) / std[c] on a 3-channel input, and x * gamma[c] + beta[c] after a conv."""

    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.tensor([0.4, 0.5, 0.6]).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor([0.2, 0.25, 0.3]).view(1, 3, 1, 1))
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.register_buffer("gamma", torch.rand(8, 1, 1) + 0.5)
        self.register_buffer("beta", torch.rand(8, 1, 1) - 0.5)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1)
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        x = (x - self.mean) / self.std
        x = torch.relu(self.conv(x)) * self.gamma + self.beta
        x = torch.relu(self.conv2(x))
        return self.fc(x.mean([2, 3]))


FIXTURES = {"resnet": (TinyResNet, 13), "mobilenetv2": (TinyMobileNet, 14), "inception": (TinyInception, 17),
            "se": (TinySE, 17), "shuffle": (TinyShuffle, 11), "mlp": (TinyMlp, 13), "normalized": (TinyNormalized, 13)}

if __name__ == "__main__":
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, (cls, opset) in FIXTURES.items():
        model = randomize_bn(cls()).eval()
        x = torch.randn(2, 3, 16, 16) if name == "normalized" else torch.randn(2, 1, 28, 28)
        with torch.no_grad():
            y = model(x)
        torch.onnx.export(model, x, os.path.join(out, name + ".onnx"), opset_version=opset,
                          input_names=["input"], output_names=["logits"], dynamic_axes={"input": {0: "N"}})
        x.numpy().astype("<f4").tofile(os.path.join(out, name + ".input.bin"))
        y.numpy().astype("<f4").tofile(os.path.join(out, name + ".output.bin"))
        print(name, "opset", opset, tuple(y.shape))
