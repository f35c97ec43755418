package org.prune4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.prune4j.engine.Engines;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.train.optim.Adam;
import org.prune4j.train.optim.Optimizer;
import org.prune4j.train.optim.Optimizers;
import org.prune4j.train.optim.Sgd;

import java.util.List;

/** Optimizer updates equal the PyTorch formulas, step by step, with changing learning rates. */
class OptimizerTest {

    private static final float[] W0 = {0.5f, -1f, 2f};
    private static final float[][] GRADS = {{0.1f, 0.2f, -0.3f}, {-0.4f, 0.5f, 0.6f}, {0.7f, -0.8f, 0.9f}};
    private static final double[] RATES = {0.1, 0.05, 0.02};

    @Test
    void nesterovSgdWithWeightDecayMatchesTorchFormula() {
        double m = 0.9;
        double wd = 0.01;
        double[] w = toDouble(W0);
        double[] buf = null;
        for (int s = 0; s < GRADS.length; s++) {
            double[] d = new double[3];
            for (int i = 0; i < 3; i++) {
                d[i] = GRADS[s][i] + wd * w[i];
            }
            if (buf == null) {
                buf = d.clone();
            } else {
                for (int i = 0; i < 3; i++) {
                    buf[i] = m * buf[i] + d[i];
                }
            }
            for (int i = 0; i < 3; i++) {
                w[i] -= RATES[s] * (d[i] + m * buf[i]);
            }
        }
        assertUpdates(Sgd.builder().optMomentum(m).optNesterov(true).optWeightDecay(wd).build(), w);
    }

    @Test
    void adamWMatchesTorchFormula() {
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        double wd = 0.1;
        double[] w = toDouble(W0);
        double[] mm = new double[3];
        double[] vv = new double[3];
        for (int s = 0; s < GRADS.length; s++) {
            int t = s + 1;
            for (int i = 0; i < 3; i++) {
                w[i] *= 1 - RATES[s] * wd;
                double g = GRADS[s][i];
                mm[i] = b1 * mm[i] + (1 - b1) * g;
                vv[i] = b2 * vv[i] + (1 - b2) * g * g;
                double mHat = mm[i] / (1 - Math.pow(b1, t));
                double vHat = vv[i] / (1 - Math.pow(b2, t));
                w[i] -= RATES[s] * mHat / (Math.sqrt(vHat) + eps);
            }
        }
        assertUpdates(Adam.builder().optWeightDecay(wd).optDecoupledWeightDecay(true).build(), w);
    }

    @Test
    void optimizerStateIsAddressableByParameterName() {
        try (Model model = oneWeightModel(); Optimizer sgd = Sgd.builder().optMomentum(0.9).build()) {
            Parameter p = model.parameter("fc", "weight");
            applyGradient(p, GRADS[0]);
            sgd.step(List.of(p), 0.1);
            assertThat(sgd.state("fc.weight")).containsKey("momentum");
            assertThat(sgd.state("fc.weight").get("momentum").toFloatArray()).containsExactly(GRADS[0]);
        }
    }

    @Test
    void unknownOptimizerAndBadSettingsAreNamed() {
        assertThatThrownBy(() -> Optimizers.create("rmsprop", 0.9, false, 0)).hasMessageContaining("rmsprop")
                .hasMessageContaining("sgd");
        assertThatThrownBy(() -> Sgd.builder().optMomentum(1.5).build()).hasMessageContaining("1.5");
        assertThatThrownBy(() -> Sgd.builder().optNesterov(true).build()).hasMessageContaining("Nesterov");
    }

    private static void assertUpdates(Optimizer optimizer, double[] expected) {
        try (Model model = oneWeightModel(); optimizer) {
            Parameter p = model.parameter("fc", "weight");
            for (int s = 0; s < GRADS.length; s++) {
                applyGradient(p, GRADS[s]);
                optimizer.step(List.of(p), RATES[s]);
                Engines.zeroGradient(p.value());
            }
            float[] actual = p.value().toFloatArray();
            for (int i = 0; i < 3; i++) {
                assertThat((double) actual[i]).isCloseTo(expected[i], Offset.offset(1e-6));
            }
        }
    }

    /** A 1×3 linear layer without bias whose weight is W0. */
    private static Model oneWeightModel() {
        Graph g = Graph.builder().setInput("x", new Shape(3)).add("fc", new LinearOp(1, false)).build();
        Model model = Model.builder().setGraph(g).build();
        model.parameter("fc", "weight").setValue(Engines.create(model.manager(), W0, new Shape(1, 3)));
        return model;
    }

    /** Makes the weight's gradient equal {@code g}: backward of sum(w * g). */
    private static void applyGradient(Parameter p, float[] g) {
        try (var m = p.value().getManager().newSubManager()) {
            NDArray gArr = Engines.create(m, g, new Shape(1, 3));
            try (var gc = Engines.get().newGradientCollector()) {
                gc.backward(p.value().mul(gArr).sum());
            }
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
