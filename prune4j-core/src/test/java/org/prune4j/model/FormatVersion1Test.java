package org.prune4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.prune4j.engine.Engines;
import org.prune4j.graph.Node;
import org.prune4j.graph.OpRegistry;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.TreeSet;

/**
 * A checkpoint written by the build that defined format version 1 (tools/MakeFormatFixtures.java,
 * frozen in test resources) still loads: every op type, parameters, buffers, the provenance
 * chain, and the same outputs.
 */
class FormatVersion1Test {

    /** The op types of format version 1 (later types, e.g. slice, are new in the same format: files only gain them). */
    private static final Set<String> VERSION_1_TYPES = Set.of("activation", "add", "batchnorm", "channel-affine",
            "channel-shuffle", "concat", "conv2d", "dropout", "flatten", "global-avg-pool", "identity", "linear", "mul",
            "pool2d", "scale-shift", "softmax");

    @Test
    void aVersion1CheckpointLoadsWithItsProvenanceAndComputesTheSameOutputs() throws Exception {
        Path file = Files.createTempFile("v1-all-ops", ".p4j");
        try (InputStream in = FormatVersion1Test.class.getResourceAsStream("v1/v1-all-ops.p4j")) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        try (Model model = Checkpoint.load(file); NDManager m = Engines.get().newBaseManager()) {
            Set<String> types = new TreeSet<>();
            model.graph().nodes().stream().map(Node::op).forEach(op -> types.add(op.type()));
            assertThat(types).as("the fixture covers every op type a version-1 checkpoint can hold")
                    .containsExactlyInAnyOrderElementsOf(VERSION_1_TYPES);
            assertThat(OpRegistry.types()).as("no op type of version 1 was renamed or dropped")
                    .containsAll(VERSION_1_TYPES);
            assertThat(model.provenance().kind()).isEqualTo("prune");
            assertThat(model.provenance().settings()).containsEntry("method", "l1");
            assertThat(model.provenance().parent().kind()).isEqualTo("train");
            assertThat(model.provenance().parent().settings()).containsEntry("model", "format-fixture");

            float[] input = floats("v1/v1-all-ops.input.bin");
            float[] expected = floats("v1/v1-all-ops.output.bin");
            float[] actual = model.forward(Engines.create(m, input, new Shape(3, 2, 8, 8)), false).toFloatArray();
            assertThat(actual).hasSameSizeAs(expected);
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).as("output %d", i).isCloseTo(expected[i], within(1e-5f));
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    static float[] floats(String resource) throws Exception {
        try (InputStream in = FormatVersion1Test.class.getResourceAsStream(resource)) {
            ByteBuffer b = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            float[] v = new float[b.remaining() / 4];
            b.asFloatBuffer().get(v);
            return v;
        }
    }
}
