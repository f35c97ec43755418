package org.prune4j.sparsity;

import org.prune4j.criterion.Calibration;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Uniform random scores from a seed: the baseline every criterion must beat. */
public final class RandomCriterion implements WeightCriterion {

    private final long seed;

    public RandomCriterion(long seed) {
        this.seed = seed;
    }

    @Override
    public Map<String, float[]> score(Model model, List<Parameter> weights, Calibration data) {
        Random rng = new Random(seed);
        Map<String, float[]> scores = new LinkedHashMap<>();
        for (Parameter w : weights) {
            float[] s = new float[(int) w.value().size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = rng.nextFloat();
            }
            scores.put(w.fullName(), s);
        }
        return scores;
    }
}
