package org.prune4j.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import org.prune4j.data.Batch;
import org.prune4j.data.DataLoader;
import org.prune4j.graph.ops.SoftmaxOp;
import org.prune4j.model.Model;
import org.prune4j.train.EvalResult;

import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * A model's class probabilities (softmax of its outputs) for every example of a data set, with
 * the labels. Every behaviour metric is computed from these off the engine, so a synthetic
 * predictor tests a metric exactly and an exported CSV recomputes it outside prune4j.
 */
public final class Predictions {

    private final float[] probabilities; // N x K, row-major
    private final int[] labels;
    private final int classes;

    /**
     * @param probabilities N x K probabilities, row-major (each row should sum to 1)
     * @param labels N class indices in [0, K)
     * @param classes K
     */
    public Predictions(float[] probabilities, int[] labels, int classes) {
        this.probabilities = Objects.requireNonNull(probabilities, "probabilities");
        this.labels = Objects.requireNonNull(labels, "labels");
        if (classes < 2 || probabilities.length != (long) labels.length * classes) {
            throw new IllegalArgumentException(probabilities.length + " probabilities do not make " + labels.length
                    + " rows of " + classes + " classes");
        }
        this.classes = classes;
    }

    /** The model's predictions over one pass of {@code loader}, in eval mode. */
    public static Predictions of(Model model, DataLoader loader) {
        return of(model, loader, (node, output) -> {});
    }

    /** As {@link #of(Model, DataLoader)}, showing every intermediate output to {@code observer}. */
    public static Predictions of(Model model, DataLoader loader, BiConsumer<String, NDArray> observer) {
        int n = loader.dataset().size();
        int k = (int) model.graph().outputShape().get(0);
        float[] probabilities = new float[n * k];
        int[] labels = new int[n];
        // a graph that ends in softmax (some ONNX imports) gives probabilities already
        boolean probabilitiesOut = model.graph().node(model.graph().outputName()).op() instanceof SoftmaxOp;
        int row = 0;
        for (Batch batch : loader.epoch(0)) {
            try (NDManager step = model.manager().newSubManager()) {
                NDList xy = batch.toNDList(step);
                NDArray logits = model.forward(xy.get(0), false, java.util.Map.of(), observer);
                NDArray out = logits.toType(DataType.FLOAT32, false);
                float[] p = (probabilitiesOut ? out : out.softmax(-1)).toFloatArray();
                System.arraycopy(p, 0, probabilities, row * k, p.length);
                System.arraycopy(batch.labels(), 0, labels, row, batch.size());
                row += batch.size();
            }
        }
        if (row != n) {
            throw new IllegalStateException("the loader gave " + row + " examples of " + n);
        }
        return new Predictions(probabilities, labels, k);
    }

    public int size() {
        return labels.length;
    }

    public int classes() {
        return classes;
    }

    public int label(int i) {
        return labels[i];
    }

    public float probability(int i, int k) {
        return probabilities[i * classes + k];
    }

    /** The arg-max class of example {@code i} (the lowest index on ties). */
    public int predicted(int i) {
        int best = 0;
        for (int k = 1; k < classes; k++) {
            if (probabilities[i * classes + k] > probabilities[i * classes + best]) {
                best = k;
            }
        }
        return best;
    }

    /** The probability of the predicted class. */
    public float confidence(int i) {
        return probability(i, predicted(i));
    }

    public boolean correct(int i) {
        return predicted(i) == labels[i];
    }

    /** Top-1 accuracy. */
    public double accuracy() {
        long right = 0;
        for (int i = 0; i < size(); i++) {
            right += correct(i) ? 1 : 0;
        }
        return size() == 0 ? Double.NaN : right / (double) size();
    }

    /** The fraction of examples whose label is among the {@code k} most probable classes (ties: lower index first). */
    public double topKAccuracy(int k) {
        long right = 0;
        for (int i = 0; i < size(); i++) {
            float p = probability(i, labels[i]);
            int above = 0;
            for (int c = 0; c < classes; c++) {
                float q = probability(i, c);
                above += q > p || (q == p && c < labels[i]) ? 1 : 0;
            }
            right += above < k ? 1 : 0;
        }
        return size() == 0 ? Double.NaN : right / (double) size();
    }

    /** Top-1, top-5 and the mean loss (the NLL): what {@link org.prune4j.train.Evaluator} reports, from one pass. */
    public EvalResult evalResult() {
        return new EvalResult(negativeLogLikelihood(), accuracy(), topKAccuracy(5), size());
    }

    /** Mean negative log-likelihood of the true labels (probabilities floored at 1e-12). */
    public double negativeLogLikelihood() {
        double sum = 0;
        for (int i = 0; i < size(); i++) {
            sum -= Math.log(Math.max(1e-12, probability(i, labels[i])));
        }
        return sum / size();
    }

    /** Accuracy on each class's examples (NaN for a class without examples). */
    public double[] classAccuracy() {
        long[] right = new long[classes];
        long[] total = new long[classes];
        for (int i = 0; i < size(); i++) {
            total[labels[i]]++;
            right[labels[i]] += correct(i) ? 1 : 0;
        }
        double[] acc = new double[classes];
        for (int k = 0; k < classes; k++) {
            acc[k] = total[k] == 0 ? Double.NaN : right[k] / (double) total[k];
        }
        return acc;
    }

    /** The class with the lowest accuracy among those with examples (-1 if none has any). */
    public int worstClass() {
        double[] acc = classAccuracy();
        int worst = -1;
        for (int k = 0; k < classes; k++) {
            if (!Double.isNaN(acc[k]) && (worst < 0 || acc[k] < acc[worst])) {
                worst = k;
            }
        }
        return worst;
    }
}
