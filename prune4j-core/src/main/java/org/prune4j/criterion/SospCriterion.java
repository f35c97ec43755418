package org.prune4j.criterion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.prune4j.dependency.Group;
import org.prune4j.engine.Engines;
import org.prune4j.engine.GaussNewton;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Second-order structured saliency with the correlations between all structures (Nonnenmacher
 * et al., "SOSP: Efficiently Capturing Global Correlations by Second-Order Structured Pruning",
 * ICLR 2022). Removing a set P of structures (here: channels with their whole group slice θ_s)
 * changes the loss by about {@code −Σ_{s∈P} θ_sᵀg + ½ Σ_{s,s'∈P} θ_sᵀ G θ_s'}, with G the
 * Gauss-Newton matrix of the cross-entropy (positive semi-definite, exact products in
 * {@link GaussNewton}). Each structure's saliency bounds its share of that change:
 * <ul>
 *   <li>{@code sosp-i}: {@code |θ_sᵀg| + ½ Σ_s' |θ_sᵀ G θ_s'|}, the exact pairwise quadratic form
 *       of every pair of structures (one Jacobian-vector product per structure and batch: small
 *       networks only);</li>
 *   <li>{@code sosp-h}: {@code |θ_sᵀg| + ½ |θ_sᵀ G θ|}, the absolute value taken outside the sum
 *       over s' so that one Gauss-Newton-vector product per batch serves every structure (θ is
 *       the weights of every parameter a group slices): about the cost of first order, whatever
 *       the number of structures.</li>
 * </ul>
 * Gradient and curvature terms are means over the calibration batches.
 */
public final class SospCriterion implements ChannelCriterion {

    public static final String HESSIAN_NAME = "sosp-h";
    public static final String PAIRS_NAME = "sosp-i";
    /** sosp-i holds S rows of every parameter's size per batch; beyond this many elements it refuses. */
    static final long MAX_DIRECTION_ELEMENTS = 50_000_000L;

    /** How the cross-structure terms enter the saliency. */
    public enum Variant {
        /** One Gauss-Newton-vector product per batch. */
        H,
        /** Every pair's quadratic form. */
        I
    }

    private final Variant variant;
    private final Map<String, double[]> firstOrder = new HashMap<>();
    private final Map<String, double[]> correlation = new HashMap<>();
    private int batches;

    public SospCriterion(Variant variant) {
        this.variant = variant;
    }

    @Override
    public String name() {
        return variant == Variant.H ? HESSIAN_NAME : PAIRS_NAME;
    }

    @Override
    public boolean usesData() {
        return true;
    }

    @Override
    public void calibrate(Model model, List<Group> groups, Calibration data) {
        data.forEach(model, (step, xy) -> {
            BatchGradient batch = BatchGradient.of(model, xy);
            Map<String, double[]> curvature = variant == Variant.H
                    ? rowTerms(model, groups, step, xy, batch)
                    : absolutePairSums(model, groups, step, xy, batch);
            for (Group g : groups) {
                Scores.accumulate(firstOrder, g.root(), batch.firstOrder(model, g));
                Scores.accumulate(correlation, g.root(), curvature.get(g.root()));
            }
            batches++;
        });
    }

    @Override
    public float[] score(Model model, Group group) {
        double[] first = Scores.collected(firstOrder, group, name());
        double[] second = correlation.get(group.root());
        double[] saliency = new double[first.length];
        for (int k = 0; k < first.length; k++) {
            saliency[k] = Math.abs(first[k] / batches) + 0.5 * Math.abs(second[k] / batches);
        }
        return Scores.toFloats(saliency);
    }

    /**
     * sosp-h's batch term per channel: {@code θ_sᵀ G θ}, θ the weights of every parameter some
     * group slices (zero elsewhere). Summed over batches before the absolute value is taken.
     */
    static Map<String, double[]> rowTerms(Model model, List<Group> groups, NDManager step, NDList xy,
            BatchGradient batch) {
        Set<Parameter> sliced = slicedParameters(model, groups);
        List<NDArray> params = new ArrayList<>();
        List<NDArray> vectors = new ArrayList<>();
        for (Parameter p : model.trainableParameters()) {
            params.add(p.value());
            vectors.add(sliced.contains(p) ? Engines.denseCopy(step, p.value())
                    : step.zeros(p.value().getShape(), p.value().getDataType()));
        }
        NDArray[] products;
        try (GradientCollector gc = Engines.get().newGradientCollector()) {
            NDArray logits = model.forward(xy.get(0), false);
            products = GaussNewton.product(logits, params, vectors, step);
        }
        Map<String, double[]> gTheta = new HashMap<>();
        List<Parameter> trainable = model.trainableParameters();
        for (int i = 0; i < trainable.size(); i++) {
            gTheta.put(trainable.get(i).fullName(), BatchGradient.doubles(products[i]));
        }
        Map<String, double[]> terms = new LinkedHashMap<>();
        groups.forEach(g -> terms.put(g.root(), batch.weightsDot(model, g, gTheta)));
        return terms;
    }

    /** sosp-i's batch term per channel: {@code Σ_s' |θ_sᵀ G θ_s'|} over every structure s' of every group. */
    private static Map<String, double[]> absolutePairSums(Model model, List<Group> groups, NDManager step, NDList xy,
            BatchGradient batch) {
        double[][] q = pairTerms(model, groups, step, xy, batch);
        Map<String, double[]> sums = new LinkedHashMap<>();
        int s = 0;
        for (Group g : groups) {
            double[] perChannel = new double[g.size()];
            for (int k = 0; k < g.size(); k++, s++) {
                for (double v : q[s]) {
                    perChannel[k] += Math.abs(v);
                }
            }
            sums.put(g.root(), perChannel);
        }
        return sums;
    }

    /**
     * One batch's {@code Q_ss' = θ_sᵀ G θ_s'} for every pair of structures, in the order of
     * {@code groups} then channels: {@code (1/N) Σ_n (J_n θ_s)ᵀ R_n (J_n θ_s')}.
     */
    static double[][] pairTerms(Model model, List<Group> groups, NDManager step, NDList xy, BatchGradient batch) {
        List<Parameter> trainable = model.trainableParameters();
        int count = groups.stream().mapToInt(Group::size).sum();
        long elements = (long) count * trainable.stream().mapToLong(p -> p.value().getShape().size()).sum();
        if (elements > MAX_DIRECTION_ELEMENTS) {
            throw new IllegalArgumentException("criterion '" + PAIRS_NAME + "' needs one direction per structure: " + count
                    + " structures x " + elements / count + " parameters = " + elements + " values, more than "
                    + MAX_DIRECTION_ELEMENTS + "; it is for small networks, use '" + HESSIAN_NAME + "'");
        }
        Map<String, double[]> rows = new HashMap<>();   // per parameter: count rows of its size
        trainable.forEach(p -> rows.put(p.fullName(), new double[(int) (count * p.value().getShape().size())]));
        int s = 0;
        for (Group g : groups) {
            for (int k = 0; k < g.size(); k++, s++) {
                int row = s;
                GroupSlices.ownedBy(model, g, k).forEach((p, mask) -> {
                    double[] w = batch.weights().get(p.fullName());
                    double[] dst = rows.get(p.fullName());
                    for (int i = 0; i < mask.length; i++) {
                        if (mask[i]) {
                            dst[row * mask.length + i] = w[i];
                        }
                    }
                });
            }
        }
        List<NDArray> params = new ArrayList<>();
        List<NDArray> directions = new ArrayList<>();
        for (Parameter p : trainable) {
            params.add(p.value());
            Shape shape = new Shape(count, p.value().getShape().size());
            directions.add(Engines.create(step, rows.get(p.fullName()), shape).toType(p.value().getDataType(), false));
        }
        NDArray jv;
        NDArray logits;
        try (GradientCollector gc = Engines.get().newGradientCollector()) {
            logits = model.forward(xy.get(0), false);
            jv = GaussNewton.jacobianVectors(logits, params, directions, step);
        }
        long n = logits.getShape().get(0);
        long width = n * logits.getShape().get(1);
        try (NDArray p = logits.stopGradient().softmax(1);
                NDArray pj = jv.mul(p);
                NDArray mean = pj.sum(new int[] {2}, true);
                NDArray centred = pj.sub(p.mul(mean));
                NDArray a = jv.reshape(count, width);
                NDArray b = centred.reshape(count, width);
                NDArray q = a.matMul(b.transpose())) {
            double[] flat = BatchGradient.doubles(q);
            double[][] result = new double[count][count];
            for (int i = 0; i < count; i++) {
                for (int j = 0; j < count; j++) {
                    result[i][j] = flat[i * count + j] / n;
                }
            }
            return result;
        }
    }

    private static Set<Parameter> slicedParameters(Model model, List<Group> groups) {
        Set<Parameter> sliced = new HashSet<>();
        for (Group g : groups) {
            GroupSlices.of(model, g).forEach(s -> sliced.add(model.parameter(s.node(), s.parameter())));
        }
        return sliced;
    }
}
