package org.prune4j.criterion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

class OInformationCriterionTest {

    @Test
    void theGradientsFromThePrecisionMatrixEqualTheDefinitionWithEverySubsetFactorized() {
        Random rng = new Random(4);
        int n = 6;
        double[][] a = new double[n][n];
        for (double[] row : a) {
            for (int j = 0; j < n; j++) {
                row[j] = rng.nextGaussian();
            }
        }
        double[][] cov = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    cov[i][j] += a[i][k] * a[j][k];
                }
                cov[i][j] += i == j ? 0.5 : 0;
            }
        }
        double[] fast = OInformationCriterion.gradients(cov);
        double omega = OInformationCriterion.omega(cov);
        for (int j = 0; j < n; j++) {
            double[][] without = new double[n - 1][n - 1];
            for (int r = 0, rr = 0; r < n; r++) {
                if (r == j) {
                    continue;
                }
                for (int c = 0, cc = 0; c < n; c++) {
                    if (c != j) {
                        without[rr][cc++] = cov[r][c];
                    }
                }
                rr++;
            }
            assertThat(fast[j]).as("channel %d", j).isCloseTo(omega - OInformationCriterion.omega(without), within(1e-9));
        }
    }

    @Test
    void copiesAreRedundantASumIsSynergisticAndARedundantChannelScoresBelowAnIndependentOne() {
        Random rng = new Random(5);
        List<float[]> copies = new ArrayList<>();
        List<float[]> sum = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            double s = rng.nextGaussian();
            double a = rng.nextGaussian();
            double b = rng.nextGaussian();
            copies.add(new float[] {(float) (s + 0.1 * rng.nextGaussian()), (float) (s + 0.1 * rng.nextGaussian()),
                (float) (s + 0.1 * rng.nextGaussian()), (float) rng.nextGaussian()});
            sum.add(new float[] {(float) a, (float) b, (float) (a + b + 0.1 * rng.nextGaussian())});
        }
        double[][] copiesCov = OInformationCriterion.covariance(copies);
        List<float[]> onlyCopies = copies.stream().map(x -> java.util.Arrays.copyOf(x, 3)).toList();
        assertThat(OInformationCriterion.omega(OInformationCriterion.covariance(onlyCopies)))
                .as("three noisy copies: redundancy").isPositive();
        assertThat(OInformationCriterion.omega(OInformationCriterion.covariance(sum))).as("a sum: synergy").isNegative();
        double[] grad = OInformationCriterion.gradients(copiesCov);
        assertThat(grad[0]).as("a copy adds redundancy").isGreaterThan(grad[3]);
        assertThat(Math.exp(-grad[0])).as("so it scores lower").isLessThan(Math.exp(-grad[3]));
    }
}
