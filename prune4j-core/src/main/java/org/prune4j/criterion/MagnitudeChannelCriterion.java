package org.prune4j.criterion;

import org.prune4j.dependency.Group;
import org.prune4j.model.Model;

/**
 * Group magnitude: the L1 (sum of |w|) or squared L2 (sum of w²) norm of every parameter slice
 * the channel owns across the group (filters, BN γ/β, the next layers' input columns).
 */
public final class MagnitudeChannelCriterion implements ChannelCriterion {

    private final int p;

    public MagnitudeChannelCriterion(int p) {
        if (p != 1 && p != 2) {
            throw new IllegalArgumentException("magnitude norm must be 1 or 2, got " + p);
        }
        this.p = p;
    }

    @Override
    public String name() {
        return "l" + p;
    }

    @Override
    public float[] score(Model model, Group group) {
        double[] total = new double[group.size()];
        for (GroupSlices.Slice s : GroupSlices.of(model, group)) {
            var value = model.parameter(s.node(), s.parameter()).value();
            float[] w = value.toFloatArray();
            double[] part = GroupSlices.reducePerChannel(group, s, w, value.getShape().getShape(),
                    i -> p == 1 ? Math.abs(w[i]) : (double) w[i] * w[i]);
            for (int k = 0; k < total.length; k++) {
                total[k] += part[k];
            }
        }
        return Scores.toFloats(total);
    }
}
