package org.prune4j.criterion;

import org.prune4j.dependency.Group;
import org.prune4j.model.Model;

import java.util.Random;

/** Uniform random scores, seeded: the baseline every criterion must beat. */
public final class RandomChannelCriterion implements ChannelCriterion {

    private final Random rng;

    public RandomChannelCriterion(long seed) {
        this.rng = new Random(seed);
    }

    @Override
    public String name() {
        return "random";
    }

    @Override
    public float[] score(Model model, Group group) {
        float[] s = new float[group.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = rng.nextFloat();
        }
        return s;
    }
}
