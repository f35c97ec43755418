package org.prune4j.criterion;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.prune4j.dependency.Group;
import org.prune4j.model.Model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * O-information (Rosas et al., "Quantifying high-order interdependencies via multivariate
 * extensions of the mutual information", Phys. Rev. E 2019) of a layer's channels:
 * Ω(X) = (n − 2) H(X) + Σ_j [H(X_j) − H(X_{−j})], positive where redundancy dominates and
 * negative where synergy does. A channel's contribution is the gradient ∂_jΩ = Ω(X) − Ω(X_{−j}):
 * a channel that adds redundancy (its information is also held by the others) can go, one that
 * adds synergy (information only the group holds together) should stay. The score is
 * exp(−∂_jΩ). Entropies are Gaussian, ½ log det(2πe Σ), from the covariance of the channels'
 * activations (feature-map means) on the calibration images; every entropy Ω and its gradients
 * need comes from one Cholesky factorization and the precision matrix, so a layer of n channels
 * costs O(n³).
 */
public final class OInformationCriterion implements ChannelCriterion {

    public static final String NAME = "o-information";
    private static final double RIDGE = 1e-6; // relative to the mean variance: dead channels have none

    private final Map<String, double[]> gradients = new HashMap<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean usesData() {
        return true;
    }

    @Override
    public void calibrate(Model model, List<Group> groups, Calibration data) {
        ChannelActivations activations = ChannelActivations.record(model, groups, data);
        for (String node : activations.nodes()) {
            gradients.put(node, gradients(covariance(activations.of(node))));
        }
    }

    @Override
    public float[] score(Model model, Group group) {
        float[] scores = ChannelActivations.perGroupChannel(model, group, gradients);
        for (int k = 0; k < scores.length; k++) {
            scores[k] = (float) Math.exp(-Math.max(-30, Math.min(30, scores[k])));
        }
        return scores;
    }

    /** The sample covariance with a small ridge, so that constant channels keep it positive definite. */
    static double[][] covariance(List<float[]> samples) {
        int n = samples.get(0).length;
        int m = samples.size();
        double[] mean = new double[n];
        for (float[] s : samples) {
            for (int i = 0; i < n; i++) {
                mean[i] += s[i] / (double) m;
            }
        }
        double[][] cov = new double[n][n];
        for (float[] s : samples) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    cov[i][j] += (s[i] - mean[i]) * (s[j] - mean[j]) / (m - 1.0);
                }
            }
        }
        double trace = 0;
        for (int i = 0; i < n; i++) {
            trace += cov[i][i];
        }
        double ridge = RIDGE * Math.max(trace / n, 1e-12);
        for (int i = 0; i < n; i++) {
            cov[i][i] += ridge;
            for (int j = 0; j < i; j++) {
                cov[j][i] = cov[i][j];
            }
        }
        return cov;
    }

    /**
     * ∂_jΩ for every variable of a Gaussian with covariance {@code cov} (n ≥ 3; for fewer, zeros:
     * O-information needs three variables). With P = Σ⁻¹: H(X_{−j}) = H(X) − ½ log(2πe / P_jj)
     * and H(X_{−j,−k}) = H(X) − ½ log((2πe)² / det P_{jk}), P_{jk} the 2×2 block.
     */
    static double[] gradients(double[][] cov) {
        int n = cov.length;
        double[] grad = new double[n];
        if (n < 3) {
            return grad;
        }
        double c = Math.log(2 * Math.PI * Math.E);
        CholeskyDecomposition chol = new CholeskyDecomposition(new Array2DRowRealMatrix(cov), 1e-12, 1e-15);
        double logDet = 0;
        RealMatrix l = chol.getL();
        for (int i = 0; i < n; i++) {
            logDet += 2 * Math.log(l.getEntry(i, i));
        }
        double[][] p = chol.getSolver().getInverse().getData();
        double h = 0.5 * (n * c + logDet);
        double[] hOne = new double[n]; // H(X_j)
        double[] hWithout = new double[n]; // H(X_{−j})
        for (int j = 0; j < n; j++) {
            hOne[j] = 0.5 * (c + Math.log(cov[j][j]));
            hWithout[j] = h - 0.5 * (c - Math.log(p[j][j]));
        }
        double omega = (n - 2) * h;
        for (int j = 0; j < n; j++) {
            omega += hOne[j] - hWithout[j];
        }
        for (int j = 0; j < n; j++) {
            // Ω(X_{−j}) = (n − 3) H(X_{−j}) + Σ_{k≠j} [H(X_k) − H(X_{−j,−k})]
            double omegaWithout = (n - 3) * hWithout[j];
            for (int k = 0; k < n; k++) {
                if (k == j) {
                    continue;
                }
                double detBlock = p[j][j] * p[k][k] - p[j][k] * p[k][j];
                double hWithoutBoth = h - 0.5 * (2 * c - Math.log(detBlock));
                omegaWithout += hOne[k] - hWithoutBoth;
            }
            grad[j] = omega - omegaWithout;
        }
        return grad;
    }

    /** Ω itself, for tests and reports. */
    static double omega(double[][] cov) {
        int n = cov.length;
        double c = Math.log(2 * Math.PI * Math.E);
        double h = entropy(cov, allBut(n, -1));
        double omega = (n - 2) * h;
        for (int j = 0; j < n; j++) {
            omega += 0.5 * (c + Math.log(cov[j][j])) - entropy(cov, allBut(n, j));
        }
        return omega;
    }

    /** Gaussian entropy of the variables {@code idx}, by its own factorization (the direct definition). */
    static double entropy(double[][] cov, int[] idx) {
        double[][] sub = new double[idx.length][idx.length];
        for (int a = 0; a < idx.length; a++) {
            for (int b = 0; b < idx.length; b++) {
                sub[a][b] = cov[idx[a]][idx[b]];
            }
        }
        double logDet = 0;
        RealMatrix l = new CholeskyDecomposition(new Array2DRowRealMatrix(sub), 1e-12, 1e-15).getL();
        for (int i = 0; i < idx.length; i++) {
            logDet += 2 * Math.log(l.getEntry(i, i));
        }
        return 0.5 * (idx.length * Math.log(2 * Math.PI * Math.E) + logDet);
    }

    private static int[] allBut(int n, int skip) {
        return java.util.stream.IntStream.range(0, n).filter(i -> i != skip).toArray();
    }
}
