"""The torchvision model families as ONNX files, exported by PyTorch's own exporter (opset 13,
random weights, batch-norm statistics randomized so batch norm is really exercised), each with a
fixed input and PyTorch's output for it (raw little-endian float32).

    # small widths, batch 2: the fixtures of prune4j-onnx's ZooImportTest (committed)
    /usr/bin/python3 tools/make_zoo_fixtures.py small prune4j-onnx/src/test/resources/org/prune4j/onnx/zoo
    # torchvision's own sizes, 3x224x224, dynamic batch: the ONNX Runtime speed-up benchmark (benchmarks/zoo_onnx.sh)
    /usr/bin/python3 tools/make_zoo_fixtures.py full /tmp/zoo-full

Needs Debian's python3-torch, python3-torchvision (and python3-onnx for the check of each file).
Where a family's torchvision constructor has fixed widths that would make a file of many
megabytes, the small variant keeps the family's building blocks (torchvision's own modules) and
shrinks the widths.
"""
import os
import sys

import torch
import torch.nn as nn
from torchvision import models
from torchvision.models import efficientnet, inception, mobilenetv3, regnet, resnet, squeezenet

from make_onnx_fixtures import randomize_bn  # noqa: E402 (this folder's other fixture script)

googlenet = sys.modules["torchvision.models.googlenet"]  # the package's function `googlenet` hides the module

torch.manual_seed(0)


class ScaledResNet(resnet.ResNet):
    """torchvision's ResNet with every stage's width divided by `div` (the stem keeps 64)."""

    def __init__(self, block, layers, div, num_classes=10, **kwargs):
        self.div = div
        super().__init__(block, layers, num_classes=num_classes, **kwargs)
        self.fc = nn.Linear(512 // div * block.expansion, num_classes)

    def _make_layer(self, block, planes, blocks, stride=1, dilate=False):
        return super()._make_layer(block, planes // self.div, blocks, stride, dilate)


def small_googlenet():
    """GoogLeNet's stem and Inception modules (ceil-mode max pools) at a quarter of the widths."""
    I = googlenet.Inception
    B = googlenet.BasicConv2d
    return nn.Sequential(
        B(3, 16, kernel_size=7, stride=2, padding=3), nn.MaxPool2d(3, stride=2, ceil_mode=True),
        B(16, 48, kernel_size=3, padding=1), nn.MaxPool2d(3, stride=2, ceil_mode=True),
        I(48, 16, 24, 32, 4, 8, 8), I(64, 32, 32, 48, 8, 24, 16), nn.MaxPool2d(3, stride=2, ceil_mode=True),
        I(120, 48, 24, 52, 4, 12, 16), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Dropout(0.2),
        nn.Linear(128, 10))


def small_inception():
    """Inception-v3's A (average-pool branch) and C (factorized 7x7) modules behind a small stem."""
    B = inception.BasicConv2d
    return nn.Sequential(
        B(3, 16, kernel_size=3, stride=2), B(16, 32, kernel_size=3, padding=1), nn.MaxPool2d(3, stride=2),
        inception.InceptionA(32, pool_features=8), nn.MaxPool2d(3, stride=2),
        inception.InceptionC(232, channels_7x7=16), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
        nn.Linear(768, 10))


def small_squeezenet():
    """SqueezeNet 1.1's layout (ceil-mode pools, Fire modules, conv classifier) at half the widths."""
    F = squeezenet.Fire
    model = models.SqueezeNet("1_1", num_classes=10)
    model.features = nn.Sequential(
        nn.Conv2d(3, 32, kernel_size=3, stride=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, ceil_mode=True),
        F(32, 8, 16, 16), F(32, 8, 16, 16), nn.MaxPool2d(3, 2, ceil_mode=True), F(32, 16, 32, 32),
        nn.MaxPool2d(3, 2, ceil_mode=True), F(64, 24, 48, 48))
    model.classifier[1] = nn.Conv2d(96, 10, kernel_size=1)
    return model


def small_vgg():
    cfg = [8, "M", 16, "M", 32, 32, "M", 64, 64, "M", 64, 64]  # 4 pools: 7x7 at 112x112
    model = models.VGG(models.vgg.make_layers(cfg, batch_norm=True), num_classes=10)
    model.classifier = nn.Sequential(nn.Linear(64 * 7 * 7, 32), nn.ReLU(True), nn.Dropout(), nn.Linear(32, 32),
                                     nn.ReLU(True), nn.Dropout(), nn.Linear(32, 10))
    return model


def small_alexnet():
    model = models.AlexNet(num_classes=10)
    model.features = nn.Sequential(
        nn.Conv2d(3, 16, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, stride=2),
        nn.Conv2d(16, 48, kernel_size=5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, stride=2),
        nn.Conv2d(48, 96, kernel_size=3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(96, 64, kernel_size=3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(64, 64, kernel_size=3, padding=1), nn.ReLU(inplace=True))  # no last pool: 6x6 at 112x112
    model.classifier = nn.Sequential(nn.Dropout(), nn.Linear(64 * 6 * 6, 64), nn.ReLU(inplace=True), nn.Dropout(),
                                     nn.Linear(64, 64), nn.ReLU(inplace=True), nn.Linear(64, 10))
    return model


def small_mobilenet_v3():
    setting, last = mobilenetv3._mobilenet_v3_conf("mobilenet_v3_small", width_mult=0.25)
    return mobilenetv3.MobileNetV3(setting, last // 4, num_classes=10)


def small_efficientnet():
    setting, last = efficientnet._efficientnet_conf("efficientnet_b0", width_mult=0.25, depth_mult=0.25)
    return efficientnet.EfficientNet(setting, 0.2, num_classes=10, last_channel=last)


def nonzero(model):
    """Random values for zero-initialized parameters (a ViT's class token and head: else every output is 0)."""
    with torch.no_grad():
        for p in model.parameters():
            if p.abs().sum() == 0:
                p.normal_(0, 0.5)
    return model


def small_vit():
    return nonzero(models.VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=16,
                                            mlp_dim=32, num_classes=10))


def small_regnet(se_ratio):
    params = regnet.BlockParams.from_init_params(depth=4, w_0=16, w_a=8.0, w_m=2.0, group_width=8, se_ratio=se_ratio)
    return regnet.RegNet(params, num_classes=10, stem_width=16)


# name -> (small model, input size of the small model, full-size constructor)
FAMILIES = {
    "resnet18": (lambda: ScaledResNet(resnet.BasicBlock, [2, 2, 2, 2], div=8), 64, models.resnet18),
    "resnext50": (lambda: ScaledResNet(resnet.Bottleneck, [1, 1, 1, 1], div=4, groups=4, width_per_group=8), 64,
                  models.resnext50_32x4d),
    "wide_resnet50": (lambda: ScaledResNet(resnet.Bottleneck, [1, 1, 1, 1], div=8, width_per_group=128), 64,
                      models.wide_resnet50_2),
    "mobilenet_v2": (lambda: models.MobileNetV2(num_classes=10, width_mult=0.25), 64, models.mobilenet_v2),
    "mobilenet_v3_small": (small_mobilenet_v3, 64, models.mobilenet_v3_small),
    "efficientnet_b0": (small_efficientnet, 64, models.efficientnet_b0),
    "regnet_x": (lambda: small_regnet(None), 64, models.regnet_x_400mf),
    "regnet_y": (lambda: small_regnet(0.25), 64, models.regnet_y_400mf),
    "densenet": (lambda: models.DenseNet(growth_rate=8, block_config=(2, 2, 2, 2), num_init_features=16,
                                         num_classes=10), 64, models.densenet121),
    "googlenet": (small_googlenet, 64, lambda: models.googlenet(aux_logits=False, init_weights=True)),
    "inception_v3": (small_inception, 75, lambda: models.inception_v3(aux_logits=False, init_weights=True)),
    "shufflenet_v2": (lambda: models.ShuffleNetV2([2, 2, 2], [8, 16, 32, 64, 128], num_classes=10), 64,
                      models.shufflenet_v2_x1_0),
    "squeezenet": (small_squeezenet, 64, models.squeezenet1_1),
    "vgg11_bn": (small_vgg, 112, models.vgg11_bn),
    "mnasnet": (lambda: models.MNASNet(0.25, num_classes=10), 64, models.mnasnet0_5),
    "alexnet": (small_alexnet, 112, models.alexnet),
    "convnext": (lambda: models.ConvNeXt([models.convnext.CNBlockConfig(8, 16, 1), models.convnext.CNBlockConfig(16, None, 1)],
                                         num_classes=10), 64, models.convnext_tiny),
    "vit": (small_vit, 32, lambda: nonzero(models.vit_b_16())),
    "swin": (lambda: models.SwinTransformer([4, 4], 16, [2, 2], [2, 2], [4, 4], num_classes=10), 64, models.swin_t),
}


def export(name, model, x, out, dynamic_batch=False):
    model = randomize_bn(model).eval()
    path = os.path.join(out, name + ".onnx")
    with torch.no_grad():
        y = model(x)
    # with gradients on, attention takes its decomposed path (the fused one has no ONNX form in opset 13)
    axes = {"input": {0: "batch"}, "logits": {0: "batch"}} if dynamic_batch else None
    torch.onnx.export(model, x, path, opset_version=13, input_names=["input"], output_names=["logits"],
                      dynamic_axes=axes)
    x.numpy().astype("<f4").tofile(os.path.join(out, name + ".input.bin"))
    y.numpy().astype("<f4").tofile(os.path.join(out, name + ".output.bin"))
    print(f"{name}: {os.path.getsize(path) / 1e6:.2f} MB, input {tuple(x.shape)}, output {tuple(y.shape)}")


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("small", "full"):
        sys.exit("usage: make_zoo_fixtures.py small|full OUT_DIR [family ...]")
    size, out = sys.argv[1], sys.argv[2]
    wanted = sys.argv[3:] or list(FAMILIES)
    os.makedirs(out, exist_ok=True)
    for name in wanted:
        dynamic = name.endswith("_dynamic")  # e.g. vit_dynamic: the small model with a dynamic batch (shape arithmetic)
        small, resolution, full = FAMILIES[name.removesuffix("_dynamic")]
        torch.manual_seed(0)
        try:
            if size == "small":
                export(name, small(), torch.randn(2, 3, resolution, resolution), out, dynamic_batch=dynamic)
            else:
                export(name, full(), torch.randn(1, 3, 224, 224), out, dynamic_batch=True)
        except Exception as e:  # a family the exporter cannot write is reported, the others still made
            print(f"{name}: export failed: {type(e).__name__}: {e}".splitlines()[0])


if __name__ == "__main__":
    main()
