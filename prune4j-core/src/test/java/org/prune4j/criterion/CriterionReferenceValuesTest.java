package org.prune4j.criterion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.prune4j.data.DataLoader;
import org.prune4j.data.ImageDataset;
import org.prune4j.dependency.DependencyGraph;
import org.prune4j.dependency.Group;
import org.prune4j.engine.Engines;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.BatchNormOp;
import org.prune4j.graph.ops.FlattenOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.sparsity.GraspCriterion;
import org.prune4j.sparsity.MagnitudeActivationCriterion;
import org.prune4j.sparsity.MagnitudeGradientCriterion;
import org.prune4j.sparsity.SynFlowCriterion;

import java.util.List;
import java.util.Map;

/**
 * Every data-driven and data-free criterion's scores on a tiny network (4 inputs, a hidden layer
 * of 3 ReLUs, 2 classes, a batch of 5), against values computed here by hand in float64: the
 * forward pass, the backward pass of the mean cross-entropy, and for GraSP the Hessian-vector
 * product as central differences of that backward pass (exact inside the ReLUs' linear pieces).
 */
class CriterionReferenceValuesTest {

    private static final double[][] W1 = {{0.5, -0.3, 0.8, 0.1}, {-0.4, 0.9, 0.2, -0.6}, {0.3, 0.3, -0.7, 0.5}};
    private static final double[] B1 = {0.1, 0.2, 0.3};
    private static final double[][] W2 = {{0.7, -0.5, 0.4}, {-0.2, 0.6, 0.9}};
    private static final double[] B2 = {0.05, -0.05};
    private static final double[][] X = {{1.0, 0.5, -0.2, 0.3}, {-0.4, 1.2, 0.6, -0.8}, {0.9, -0.1, 0.4, 0.7},
        {0.2, 0.8, -0.9, 0.1}, {-0.6, -0.3, 0.5, 1.1}};
    private static final int[] Y = {0, 1, 1, 0, 1};

    /** Gradients of the mean cross-entropy of logits / t, and the layer values on the way. */
    private record Backprop(double[][] h, double[][] a, double[][] da, double[][] dW1, double[] dB1, double[][] dW2,
            double[] dB2) {}

    private static Backprop backprop(double[][] w1, double[][] w2, double t) {
        int n = X.length;
        double[][] h = new double[n][3];
        double[][] a = new double[n][3];
        double[][] da = new double[n][3];
        double[][] dW1 = new double[3][4];
        double[] dB1 = new double[3];
        double[][] dW2 = new double[2][3];
        double[] dB2 = new double[2];
        for (int s = 0; s < n; s++) {
            for (int k = 0; k < 3; k++) {
                h[s][k] = B1[k];
                for (int i = 0; i < 4; i++) {
                    h[s][k] += w1[k][i] * X[s][i];
                }
                a[s][k] = Math.max(0, h[s][k]);
            }
            double[] z = new double[2];
            for (int j = 0; j < 2; j++) {
                z[j] = B2[j];
                for (int k = 0; k < 3; k++) {
                    z[j] += w2[j][k] * a[s][k];
                }
                z[j] /= t;
            }
            double max = Math.max(z[0], z[1]);
            double e0 = Math.exp(z[0] - max);
            double e1 = Math.exp(z[1] - max);
            double[] dz = {e0 / (e0 + e1) - (Y[s] == 0 ? 1 : 0), e1 / (e0 + e1) - (Y[s] == 1 ? 1 : 0)};
            for (int j = 0; j < 2; j++) {
                dz[j] /= n * t;
                dB2[j] += dz[j];
                for (int k = 0; k < 3; k++) {
                    dW2[j][k] += dz[j] * a[s][k];
                    da[s][k] += w2[j][k] * dz[j];
                }
            }
            for (int k = 0; k < 3; k++) {
                double dh = h[s][k] > 0 ? da[s][k] : 0;
                dB1[k] += dh;
                for (int i = 0; i < 4; i++) {
                    dW1[k][i] += dh * X[s][i];
                }
            }
        }
        return new Backprop(h, a, da, dW1, dB1, dW2, dB2);
    }

    @Test
    void taylorScoresAreTheSquaredSumOfWeightTimesGradientOverTheChannelsSlices() {
        Backprop r = backprop(W1, W2, 1);
        double[] expected = new double[3];
        for (int k = 0; k < 3; k++) {
            double sum = B1[k] * r.dB1()[k];
            for (int i = 0; i < 4; i++) {
                sum += W1[k][i] * r.dW1()[k][i];
            }
            for (int j = 0; j < 2; j++) {
                sum += W2[j][k] * r.dW2()[j][k];
            }
            expected[k] = sum * sum;
        }
        assertClose(channelScores("taylor", false), expected);
    }

    @Test
    void taylorActivationScoresAreTheMeanAbsoluteActivationTimesGradientNormalized() {
        Backprop r = backprop(W1, W2, 1);
        double[] acc = new double[3];
        for (int s = 0; s < X.length; s++) {
            for (int k = 0; k < 3; k++) {
                acc[k] += Math.abs(r.a()[s][k] * r.da()[s][k]);
            }
        }
        double norm = Math.sqrt(acc[0] * acc[0] + acc[1] * acc[1] + acc[2] * acc[2]);
        assertClose(channelScores("taylor-activation", false), new double[] {acc[0] / norm, acc[1] / norm, acc[2] / norm});
    }

    @Test
    void batchNormScaleScoresAreTheAbsoluteGammas() {
        assertClose(channelScores("bn-scale", true), new double[] {0.5, 2, 1.5});
    }

    @Test
    void snipScoresAreTheAbsoluteWeightTimesGradient() {
        Backprop r = backprop(W1, W2, 1);
        try (Model model = mlp(false)) {
            Map<String, float[]> s = new MagnitudeGradientCriterion().score(model, weights(model), calibration());
            assertClose(s.get("fc1.weight"), flatten(W1, r.dW1(), (w, g) -> Math.abs(w * g)));
            assertClose(s.get("fc2.weight"), flatten(W2, r.dW2(), (w, g) -> Math.abs(w * g)));
        }
    }

    @Test
    void magnitudeActivationScoresAreTheAbsoluteWeightTimesItsInputsMeanAbsoluteActivation() {
        Backprop r = backprop(W1, W2, 1);
        double[][] meanAbsInput = new double[3][4]; // per fc1 row: the mean |x_i| it reads
        double[][] meanAbsHidden = new double[2][3]; // per fc2 row: the mean |relu_k| it reads
        for (int s = 0; s < X.length; s++) {
            for (int k = 0; k < 3; k++) {
                for (int i = 0; i < 4; i++) {
                    meanAbsInput[k][i] += Math.abs(X[s][i]) / X.length;
                }
                for (int j = 0; j < 2; j++) {
                    meanAbsHidden[j][k] += Math.abs(r.a()[s][k]) / X.length;
                }
            }
        }
        try (Model model = mlp(false)) {
            Map<String, float[]> s = new MagnitudeActivationCriterion(MagnitudeActivationCriterion.Statistic.MEAN_ABS)
                    .score(model, weights(model), calibration());
            assertClose(s.get("fc1.weight"), flatten(W1, meanAbsInput, (w, a) -> Math.abs(w) * a));
            assertClose(s.get("fc2.weight"), flatten(W2, meanAbsHidden, (w, a) -> Math.abs(w) * a));
        }
    }

    /** The brain-inspired score: |w| times the share of samples in which the input it reads fires (is positive). */
    @Test
    void firingScoresAreTheAbsoluteWeightTimesHowOftenItsInputFires() {
        Backprop r = backprop(W1, W2, 1);
        double[][] inputFires = new double[3][4];
        double[][] hiddenFires = new double[2][3];
        for (int s = 0; s < X.length; s++) {
            for (int k = 0; k < 3; k++) {
                for (int i = 0; i < 4; i++) {
                    inputFires[k][i] += (X[s][i] > 0 ? 1.0 : 0.0) / X.length;
                }
                for (int j = 0; j < 2; j++) {
                    hiddenFires[j][k] += (r.a()[s][k] > 0 ? 1.0 : 0.0) / X.length;
                }
            }
        }
        try (Model model = mlp(false)) {
            Map<String, float[]> s = new MagnitudeActivationCriterion(MagnitudeActivationCriterion.Statistic.FIRING_RATE)
                    .score(model, weights(model), calibration());
            assertClose(s.get("fc1.weight"), flatten(W1, inputFires, (w, a) -> Math.abs(w) * a));
            assertClose(s.get("fc2.weight"), flatten(W2, hiddenFires, (w, a) -> Math.abs(w) * a));
        }
    }

    /** θ ⊙ Hg at temperature 200, with H the Hessian over the two weight matrices (the biases stay constant). */
    @Test
    void graspScoresAreTheWeightTimesTheHessianGradientProduct() {
        double t = 200;
        Backprop r = backprop(W1, W2, t);
        double eps = 1e-4;
        Backprop plus = backprop(add(W1, r.dW1(), eps), add(W2, r.dW2(), eps), t);
        Backprop minus = backprop(add(W1, r.dW1(), -eps), add(W2, r.dW2(), -eps), t);
        for (int s = 0; s < X.length; s++) {
            for (int k = 0; k < 3; k++) {
                assertThat(Math.signum(plus.h()[s][k]) == Math.signum(r.h()[s][k])
                        && Math.signum(minus.h()[s][k]) == Math.signum(r.h()[s][k]))
                        .as("no ReLU crosses its kink: the differences stay in one linear piece").isTrue();
            }
        }
        double[][] hg1 = new double[3][4];
        double[][] hg2 = new double[2][3];
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < 4; i++) {
                hg1[k][i] = (plus.dW1()[k][i] - minus.dW1()[k][i]) / (2 * eps);
            }
            for (int j = 0; j < 2; j++) {
                hg2[j][k] = (plus.dW2()[j][k] - minus.dW2()[j][k]) / (2 * eps);
            }
        }
        try (Model model = mlp(false)) {
            Map<String, float[]> s = new GraspCriterion().score(model, weights(model), calibration());
            assertClose(s.get("fc1.weight"), flatten(W1, hg1, (w, hg) -> w * hg));
            assertClose(s.get("fc2.weight"), flatten(W2, hg2, (w, hg) -> w * hg));
        }
    }

    /**
     * SynFlow on all-positive parameters and an all-ones input: R = sum of the outputs, so
     * ∂R/∂W2[j][k] = a_k (the hidden unit's value) and ∂R/∂W1[k][i] = Σ_j |W2[j][k]|.
     */
    @Test
    void synflowScoresAreEachWeightsShareOfThePositiveFlow() {
        double[] a = new double[3];
        double[] down = new double[3];
        for (int k = 0; k < 3; k++) {
            a[k] = Math.abs(B1[k]);
            for (int i = 0; i < 4; i++) {
                a[k] += Math.abs(W1[k][i]);
            }
            down[k] = Math.abs(W2[0][k]) + Math.abs(W2[1][k]);
        }
        double[][] g1 = new double[3][4];
        double[][] g2 = new double[2][3];
        for (int k = 0; k < 3; k++) {
            java.util.Arrays.fill(g1[k], down[k]);
            for (int j = 0; j < 2; j++) {
                g2[j][k] = a[k];
            }
        }
        try (Model model = mlp(false)) {
            Map<String, float[]> s = new SynFlowCriterion(1).score(model, weights(model), null);
            assertClose(s.get("fc1.weight"), flatten(W1, g1, (w, g) -> Math.abs(w) * g));
            assertClose(s.get("fc2.weight"), flatten(W2, g2, (w, g) -> Math.abs(w) * g));
            assertThat(model.parameter("fc1", "weight").value().toFloatArray()[1]).as("the model is restored")
                    .isEqualTo((float) W1[0][1]);
        }
    }

    /** The scores of the hidden layer's group (3 channels), after one calibration batch when the criterion uses data. */
    private static float[] channelScores(String name, boolean withBatchNorm) {
        try (Model model = mlp(withBatchNorm)) {
            List<Group> groups = DependencyGraph.of(model.graph()).groups();
            Group hidden = groups.stream().filter(g -> g.root().equals("fc1")).findFirst().orElseThrow();
            ChannelCriterion c = ChannelCriteria.create(name, 0);
            if (c.usesData()) {
                List<String> gated = c.gatedNodes(model, groups);
                calibration().forEachBackward(model, (step, batchSize) -> {
                    Map<String, ai.djl.ndarray.NDArray> gates = new java.util.HashMap<>();
                    for (String node : gated) {
                        var gate = step.ones(new Shape(batchSize, 3));
                        gate.setRequiresGradient(true);
                        gates.put(node, gate);
                    }
                    return gates;
                }, 1, gates -> c.observe(model, groups, gates));
            }
            return c.score(model, hidden);
        }
    }

    private static Model mlp(boolean withBatchNorm) {
        Graph.Builder b = Graph.builder().setInput("x", new Shape(1, 2, 2)).add("flat", new FlattenOp())
                .add("fc1", new LinearOp(3));
        if (withBatchNorm) {
            b.add("bn", new BatchNormOp());
        }
        Graph g = b.add("relu", ActivationOp.relu()).add("fc2", new LinearOp(2)).build();
        Model model = Model.builder().setGraph(g).build();
        set(model, "fc1", "weight", flatten(W1), new Shape(3, 4));
        set(model, "fc1", "bias", toFloats(B1), new Shape(3));
        set(model, "fc2", "weight", flatten(W2), new Shape(2, 3));
        set(model, "fc2", "bias", toFloats(B2), new Shape(2));
        if (withBatchNorm) {
            set(model, "bn", "weight", new float[] {0.5f, -2f, 1.5f}, new Shape(3));
        }
        return model;
    }

    private static void set(Model model, String node, String name, float[] values, Shape shape) {
        Parameter p = model.parameter(node, name);
        p.setValue(Engines.create(model.manager(), values, shape));
        p.value().setRequiresGradient(p.trainable());
    }

    private static Calibration calibration() {
        float[] pixels = new float[X.length * 4];
        for (int s = 0; s < X.length; s++) {
            for (int i = 0; i < 4; i++) {
                pixels[s * 4 + i] = (float) X[s][i];
            }
        }
        ImageDataset data = new ImageDataset("tiny", pixels, Y.clone(), 1, 2, 2, 2);
        return new Calibration(DataLoader.builder().setDataset(data).setBatchSize(X.length).build(), 1);
    }

    private static List<Parameter> weights(Model model) {
        return List.of(model.parameter("fc1", "weight"), model.parameter("fc2", "weight"));
    }

    private static double[][] add(double[][] m, double[][] d, double eps) {
        double[][] out = new double[m.length][];
        for (int r = 0; r < m.length; r++) {
            out[r] = m[r].clone();
            for (int c = 0; c < m[r].length; c++) {
                out[r][c] += eps * d[r][c];
            }
        }
        return out;
    }

    private static float[] flatten(double[][] m) {
        return flatten(m, m, (w, x) -> w);
    }

    private static float[] flatten(double[][] w, double[][] other, java.util.function.DoubleBinaryOperator f) {
        float[] out = new float[w.length * w[0].length];
        for (int r = 0; r < w.length; r++) {
            for (int c = 0; c < w[0].length; c++) {
                out[r * w[0].length + c] = (float) f.applyAsDouble(w[r][c], other[r][c]);
            }
        }
        return out;
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static void assertClose(float[] actual, double[] expected) {
        float[] e = toFloats(expected);
        assertClose(actual, e);
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        double scale = 0;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("element %d of %s", i, java.util.Arrays.toString(actual))
                    .isCloseTo(expected[i], within(1e-4 * scale + 1e-9));
        }
    }
}
