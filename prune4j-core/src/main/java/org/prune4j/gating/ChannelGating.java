package org.prune4j.gating;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.prune4j.data.Batch;
import org.prune4j.data.DataLoader;
import org.prune4j.dependency.ChannelRemoval;
import org.prune4j.dependency.DependencyGraph;
import org.prune4j.dependency.Group;
import org.prune4j.engine.Engines;
import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;
import org.prune4j.graph.Op;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.BatchNormOp;
import org.prune4j.graph.ops.ChannelAffineOp;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.DropoutOp;
import org.prune4j.graph.ops.FlattenOp;
import org.prune4j.graph.ops.GlobalAvgPoolOp;
import org.prune4j.graph.ops.IdentityOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.graph.ops.Pool2dOp;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.model.Model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Input-dependent top-k channel gating: for every input, each gated layer computes only the
 * {@code keep} share of its channels that a predictor expects to be most active, predicted from
 * the channel means of the layer's input (the previous layer's activations). The predictor is
 * learned without gradients from Hebbian statistics — the co-activations (outer products) of the
 * layer's input and output channel means over the training data — decorrelated by the input's
 * covariance, which makes it the least-squares linear prediction of the output means.
 *
 * <p>A gated-off channel is exactly zero after the activation, so the channel and the next
 * layer's reads of it need not be computed: the MACs a sample really needs are those of the
 * network with that sample's off channels removed ({@link #executedMacs}), which a test checks
 * against running each sample through a physically pruned copy. {@link Mode#ORACLE} gates by the
 * true activations (an upper bound for any predictor) and {@link Mode#STATIC} by their training
 * means (the same channels for every input: static pruning at the same MACs, without fine-tuning).
 */
public final class ChannelGating {

    /** How a gate picks its channels. */
    public enum Mode {
        /** Top-k of the Hebbian prediction from the layer's input. */
        HEBBIAN,
        /** Top-k of the true channel means (computes the layer in full first: a bound, not a saving). */
        ORACLE,
        /** Top-k of the training-set channel means: the same channels for every input. */
        STATIC;

        public static Mode parse(String name) {
            for (Mode m : values()) {
                if (m.name().equalsIgnoreCase(name.trim())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown gating mode '" + name + "': expected hebbian, oracle or static");
        }
    }

    private final Model model;
    private final List<GatedLayer> layers;
    private final Map<List<Integer>, Long> macsByKeptCounts = new HashMap<>();

    private ChannelGating(Model model, List<GatedLayer> layers) {
        this.model = model;
        this.layers = List.copyOf(layers);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The gated layers in graph order. */
    public List<GatedLayer> layers() {
        return layers;
    }

    /** The model's MACs per sample without gating. */
    public long denseMacs() {
        return ModelSummary.of(model.graph()).macs();
    }

    /** The MACs per sample of predicting every gate (zero for the oracle and static modes' bookkeeping). */
    public long predictorMacs() {
        return layers.stream().mapToLong(GatedLayer::predictorMacs).sum();
    }

    /** The MACs of the network that computes only {@code kept[i]} channels of gated layer i (any such channels: the count is what matters). */
    public synchronized long executedMacs(int[] kept) {
        List<Integer> key = Arrays.stream(kept).boxed().toList();
        return macsByKeptCounts.computeIfAbsent(key, k -> {
            Map<Group, int[]> removals = new LinkedHashMap<>();
            for (int i = 0; i < kept.length; i++) {
                int off = layers.get(i).channels() - kept[i];
                if (off > 0) {
                    removals.put(layers.get(i).group(), java.util.stream.IntStream.range(0, off).toArray());
                }
            }
            return ModelSummary.of(ChannelRemoval.prunedGraph(model.graph(), removals)).macs();
        });
    }

    /** Runs a batch with every gated layer's channels chosen per input by {@code mode}. */
    public GatedBatch forward(NDArray input, Mode mode) {
        int n = (int) input.getShape().get(0);
        NDManager step = input.getManager();
        Map<String, NDArray> gates = new HashMap<>();
        float[][] masks = new float[layers.size()][];
        if (mode == Mode.HEBBIAN) {
            Map<String, List<Integer>> bySource = new HashMap<>();
            for (int i = 0; i < layers.size(); i++) {
                bySource.computeIfAbsent(layers.get(i).sourceNode(), k -> new ArrayList<>()).add(i);
            }
            NDArray logits = model.forward(input, false, gates, (node, out) -> {
                for (int i : bySource.getOrDefault(node, List.of())) {
                    GatedLayer l = layers.get(i);
                    try (NDArray pooled = channelMeans(out); NDArray scores = predict(l, pooled, step)) {
                        masks[i] = topK(scores, l.keep());
                    }
                    gates.put(l.gateNode(), gate(masks[i], n, l, step));
                }
            });
            return new GatedBatch(logits, masks, n);
        }
        for (int i = 0; i < layers.size(); i++) {
            GatedLayer l = layers.get(i);
            if (mode == Mode.STATIC) {
                masks[i] = new float[n * l.channels()];
                float[] one = topK(l.targetMean(), l.keep());
                for (int s = 0; s < n; s++) {
                    System.arraycopy(one, 0, masks[i], s * one.length, one.length);
                }
            } else { // the oracle needs the layer's true activations given the gates before it
                float[][] seen = new float[1][];
                model.forward(input, false, gates, (node, out) -> {
                    if (node.equals(l.gateNode())) {
                        try (NDArray pooled = channelMeans(out)) {
                            seen[0] = topK(pooled, l.keep());
                        }
                    }
                }).close();
                masks[i] = seen[0];
            }
            gates.put(l.gateNode(), gate(masks[i], n, l, step));
        }
        return new GatedBatch(model.forward(input, false, gates), masks, n);
    }

    /** Accuracy and the MACs executed per sample over {@code data}, with {@code mode}'s gates. */
    public GatingEvaluation evaluate(DataLoader data, Mode mode) {
        long correct = 0;
        long samples = 0;
        double macs = 0;
        for (Batch batch : data.epoch(0)) {
            try (NDManager step = model.manager().newSubManager()) {
                GatedBatch out = forward(batch.toNDList(step).get(0), mode);
                long[] predicted = out.logits().argMax(1).toLongArray();
                for (int s = 0; s < batch.size(); s++) {
                    correct += predicted[s] == batch.labels()[s] ? 1 : 0;
                    macs += executedMacs(out.kept(s));
                }
                samples += batch.size();
            }
        }
        if (samples == 0) {
            throw new IllegalArgumentException("gating evaluation: the data set is empty");
        }
        double keep = layers.stream().mapToDouble(l -> l.keep() / (double) l.channels()).average().orElse(1);
        return new GatingEvaluation(mode, keep, correct / (double) samples, macs / samples, denseMacs(),
                mode == Mode.HEBBIAN ? predictorMacs() : 0, (int) samples);
    }

    private static NDArray channelMeans(NDArray activation) {
        NDArray x = activation.toType(DataType.FLOAT32, false);
        if (x.getShape().dimension() != 4) {
            return x.duplicate();
        }
        try (NDArray rows = x.mean(new int[] {3})) { // the engine reduces one axis at a time
            return rows.mean(new int[] {2});
        }
    }

    private static NDArray predict(GatedLayer l, NDArray pooled, NDManager step) {
        int in = l.sourceMean().length;
        try (NDArray mx = Engines.create(step, l.sourceMean(), new Shape(1, in));
                NDArray my = Engines.create(step, l.targetMean(), new Shape(1, l.channels()));
                NDArray weights = Engines.create(step, l.weights(), new Shape(in, l.channels()));
                NDArray centred = pooled.sub(mx);
                NDArray projected = centred.matMul(weights)) {
            return projected.add(my);
        }
    }

    /** Row-wise top-k of {@code (N, C)} scores as 0/1, row-major. */
    private static float[] topK(NDArray scores, int k) {
        float[] v = scores.toFloatArray();
        int c = (int) scores.getShape().get(1);
        float[] mask = new float[v.length];
        for (int row = 0; row < v.length / c; row++) {
            float[] one = topK(Arrays.copyOfRange(v, row * c, (row + 1) * c), k);
            System.arraycopy(one, 0, mask, row * c, c);
        }
        return mask;
    }

    /** The k largest entries as 0/1 (ties broken by the lower index, so exactly k are on). */
    static float[] topK(float[] scores, int k) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
        float[] mask = new float[scores.length];
        for (int i = 0; i < k; i++) {
            mask[order[i]] = 1;
        }
        return mask;
    }

    private NDArray gate(float[] mask, int n, GatedLayer l, NDManager step) {
        boolean image = model.graph().shapeOf(l.gateNode()).dimension() == 3;
        Shape shape = image ? new Shape(n, l.channels(), 1, 1) : new Shape(n, l.channels());
        return Engines.create(step, mask, shape).toType(model.dataType(), false);
    }

    /** The outputs of a gated batch and, per gated layer, its 0/1 masks {@code [sample * channels + channel]}. */
    public record GatedBatch(NDArray logits, float[][] masks, int samples) {

        /** How many channels each gated layer computed for sample {@code s}. */
        public int[] kept(int s) {
            int[] kept = new int[masks.length];
            for (int i = 0; i < masks.length; i++) {
                int c = masks[i].length / samples;
                for (int j = 0; j < c; j++) {
                    kept[i] += masks[i][s * c + j] != 0 ? 1 : 0;
                }
            }
            return kept;
        }

        /** The channels gated layer {@code layer} computed for sample {@code s}. */
        public int[] on(int layer, int s) {
            int c = masks[layer].length / samples;
            return java.util.stream.IntStream.range(0, c).filter(j -> masks[layer][s * c + j] != 0).toArray();
        }
    }

    /** Fits the predictors of every eligible layer (or of the chosen ones) on training data. */
    public static final class Builder {

        private Model model;
        private DataLoader data;
        private double keep = 0.5;
        private int batches = 50;
        private double ridge = 1e-3;
        private List<String> roots;

        public Builder setModel(Model model) {
            this.model = model;
            return this;
        }

        /** The data the predictors learn from (the training set; its first {@link #optBatches} batches). */
        public Builder setData(DataLoader data) {
            this.data = data;
            return this;
        }

        /** The share of each gated layer's channels computed per input, in (0, 1]. */
        public Builder optKeep(double keep) {
            this.keep = keep;
            return this;
        }

        public Builder optBatches(int batches) {
            this.batches = batches;
            return this;
        }

        /** Ridge added to the input covariance, relative to its mean variance. */
        public Builder optRidge(double ridge) {
            this.ridge = ridge;
            return this;
        }

        /** Gate only these layers (conv or linear node names); default: every layer that can be gated. */
        public Builder optLayers(List<String> roots) {
            this.roots = List.copyOf(roots);
            return this;
        }

        public ChannelGating build() {
            if (model == null || data == null) {
                throw new IllegalArgumentException("channel gating needs a model and training data: call setModel and setData");
            }
            if (!(keep > 0 && keep <= 1)) {
                throw new IllegalArgumentException("gating keep must be in (0, 1], got " + keep);
            }
            if (batches < 1 || ridge < 0) {
                throw new IllegalArgumentException("gating needs batches >= 1 and ridge >= 0, got " + batches + " and " + ridge);
            }
            List<Candidate> candidates = candidates(model.graph(), roots);
            return new ChannelGating(model, HebbianStatistics.fit(model, candidates, data, batches, keep, ridge));
        }
    }

    record Candidate(Group group, String sourceNode, String gateNode) {}

    /**
     * Layers whose channels can be gated: a conv (ungrouped) or linear layer followed, channel by
     * channel, by optional batch norm or affine nodes and one activation (where the gate goes),
     * after which only zero-preserving nodes (pooling, flatten, dropout) carry the channels — so
     * an off channel stays zero. Residual and concatenated channels are left alone. Without a
     * list, a layer whose input has a single channel is skipped too: one mean cannot tell inputs apart.
     */
    static List<Candidate> candidates(Graph graph, List<String> roots) {
        List<Candidate> out = new ArrayList<>();
        Map<String, String> rejected = new LinkedHashMap<>();
        for (Group g : DependencyGraph.of(graph).groups()) {
            if (roots != null && !roots.contains(g.root())) {
                continue;
            }
            String why = whyNotGateable(graph, g);
            Node root = graph.node(g.root());
            if (why == null && roots == null && graph.shapeOf(root.inputs().get(0)).get(0) < 2) {
                why = "its input has one channel";
            }
            if (why == null) {
                out.add(new Candidate(g, root.inputs().get(0), gateOf(graph, g)));
            } else {
                rejected.put(g.root(), why);
            }
        }
        if (roots != null) {
            for (String r : roots) {
                if (rejected.containsKey(r)) {
                    throw new IllegalArgumentException("layer '" + r + "' cannot be gated: " + rejected.get(r));
                }
                if (out.stream().noneMatch(c -> c.group().root().equals(r))) {
                    throw new IllegalArgumentException("layer '" + r + "' cannot be gated: it is not a conv or linear "
                            + "layer whose channels can be removed (the output layer's cannot)");
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no layer of this model can be gated (a conv or linear layer followed by an "
                    + "activation, not coupled to a residual or concat): " + rejected);
        }
        return out;
    }

    private static String whyNotGateable(Graph graph, Group g) {
        Node root = graph.node(g.root());
        if (!(root.op() instanceof LinearOp) && !(root.op() instanceof Conv2dOp c && c.groups() == 1)) {
            return "it is not a linear or ungrouped conv layer";
        }
        boolean afterGate = false;
        for (String space : g.spaces()) {
            if (space.equals(g.root())) {
                continue;
            }
            if (space.equals(graph.inputName())) {
                return "its channels are the model's input";
            }
            Op op = graph.node(space).op();
            if (op instanceof ActivationOp) {
                if (afterGate) {
                    return "its channels pass through two activations";
                }
                afterGate = true;
            } else if (afterGate ? !zeroPreserving(op) : !(op instanceof BatchNormOp || op instanceof ChannelAffineOp)) {
                return "its channels pass through '" + space + "' (" + op.type() + ")";
            }
        }
        return afterGate ? null : "it has no activation to gate after";
    }

    private static boolean zeroPreserving(Op op) {
        return op instanceof Pool2dOp || op instanceof GlobalAvgPoolOp || op instanceof FlattenOp
                || op instanceof DropoutOp || op instanceof IdentityOp;
    }

    private static String gateOf(Graph graph, Group g) {
        return g.spaces().stream().filter(s -> !s.equals(g.root()) && graph.node(s).op() instanceof ActivationOp)
                .findFirst().orElseThrow();
    }

    /** The Hebbian statistics of each candidate over the training data and the predictors solved from them. */
    private static final class HebbianStatistics {

        private final Candidate candidate;
        private final int in;
        private final int out;
        private final double[] sumX;
        private final double[] sumY;
        private final double[] sumXX; // [i * in + j]
        private final double[] sumYX; // [o * in + i]
        private long n;

        private HebbianStatistics(Candidate candidate, Graph graph) {
            this.candidate = candidate;
            this.in = (int) graph.shapeOf(candidate.sourceNode()).get(0);
            this.out = (int) graph.shapeOf(candidate.gateNode()).get(0);
            this.sumX = new double[in];
            this.sumY = new double[out];
            this.sumXX = new double[in * in];
            this.sumYX = new double[out * in];
        }

        static List<GatedLayer> fit(Model model, List<Candidate> candidates, DataLoader data, int batches,
                double keep, double ridge) {
            List<HebbianStatistics> stats = candidates.stream().map(c -> new HebbianStatistics(c, model.graph())).toList();
            int seen = 0;
            for (Batch batch : data.epoch(0)) {
                if (seen++ == batches) {
                    break;
                }
                try (NDManager step = model.manager().newSubManager()) {
                    Map<String, NDArray> pooled = new HashMap<>();
                    model.forward(batch.toNDList(step).get(0), false, Map.of(), (node, output) -> {
                        for (HebbianStatistics s : stats) {
                            if (node.equals(s.candidate.sourceNode()) || node.equals(s.candidate.gateNode())) {
                                pooled.computeIfAbsent(node, k -> channelMeans(output));
                            }
                        }
                    }).close();
                    for (HebbianStatistics s : stats) {
                        s.add(pooled.get(s.candidate.sourceNode()), pooled.get(s.candidate.gateNode()));
                    }
                }
            }
            return stats.stream().map(s -> s.solve(keep, ridge)).toList();
        }

        private void add(NDArray x, NDArray y) {
            n += x.getShape().get(0);
            accumulate(sumX, x.sum(new int[] {0}));
            accumulate(sumY, y.sum(new int[] {0}));
            accumulate(sumXX, x.transpose().matMul(x));
            accumulate(sumYX, y.transpose().matMul(x));
        }

        private static void accumulate(double[] acc, NDArray batchSum) {
            float[] v = batchSum.toFloatArray();
            for (int i = 0; i < v.length; i++) {
                acc[i] += v[i];
            }
        }

        private GatedLayer solve(double keep, double ridge) {
            float[] meanX = new float[in];
            float[] meanY = new float[out];
            for (int i = 0; i < in; i++) {
                meanX[i] = (float) (sumX[i] / n);
            }
            for (int o = 0; o < out; o++) {
                meanY[o] = (float) (sumY[o] / n);
            }
            RealMatrix covXX = new Array2DRowRealMatrix(in, in);
            double trace = 0;
            for (int i = 0; i < in; i++) {
                for (int j = 0; j < in; j++) {
                    covXX.setEntry(i, j, sumXX[i * in + j] / n - (sumX[i] / n) * (sumX[j] / n));
                }
                trace += covXX.getEntry(i, i);
            }
            double lambda = ridge * trace / in + 1e-12;
            for (int i = 0; i < in; i++) {
                covXX.addToEntry(i, i, lambda);
            }
            RealMatrix covXY = new Array2DRowRealMatrix(in, out);
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    covXY.setEntry(i, o, sumYX[o * in + i] / n - (sumY[o] / n) * (sumX[i] / n));
                }
            }
            RealMatrix solved = new LUDecomposition(covXX).getSolver().solve(covXY); // (in, out)
            float[] weights = new float[in * out];
            for (int i = 0; i < in; i++) {
                for (int o = 0; o < out; o++) {
                    weights[i * out + o] = (float) solved.getEntry(i, o);
                }
            }
            int k = Math.max(1, (int) Math.ceil(keep * out));
            return new GatedLayer(candidate.group(), candidate.sourceNode(), candidate.gateNode(), k, meanX, meanY, weights);
        }
    }
}
