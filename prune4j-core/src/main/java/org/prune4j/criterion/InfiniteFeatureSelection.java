package org.prune4j.criterion;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;

/**
 * Infinite Feature Selection (Roffo, Melzi and Cristani, ICCV 2015), which NISP uses to rank the
 * final response layer's neurons: features are nodes of a graph whose edge {@code a_ij =
 * α·max(σ_i, σ_j) + (1−α)·(1 − |ρ_ij|)} rewards spread (σ, standard deviation, here divided by the
 * largest) and non-redundancy (ρ, Spearman correlation); a feature's score is the sum of all
 * paths of every length that start at it, {@code ((I − rA)⁻¹ − I)·1} with {@code r = 0.9/ρ(A)}.
 * A constant feature counts as fully correlated with every other (it carries nothing).
 */
final class InfiniteFeatureSelection {

    private static final double ALPHA = 0.5;

    private InfiniteFeatureSelection() {}

    /** One score per column of {@code samples} (rows are samples, at least two). */
    static double[] scores(double[][] samples) {
        int n = samples[0].length;
        RealMatrix x = new Array2DRowRealMatrix(samples, false);
        double[] sigma = new double[n];
        double maxSigma = 0;
        for (int j = 0; j < n; j++) {
            sigma[j] = new StandardDeviation().evaluate(x.getColumn(j));
            maxSigma = Math.max(maxSigma, sigma[j]);
        }
        RealMatrix rho = new SpearmansCorrelation().computeCorrelationMatrix(x);
        RealMatrix a = MatrixUtils.createRealMatrix(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double spread = maxSigma == 0 ? 0 : Math.max(sigma[i], sigma[j]) / maxSigma;
                double r = sigma[i] == 0 || sigma[j] == 0 || Double.isNaN(rho.getEntry(i, j)) ? 1 : Math.abs(rho.getEntry(i, j));
                a.setEntry(i, j, ALPHA * spread + (1 - ALPHA) * (1 - r));
            }
        }
        double radius = 0;
        for (double ev : new EigenDecomposition(a).getRealEigenvalues()) {
            radius = Math.max(radius, Math.abs(ev));
        }
        if (radius == 0) {
            return new double[n];
        }
        RealMatrix identity = MatrixUtils.createRealIdentityMatrix(n);
        RealMatrix paths = new LUDecomposition(identity.subtract(a.scalarMultiply(0.9 / radius))).getSolver()
                .getInverse().subtract(identity);
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                scores[i] += paths.getEntry(i, j);
            }
        }
        return scores;
    }
}
