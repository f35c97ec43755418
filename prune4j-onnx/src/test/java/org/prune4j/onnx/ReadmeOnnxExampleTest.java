package org.prune4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.model.Model;
import org.prune4j.pruning.PruningTarget;
import org.prune4j.pruning.StructuredPruner;

import java.io.IOException;
import java.nio.file.Path;

/** The README's ONNX example, as written, on a PyTorch-exported fixture. */
class ReadmeOnnxExampleTest {

    @TempDir
    Path dir;

    @Test
    void onnxInSmallerOnnxOut() throws IOException {
        Path modelFile = PyTorchImportTest.fixture(dir, "resnet");
        long macsBefore;
        try (Model model = OnnxImporter.load(modelFile)) {
            macsBefore = ModelSummary.of(model.graph()).macs();
            StructuredPruner.builder().setCriterion("l1").setTarget(PruningTarget.parse("macs=2x"))
                    .build().prune(model, null);
            OnnxExporter.export(model, dir.resolve("small.onnx"));
        }
        try (OnnxRuntimeRunner ort = OnnxRuntimeRunner.open(dir.resolve("small.onnx"), 2)) {
            double ms = ort.medianMillis(1, 10, 51);
            assertThat(ms).isPositive();
        }
        float[] input = PyTorchImportTest.floats("resnet.input.bin");
        try (Model small = OnnxImporter.load(dir.resolve("small.onnx"));
                OnnxRuntimeRunner ort = OnnxRuntimeRunner.open(dir.resolve("small.onnx"), 1)) {
            assertThat(ModelSummary.of(small.graph()).macs()).isLessThanOrEqualTo(macsBefore / 2);
            OnnxRoundTripTest.assertClose(ort.run(input, 2), OnnxRoundTripTest.forward(small, input, 2),
                    "the small file in ONNX Runtime vs prune4j");
            // the metadata says what was done to the model: pruned, after being imported
            assertThat(small.provenance().parent().kind()).isEqualTo("prune");
            assertThat(small.provenance().parent().parent().kind()).isEqualTo("onnx-import");
        }
    }
}
