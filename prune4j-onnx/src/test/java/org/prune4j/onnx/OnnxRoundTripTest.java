package org.prune4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.prune4j.engine.Engines;
import org.prune4j.model.Model;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooArchitecture;
import org.prune4j.zoo.ZooOptions;

import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

@Tag("engine-paths")   // rerun under every oneDNN instruction-set cap (prune4j-parent pom)
class OnnxRoundTripTest {

    @TempDir
    Path dir;

    static Stream<String> zoo() {
        return ModelZoo.architectures().stream().map(ZooArchitecture::name);
    }

    @ParameterizedTest
    @MethodSource("zoo")
    void exportRunsInOnnxRuntimeAndImportsBackWithTheSameOutputs(String name) {
        Path file = dir.resolve(name + ".onnx");
        float[] input = randomInput(3 * 28 * 28, 5);
        float[] expected;
        try (Model model = trainedLooking(name)) {
            expected = forward(model, input, 3);
            OnnxExporter.export(model, file);
        }
        try (OnnxRuntimeRunner ort = OnnxRuntimeRunner.open(file, 1)) {
            assertClose(ort.run(input, 3), expected, "ONNX Runtime vs prune4j");
        }
        try (Model imported = OnnxImporter.load(file)) {
            assertClose(forward(imported, input, 3), expected, "re-imported vs original");
            assertThat(imported.provenance().parent()).as("the original's provenance travels in the metadata").isNotNull();
        }
    }

    /** A zoo model with non-trivial batch-norm statistics (two training-mode passes). */
    static Model trainedLooking(String name) {
        Model model = Model.builder().setGraph(ModelZoo.build(name, ZooOptions.fashionMnist().withWidth(0.5)))
                .optSeed(3).build();
        try (NDManager m = model.manager().newSubManager()) {
            float[] x = randomInput(8 * 28 * 28, 9);
            model.forward(Engines.create(m, x, new Shape(8, 1, 28, 28)), true);
            model.forward(Engines.create(m, x, new Shape(8, 1, 28, 28)), true);
        }
        model.setProvenance(org.prune4j.model.Provenance.of("test", java.util.Map.of("model", name), null));
        return model;
    }

    static float[] forward(Model model, float[] input, int batch) {
        try (NDManager m = model.manager().newSubManager()) {
            Shape shape = new Shape(batch).addAll(model.graph().inputShape());
            return model.forward(Engines.create(m, input, shape), false).toFloatArray();
        }
    }

    static float[] randomInput(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    static void assertClose(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(Math.abs(actual[i] - expected[i])).as("%s, output %d: %s vs %s", what, i, actual[i], expected[i])
                    .isLessThanOrEqualTo(1e-4f + 1e-4f * Math.abs(expected[i]));
        }
    }
}
