package org.prune4j.sparsity;

import org.prune4j.criterion.Calibration;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** |w|: the classic magnitude criterion (Han et al. 2015). */
public final class MagnitudeCriterion implements WeightCriterion {

    @Override
    public Map<String, float[]> score(Model model, List<Parameter> weights, Calibration data) {
        Map<String, float[]> scores = new LinkedHashMap<>();
        weights.forEach(w -> scores.put(w.fullName(), Gradients.abs(w.value().toFloatArray())));
        return scores;
    }
}
