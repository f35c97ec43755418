package org.prune4j.criterion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import org.prune4j.dependency.Group;
import org.prune4j.engine.Engines;
import org.prune4j.engine.HessianVector;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Second-order Taylor importance (Molchanov et al., "Importance Estimation for Neural Network
 * Pruning", CVPR 2019, Eq. 3-4). Per batch, the loss change of removing channel k to second
 * order, {@code ΔL̂ = −Σ_S g·w + ½ Σ_S w·(H W)}, where S is every parameter slice of the channel
 * across its group (BN γ/β included), g the gradient and {@code H W} the Hessian times all
 * trainable parameters: the paper's {@code H_m W}, the m-th Hessian row times every weight. That
 * row product is exact here (one Hessian-vector product per batch, no diagonal or Fisher
 * approximation), so a batch costs about two backward passes more than first-order Taylor. The
 * score is {@code Σ_batches ΔL̂²}, as the paper squares its estimate.
 *
 * <p>{@code taylor-so-block} ({@link Curvature#OWN_BLOCK}) takes the channel's own block instead,
 * {@code ½ w_Sᵀ H w_S}: the exact second-order change of removing that channel alone, at one
 * Hessian-vector product per channel and batch (for small networks and for checking the row
 * product, which mixes in the curvature against every other weight).
 */
public final class TaylorSecondOrderCriterion implements ChannelCriterion {

    public static final String NAME = "taylor-so";
    public static final String OWN_BLOCK_NAME = "taylor-so-block";

    /** Which Hessian product the quadratic term uses. */
    public enum Curvature {
        /** {@code w_S · (H W)}: the paper's row product, one Hessian-vector product per batch. */
        ROW,
        /** {@code w_S · (H w_S)}: the channel's own block, one product per channel and batch. */
        OWN_BLOCK
    }

    private final Curvature curvature;
    private final Map<String, double[]> accumulated = new HashMap<>();

    public TaylorSecondOrderCriterion(Curvature curvature) {
        this.curvature = curvature;
    }

    @Override
    public String name() {
        return curvature == Curvature.ROW ? NAME : OWN_BLOCK_NAME;
    }

    @Override
    public boolean usesData() {
        return true;
    }

    @Override
    public void calibrate(Model model, List<Group> groups, Calibration data) {
        data.forEach(model, (step, xy) -> terms(model, groups, step, xy, curvature).forEach((root, t) -> {
            double[] acc = accumulated.computeIfAbsent(root, k -> new double[t.firstOrder().length]);
            for (int k = 0; k < acc.length; k++) {
                double estimate = -t.firstOrder()[k] + 0.5 * t.quadratic()[k];
                acc[k] += estimate * estimate;
            }
        }));
    }

    /** Per channel of a group: {@code Σ_S g·w} and {@code Σ_S w·(H W)} (or {@code w_S·(H w_S)}) on one batch. */
    record Terms(double[] firstOrder, double[] quadratic) {}

    /** One batch's terms by group root. */
    static Map<String, Terms> terms(Model model, List<Group> groups, NDManager step, NDList xy, Curvature curvature) {
        BatchGradient batch = BatchGradient.of(model, xy);
        Map<String, double[]> hw = curvature == Curvature.ROW
                ? hessianTimes(model, step, xy, p -> Engines.denseCopy(step, p.value()))
                : null;
        Map<String, Terms> terms = new LinkedHashMap<>();
        for (Group g : groups) {
            double[] quadratic = hw != null ? batch.weightsDot(model, g, hw)
                    : ownBlockQuadratic(model, step, xy, g, batch.weights());
            terms.put(g.root(), new Terms(batch.firstOrder(model, g), quadratic));
        }
        return terms;
    }

    /** {@code u·(H u)} per channel, u the channel's own weights (zero elsewhere): one product per channel. */
    private static double[] ownBlockQuadratic(Model model, NDManager step, NDList xy, Group g,
            Map<String, double[]> weights) {
        double[] quadratic = new double[g.size()];
        for (int k = 0; k < g.size(); k++) {
            Map<String, double[]> u = new HashMap<>();
            GroupSlices.ownedBy(model, g, k).forEach((p, mask) -> {
                double[] w = weights.get(p.fullName());
                double[] masked = new double[w.length];
                for (int i = 0; i < w.length; i++) {
                    masked[i] = mask[i] ? w[i] : 0;
                }
                u.put(p.fullName(), masked);
            });
            Map<String, double[]> hu = hessianTimes(model, step, xy, p -> u.containsKey(p.fullName())
                    ? Engines.create(step, u.get(p.fullName()), p.value().getShape()).toType(p.value().getDataType(), false)
                    : step.zeros(p.value().getShape(), p.value().getDataType()));
            for (Map.Entry<String, double[]> e : u.entrySet()) {
                double[] h = hu.get(e.getKey());
                for (int i = 0; i < h.length; i++) {
                    quadratic[k] += e.getValue()[i] * h[i];
                }
            }
        }
        return quadratic;
    }

    /** {@code H·v} by parameter name, for {@code v} given per trainable parameter (detached arrays in {@code step}). */
    private static Map<String, double[]> hessianTimes(Model model, NDManager step, NDList xy,
            Function<Parameter, NDArray> vector) {
        List<Parameter> trainable = model.trainableParameters();
        List<NDArray> values = new ArrayList<>();
        List<NDArray> vectors = new ArrayList<>();
        for (Parameter p : trainable) {
            values.add(p.value());
            vectors.add(vector.apply(p));
        }
        NDArray[] products;
        try (GradientCollector gc = Engines.get().newGradientCollector()) {
            products = HessianVector.product(BatchGradient.loss(model, xy), values, vectors, step);
        }
        Map<String, double[]> byName = new HashMap<>();
        for (int i = 0; i < trainable.size(); i++) {
            byName.put(trainable.get(i).fullName(), BatchGradient.doubles(products[i]));
            products[i].close();
            vectors.get(i).close();
        }
        return byName;
    }

    @Override
    public float[] score(Model model, Group group) {
        return Scores.toFloats(Scores.collected(accumulated, group, name()));
    }
}
