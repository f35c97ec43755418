package org.prune4j.pruning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.prune4j.criterion.Calibration;
import org.prune4j.engine.Engines;
import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;
import org.prune4j.graph.Op;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.train.Loss;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Pruning in the Kronecker-factored eigenbasis (Wang, Zhang, Wang, Grosse, "EigenDamage:
 * Structured Pruning in the Kronecker-Factored Eigenbasis", ICML 2019). Per conv or linear layer,
 * K-FAC approximates the Fisher of its weight by {@code A ⊗ S}: A the second moment of the input
 * channels (over examples and positions), S that of the per-example gradient of the output
 * channels. With their eigenvectors {@code Q_A}, {@code Q_S} the weight becomes
 * {@code W' = Q_Sᵀ W Q_A} (per kernel position), where the Fisher is about diagonal, and the layer
 * becomes three: a 1×1 layer {@code Q_Aᵀ} (into the input eigenbasis), the layer itself with
 * {@code W'}, a 1×1 layer {@code Q_S} (back, with the bias). Unpruned, the three compute what the
 * one did (orthogonal Q, zero padding commutes with channel mixing). Pruning removes eigen
 * directions: output direction i costs about {@code ½ λ_S,i Σ_j λ_A,j Σ_p W'²_ijp} of loss, input
 * direction j {@code ½ λ_A,j Σ_i λ_S,i Σ_p W'²_ijp}. Each layer keeps the same share of its
 * directions on both sides (the paper ranks globally; a per-layer share keeps layers of different
 * curvature scales comparable). The result is a real, smaller model with its extra 1×1 layers
 * counted in MACs and parameters. Layers: plain convolutions and linear layers but the last
 * (whose outputs are the logits); grouped convolutions are left as they are.
 */
public final class EigenDamage {

    /** One layer's K-FAC factors: second moments of its input channels and of its output gradients. */
    record Factors(double[][] input, double[][] outputGradient) {}

    private EigenDamage() {}

    /** The layers EigenDamage re-parameterizes: plain convs and linear layers, the last one left out. */
    static List<Node> layers(Graph graph) {
        List<Node> layers = new ArrayList<>();
        for (Node n : graph.nodes()) {
            if (n.op() instanceof LinearOp || n.op() instanceof Conv2dOp c && c.groups() == 1) {
                layers.add(n);
            }
        }
        if (!layers.isEmpty()) {
            layers.remove(layers.size() - 1);
        }
        return layers;
    }

    /** A and S of every layer, means over the calibration batches (S of per-example gradients). */
    static Map<String, Factors> factors(Model model, List<Node> layers, Calibration data) {
        Map<String, double[][]> a = new HashMap<>();
        Map<String, double[][]> s = new HashMap<>();
        Map<String, long[]> counts = new HashMap<>();
        data.forEach(model, (step, xy) -> {
            long n = xy.get(0).getShape().get(0);
            Map<String, NDArray> gates = new HashMap<>();
            Map<String, NDArray> inputs = new HashMap<>();
            for (Node layer : layers) {
                NDArray gate = step.ones(new Shape(n).addAll(model.graph().shapeOf(layer.name())), model.dataType());
                gate.setRequiresGradient(true);
                gates.put(layer.name(), gate);
            }
            Set<String> wanted = new HashSet<>();
            layers.forEach(l -> wanted.add(l.inputs().get(0)));
            try (GradientCollector gc = Engines.get().newGradientCollector()) {
                NDArray logits = model.forward(xy.get(0), false, gates, (node, out) -> {
                    if (wanted.contains(node)) {
                        inputs.put(node, out.duplicate());
                    }
                });
                gc.backward(Loss.crossEntropy(logits, xy.get(1)));
            }
            for (Node layer : layers) {
                long[] c = counts.computeIfAbsent(layer.name(), k -> new long[2]);
                try (NDArray g = gates.get(layer.name()).getGradient()) {
                    c[1] += addSecondMoment(s, layer.name(), g, n);
                }
                c[0] += addSecondMoment(a, layer.name(), inputs.get(layer.inputs().get(0)), 1);
            }
            model.trainableParameters().forEach(p -> Engines.zeroGradient(p.value()));
        });
        Map<String, Factors> factors = new LinkedHashMap<>();
        for (Node layer : layers) {
            long[] c = counts.get(layer.name());
            factors.put(layer.name(), new Factors(scaled(a.get(layer.name()), 1.0 / c[0]),
                    scaled(s.get(layer.name()), 1.0 / c[1])));
        }
        return factors;
    }

    /** Adds Σ (scale·x)(scale·x)ᵀ over examples and positions of x (N, C[, H, W]); returns the rows added. */
    private static long addSecondMoment(Map<String, double[][]> into, String key, NDArray x, double scale) {
        long channels = x.getShape().get(1);
        try (NDArray rows = x.getShape().dimension() == 4 ? x.transpose(0, 2, 3, 1).reshape(-1, channels) : x.reshape(-1, channels);
                NDArray moment = rows.transpose().matMul(rows)) {
            double[] m = moment.toType(DataType.FLOAT64, false).toDoubleArray();
            double[][] acc = into.computeIfAbsent(key, k -> new double[(int) channels][(int) channels]);
            for (int i = 0; i < channels; i++) {
                for (int j = 0; j < channels; j++) {
                    acc[i][j] += m[(int) (i * channels + j)] * scale * scale;
                }
            }
            return rows.getShape().get(0);
        }
    }

    private static double[][] scaled(double[][] m, double factor) {
        double[][] out = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = Arrays.stream(m[i]).map(v -> v * factor).toArray();
        }
        return out;
    }

    /**
     * One layer in its eigenbasis: the bases, {@code W'} (layout out, in, positions) and the loss
     * estimate of removing each output and each input direction; computed once per pruning.
     */
    record Layer(Basis in, Basis out, double[] rotated, int positions, double[] outCost, double[] inCost) {

        /** The output and input directions kept when {@code removedShare} of each side goes. */
        int[] keptOut(double removedShare) {
            return keep(outCost, removedShare);
        }

        int[] keptIn(double removedShare) {
            return keep(inCost, removedShare);
        }
    }

    /** Every layer of {@code factors} rotated into its eigenbasis, with its directions' costs. */
    static Map<String, Layer> eigenbases(Model model, Map<String, Factors> factors) {
        Map<String, Layer> layers = new LinkedHashMap<>();
        factors.forEach((name, f) -> {
            Basis in = Basis.of(f.input());
            Basis out = Basis.of(f.outputGradient());
            float[] w = model.parameter(name, "weight").value().toFloatArray();
            int cOut = out.size();
            int cIn = in.size();
            int positions = w.length / (cOut * cIn);
            double[] rotated = rotate(w, out.vectors(), in.vectors(), cOut, cIn, positions);
            layers.put(name, new Layer(in, out, rotated, positions,
                    importance(rotated, out.values(), in.values(), cOut, cIn, positions, true),
                    importance(rotated, out.values(), in.values(), cOut, cIn, positions, false)));
        });
        return layers;
    }

    /** {@link #inEigenbases} of the layers of {@code factors}. */
    public static Model reparameterize(Model model, Map<String, Factors> factors, double removedShare) {
        return inEigenbases(model, eigenbases(model, factors), removedShare);
    }

    /** The graph of the re-parameterized model alone (for sizing a budget without building weights). */
    static Graph graph(Graph graph, Map<String, Layer> layers, double removedShare) {
        checkShare(removedShare);
        Graph.Builder b = Graph.builder().setInput(graph.inputName(), graph.inputShape());
        for (Node n : graph.nodes()) {
            Layer l = layers.get(n.name());
            if (l == null) {
                b.add(n.name(), n.op(), n.inputs().toArray(String[]::new));
            } else {
                addLayers(b, n, l.keptIn(removedShare).length, l.keptOut(removedShare).length);
            }
        }
        return b.setOutput(graph.outputName()).build();
    }

    /**
     * A new model: every layer of {@code layers} re-parameterized in its eigenbasis, keeping
     * {@code 1 − removedShare} of its input and output directions (at least one of each).
     */
    static Model inEigenbases(Model model, Map<String, Layer> layers, double removedShare) {
        Graph reparameterized = graph(model.graph(), layers, removedShare);
        Map<String, Map<String, double[]>> values = new LinkedHashMap<>();   // node → parameter → values
        layers.forEach((name, l) -> {
            int[] keepOut = l.keptOut(removedShare);
            int[] keepIn = l.keptIn(removedShare);
            values.put(name + ".kfe_in", Map.of("weight", columns(l.in().vectors(), keepIn, true)));
            values.put(name + ".kfe", Map.of("weight", select(l.rotated(), keepOut, keepIn, l.in().size(), l.positions())));
            Map<String, double[]> last = new LinkedHashMap<>();
            last.put("weight", columns(l.out().vectors(), keepOut, false));
            if (model.parametersOf(name).containsKey("bias")) {
                float[] bias = model.parameter(name, "bias").value().toFloatArray();
                last.put("bias", IntStream.range(0, bias.length).mapToDouble(i -> bias[i]).toArray());
            }
            values.put(name, last);
        });
        Model result = Model.builder().setGraph(reparameterized).optDataType(model.dataType())
                .optProvenance(model.provenance()).build();
        try {
            Map<String, Map<String, Parameter>> params = new LinkedHashMap<>();
            NDManager m = result.manager();
            for (Node n : reparameterized.nodes()) {
                Map<String, Parameter> own = new LinkedHashMap<>();
                Map<String, double[]> computed = values.get(n.name());
                if (computed != null) {
                    computed.forEach((name, v) -> {
                        Shape shape = result.parameter(n.name(), name).value().getShape();
                        NDArray value = Engines.create(m, v, shape).toType(model.dataType(), false);
                        own.put(name, result.newParameter(n.name(), name, true, value));
                    });
                } else {
                    for (Parameter p : model.parametersOf(n.name()).values()) {
                        own.put(p.name(), result.newParameter(n.name(), p.name(), p.trainable(),
                                Engines.denseCopy(m, p.value())));
                    }
                }
                params.put(n.name(), own);
            }
            result.setStructure(reparameterized, params);
            return result;
        } catch (RuntimeException e) {
            result.close();
            throw e;
        }
    }

    private static void checkShare(double removedShare) {
        if (!(removedShare >= 0 && removedShare < 1)) {
            throw new IllegalArgumentException("the share of eigen directions to remove must be in [0, 1), got "
                    + removedShare);
        }
    }

    /** Eigenvalues (clamped at 0) and eigenvectors (columns) of a symmetric matrix. */
    record Basis(double[] values, double[][] vectors) {
        static Basis of(double[][] symmetric) {
            RealMatrix m = new Array2DRowRealMatrix(symmetric);
            EigenDecomposition e = new EigenDecomposition(m.add(m.transpose()).scalarMultiply(0.5));
            double[] values = Arrays.stream(e.getRealEigenvalues()).map(v -> Math.max(0, v)).toArray();
            return new Basis(values, e.getV().getData());
        }

        int size() {
            return values.length;
        }
    }

    /** {@code W'_p = Q_Sᵀ W_p Q_A} for every kernel position p; layout (out, in, positions). */
    private static double[] rotate(float[] w, double[][] qs, double[][] qa, int cOut, int cIn, int positions) {
        double[] t = new double[w.length];   // Q_Sᵀ W
        for (int i = 0; i < cOut; i++) {
            for (int o = 0; o < cOut; o++) {
                double q = qs[o][i];
                if (q == 0) {
                    continue;
                }
                for (int c = 0; c < cIn * positions; c++) {
                    t[i * cIn * positions + c] += q * w[o * cIn * positions + c];
                }
            }
        }
        double[] r = new double[w.length];   // (Q_Sᵀ W) Q_A
        for (int i = 0; i < cOut; i++) {
            for (int j = 0; j < cIn; j++) {
                for (int c = 0; c < cIn; c++) {
                    double q = qa[c][j];
                    for (int p = 0; p < positions; p++) {
                        r[(i * cIn + j) * positions + p] += t[(i * cIn + c) * positions + p] * q;
                    }
                }
            }
        }
        return r;
    }

    /** The loss estimate of removing each output (or input) eigen direction. */
    static double[] importance(double[] r, double[] ls, double[] la, int cOut, int cIn, int positions, boolean output) {
        double[] cost = new double[output ? cOut : cIn];
        for (int i = 0; i < cOut; i++) {
            for (int j = 0; j < cIn; j++) {
                double sq = 0;
                for (int p = 0; p < positions; p++) {
                    double v = r[(i * cIn + j) * positions + p];
                    sq += v * v;
                }
                cost[output ? i : j] += 0.5 * ls[i] * la[j] * sq;
            }
        }
        return cost;
    }

    /** The indices of the largest {@code 1 − removedShare} of {@code cost} (at least one), ascending. */
    private static int[] keep(double[] cost, double removedShare) {
        int count = Math.max(1, (int) Math.round(cost.length * (1 - removedShare)));
        return IntStream.range(0, cost.length).boxed().sorted((x, y) -> Double.compare(cost[y], cost[x]))
                .limit(count).mapToInt(Integer::intValue).sorted().toArray();
    }

    /** The kept eigenvectors as a 1×1 layer's weight: {@code Q[:, keep]ᵀ} into the basis, {@code Q[:, keep]} out of it. */
    private static double[] columns(double[][] q, int[] keep, boolean transposed) {
        int n = q.length;
        double[] w = new double[n * keep.length];
        for (int k = 0; k < keep.length; k++) {
            for (int c = 0; c < n; c++) {
                if (transposed) {
                    w[k * n + c] = q[c][keep[k]];
                } else {
                    w[c * keep.length + k] = q[c][keep[k]];
                }
            }
        }
        return w;
    }

    private static double[] select(double[] r, int[] rows, int[] cols, int cIn, int positions) {
        double[] out = new double[rows.length * cols.length * positions];
        for (int a = 0; a < rows.length; a++) {
            for (int b = 0; b < cols.length; b++) {
                System.arraycopy(r, (rows[a] * cIn + cols[b]) * positions, out, (a * cols.length + b) * positions, positions);
            }
        }
        return out;
    }

    /** The three layers that replace {@code n}: into the input basis, the core, out of the output basis. */
    private static void addLayers(Graph.Builder b, Node n, int keptIn, int keptOut) {
        String input = n.inputs().get(0);
        Op into;
        Op core;
        Op back;
        if (n.op() instanceof Conv2dOp c) {
            into = Conv2dOp.builder().setOutChannels(keptIn).setKernel(1).optBias(false).build();
            core = c.toBuilder().setOutChannels(keptOut).optBias(false).build();
            back = Conv2dOp.builder().setOutChannels(c.outChannels()).setKernel(1).optBias(c.hasBias()).build();
        } else {
            LinearOp l = (LinearOp) n.op();
            into = new LinearOp(keptIn, false);
            core = new LinearOp(keptOut, false);
            back = new LinearOp(l.outFeatures(), l.hasBias());
        }
        b.add(n.name() + ".kfe_in", into, input);
        b.add(n.name() + ".kfe", core, n.name() + ".kfe_in");
        b.add(n.name(), back, n.name() + ".kfe");
    }
}
