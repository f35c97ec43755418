package org.prune4j.sparsity;

import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;

import org.prune4j.criterion.Calibration;
import org.prune4j.engine.Engines;
import org.prune4j.engine.HessianVector;
import org.prune4j.engine.Scalars;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.train.Loss;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GraSP (Wang et al. 2020), for pruning at initialization: keeps the weights whose removal would
 * least reduce the gradient flow. Score to keep = θ ⊙ Hg (the paper removes the largest −θ ⊙ Hg),
 * with g the gradient over the calibration batches and H the Hessian, both on logits divided by a
 * temperature of 200 as in the paper. Hg is exact (a Hessian-vector product per batch).
 */
public final class GraspCriterion implements WeightCriterion {

    private static final double TEMPERATURE = 200;

    @Override
    public boolean usesData() {
        return true;
    }

    @Override
    public Map<String, float[]> score(Model model, List<Parameter> weights, Calibration data) {
        Map<String, float[]> g = Gradients.sum(model, weights, data, TEMPERATURE);
        Map<String, float[]> hg = new LinkedHashMap<>();
        weights.forEach(w -> hg.put(w.fullName(), new float[(int) w.value().size()]));
        data.forEach(model, (step, xy) -> {
            List<NDArray> params = new ArrayList<>();
            List<NDArray> vectors = new ArrayList<>();
            for (Parameter w : weights) {
                params.add(w.value());
                vectors.add(Engines.create(step, g.get(w.fullName()), w.value().getShape()));
            }
            NDArray[] products;
            try (GradientCollector gc = Engines.get().newGradientCollector()) {
                NDArray loss = Loss.crossEntropy(Scalars.dividedBy(model.forward(xy.get(0), false), TEMPERATURE), xy.get(1));
                products = HessianVector.product(loss, params, vectors, step);
            }
            for (int i = 0; i < weights.size(); i++) {
                float[] add = products[i].toFloatArray();
                float[] acc = hg.get(weights.get(i).fullName());
                for (int k = 0; k < acc.length; k++) {
                    acc[k] += add[k];
                }
            }
        });
        Map<String, float[]> scores = new LinkedHashMap<>();
        for (Parameter w : weights) {
            float[] v = w.value().toFloatArray();
            float[] h = hg.get(w.fullName());
            for (int i = 0; i < v.length; i++) {
                v[i] = v[i] * h[i];
            }
            scores.put(w.fullName(), v);
        }
        return scores;
    }
}
