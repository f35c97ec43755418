package org.prune4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.model.Model;
import org.prune4j.pruning.PruningTarget;
import org.prune4j.pruning.StructuredPruner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The torchvision families (tools/make_zoo_fixtures.py: PyTorch's exporter, random weights, small
 * widths) import with PyTorch's outputs, and prune by whole channels (and whole groups) into
 * files ONNX Runtime runs with prune4j's outputs.
 */
class ZooImportTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "resnext50", "wide_resnet50", "mobilenet_v2", "mobilenet_v3_small",
            "efficientnet_b0", "regnet_x", "regnet_y", "densenet", "googlenet", "inception_v3", "shufflenet_v2",
            "squeezenet", "vgg11_bn", "mnasnet", "alexnet", "convnext", "vit", "vit_dynamic", "swin", "swin_dynamic"})
    void importGivesPyTorchsOutputs(String family) throws IOException {
        try (Model model = OnnxImporter.load(fixture(family))) {
            float[] actual = OnnxRoundTripTest.forward(model, floats(family + ".input.bin"), 2);
            OnnxRoundTripTest.assertClose(actual, floats(family + ".output.bin"), family + " vs PyTorch");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "resnext50", "wide_resnet50", "mobilenet_v2", "mobilenet_v3_small",
            "efficientnet_b0", "regnet_x", "regnet_y", "densenet", "googlenet", "inception_v3", "shufflenet_v2",
            "squeezenet", "vgg11_bn", "mnasnet", "alexnet", "convnext", "vit", "swin"})
    void removingChannelsEqualsMaskingThem(String family) throws IOException {
        Path file = fixture(family);
        try (Model pruned = OnnxImporter.load(file); Model masked = OnnxImporter.load(file)) {
            PyTorchImportTest.assertRemovingRandomChannelsEqualsMaskingThem(pruned, masked,
                    floats(family + ".input.bin"), 2, family);
        }
    }

    /** What {@code prune --method l1 --target macs=2x --data none --out pruned.onnx} does, checked at every step. */
    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "resnext50", "wide_resnet50", "mobilenet_v2", "mobilenet_v3_small",
            "efficientnet_b0", "regnet_x", "regnet_y", "densenet", "googlenet", "inception_v3", "shufflenet_v2",
            "squeezenet", "vgg11_bn", "mnasnet", "alexnet", "swin"})
    void halvingTheMacsWritesASmallerFileThatOnnxRuntimeRunsWithPrune4jsOutputs(String family) throws IOException {
        Path file = fixture(family);
        try (Model model = OnnxImporter.load(file)) {
            long before = ModelSummary.of(model.graph()).macs();
            StructuredPruner.builder().setCriterion("l1").setTarget(PruningTarget.parse("macs=2x")).build()
                    .prune(model, null);
            assertThat((double) ModelSummary.of(model.graph()).macs()).isLessThanOrEqualTo(before / 2.0);
            Path out = dir.resolve(family + "-pruned.onnx");
            OnnxExporter.export(model, out);
            assertThat(Files.size(out)).isLessThan(Files.size(file));
            float[] input = floats(family + ".input.bin");
            try (OnnxRuntimeRunner ort = OnnxRuntimeRunner.open(out, 1)) {
                OnnxRoundTripTest.assertClose(ort.run(input, 2), OnnxRoundTripTest.forward(model, input, 2),
                        family + " pruned, ONNX Runtime vs prune4j");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnext50", "regnet_x"})
    void groupedConvolutionsLoseWholeGroupsAndKeepTheirGroupWidth(String family) throws IOException {
        try (Model original = OnnxImporter.load(fixture(family)); Model model = OnnxImporter.load(fixture(family))) {
            StructuredPruner.builder().setCriterion("l1").setTarget(PruningTarget.parse("macs=2x")).build()
                    .prune(model, null);
            boolean someGroupsWent = false;
            for (var node : original.graph().nodes()) {
                if (node.op() instanceof Conv2dOp conv && conv.groups() > 1) {
                    Conv2dOp after = (Conv2dOp) model.graph().node(node.name()).op();
                    long widthBefore = original.graph().shapeOf(node.name()).get(0) / conv.groups();
                    assertThat(model.graph().shapeOf(node.name()).get(0) / after.groups()).as(node.name())
                            .isEqualTo(widthBefore);
                    someGroupsWent |= after.groups() < conv.groups();
                }
            }
            assertThat(someGroupsWent).isTrue();
        }
    }

    /** ConvNeXt's blocks run channels-last with layer norm and GELU: only the MLP's hidden units (4C) are removable. */
    @org.junit.jupiter.api.Test
    void convNextPrunesItsMlpHiddenUnitsAndLeavesTheLayerNormedChannels() throws IOException {
        try (Model model = OnnxImporter.load(fixture("convnext"))) {
            var deps = org.prune4j.dependency.DependencyGraph.of(model.graph());
            assertThat(deps.groups()).hasSize(2).allSatisfy(g -> assertThat(g.root()).endsWith("block_3/MatMul"));
            assertThat(deps.untouched()).anyMatch(u -> u.contains("layer norm normalizes across all channels"));
            long before = ModelSummary.of(model.graph()).macs();
            StructuredPruner.builder().setCriterion("l1").setTarget(PruningTarget.parse("macs=1.5x")).build()
                    .prune(model, null);
            assertThat((double) ModelSummary.of(model.graph()).macs()).isLessThanOrEqualTo(before / 1.5);
            Path out = dir.resolve("convnext-pruned.onnx");
            OnnxExporter.export(model, out);
            float[] input = floats("convnext.input.bin");
            try (OnnxRuntimeRunner ort = OnnxRuntimeRunner.open(out, 1)) {
                OnnxRoundTripTest.assertClose(ort.run(input, 2), OnnxRoundTripTest.forward(model, input, 2),
                        "convnext pruned, ONNX Runtime vs prune4j");
            }
        }
    }

    /**
     * torchvision's Swin: each shifted-window attention scope imports as projections and a
     * window-attention node; a head goes with its q, k, v and output channels and its position
     * bias, and the smaller file (rolls, windows and mask written in standard ops) runs in ONNX
     * Runtime and imports back.
     */
    @org.junit.jupiter.api.Test
    void swinLosesWholeWindowAttentionHeadsIntoAFileThatRunsAndImportsBack() throws IOException {
        try (Model model = OnnxImporter.load(fixture("swin_dynamic"))) {
            var attention = model.graph().nodes().stream()
                    .filter(n -> n.op() instanceof org.prune4j.graph.ops.WindowAttentionOp).toList();
            assertThat(attention).hasSize(4).anySatisfy(n -> assertThat(
                    ((org.prune4j.graph.ops.WindowAttentionOp) n.op()).shiftH()).as("shifted blocks").isEqualTo(2));
            var deps = org.prune4j.dependency.DependencyGraph.of(model.graph());
            var heads = deps.groups().stream().filter(g -> g.root().endsWith("attn/qkv")).toList();
            assertThat(heads).hasSize(4).allSatisfy(g -> assertThat(g.size()).as("2 heads").isEqualTo(2));
            java.util.Map<org.prune4j.dependency.Group, int[]> removal = new java.util.LinkedHashMap<>();
            heads.forEach(g -> removal.put(g, new int[] {0}));
            org.prune4j.dependency.ChannelRemoval.remove(model, removal, null);
            for (var n : model.graph().nodes()) {
                if (n.op() instanceof org.prune4j.graph.ops.WindowAttentionOp op) {
                    assertThat(model.parameter(n.name(), "bias").value().getShape().get(0)).as("bias of one head").isEqualTo(1);
                    assertThat(model.graph().shapeOf(n.name()).get(0)).isEqualTo(op.headDim());
                }
            }
            assertExportRunsInOnnxRuntimeAndImportsBack(model, "swin");
        }
    }

    /**
     * torchvision's ViT: its attention blocks import as projections and heads, a head is removed with
     * its q, k, v and output channels, and the smaller file runs in ONNX Runtime and imports back.
     */
    @org.junit.jupiter.api.Test
    void vitLosesWholeHeadsAndMlpUnitsIntoAFileThatRunsAndImportsBack() throws IOException {
        try (Model model = OnnxImporter.load(fixture("vit"))) {
            var deps = org.prune4j.dependency.DependencyGraph.of(model.graph());
            var heads = deps.groups().stream().filter(g -> g.root().endsWith("self_attention/in_proj")).toList();
            assertThat(heads).hasSize(2).allSatisfy(g -> assertThat(g.size()).as("2 heads").isEqualTo(2));
            java.util.Map<org.prune4j.dependency.Group, int[]> removal = new java.util.LinkedHashMap<>();
            heads.forEach(g -> removal.put(g, new int[] {1}));
            org.prune4j.dependency.ChannelRemoval.remove(model, removal, null);
            var attention = model.graph().nodes().stream()
                    .filter(n -> n.op() instanceof org.prune4j.graph.ops.AttentionOp).toList();
            assertThat(attention).allSatisfy(n -> assertThat(model.graph().shapeOf(n.name()).get(0)).isEqualTo(8));
            assertExportRunsInOnnxRuntimeAndImportsBack(model, "vit");
        }
    }

    /** The pruned model exported: ONNX Runtime and the re-imported file both give the model's outputs. */
    private void assertExportRunsInOnnxRuntimeAndImportsBack(Model model, String family) throws IOException {
        Path out = dir.resolve(family + "-pruned.onnx");
        OnnxExporter.export(model, out);
        float[] input = floats(family + ".input.bin");
        float[] ours = OnnxRoundTripTest.forward(model, input, 2);
        try (OnnxRuntimeRunner ort = OnnxRuntimeRunner.open(out, 1); Model back = OnnxImporter.load(out)) {
            OnnxRoundTripTest.assertClose(ort.run(input, 2), ours, family + " pruned, ONNX Runtime vs prune4j");
            OnnxRoundTripTest.assertClose(OnnxRoundTripTest.forward(back, input, 2), ours, family + " pruned, imported back");
        }
    }

    private Path fixture(String family) throws IOException {
        return PyTorchImportTest.fixture(dir, "zoo", family);
    }

    private static float[] floats(String resource) throws IOException {
        return PyTorchImportTest.floats("zoo", resource);
    }
}
