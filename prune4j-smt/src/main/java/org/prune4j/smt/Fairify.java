package org.prune4j.smt;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import com.microsoft.z3.ArithExpr;
import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import com.microsoft.z3.Params;
import com.microsoft.z3.RatNum;
import com.microsoft.z3.RealExpr;
import com.microsoft.z3.RealSort;
import com.microsoft.z3.Solver;
import com.microsoft.z3.Status;

import org.prune4j.model.Model;
import org.prune4j.verification.Box;
import org.prune4j.verification.IntervalBounds;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fairify (Biswas &amp; Rajan, ICSE 2023): SMT verification of individual fairness of a small fully
 * connected network — no two inputs that differ only in the protected attribute get different
 * decisions. The input domain is cut into partitions; on each, interval bounds first try to settle
 * it (when the logit difference keeps its sign over the partition, both twins get the same
 * decision everywhere), then prove some hidden ReLUs inactive (they are pruned from the encoding:
 * constant 0) or active (encoded as linear), and Z3 is asked for a pair of twins in the partition whose decisions differ by a margin
 * (logit difference at least {@code margin} on each side of 0, so that a counterexample also
 * holds in the network's floating point). Each partition ends verified, with a counterexample, or
 * unknown at the time limit. Features are real-valued in their bounds (a relaxation for
 * categorical ones: a verified partition is verified for every value in between too). Binary
 * classifiers only.
 *
 * <pre>{@code
 * FairifyReport r = Fairify.builder().setModel(mlp).setProtectedFeature(8)
 *         .optSplits(new int[] {1, 12}, 4).optTimeoutMillis(10_000).build().run();
 * }</pre>
 */
public final class Fairify {

    private final Model model;
    private final FullyConnectedNetwork network;
    private final int protectedFeature;
    private final double[] domainLower;
    private final double[] domainUpper;
    private final int[] splitFeatures;
    private final int pieces;
    private final int timeoutMillis;
    private final boolean pruneStableUnits;
    private final double margin;
    private final java.nio.file.Path smtLibDir;
    private final double[][] aroundExamples;

    private Fairify(Builder b) {
        this.model = b.model;
        this.network = b.network;
        this.protectedFeature = b.protectedFeature;
        this.domainLower = b.domainLower;
        this.domainUpper = b.domainUpper;
        this.splitFeatures = b.splitFeatures;
        this.pieces = b.pieces;
        this.timeoutMillis = b.timeoutMillis;
        this.pruneStableUnits = b.pruneStableUnits;
        this.margin = b.margin;
        this.smtLibDir = b.smtLibDir;
        this.aroundExamples = b.aroundExamples;
    }

    public static Builder builder() {
        return new Builder();
    }

    public FairifyReport run() {
        List<PartitionResult> results = new ArrayList<>();
        long start = System.nanoTime();
        List<double[][]> partitions = aroundExamples == null ? grid() : aroundExamples();
        for (int p = 0; p < partitions.size(); p++) {
            results.add(verify(p, partitions.get(p)[0], partitions.get(p)[1]));
        }
        return new FairifyReport(protectedFeature, pruneStableUnits, timeoutMillis, results,
                (System.nanoTime() - start) / 1e9);
    }

    /** Every combination of the split features' pieces, the other features over their whole range. */
    private List<double[][]> grid() {
        List<double[][]> partitions = new ArrayList<>();
        int count = (int) Math.pow(pieces, splitFeatures.length);
        for (int p = 0; p < count; p++) {
            double[] lower = domainLower.clone();
            double[] upper = domainUpper.clone();
            int code = p;
            for (int f : splitFeatures) {
                int piece = code % pieces;
                code /= pieces;
                lower[f] = pieceLower(f, piece);
                upper[f] = pieceUpper(f, piece);
            }
            partitions.add(new double[][] {lower, upper});
        }
        return partitions;
    }

    /**
     * One partition per distinct example: the split features over the piece that holds the
     * example's value, every other feature fixed to it (a categorical attribute at its level), the
     * protected one over its range.
     */
    private List<double[][]> aroundExamples() {
        Map<String, double[][]> partitions = new java.util.LinkedHashMap<>();
        for (double[] example : aroundExamples) {
            double[] lower = example.clone();
            double[] upper = example.clone();
            lower[protectedFeature] = domainLower[protectedFeature];
            upper[protectedFeature] = domainUpper[protectedFeature];
            for (int f : splitFeatures) {
                double width = (domainUpper[f] - domainLower[f]) / pieces;
                int piece = (int) Math.max(0, Math.min(pieces - 1, Math.floor((example[f] - domainLower[f]) / width)));
                lower[f] = pieceLower(f, piece);
                upper[f] = pieceUpper(f, piece);
            }
            partitions.putIfAbsent(java.util.Arrays.toString(lower) + java.util.Arrays.toString(upper),
                    new double[][] {lower, upper});
        }
        return new ArrayList<>(partitions.values());
    }

    private double pieceLower(int feature, int piece) {
        return domainLower[feature] + piece * (domainUpper[feature] - domainLower[feature]) / pieces;
    }

    private double pieceUpper(int feature, int piece) {
        return piece == pieces - 1 ? domainUpper[feature] : pieceLower(feature, piece + 1);
    }

    private PartitionResult verify(int index, double[] lower, double[] upper) {
        long start = System.nanoTime();
        Map<String, float[][]> bounds = pruneStableUnits ? bounds(lower, upper) : null;
        int[][] stability = bounds == null ? null : stability(bounds);
        int inactive = 0;
        int active = 0;
        if (stability != null) {
            for (int[] layer : stability) {
                for (int s : layer) {
                    inactive += s < 0 ? 1 : 0;
                    active += s > 0 ? 1 : 0;
                }
            }
        }
        if (bounds != null && decisionIsConstant(bounds)) {
            // every input of the partition, both twins included, gets the same decision
            return new PartitionResult(index, lower, upper, Verdict.VERIFIED, null, false, null, true, inactive, active,
                    network.hiddenUnits(), (System.nanoTime() - start) / 1e9);
        }
        try (Context ctx = new Context()) {
            Solver solver = ctx.mkSolver("QF_LRA");
            Params params = ctx.mkParams();
            params.add("timeout", timeoutMillis);
            solver.setParameters(params);
            RealExpr[] x = new RealExpr[network.inputs()];
            for (int f = 0; f < x.length; f++) {
                if (f == protectedFeature) {
                    continue;
                }
                x[f] = ctx.mkRealConst("x" + f);
                solver.add(ctx.mkGe(x[f], real(ctx, lower[f])), ctx.mkLe(x[f], real(ctx, upper[f])));
            }
            ArithExpr<RealSort> a = decision(ctx, solver, x, domainLower[protectedFeature], "a", stability);
            ArithExpr<RealSort> b = decision(ctx, solver, x, domainUpper[protectedFeature], "b", stability);
            RatNum m = real(ctx, margin);
            RatNum minusM = real(ctx, -margin);
            solver.add(ctx.mkOr(ctx.mkAnd(ctx.mkGe(a, m), ctx.mkLe(b, minusM)),
                    ctx.mkAnd(ctx.mkLe(a, minusM), ctx.mkGe(b, m))));
            if (smtLibDir != null) {
                writeSmtLib(solver, index);
            }
            Status status = solver.check();
            double[] counterexample = null;
            Verdict verdict = switch (status) {
                case UNSATISFIABLE -> Verdict.VERIFIED;
                case SATISFIABLE -> Verdict.COUNTEREXAMPLE;
                default -> Verdict.UNKNOWN;
            };
            if (status == Status.SATISFIABLE) {
                counterexample = new double[x.length];
                com.microsoft.z3.Model found = solver.getModel();
                for (int f = 0; f < x.length; f++) {
                    counterexample[f] = f == protectedFeature ? domainLower[f]
                            : toDouble((RatNum) found.eval(x[f], true));
                }
            }
            return new PartitionResult(index, lower, upper, verdict, counterexample,
                    counterexample != null && decisionsDiffer(counterexample), status == Status.UNKNOWN ? solver.getReasonUnknown() : null, false, inactive, active,
                    network.hiddenUnits(), (System.nanoTime() - start) / 1e9);
        }
    }

    /** Whether the network, run in its own floating point, decides the twins of {@code x} differently. */
    private boolean decisionsDiffer(double[] x) {
        int n = x.length;
        float[] twins = new float[2 * n];
        for (int f = 0; f < n; f++) {
            twins[f] = (float) (f == protectedFeature ? domainLower[f] : x[f]);
            twins[n + f] = (float) (f == protectedFeature ? domainUpper[f] : x[f]);
        }
        try (NDManager m = model.manager().newSubManager()) {
            long[] decisions = model.forward(m.create(twins, new Shape(2).addAll(model.graph().inputShape())), false)
                    .argMax(1).toLongArray();
            return decisions[0] != decisions[1];
        }
    }

    /** logit 0 − logit 1 of one copy of the network, its protected feature fixed to {@code protectedValue}. */
    private ArithExpr<RealSort> decision(Context ctx, Solver solver, RealExpr[] x, double protectedValue,
            String copy, int[][] stability) {
        List<ArithExpr<RealSort>> in = new ArrayList<>();
        for (int f = 0; f < x.length; f++) {
            in.add(f == protectedFeature ? real(ctx, protectedValue) : x[f]);
        }
        List<FullyConnectedNetwork.Layer> layers = network.layers();
        for (int l = 0; l < layers.size(); l++) {
            FullyConnectedNetwork.Layer layer = layers.get(l);
            boolean hidden = l < layers.size() - 1;
            List<ArithExpr<RealSort>> out = new ArrayList<>();
            for (int o = 0; o < layer.outputs(); o++) {
                int state = hidden && stability != null ? stability[l][o] : 0;
                if (hidden && state < 0) {
                    out.add(real(ctx, 0)); // proved inactive on this partition: pruned
                    continue;
                }
                List<ArithExpr<RealSort>> terms = new ArrayList<>();
                for (int i = 0; i < layer.inputs(); i++) {
                    if (layer.weight()[o][i] != 0) {
                        terms.add(ctx.mkMul(real(ctx, layer.weight()[o][i]), in.get(i)));
                    }
                }
                terms.add(real(ctx, layer.bias()[o]));
                RealExpr pre = ctx.mkRealConst(copy + l + "_" + o);
                solver.add(ctx.mkEq(pre, ctx.mkAdd(terms.toArray(ArithExpr[]::new))));
                if (!hidden || state > 0) {
                    out.add(pre); // the output layer, or a ReLU proved active: linear
                } else {
                    RealExpr post = ctx.mkRealConst(copy + l + "_" + o + "_relu");
                    BoolExpr on = ctx.mkAnd(ctx.mkGt(pre, real(ctx, 0)), ctx.mkEq(post, pre));
                    BoolExpr off = ctx.mkAnd(ctx.mkLe(pre, real(ctx, 0)), ctx.mkEq(post, real(ctx, 0)));
                    solver.add(ctx.mkOr(on, off));
                    out.add(post);
                }
            }
            in = out;
        }
        return ctx.mkSub(in.get(0), in.get(1));
    }

    /** Interval bounds of every linear layer's output on the partition, the protected feature over its range. */
    private Map<String, float[][]> bounds(double[] lower, double[] upper) {
        double[] lo = lower.clone();
        double[] hi = upper.clone();
        lo[protectedFeature] = domainLower[protectedFeature];
        hi[protectedFeature] = domainUpper[protectedFeature];
        Map<String, float[][]> bounds = new HashMap<>();
        try (NDManager m = model.manager().newSubManager()) {
            Shape shape = new Shape(1).addAll(model.graph().inputShape());
            Box box = new Box(m.create(toFloat(lo), shape), m.create(toFloat(hi), shape));
            IntervalBounds.propagate(model, box, (node, b) -> {
                if (network.names().contains(node)) {
                    bounds.put(node, new float[][] {b.lower().toFloatArray(), b.upper().toFloatArray()});
                }
            });
        }
        return bounds;
    }

    /** Per hidden layer and unit: −1 proved inactive, +1 proved active, 0 undecided, on the partition. */
    private int[][] stability(Map<String, float[][]> bounds) {
        int hiddenLayers = network.layers().size() - 1;
        int[][] state = new int[hiddenLayers][];
        for (int l = 0; l < hiddenLayers; l++) {
            float[][] b = bounds.get(network.names().get(l));
            state[l] = new int[b[0].length];
            for (int o = 0; o < state[l].length; o++) {
                state[l][o] = b[1][o] <= 0 ? -1 : b[0][o] >= 0 ? 1 : 0;
            }
        }
        return state;
    }

    private void writeSmtLib(Solver solver, int index) {
        try {
            java.nio.file.Files.createDirectories(smtLibDir);
            java.nio.file.Files.writeString(smtLibDir.resolve("partition-" + index + ".smt2"),
                    solver + "(check-sat)\n(get-model)\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write the SMT-LIB of partition " + index + " to "
                    + smtLibDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether logit 0 − logit 1 keeps one sign over the partition: its bounds through the last
     * layer's weight differences applied to the last hidden ReLUs' bounds (tighter than
     * subtracting the two logits' intervals).
     */
    private boolean decisionIsConstant(Map<String, float[][]> bounds) {
        List<FullyConnectedNetwork.Layer> layers = network.layers();
        FullyConnectedNetwork.Layer last = layers.get(layers.size() - 1);
        double min = last.bias()[0] - last.bias()[1];
        double max = min;
        for (int i = 0; i < last.inputs(); i++) {
            double lo;
            double hi;
            if (layers.size() == 1) {
                lo = domainLower[i];
                hi = domainUpper[i];
            } else {
                float[][] pre = bounds.get(network.names().get(layers.size() - 2));
                lo = Math.max(0, pre[0][i]);
                hi = Math.max(0, pre[1][i]);
            }
            double d = last.weight()[0][i] - last.weight()[1][i];
            min += d >= 0 ? d * lo : d * hi;
            max += d >= 0 ? d * hi : d * lo;
        }
        return min > 0 || max < 0;
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    /**
     * A weight or bound as the shortest decimal that reads back as the same float: the network's
     * weights are floats, and their exact binary expansions (50-digit rationals) slow the solver's
     * arithmetic many times over for a difference below 1e-7 of each value.
     */
    private static RatNum real(Context ctx, double v) {
        return ctx.mkReal(new BigDecimal(Float.toString((float) v)).toPlainString());
    }

    private static double toDouble(RatNum r) {
        return new BigDecimal(r.getBigIntNumerator()).divide(new BigDecimal(r.getBigIntDenominator()),
                java.math.MathContext.DECIMAL64).doubleValue();
    }

    /** {@code setModel} and {@code setProtectedFeature} are required. */
    public static final class Builder {
        private Model model;
        private FullyConnectedNetwork network;
        private int protectedFeature = -1;
        private double[] domainLower;
        private double[] domainUpper;
        private int[] splitFeatures = new int[0];
        private int pieces = 1;
        private int timeoutMillis = 10_000;
        private boolean pruneStableUnits = true;
        private double margin = 1e-3;
        private java.nio.file.Path smtLibDir;
        private double[][] aroundExamples;

        private Builder() {}

        /** A chain of linear layers with ReLUs, two outputs (required). */
        public Builder setModel(Model model) {
            this.model = model;
            return this;
        }

        /** The input feature that is the protected attribute (required). */
        public Builder setProtectedFeature(int feature) {
            this.protectedFeature = feature;
            return this;
        }

        /** Each feature's range; default [0, 1] for all (the protected one: its two values). */
        public Builder optDomain(double[] lower, double[] upper) {
            this.domainLower = lower.clone();
            this.domainUpper = upper.clone();
            return this;
        }

        /** Cut each of {@code features} into {@code pieces} equal intervals; default one partition. */
        public Builder optSplits(int[] features, int pieces) {
            this.splitFeatures = features.clone();
            this.pieces = pieces;
            return this;
        }

        /** The solver's time limit per partition; default 10 s. */
        public Builder optTimeoutMillis(int millis) {
            this.timeoutMillis = millis;
            return this;
        }

        /** Whether ReLUs proved stable by interval bounds are pruned from the encoding; default true. */
        public Builder optPruneStableUnits(boolean prune) {
            this.pruneStableUnits = prune;
            return this;
        }

        /** The decision margin a counterexample needs on both sides of 0; default 0.001. */
        public Builder optMargin(double margin) {
            this.margin = margin;
            return this;
        }

        /**
         * Partitions around these inputs (e.g. real applicants) instead of the whole grid: for each,
         * the piece of every split feature that holds its value, every other feature fixed to its
         * value. Fairify's partitions of categorical attributes by their levels, restricted to where
         * the data is; duplicates are verified once.
         */
        public Builder optAroundExamples(double[][] examples) {
            this.aroundExamples = examples.clone();
            return this;
        }

        /** Writes each partition's query as {@code partition-N.smt2} there, to rerun it in any SMT solver. */
        public Builder optSmtLibDir(java.nio.file.Path dir) {
            this.smtLibDir = dir;
            return this;
        }

        public Fairify build() {
            if (model == null) {
                throw new IllegalArgumentException("Fairify needs setModel");
            }
            network = FullyConnectedNetwork.of(model);
            if (network.outputs() != 2) {
                throw new IllegalArgumentException("Fairify verifies binary classifiers; this model has "
                        + network.outputs() + " outputs");
            }
            int features = network.inputs();
            if (protectedFeature < 0 || protectedFeature >= features) {
                throw new IllegalArgumentException("protected feature " + protectedFeature + " is not one of the "
                        + features + " input features (0 to " + (features - 1) + ")");
            }
            if (domainLower == null) {
                domainLower = new double[features];
                domainUpper = new double[features];
                java.util.Arrays.fill(domainUpper, 1);
            }
            if (domainLower.length != features || domainUpper.length != features) {
                throw new IllegalArgumentException("the domain has " + domainLower.length + " bounds for "
                        + features + " features");
            }
            for (int f : splitFeatures) {
                if (f < 0 || f >= features || f == protectedFeature) {
                    throw new IllegalArgumentException("cannot split on feature " + f + ": not a non-protected "
                            + "input feature (0 to " + (features - 1) + ")");
                }
            }
            if (aroundExamples != null) {
                for (int e = 0; e < aroundExamples.length; e++) {
                    if (aroundExamples[e].length != features) {
                        throw new IllegalArgumentException("example " + e + " has " + aroundExamples[e].length
                                + " features, the network reads " + features);
                    }
                    for (int f = 0; f < features; f++) {
                        double v = aroundExamples[e][f];
                        if (f != protectedFeature && !(v >= domainLower[f] && v <= domainUpper[f])) {
                            throw new IllegalArgumentException("example " + e + "'s feature " + f + " is " + v
                                    + ", outside its domain [" + domainLower[f] + ", " + domainUpper[f] + "]");
                        }
                    }
                }
            }
            if (pieces < 1 || timeoutMillis < 1 || !(margin > 0)) {
                throw new IllegalArgumentException("pieces, timeout and margin must be positive, got " + pieces
                        + ", " + timeoutMillis + " ms, " + margin);
            }
            return new Fairify(this);
        }
    }
}
