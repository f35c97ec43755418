package org.prune4j.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.prune4j.data.Batch;
import org.prune4j.data.DataLoader;
import org.prune4j.engine.Engines;
import org.prune4j.model.Model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The singular values of a network's input-output Jacobian (logits with respect to the input, in
 * eval mode) over some examples: dynamical isometry means they sit near 1. Wang et al. ("Dynamical
 * isometry: the missing ingredient for neural network pruning") argue that pruning breaks it,
 * which is why a pruned network needs a larger fine-tuning learning rate than the one that ended
 * its training; comparing this spectrum before and after pruning shows how much it broke here.
 *
 * @param singularValues every example's singular values (classes of them per example), pooled
 */
public record JacobianSpectrum(double[] singularValues, int examples) {

    /** The spectrum over the first {@code examples} inputs of {@code data}. */
    public static JacobianSpectrum of(Model model, DataLoader data, int examples) {
        List<Double> values = new ArrayList<>();
        int seen = 0;
        for (Batch batch : data.epoch(0)) {
            if (seen >= examples) {
                break;
            }
            try (NDManager m = model.manager().newSubManager()) {
                NDArray x = batch.toNDList(m).get(0);
                int n = (int) Math.min(x.getShape().get(0), examples - seen);
                x = x.get(new NDIndex("0:" + n));
                double[][][] jacobian = jacobian(model, x); // [example][class][input]
                for (double[][] j : jacobian) {
                    for (double s : singularValues(j)) {
                        values.add(s);
                    }
                }
                seen += n;
            }
        }
        return new JacobianSpectrum(values.stream().mapToDouble(Double::doubleValue).toArray(), seen);
    }

    /** Row c of every example's Jacobian from one backward pass of the sum over the batch of logit c. */
    static double[][][] jacobian(Model model, NDArray x) {
        int n = (int) x.getShape().get(0);
        int inputs = (int) (x.size() / n);
        int classes = -1;
        double[][][] j = null;
        for (int c = 0; classes < 0 || c < classes; c++) {
            NDArray input = x.duplicate();
            input.setRequiresGradient(true);
            try (GradientCollector gc = Engines.get().newGradientCollector()) {
                NDArray logits = model.forward(input, false);
                if (classes < 0) {
                    classes = (int) logits.getShape().get(1);
                    j = new double[n][classes][inputs];
                }
                gc.backward(logits.get(new NDIndex(":, " + c)).sum());
            }
            try (NDArray g = input.getGradient()) {
                float[] rows = g.toFloatArray();
                for (int e = 0; e < n; e++) {
                    for (int i = 0; i < inputs; i++) {
                        j[e][c][i] = rows[e * inputs + i];
                    }
                }
            }
            model.trainableParameters().forEach(p -> Engines.zeroGradient(p.value()));
        }
        return j;
    }

    /** Singular values of a (classes × inputs) matrix: square roots of the eigenvalues of J·Jᵀ. */
    static double[] singularValues(double[][] j) {
        int k = j.length;
        double[][] gram = new double[k][k];
        for (int a = 0; a < k; a++) {
            for (int b = a; b < k; b++) {
                double dot = 0;
                for (int i = 0; i < j[a].length; i++) {
                    dot += j[a][i] * j[b][i];
                }
                gram[a][b] = dot;
                gram[b][a] = dot;
            }
        }
        double[] eigen = new EigenDecomposition(new Array2DRowRealMatrix(gram, false)).getRealEigenvalues();
        double[] s = new double[k];
        for (int i = 0; i < k; i++) {
            s[i] = Math.sqrt(Math.max(0, eigen[i]));
        }
        java.util.Arrays.sort(s);
        return s;
    }

    public double mean() {
        double sum = 0;
        for (double s : singularValues) {
            sum += s;
        }
        return singularValues.length == 0 ? Double.NaN : sum / singularValues.length;
    }

    public double std() {
        double mean = mean();
        double sum = 0;
        for (double s : singularValues) {
            sum += (s - mean) * (s - mean);
        }
        return singularValues.length == 0 ? Double.NaN : Math.sqrt(sum / singularValues.length);
    }

    public double max() {
        return java.util.Arrays.stream(singularValues).max().orElse(Double.NaN);
    }

    public double min() {
        return java.util.Arrays.stream(singularValues).min().orElse(Double.NaN);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("examples", examples);
        m.put("mean", mean());
        m.put("std", std());
        m.put("min", min());
        m.put("max", max());
        return m;
    }
}
