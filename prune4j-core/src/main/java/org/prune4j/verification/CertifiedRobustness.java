package org.prune4j.verification;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.prune4j.data.Batch;
import org.prune4j.data.ImageDataset;
import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.model.Model;
import org.prune4j.train.DataPipeline;

import java.util.Iterator;
import java.util.Set;

/**
 * Certified robustness under an L∞ ball of radius ε around each test image (in pixel units,
 * [0, 1], clipped to that range), by interval bound propagation: an example is certified when
 * the bounds prove that every input in its ball gets the true class. The last linear layer is
 * folded into the margins z_y − z_j (Gowal et al.'s elision), which is much tighter than
 * comparing the logits' intervals. Also counts the unstable ReLUs — those whose pre-activation
 * interval contains 0 — which are what makes the bounds loose (Li et al. 2023 prune to reduce
 * them).
 */
public final class CertifiedRobustness {

    private CertifiedRobustness() {}

    /**
     * @param certifiedTop1 the fraction of examples certified correct at ε
     * @param unstablePerExample mean number of unstable ReLU units per example
     * @param unstableFraction that number over all ReLU units of the model
     */
    public record Result(double epsilon, double certifiedTop1, double unstablePerExample, double unstableFraction,
            long reluUnits, int examples) {}

    public static Result certify(Model model, String dataName, ImageDataset data, double epsilon) {
        if (!(epsilon >= 0)) {
            throw new IllegalArgumentException("epsilon must be >= 0 but was " + epsilon);
        }
        Graph graph = model.graph();
        IntervalBounds.checkSupported(graph);
        Set<String> preActivations = IntervalBounds.reluInputs(graph);
        long reluUnits = preActivations.stream().mapToLong(n -> graph.shapeOf(n).size()).sum();
        Node output = graph.node(graph.outputName());
        String logitsInput = output.op() instanceof LinearOp ? output.inputs().get(0) : null;
        float[][] last = logitsInput == null ? null : weightAndBias(model, output.name());
        Iterator<Batch> lows = DataPipeline.evalLoader(dataName, shifted(data, -epsilon)).epoch(0).iterator();
        Iterator<Batch> highs = DataPipeline.evalLoader(dataName, shifted(data, epsilon)).epoch(0).iterator();
        long certified = 0;
        long unstable = 0;
        while (lows.hasNext()) {
            Batch low = lows.next();
            Batch high = highs.next();
            try (NDManager step = model.manager().newSubManager()) {
                Box input = new Box(low.toNDList(step).get(0), high.toNDList(step).get(0));
                float[][] features = new float[2][];
                long[] unstableInBatch = new long[1];
                Box logits = IntervalBounds.propagate(model, input, (node, box) -> {
                    if (preActivations.contains(node)) {
                        unstableInBatch[0] += countUnstable(box);
                    }
                    if (node.equals(logitsInput)) {
                        features[0] = box.lower().toFloatArray();
                        features[1] = box.upper().toFloatArray();
                    }
                });
                unstable += unstableInBatch[0];
                certified += logitsInput != null
                        ? countByMargins(last[0], last[1], features, low.labels())
                        : countByLogits(logits, low.labels());
            }
        }
        int n = data.size();
        return new Result(epsilon, certified / (double) n, unstable / (double) n,
                reluUnits == 0 ? 0 : unstable / (double) n / reluUnits, reluUnits, n);
    }

    static long countUnstable(Box box) {
        float[] l = box.lower().toFloatArray();
        float[] u = box.upper().toFloatArray();
        long count = 0;
        for (int i = 0; i < l.length; i++) {
            count += l[i] < 0 && u[i] > 0 ? 1 : 0;
        }
        return count;
    }

    /** A linear layer's weight (row-major) and bias (null without one), as floats. */
    private static float[][] weightAndBias(Model model, String linear) {
        float[] w = model.parameter(linear, "weight").value().toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                .toFloatArray();
        NDArray biasArray = model.parametersOf(linear).containsKey("bias") ? model.parameter(linear, "bias").value() : null;
        float[] b = biasArray == null ? null : biasArray.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        return new float[][] {w, b};
    }

    /** Certified iff min over the box of (w_y − w_j)·h + b_y − b_j > 0 for every j ≠ y. */
    private static long countByMargins(float[] w, float[] b, float[][] features, int[] labels) {
        int batch = labels.length;
        int f = features[0].length / batch;
        int k = w.length / f;
        long certified = 0;
        for (int n = 0; n < batch; n++) {
            int y = labels[n];
            boolean all = true;
            for (int j = 0; j < k && all; j++) {
                if (j == y) {
                    continue;
                }
                double margin = b == null ? 0 : b[y] - b[j];
                for (int i = 0; i < f; i++) {
                    double d = w[y * f + i] - w[j * f + i];
                    double lo = features[0][n * f + i];
                    double hi = features[1][n * f + i];
                    margin += d >= 0 ? d * lo : d * hi; // the minimum of d·h over [lo, hi]
                }
                all = margin > 0;
            }
            certified += all ? 1 : 0;
        }
        return certified;
    }

    private static long countByLogits(Box logits, int[] labels) {
        float[] l = logits.lower().toFloatArray();
        float[] u = logits.upper().toFloatArray();
        int k = l.length / labels.length;
        long certified = 0;
        for (int n = 0; n < labels.length; n++) {
            boolean all = true;
            for (int j = 0; j < k; j++) {
                all &= j == labels[n] || l[n * k + labels[n]] > u[n * k + j];
            }
            certified += all ? 1 : 0;
        }
        return certified;
    }

    /** The data set with every pixel moved by {@code delta} and clipped to [0, 1]: a corner of the ball. */
    static ImageDataset shifted(ImageDataset data, double delta) {
        int size = data.sampleSize();
        float[] pixels = new float[data.size() * size];
        float[] sample = new float[size];
        for (int i = 0; i < data.size(); i++) {
            data.copySample(i, sample);
            for (int j = 0; j < size; j++) {
                pixels[i * size + j] = (float) Math.min(1, Math.max(0, sample[j] + delta));
            }
        }
        return data.withPixels(data.name(), pixels);
    }
}
