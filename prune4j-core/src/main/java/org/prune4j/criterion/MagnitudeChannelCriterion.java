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
        return Scores.toFloats(GroupSlices.sumPerChannel(model, group, param -> {
            float[] w = param.value().toFloatArray();
            return i -> p == 1 ? Math.abs(w[i]) : (double) w[i] * w[i];
        }));
    }
}
