package org.prune4j.graph.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.prune4j.engine.Engines;
import org.prune4j.graph.Graph;
import org.prune4j.model.Model;

import java.util.Random;

class BatchNormOpTest {

    private static final int N = 4;
    private static final int C = 3;
    private static final int HW = 5;

    @Test
    void evalModeNormalizesWithRunningStatisticsPerChannel() {
        Graph g = Graph.builder().setInput("x", new Shape(C, HW, HW)).add("bn", new BatchNormOp()).build();
        try (Model model = Model.builder().setGraph(g).build(); NDManager m = model.manager().newSubManager()) {
            float[] gamma = {1.5f, -0.5f, 2f};
            float[] beta = {0.1f, 0.2f, -0.3f};
            float[] mean = {0.5f, -1f, 2f};
            float[] var = {4f, 0.25f, 1f};
            set(model, "weight", gamma);
            set(model, "bias", beta);
            set(model, "runningMean", mean);
            set(model, "runningVar", var);
            float[] x = random(N * C * HW * HW, 1);
            float[] y = model.forward(Engines.create(m, x, new Shape(N, C, HW, HW)), false).toFloatArray();
            for (int i = 0; i < x.length; i++) {
                int c = (i / (HW * HW)) % C;
                double expected = (x[i] - mean[c]) / Math.sqrt(var[c] + 1e-5) * gamma[c] + beta[c];
                assertThat((double) y[i]).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }

    @Test
    void trainModeUpdatesRunningStatisticsWithPyTorchMomentum() {
        Graph g = Graph.builder().setInput("x", new Shape(C, HW, HW)).add("bn", new BatchNormOp(1e-5, 0.1)).build();
        try (Model model = Model.builder().setGraph(g).build(); NDManager m = model.manager().newSubManager()) {
            float[] x = random(N * C * HW * HW, 2);
            model.forward(Engines.create(m, x, new Shape(N, C, HW, HW)), true);
            float[] runningMean = model.parameter("bn", "runningMean").value().toFloatArray();
            float[] runningVar = model.parameter("bn", "runningVar").value().toFloatArray();
            int perChannel = N * HW * HW;
            for (int c = 0; c < C; c++) {
                double sum = 0;
                double sq = 0;
                for (int n = 0; n < N; n++) {
                    for (int k = 0; k < HW * HW; k++) {
                        double v = x[(n * C + c) * HW * HW + k];
                        sum += v;
                        sq += v * v;
                    }
                }
                double mean = sum / perChannel;
                double unbiasedVar = (sq - perChannel * mean * mean) / (perChannel - 1);
                assertThat((double) runningMean[c]).isCloseTo(0.1 * mean, org.assertj.core.data.Offset.offset(1e-5));
                assertThat((double) runningVar[c]).isCloseTo(0.9 + 0.1 * unbiasedVar, org.assertj.core.data.Offset.offset(1e-4));
            }
        }
    }

    private static void set(Model model, String name, float[] values) {
        model.parameter("bn", name).setValue(Engines.create(model.manager(), values, new Shape(values.length)));
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * 2 + 0.5);
        }
        return v;
    }
}
