package org.prune4j.criterion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;

import org.prune4j.dependency.Group;
import org.prune4j.engine.Engines;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.train.Loss;

import java.util.HashMap;
import java.util.Map;

/**
 * One batch's loss gradient and the weights, by parameter name, read once per batch because every
 * group and channel indexes them; for the Taylor-expansion criteria.
 */
record BatchGradient(Map<String, double[]> gradient, Map<String, double[]> weights) {

    /** Forward in eval mode, cross-entropy, backward; the gradients are zeroed afterwards. */
    static BatchGradient of(Model model, NDList xy) {
        Map<String, double[]> gradient = new HashMap<>();
        Map<String, double[]> weights = new HashMap<>();
        try (GradientCollector gc = Engines.get().newGradientCollector()) {
            gc.backward(loss(model, xy));
        }
        for (Parameter p : model.trainableParameters()) {
            try (NDArray g = p.value().getGradient()) {
                gradient.put(p.fullName(), doubles(g));
            }
            weights.put(p.fullName(), doubles(p.value()));
            Engines.zeroGradient(p.value());
        }
        return new BatchGradient(gradient, weights);
    }

    /** Per channel of {@code group}: {@code Σ_S g·w} over the parameter slices S the channel owns. */
    double[] firstOrder(Model model, Group group) {
        return GroupSlices.sumPerChannel(model, group, p -> {
            double[] g = gradient.get(p.fullName());
            double[] w = weights.get(p.fullName());
            return i -> g[i] * w[i];
        });
    }

    /** Per channel of {@code group}: {@code Σ_S w·v} for a vector {@code v} given by parameter name. */
    double[] weightsDot(Model model, Group group, Map<String, double[]> v) {
        return GroupSlices.sumPerChannel(model, group, p -> {
            double[] x = v.get(p.fullName());
            double[] w = weights.get(p.fullName());
            return i -> w[i] * x[i];
        });
    }

    static NDArray loss(Model model, NDList xy) {
        return Loss.crossEntropy(model.forward(xy.get(0), false), xy.get(1));
    }

    static double[] doubles(NDArray a) {
        try (NDArray d = a.toType(DataType.FLOAT64, true)) {
            return d.toDoubleArray();
        }
    }
}
