package org.prune4j.sparsity;

import org.prune4j.criterion.Calibration;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * |w · g| with g the loss gradient summed over the calibration batches: the first-order estimate
 * of the loss change when the weight is removed (ShrinkBench's MagGrad; on freshly initialized
 * weights this is SNIP's connection sensitivity, Lee et al. 2019).
 */
public final class MagnitudeGradientCriterion implements WeightCriterion {

    @Override
    public boolean usesData() {
        return true;
    }

    @Override
    public Map<String, float[]> score(Model model, List<Parameter> weights, Calibration data) {
        Map<String, float[]> grads = Gradients.sum(model, weights, data);
        Map<String, float[]> scores = new LinkedHashMap<>();
        for (Parameter w : weights) {
            float[] v = w.value().toFloatArray();
            float[] g = grads.get(w.fullName());
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.abs(v[i] * g[i]);
            }
            scores.put(w.fullName(), v);
        }
        return scores;
    }
}
