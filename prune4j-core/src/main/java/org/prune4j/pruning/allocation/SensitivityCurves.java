package org.prune4j.pruning.allocation;

import org.prune4j.dependency.Group;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Each group's measured loss increase when it alone loses a share of its channels, and the
 * removals that follow from one tolerance shared by all groups: each group loses the largest
 * share whose (interpolated) loss increase stays within the tolerance. A group whose curve lies
 * above another's therefore never loses a larger share. Levels step the tolerance from 0 to the
 * largest measured increase, through every measured value.
 */
final class SensitivityCurves {

    private static final int STEPS_BETWEEN_VALUES = 256;
    /** Loss per unit of share removed that breaks ties between flat parts of a curve (far below any measured change). */
    private static final double TIE_SLOPE = 1e-9;

    private final double[] ratios;                // increasing, ratios[0] == 0
    private final Map<Group, double[]> increase;  // per group, non-decreasing, [0] == 0
    private final double[] tolerances;            // every measured value, sorted, from 0

    /**
     * {@code ratios} increasing in (0, 1]; {@code lossIncrease} per group, one value per ratio.
     * Measured curves are noisy: each is made increasing (a running maximum plus a negligible
     * slope, so that removals that cost nothing or help still come in order of their share) from 0.
     */
    SensitivityCurves(double[] ratios, Map<Group, double[]> lossIncrease) {
        this.ratios = new double[ratios.length + 1];
        System.arraycopy(ratios, 0, this.ratios, 1, ratios.length);
        this.increase = new LinkedHashMap<>();
        TreeSet<Double> values = new TreeSet<>();
        values.add(0.0);
        lossIncrease.forEach((g, raw) -> {
            double[] c = new double[raw.length + 1];
            for (int i = 0; i < raw.length; i++) {
                c[i + 1] = Math.max(c[i] + TIE_SLOPE * (this.ratios[i + 1] - this.ratios[i]), raw[i]);
                values.add(c[i + 1]);
            }
            increase.put(g, c);
        });
        this.tolerances = values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The largest share of {@code group}'s channels whose loss increase is within {@code tolerance}. */
    double ratioWithin(Group group, double tolerance) {
        double[] c = increase.get(group);
        int last = 0;
        while (last + 1 < c.length && c[last + 1] <= tolerance) {
            last++;
        }
        if (last + 1 == c.length) {
            return ratios[last];
        }
        double t = (tolerance - c[last]) / (c[last + 1] - c[last]);
        return ratios[last] + t * (ratios[last + 1] - ratios[last]);
    }

    Levels levels(Map<String, Object> report) {
        int top = Math.max(1, (tolerances.length - 1) * STEPS_BETWEEN_VALUES);
        return new Levels() {
            @Override
            public int top() {
                return top;
            }

            @Override
            public Map<Group, Integer> at(int level) {
                double tolerance = toleranceAt(level);
                Map<Group, Integer> out = new LinkedHashMap<>();
                increase.keySet().forEach(g -> out.put(g, (int) Math.floor(ratioWithin(g, tolerance) * g.size() + 1e-9)));
                return out;
            }

            @Override
            public Map<String, Object> report() {
                return report;
            }
        };
    }

    private double toleranceAt(int level) {
        int i = level / STEPS_BETWEEN_VALUES;
        if (i >= tolerances.length - 1) {
            return tolerances[tolerances.length - 1];
        }
        double t = (level % STEPS_BETWEEN_VALUES) / (double) STEPS_BETWEEN_VALUES;
        return tolerances[i] + t * (tolerances[i + 1] - tolerances[i]);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ratios " + Arrays.toString(ratios));
        increase.forEach((g, c) -> sb.append('\n').append(g.root()).append(' ').append(Arrays.toString(c)));
        return sb.toString();
    }
}
