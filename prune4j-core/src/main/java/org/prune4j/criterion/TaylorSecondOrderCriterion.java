package org.prune4j.criterion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;

import org.prune4j.dependency.Group;
import org.prune4j.engine.Engines;
import org.prune4j.engine.HessianVector;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.train.Loss;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Second-order Taylor importance (Molchanov et al., "Importance Estimation for Neural Network
 * Pruning", CVPR 2019, Eq. 3-4). Per batch, the loss change of removing channel k to second
 * order, {@code ΔL̂ = −Σ_S g·w + ½ Σ_S w·(H W)}, where S is every parameter slice of the channel
 * across its group (BN γ/β included), g the gradient and {@code H W} the Hessian times all
 * trainable parameters: the paper's {@code H_m W}, the m-th Hessian row times every weight. That
 * row product is exact here (one Hessian-vector product per batch, no diagonal or Fisher
 * approximation), so a batch costs about two backward passes more than first-order Taylor. The
 * score is {@code Σ_batches ΔL̂²}, as the paper squares its estimate.
 */
public final class TaylorSecondOrderCriterion implements ChannelCriterion {

    public static final String NAME = "taylor-so";

    private final Map<String, double[]> accumulated = new HashMap<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean usesData() {
        return true;
    }

    @Override
    public void calibrate(Model model, List<Group> groups, Calibration data) {
        data.forEach(model, (step, xy) -> terms(model, groups, step, xy).forEach((root, t) -> {
            double[] acc = accumulated.computeIfAbsent(root, k -> new double[t.firstOrder().length]);
            for (int k = 0; k < acc.length; k++) {
                double estimate = -t.firstOrder()[k] + 0.5 * t.quadratic()[k];
                acc[k] += estimate * estimate;
            }
        }));
    }

    /** Per channel of a group: {@code Σ_S g·w} and {@code Σ_S w·(H W)} on one batch. */
    record Terms(double[] firstOrder, double[] quadratic) {}

    /** One batch's terms by group root. */
    static Map<String, Terms> terms(Model model, List<Group> groups, NDManager step, NDList xy) {
        List<Parameter> trainable = model.trainableParameters();
        Map<String, double[]> gradient = new HashMap<>();
        try (GradientCollector gc = Engines.get().newGradientCollector()) {
            gc.backward(loss(model, xy));
        }
        for (Parameter p : trainable) {
            try (NDArray g = p.value().getGradient()) {
                gradient.put(p.fullName(), doubles(g));
            }
            Engines.zeroGradient(p.value());
        }
        List<NDArray> values = new ArrayList<>();
        List<NDArray> directions = new ArrayList<>(); // W itself, detached: a copy that records no graph
        for (Parameter p : trainable) {
            values.add(p.value());
            directions.add(Engines.denseCopy(step, p.value()));
        }
        NDArray[] hessianTimesWeights;
        try (GradientCollector gc = Engines.get().newGradientCollector()) {
            hessianTimesWeights = HessianVector.product(() -> loss(model, xy), values, directions, step);
        }
        Map<String, double[]> hw = new HashMap<>();
        for (int i = 0; i < trainable.size(); i++) {
            hw.put(trainable.get(i).fullName(), doubles(hessianTimesWeights[i]));
        }
        Map<String, Terms> terms = new LinkedHashMap<>();
        for (Group g : groups) {
            terms.put(g.root(), new Terms(
                    GroupSlices.sumPerChannel(model, g, p -> {
                        double[] grad = gradient.get(p.fullName());
                        double[] w = doubles(p.value());
                        return i -> grad[i] * w[i];
                    }),
                    GroupSlices.sumPerChannel(model, g, p -> {
                        double[] h = hw.get(p.fullName());
                        double[] w = doubles(p.value());
                        return i -> w[i] * h[i];
                    })));
        }
        return terms;
    }

    private static NDArray loss(Model model, NDList xy) {
        return Loss.crossEntropy(model.forward(xy.get(0), false), xy.get(1));
    }

    private static double[] doubles(NDArray a) {
        try (NDArray d = a.toType(DataType.FLOAT64, true)) {
            return d.toDoubleArray();
        }
    }

    @Override
    public float[] score(Model model, Group group) {
        double[] acc = accumulated.get(group.root());
        if (acc == null) {
            throw new IllegalStateException("criterion '" + NAME + "' saw no data batches for group " + group.root());
        }
        return Scores.toFloats(acc);
    }
}
