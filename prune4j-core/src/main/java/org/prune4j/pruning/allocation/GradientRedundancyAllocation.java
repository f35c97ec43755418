package org.prune4j.pruning.allocation;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

import org.prune4j.criterion.GradientMatrix;
import org.prune4j.dependency.Group;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Layer budgets from gradient redundancy: the loss gradient of a group's filters over the
 * calibration batches ({@link GradientMatrix}, one row per channel) moves the layer in only as
 * many directions as its numerical rank r (the fewest singular values holding
 * {@value #ENERGY} of the squared spectrum). {@code 1 - r / channels} is the layer's estimated
 * maximum compression rate, and each group loses a share proportional to it: a layer whose
 * gradient spans all its channels is not pruned.
 */
public final class GradientRedundancyAllocation implements Allocation {

    public static final String NAME = "gradient-redundancy";
    static final double ENERGY = 0.99;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean usesData() {
        return true;
    }

    @Override
    public Levels levels(AllocationContext context) {
        var data = context.requireData(NAME, "reads each layer's loss gradient");
        Map<Group, double[][]> gradients = GradientMatrix.of(context.model(),
                new ArrayList<>(context.scores().keySet()), data);
        Map<Group, Double> rates = new LinkedHashMap<>();
        Map<String, Object> report = new TreeMap<>();
        gradients.forEach((g, m) -> {
            int rank = numericalRank(m);
            double rate = 1 - rank / (double) g.size();
            rates.put(g, rate);
            report.put(g.root(), Map.of("channels", g.size(), "rank", rank, "maxCompression", rate));
        });
        if (rates.values().stream().allMatch(r -> r <= 0)) {
            throw new IllegalArgumentException("allocation '" + NAME + "': every layer's gradient has full rank, so "
                    + "no layer has redundancy to remove; use another allocation");
        }
        return new ProportionalLevels(rates, Map.of("gradientRank", report));
    }

    /** The fewest singular values of {@code m} that hold {@link #ENERGY} of its squared spectrum (0 for a zero matrix). */
    public static int numericalRank(double[][] m) {
        if (m.length == 0 || m[0].length == 0) {
            return 0;
        }
        double[] s = new SingularValueDecomposition(new Array2DRowRealMatrix(m, false)).getSingularValues();
        double total = 0;
        for (double x : s) {
            total += x * x;
        }
        if (total == 0) {
            return 0;
        }
        double held = 0;
        for (int i = 0; i < s.length; i++) {
            held += s[i] * s[i];
            if (held >= ENERGY * total) {
                return i + 1;
            }
        }
        return s.length;
    }
}
