package org.prune4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.prune4j.dependency.ChannelRemoval;
import org.prune4j.dependency.DependencyGraph;
import org.prune4j.dependency.Group;
import org.prune4j.engine.Engines;
import org.prune4j.graph.ops.ChannelShuffleOp;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.model.Model;
import org.prune4j.pruning.PruningTarget;
import org.prune4j.pruning.StructuredPruner;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Models exported by PyTorch (tools/make_onnx_fixtures.py) import with PyTorch's outputs and prune consistently. */
@Tag("engine-paths")   // rerun under every oneDNN instruction-set cap (prune4j-parent pom)
class PyTorchImportTest {

    @TempDir
    Path dir;

    static Path fixture(Path dir, String name) throws IOException {
        return fixture(dir, "fixtures", name);
    }

    /** Copies {@code folder/name.onnx} (a test resource next to this class) into {@code dir}. */
    static Path fixture(Path dir, String folder, String name) throws IOException {
        Path f = dir.resolve(name + ".onnx");
        try (InputStream in = PyTorchImportTest.class.getResourceAsStream(folder + "/" + name + ".onnx")) {
            Files.copy(in, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return f;
    }

    static float[] floats(String resource) throws IOException {
        return floats("fixtures", resource);
    }

    /** The little-endian float32 values of {@code folder/resource}. */
    static float[] floats(String folder, String resource) throws IOException {
        try (InputStream in = PyTorchImportTest.class.getResourceAsStream(folder + "/" + resource)) {
            byte[] b = in.readAllBytes();
            float[] out = new float[b.length / 4];
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet", "mobilenetv2", "inception", "se", "shuffle", "mlp", "normalized"})
    void importedModelGivesPyTorchsOutputs(String name) throws IOException {
        try (Model model = OnnxImporter.load(fixture(dir, name))) {
            float[] actual = OnnxRoundTripTest.forward(model, floats(name + ".input.bin"), 2);
            OnnxRoundTripTest.assertClose(actual, floats(name + ".output.bin"), name + " vs PyTorch");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet", "mobilenetv2", "inception", "se", "normalized"})
    void importedModelPrunesToItsMacTargetAndOnnxRuntimeComputesWhatPrune4jDoes(String name) throws IOException {
        try (Model model = OnnxImporter.load(fixture(dir, name))) {
            long before = ModelSummary.of(model.graph()).macs();
            StructuredPruner.builder().setCriterion("l1").setTarget(PruningTarget.parse("macs=1.5x")).build()
                    .prune(model, null);
            assertThat((double) ModelSummary.of(model.graph()).macs()).isLessThanOrEqualTo(before / 1.5);
            Path out = dir.resolve(name + "-pruned.onnx");
            OnnxExporter.export(model, out);
            float[] input = floats(name + ".input.bin");
            float[] ours = OnnxRoundTripTest.forward(model, input, 2);
            try (OnnxRuntimeRunner ort = OnnxRuntimeRunner.open(out, 1)) {
                OnnxRoundTripTest.assertClose(ort.run(input, 2), ours, name + " pruned, ONNX Runtime vs prune4j");
            }
        }
    }

    /** Channels chosen at random in every group of an imported model: removing them equals masking them. */
    @ParameterizedTest
    @ValueSource(strings = {"resnet", "mobilenetv2", "inception", "se", "mlp", "normalized"})
    void randomChannelsRemovedFromAnImportedModelEqualTheMaskedModel(String name) throws IOException {
        try (Model pruned = OnnxImporter.load(fixture(dir, name));
                Model masked = OnnxImporter.load(fixture(dir, name))) {
            assertRemovingRandomChannelsEqualsMaskingThem(pruned, masked, floats(name + ".input.bin"), 2, name);
        }
    }

    /** Removes a third of every group's channels (at random) from {@code pruned} and masks the same in {@code masked}. */
    static void assertRemovingRandomChannelsEqualsMaskingThem(Model pruned, Model masked, float[] input, int batch,
            String name) {
        java.util.Random random = new java.util.Random(name.hashCode());
        java.util.Map<Group, int[]> removal = new java.util.LinkedHashMap<>();
        java.util.Map<Group, int[]> maskedRemoval = new java.util.LinkedHashMap<>();
        DependencyGraph maskedDeps = DependencyGraph.of(masked.graph());
        for (Group g : DependencyGraph.of(pruned.graph()).groups()) {
            if (g.size() < 2) {
                continue;
            }
            int[] remove = random.ints(0, g.size()).distinct().limit(Math.max(1, g.size() / 3)).sorted().toArray();
            removal.put(g, remove);
            maskedRemoval.put(maskedDeps.groupOf(g.root()), remove);
        }
        assertThat(removal).isNotEmpty();
        ChannelRemoval.mask(masked, maskedRemoval);
        ChannelRemoval.remove(pruned, removal, null);
        assertThat(ModelSummary.of(pruned.graph()).macs()).isLessThan(ModelSummary.of(masked.graph()).macs());
        OnnxRoundTripTest.assertClose(OnnxRoundTripTest.forward(pruned, input, batch),
                OnnxRoundTripTest.forward(masked, input, batch), name + " pruned vs masked");
    }

    @Test
    void removedChannelsOfAnImportedResidualNetEqualTheMaskedModel() throws IOException {
        try (Model pruned = OnnxImporter.load(fixture(dir, "resnet"));
                Model masked = OnnxImporter.load(fixture(dir, "resnet"))) {
            DependencyGraph deps = DependencyGraph.of(pruned.graph());
            java.util.Set<String> adds = new java.util.HashSet<>();
            pruned.graph().nodes().stream().filter(n -> n.op() instanceof org.prune4j.graph.ops.AddOp)
                    .forEach(n -> adds.add(n.name()));
            Group residual = deps.groups().stream().filter(g -> g.spaces().stream().anyMatch(adds::contains))
                    .findFirst().orElseThrow();
            assertThat(residual.spaces().stream().filter(sp -> !sp.equals(pruned.graph().inputName())
                    && pruned.graph().node(sp).op() instanceof org.prune4j.graph.ops.Conv2dOp))
                    .as("the stem conv and the block's last conv are coupled through the add").hasSizeGreaterThanOrEqualTo(2);
            int[] remove = {0, 3};
            // groups are found per model: the same root names the same channels in both
            Group maskedResidual = DependencyGraph.of(masked.graph()).groupOf(residual.root());
            ChannelRemoval.mask(masked, java.util.Map.of(maskedResidual, remove));
            ChannelRemoval.remove(pruned, java.util.Map.of(residual, remove), null);
            float[] input = floats("resnet.input.bin");
            OnnxRoundTripTest.assertClose(OnnxRoundTripTest.forward(pruned, input, 2),
                    OnnxRoundTripTest.forward(masked, input, 2), "pruned vs masked");
        }
    }

    @Test
    void channelsAroundAChannelShuffleAreLeftUntouchedAndNamed() throws IOException {
        try (Model model = OnnxImporter.load(fixture(dir, "shuffle"))) {
            String shuffle = model.graph().nodes().stream().filter(n -> n.op() instanceof ChannelShuffleOp)
                    .findFirst().orElseThrow().name();
            DependencyGraph deps = DependencyGraph.of(model.graph());
            assertThat(deps.untouched()).anyMatch(s -> s.contains(shuffle) && s.contains("channel shuffle"));
            assertThat(deps.groups()).noneMatch(g -> g.spaces().contains(shuffle));
            StructuredPruner.builder().setCriterion("l1").setTarget(PruningTarget.parse("ratio=0.5")).build().prune(model, null);
            assertThat(model.graph().shapeOf(shuffle)).isEqualTo(new Shape(8, 28, 28));
            float[] input = floats("shuffle.input.bin");
            try (NDManager m = model.manager().newSubManager()) {
                assertThat(model.forward(Engines.create(m, input, new Shape(2, 1, 28, 28)), false).getShape())
                        .isEqualTo(new Shape(2, 10));
            }
        }
    }
}
