package org.prune4j.sparsity;

import org.prune4j.criterion.Calibration;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;

import java.util.List;
import java.util.Map;

/**
 * Scores every single weight of the prunable tensors; higher means keep. Scores come in each
 * tensor's logical (row-major) order, keyed by the parameter's full name. When this is called,
 * weights removed earlier are already zero.
 */
public interface WeightCriterion {

    /** Whether scoring needs batches of training data ({@link Calibration}). */
    default boolean usesData() {
        return false;
    }

    /**
     * How many score-and-prune rounds reach the target (SynFlow rescoring after each of its 100
     * exponentially spaced steps); 1 for one-shot criteria.
     */
    default int rounds() {
        return 1;
    }

    Map<String, float[]> score(Model model, List<Parameter> weights, Calibration data);
}
