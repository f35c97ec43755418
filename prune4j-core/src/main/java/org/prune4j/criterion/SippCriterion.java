package org.prune4j.criterion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.prune4j.dependency.Group;
import org.prune4j.engine.Engines;
import org.prune4j.engine.Scalars;
import org.prune4j.graph.Node;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Sensitivity-informed provable pruning of channels (Baykal, Liebenwein et al., "SiPPing Neural
 * Networks: Sensitivity-informed Provable Pruning of Neural Networks", SIAM J. Math. Data Sci.
 * 2022; filter version: Liebenwein et al., "Provable Filter Pruning for Efficient Neural
 * Networks", ICLR 2020). A channel's sensitivity is the largest share it has, over the
 * calibration samples and every output unit of the layers reading it, of that unit's total
 * absolute contribution: {@code s_j = max_x max_u c_j(x, u) / Σ_k c_k(x, u)}, with
 * {@code c_j = reader(|a_j|; |W|)}. Scores are the sensitivities. When pruning, the selector
 * decides how many channels each group keeps and {@link SensitivitySampling} which ones: the top
 * half deterministically, the rest drawn with probability proportional to sensitivity and
 * re-weighted so the readers' output stays unbiased. Each group's sampling is logged with the
 * empirical relative error on the calibration data next to the bound.
 */
public final class SippCriterion implements ChannelCriterion {

    public static final String NAME = "sipp";
    /** The failure probability the logged bound is stated for. */
    static final double DELTA = 0.1;
    private static final Logger LOG = LoggerFactory.getLogger(SippCriterion.class);

    /** One group's sampling: the kept channels, and the relative output error against its bound (2ε). */
    public record LayerReport(String group, int channels, int kept, int deterministic, int draws,
            double empiricalError, double bound) {}

    private final Random rng;
    private final Map<String, double[]> sensitivity = new HashMap<>();
    private final List<LayerReport> reports = new ArrayList<>();
    private Map<Group, List<Node>> readers;
    private Calibration data;
    private long samples;

    public SippCriterion(long seed) {
        this.rng = new Random(seed);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean usesData() {
        return true;
    }

    @Override
    public void calibrate(Model model, List<Group> groups, Calibration calibration) {
        readers = GroupReaders.of(model, groups, NAME);
        data = calibration;
        GroupReaders.forEachBatch(model, readers, calibration, (step, inputs) -> {
            samples += inputs.values().iterator().next().getShape().get(0);
            readers.forEach((g, nodes) -> {
                double[] s = sensitivity.computeIfAbsent(g.root(), r -> new double[g.size()]);
                for (Node n : nodes) {
                    try (NDArray input = inputs.get(n.inputs().get(0)).abs();
                            NDArray c = GroupReaders.contributions(model, g, n, input, step, NDArray::abs);
                            NDArray total = c.sum(new int[] {0}, true);
                            NDArray safe = Scalars.plus(total, Double.MIN_NORMAL);
                            NDArray share = c.div(safe);
                            NDArray largest = share.max(new int[] {1})) {
                        double[] m = BatchGradient.doubles(largest);
                        for (int k = 0; k < s.length; k++) {
                            s[k] = Math.max(s[k], m[k]);
                        }
                    }
                }
            });
        });
    }

    @Override
    public float[] score(Model model, Group group) {
        return Scores.toFloats(Scores.collected(sensitivity, group, NAME));
    }

    /** Samples the kept channels of each group (as many as the selector keeps, or fewer) and re-weights them. */
    @Override
    public Map<Group, int[]> beforeRemoval(Model model, Map<Group, int[]> removal) {
        Map<Group, SensitivitySampling.Sample> drawn = new LinkedHashMap<>();
        Map<Group, int[]> sampled = new LinkedHashMap<>();
        removal.forEach((g, removed) -> {
            if (removed.length == 0) {
                sampled.put(g, removed);
                return;
            }
            SensitivitySampling.Sample s = SensitivitySampling.draw(sensitivity.get(g.root()), g.size() - removed.length, rng);
            drawn.put(g, s);
            sampled.put(g, IntStream.range(0, g.size()).filter(k -> s.factors()[k] == 0).toArray());
        });
        Map<Group, Double> errors = empiricalErrors(model, drawn);
        drawn.forEach((g, s) -> {
            long units = readers.get(g).stream().mapToLong(n -> model.graph().shapeOf(n.name()).size()).sum() * samples;
            LayerReport r = new LayerReport(g.root(), g.size(), s.kept(), s.deterministic(), s.draws(), errors.get(g),
                    2 * SensitivitySampling.errorBound(s.draws(), s.poolSensitivity(), units, DELTA));
            reports.add(r);
            LOG.info("sipp: group {} keeps {} of {} channels ({} by sensitivity, {} draws); relative output error on "
                    + "the calibration data {} (bound {} with probability {})", r.group(), r.kept(), r.channels(),
                    r.deterministic(), r.draws(), String.format("%.3g", r.empiricalError()),
                    String.format("%.3g", r.bound()), 1 - DELTA);
            rescaleReaders(model, g, readers.get(g), s.factors());
        });
        return sampled;
    }

    /** The samplings of the last {@link #beforeRemoval}, in group order. */
    public List<LayerReport> reports() {
        return List.copyOf(reports);
    }

    /** Per group: kept channels, draws, and the empirical relative error next to its bound. */
    @Override
    public Map<String, Object> report() {
        List<Map<String, Object>> layers = new ArrayList<>();
        for (LayerReport r : reports) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("group", r.group());
            m.put("channels", r.channels());
            m.put("kept", r.kept());
            m.put("bySensitivity", r.deterministic());
            m.put("draws", r.draws());
            m.put("relativeError", r.empiricalError());
            m.put("bound", r.bound());
            layers.add(m);
        }
        return Map.of("sampling", layers, "boundProbability", 1 - DELTA);
    }

    /** Per group: max over calibration samples and reader units of {@code |ŷ − y| / z}, z the total absolute contribution. */
    private Map<Group, Double> empiricalErrors(Model model, Map<Group, SensitivitySampling.Sample> drawn) {
        Map<Group, Double> errors = new HashMap<>();
        Map<Group, List<Node>> some = new LinkedHashMap<>();
        drawn.keySet().forEach(g -> some.put(g, readers.get(g)));
        GroupReaders.forEachBatch(model, some, data, (step, inputs) -> drawn.forEach((g, s) -> {
            for (Node n : some.get(g)) {
                NDArray input = inputs.get(n.inputs().get(0));
                double error = relativeError(model, g, n, input, s.factors(), step);
                errors.merge(g, error, Math::max);
            }
        }));
        return errors;
    }

    private static double relativeError(Model model, Group g, Node n, NDArray input, double[] factors, NDManager step) {
        try (NDArray a = GroupReaders.contributions(model, g, n, input, step, NDArray::duplicate);
                NDArray absInput = input.abs();
                NDArray c = GroupReaders.contributions(model, g, n, absInput, step, NDArray::abs);
                NDArray f = Engines.create(step, factors, new Shape(factors.length, 1)).toType(a.getDataType(), false);
                NDArray y = a.sum(new int[] {0});
                NDArray weighted = a.mul(f);
                NDArray estimate = weighted.sum(new int[] {0});
                NDArray z = c.sum(new int[] {0});
                NDArray safe = Scalars.plus(z, Double.MIN_NORMAL);
                NDArray diff = estimate.sub(y);
                NDArray absDiff = diff.abs();
                NDArray relative = absDiff.div(safe);
                NDArray largest = relative.max()) {
            return largest.toType(DataType.FLOAT64, false).getDouble();
        }
    }

    /** Multiplies the input columns of {@code readers} of {@code g} by the channel's factor. */
    static void rescaleReaders(Model model, Group g, List<Node> readers, double[] factors) {
        for (Node n : readers) {
            Parameter w = model.parameter(n.name(), "weight");
            long width = w.value().getShape().get(1);
            double[] column = new double[(int) width];
            Arrays.fill(column, 1);
            for (int k = 0; k < factors.length; k++) {
                double f = factors[k];
                g.indicesIn(n.inputs().get(0), k).forEach(i -> column[i] = f);
            }
            Shape shape = w.value().getShape().dimension() == 4 ? new Shape(1, width, 1, 1) : new Shape(1, width);
            try (NDManager scope = model.manager().newSubManager();
                    NDArray f = Engines.create(scope, column, shape).toType(w.value().getDataType(), false);
                    NDArray scaled = w.value().mul(f)) {
                w.setValue(Engines.denseCopy(model.manager(), scaled));
            }
        }
    }
}
