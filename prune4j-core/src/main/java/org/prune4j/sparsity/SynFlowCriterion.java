package org.prune4j.sparsity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.prune4j.criterion.Calibration;
import org.prune4j.engine.Engines;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SynFlow (Tanaka et al. 2020), data-free: with every parameter replaced by its absolute value,
 * R = sum of the outputs for an all-ones input, and a weight's score is |∂R/∂w · w|, its share of
 * the synaptic flow. Pruning is iterative (100 rounds, keep fraction shrinking exponentially) so
 * that no layer collapses. The model is restored after each scoring.
 */
public final class SynFlowCriterion implements WeightCriterion {

    private final int rounds;

    public SynFlowCriterion(int rounds) {
        if (rounds < 1) {
            throw new IllegalArgumentException("SynFlow rounds must be at least 1, got " + rounds);
        }
        this.rounds = rounds;
    }

    @Override
    public int rounds() {
        return rounds;
    }

    @Override
    public Map<String, float[]> score(Model model, List<Parameter> weights, Calibration data) {
        List<Parameter> all = model.parameters();
        List<NDArray> signs = new ArrayList<>();
        try (NDManager step = model.manager().newSubManager()) {
            for (Parameter p : all) { // |x| in place; multiplying by the sign again restores x exactly
                NDArray sign = p.value().sign();
                sign.attach(step);
                signs.add(sign);
                p.value().muli(sign);
            }
            try {
                Shape shape = new Shape(1).addAll(model.graph().inputShape());
                NDArray ones = step.ones(shape, model.dataType());
                try (GradientCollector gc = Engines.get().newGradientCollector()) {
                    gc.backward(model.forward(ones, false).sum());
                }
                Map<String, float[]> scores = new LinkedHashMap<>();
                for (Parameter w : weights) {
                    float[] v = w.value().toFloatArray();
                    try (NDArray g = w.value().getGradient()) {
                        float[] grad = g.toFloatArray();
                        for (int i = 0; i < v.length; i++) {
                            v[i] = Math.abs(v[i] * grad[i]);
                        }
                    }
                    scores.put(w.fullName(), v);
                }
                return scores;
            } finally {
                for (int i = 0; i < all.size(); i++) {
                    all.get(i).value().muli(signs.get(i));
                }
                model.trainableParameters().forEach(p -> Engines.zeroGradient(p.value()));
            }
        }
    }
}
