package org.prune4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.prune4j.engine.Engines;
import org.prune4j.model.Model;
import org.prune4j.model.Provenance;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * An ONNX file exported by the build that defined version 1 of prune4j's ONNX metadata
 * (tools/MakeFormatFixtures.java) still imports: its provenance chain from the metadata, and
 * the outputs prune4j computed before export. (Its channel-affine op, exported as Reshape of a
 * constant, did not import back until the importer folded constant Reshapes.)
 */
class OnnxFormatVersion1Test {

    @Test
    void aVersion1ExportImportsWithItsProvenanceAndTheSameOutputs() throws Exception {
        Path file = Files.createTempFile("v1-all-ops", ".onnx");
        try (InputStream in = OnnxFormatVersion1Test.class.getResourceAsStream("v1/v1-all-ops.onnx")) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            Provenance p = OnnxImporter.readProvenance(file);
            assertThat(p.kind()).isEqualTo("prune");
            assertThat(p.parent().kind()).isEqualTo("train");
            try (Model model = OnnxImporter.load(file); NDManager m = Engines.get().newBaseManager()) {
                assertThat(model.provenance().kind()).isEqualTo("onnx-import");
                assertThat(model.provenance().parent().kind()).isEqualTo("prune");
                float[] input = floats("v1/v1-all-ops.input.bin");
                float[] expected = floats("v1/v1-all-ops.output.bin");
                float[] actual = model.forward(Engines.create(m, input, new Shape(3, 2, 8, 8)), false).toFloatArray();
                assertThat(actual).hasSameSizeAs(expected);
                for (int i = 0; i < expected.length; i++) {
                    assertThat(actual[i]).as("output %d", i).isCloseTo(expected[i], within(1e-5f));
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static float[] floats(String resource) throws Exception {
        try (InputStream in = OnnxFormatVersion1Test.class.getResourceAsStream(resource)) {
            ByteBuffer b = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            float[] v = new float[b.remaining() / 4];
            b.asFloatBuffer().get(v);
            return v;
        }
    }
}
