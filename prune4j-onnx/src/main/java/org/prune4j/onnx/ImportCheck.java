package org.prune4j.onnx;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.prune4j.engine.Engines;
import org.prune4j.model.Model;

import java.nio.file.Path;
import java.util.Random;

/**
 * Whether an import computes what the file computes: the original file in ONNX Runtime and the
 * imported model in the engine on the same random inputs (standard normal, fixed seed).
 *
 * @param batch samples compared (the file's fixed batch, else 2)
 * @param maxAbsDifference the largest absolute difference of any output value
 * @param maxAbsOutput the largest absolute output of ONNX Runtime (the scale the difference is relative to)
 */
public record ImportCheck(int batch, double maxAbsDifference, double maxAbsOutput) {

    /** Relative difference above which an import is called wrong (float32 sums in another order stay far below). */
    public static final double TOLERANCE = 1e-4;

    /** Runs {@code file} in ONNX Runtime and {@code imported} (its import) on the same inputs. */
    public static ImportCheck of(Path file, Model imported, int threads) {
        try (OnnxRuntimeRunner ort = OnnxRuntimeRunner.open(file, threads)) {
            int batch = ort.fixedBatch() > 0 ? ort.fixedBatch() : 2;
            Shape perSample = imported.graph().inputShape();
            float[] input = new float[Math.toIntExact(batch * perSample.size())];
            Random random = new Random(42);
            for (int i = 0; i < input.length; i++) {
                input[i] = (float) random.nextGaussian();
            }
            float[] expected = ort.run(input, batch);
            float[] actual;
            try (NDManager step = imported.manager().newSubManager()) {
                actual = imported.forward(Engines.create(step, input, new Shape(batch).addAll(perSample)), false)
                        .toFloatArray();
            }
            if (actual.length != expected.length) {
                throw new IllegalStateException("the import gives " + actual.length + " outputs for " + batch
                        + " samples, ONNX Runtime " + expected.length);
            }
            double maxDiff = 0;
            double maxOut = 0;
            for (int i = 0; i < expected.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
                maxOut = Math.max(maxOut, Math.abs(expected[i]));
            }
            return new ImportCheck(batch, maxDiff, maxOut);
        }
    }

    /** The largest difference relative to the largest output. */
    public double relativeDifference() {
        return maxAbsOutput == 0 ? maxAbsDifference : maxAbsDifference / maxAbsOutput;
    }

    public boolean exact() {
        return relativeDifference() <= TOLERANCE;
    }
}
