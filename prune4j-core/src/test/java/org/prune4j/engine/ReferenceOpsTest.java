package org.prune4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.Function;

/** The self-check's known answers are only as good as these references: checked by hand and by finite differences. */
class ReferenceOpsTest {

    @Test
    void convolutionMatchesAHandComputedExample() {
        // 1 sample, 1 channel 3x3 input, one 2x2 kernel, stride 1, no padding
        ReferenceOps.Conv c = new ReferenceOps.Conv(1, 1, 1, 3, 2, 1, 0, 1);
        double[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        double[] w = {1, 0, 0, -1};
        double[] y = ReferenceOps.conv(c, x, w, new double[4]).y();
        assertThat(y).containsExactly(1 - 5, 2 - 6, 4 - 8, 5 - 9);
    }

    @Test
    void paddingStrideAndGroupsPlaceEveryTermWhereTorchDoes() {
        // 2 channels in 2 groups (depthwise), 3x3 kernel of ones, padding 1, stride 2 on a 3x3 input:
        // outputs at (0,0), (0,2), (2,0), (2,2) each sum the 2x2 corner around them
        ReferenceOps.Conv c = new ReferenceOps.Conv(1, 2, 2, 3, 3, 2, 1, 2);
        double[] x = new double[18];
        for (int i = 0; i < 18; i++) {
            x[i] = i;
        }
        double[] w = new double[18];
        java.util.Arrays.fill(w, 1);
        double[] y = ReferenceOps.conv(c, x, w, new double[8]).y();
        assertThat(y).containsExactly(0 + 1 + 3 + 4, 1 + 2 + 4 + 5, 3 + 4 + 6 + 7, 4 + 5 + 7 + 8,
                9 + 10 + 12 + 13, 10 + 11 + 13 + 14, 12 + 13 + 15 + 16, 13 + 14 + 16 + 17);
    }

    @Test
    void convolutionGradientsEqualFiniteDifferences() {
        ReferenceOps.Conv c = new ReferenceOps.Conv(2, 4, 3, 5, 3, 2, 1, 1);
        Random r = new Random(1);
        double[] x = gaussian(r, c.inputLength());
        double[] w = gaussian(r, c.weightLength());
        double[] dy = gaussian(r, c.outputLength());
        ReferenceOps.Conv2dResult res = ReferenceOps.conv(c, x, w, dy);
        assertGradient(res.dx(), x, v -> dot(ReferenceOps.conv(c, v, w, dy).y(), dy));
        assertGradient(res.dw(), w, v -> dot(ReferenceOps.conv(c, x, v, dy).y(), dy));
    }

    @Test
    void batchNormNormalizesEachChannelAndItsGradientsEqualFiniteDifferences() {
        int batch = 3;
        int channels = 2;
        int hw = 4;
        Random r = new Random(2);
        double[] x = gaussian(r, batch * channels * hw);
        double[] gamma = {1, 1};
        double[] beta = {0, 0};
        double[] dy = gaussian(r, x.length);
        ReferenceOps.BatchNormResult res = ReferenceOps.batchNorm(batch, channels, hw, x, gamma, beta, 0, dy);
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            double squares = 0;
            for (int n = 0; n < batch; n++) {
                for (int i = 0; i < hw; i++) {
                    double v = res.y()[(n * channels + c) * hw + i];
                    sum += v;
                    squares += v * v;
                }
            }
            assertThat(sum / (batch * hw)).isCloseTo(0, within(1e-12));
            assertThat(squares / (batch * hw)).isCloseTo(1, within(1e-12));
        }
        double[] g = {0.5, -2};
        double[] b = {0.3, 1};
        ReferenceOps.BatchNormResult scaled = ReferenceOps.batchNorm(batch, channels, hw, x, g, b, 1e-5, dy);
        assertGradient(scaled.dx(), x, v -> dot(ReferenceOps.batchNorm(batch, channels, hw, v, g, b, 1e-5, dy).y(), dy));
        assertGradient(scaled.dGamma(), g, v -> dot(ReferenceOps.batchNorm(batch, channels, hw, x, v, b, 1e-5, dy).y(), dy));
        assertGradient(scaled.dBeta(), b, v -> dot(ReferenceOps.batchNorm(batch, channels, hw, x, g, v, 1e-5, dy).y(), dy));
    }

    @Test
    void linearMatchesAHandComputedExampleAndFiniteDifferences() {
        double[] y = ReferenceOps.linear(1, 2, 2, new double[] {1, 2}, new double[] {3, 4, 5, 6},
                new double[] {0.5, -1}, new double[2]).y();
        assertThat(y).containsExactly(1 * 3 + 2 * 4 + 0.5, 1 * 5 + 2 * 6 - 1);

        Random r = new Random(3);
        double[] x = gaussian(r, 3 * 5);
        double[] w = gaussian(r, 4 * 5);
        double[] b = gaussian(r, 4);
        double[] dy = gaussian(r, 3 * 4);
        ReferenceOps.LinearResult res = ReferenceOps.linear(3, 5, 4, x, w, b, dy);
        assertGradient(res.dx(), x, v -> dot(ReferenceOps.linear(3, 5, 4, v, w, b, dy).y(), dy));
        assertGradient(res.dw(), w, v -> dot(ReferenceOps.linear(3, 5, 4, x, v, b, dy).y(), dy));
    }

    /** Central differences of {@code loss} at {@code at}, element by element, against {@code analytic}. */
    private static void assertGradient(double[] analytic, double[] at, Function<double[], Double> loss) {
        double h = 1e-5;
        for (int i = 0; i < at.length; i++) {
            double[] plus = at.clone();
            double[] minus = at.clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (loss.apply(plus) - loss.apply(minus)) / (2 * h);
            assertThat(analytic[i]).as("element %d", i).isCloseTo(numeric, within(1e-6 + 1e-6 * Math.abs(numeric)));
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double[] gaussian(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }
}
