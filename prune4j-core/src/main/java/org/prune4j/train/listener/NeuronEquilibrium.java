package org.prune4j.train.listener;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.prune4j.data.Batch;
import org.prune4j.data.DataLoader;
import org.prune4j.engine.Engines;
import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.train.EpochStats;
import org.prune4j.train.TrainingContext;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * NEq (Bragagnolo et al. 2022): a neuron whose outputs have reached equilibrium stops being
 * updated. After every epoch each conv channel's and linear unit's outputs on a fixed validation
 * set are compared with the previous epoch's (cosine similarity φ); the velocity
 * v = (φ − φ_previous) − μ·v_previous below {@code epsilon} in magnitude marks the neuron at
 * equilibrium, and through the next epoch its weights and bias do not change: their gradients are
 * zeroed before every update and their values put back after it (weight decay and momentum would
 * move them otherwise). A neuron comes back when its velocity rises again. It counts the
 * weight-gradient work of the backward pass that frozen neurons save.
 */
public final class NeuronEquilibrium implements TrainingListener {

    private final DataLoader validation;
    private final double epsilon;
    private final double momentum;
    private final Map<String, float[][]> previousOutputs = new LinkedHashMap<>();
    private final Map<String, double[]> previousSimilarity = new LinkedHashMap<>();
    private final Map<String, double[]> velocity = new LinkedHashMap<>();
    private final Map<String, boolean[]> frozen = new LinkedHashMap<>();
    private final Map<String, Long> macsPerNeuron = new LinkedHashMap<>();
    private final Map<String, Integer> channels = new LinkedHashMap<>();
    private final Map<String, float[]> heldValues = new LinkedHashMap<>(); // frozen neurons' parameters by full name
    private double savedMacs;
    private double totalMacs;
    private int frozenNow;
    private int neurons;

    /**
     * @param validation the fixed inputs whose outputs are compared (a few hundred images suffice)
     * @param epsilon the velocity below which a neuron is at equilibrium (the paper: 0.001)
     * @param momentum μ of the velocity (the paper: 0.5)
     */
    public NeuronEquilibrium(DataLoader validation, double epsilon, double momentum) {
        if (!(epsilon >= 0) || !(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("NEq needs epsilon >= 0 and momentum in [0, 1), got " + epsilon + " and "
                    + momentum);
        }
        this.validation = validation;
        this.epsilon = epsilon;
        this.momentum = momentum;
    }

    @Override
    public void onTrainingBegin(TrainingContext context) {
        Graph graph = context.model().graph();
        neurons = 0;
        for (Node n : graph.nodes()) {
            if (n.op() instanceof Conv2dOp || n.op() instanceof LinearOp) {
                Shape out = graph.shapeOf(n.name());
                long positions = out.size() / out.get(0);
                long fanIn = context.model().parameter(n.name(), "weight").value().size() / out.get(0);
                macsPerNeuron.put(n.name(), fanIn * positions);
                channels.put(n.name(), (int) out.get(0));
                neurons += (int) out.get(0);
            }
        }
        measure(context.model()); // the outputs before training: what the first epoch is compared with
    }

    @Override
    public void onEpochEnd(TrainingContext context, EpochStats stats) {
        measure(context.model());
    }

    /** Remembers the values the frozen neurons keep through the coming epoch. */
    @Override
    public void onEpochBegin(TrainingContext context) {
        heldValues.clear();
        for (String node : frozen.keySet()) {
            for (Parameter p : context.model().parametersOf(node).values()) {
                if (p.trainable()) {
                    heldValues.put(p.fullName(), p.value().toFloatArray());
                }
            }
        }
    }

    /** Puts the frozen neurons' values back after the optimizer step. */
    @Override
    public void onBatchEnd(TrainingContext context, double loss, long correct, int batchSize) {
        Model model = context.model();
        for (Map.Entry<String, boolean[]> e : frozen.entrySet()) {
            if (!anyFrozen(e.getValue())) {
                continue;
            }
            for (Parameter p : model.parametersOf(e.getKey()).values()) {
                float[] held = heldValues.get(p.fullName());
                if (held == null) {
                    continue;
                }
                try (NDManager m = model.manager().newSubManager()) {
                    NDArray keep = rowMask(m, e.getValue(), p, false);
                    NDArray stop = rowMask(m, e.getValue(), p, true);
                    // value·keep + held·stop, in place so the parameter keeps its array and memory format
                    p.value().muli(keep).addi(Engines.create(m, held, p.value().getShape()).mul(stop));
                }
            }
        }
    }

    private static boolean anyFrozen(boolean[] stop) {
        for (boolean s : stop) {
            if (s) {
                return true;
            }
        }
        return false;
    }

    /** 1 on the rows of frozen ({@code frozenRows}) or of free neurons, shaped to broadcast over {@code p}. */
    private static NDArray rowMask(NDManager m, boolean[] stop, Parameter p, boolean frozenRows) {
        float[] v = new float[stop.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = stop[i] == frozenRows ? 1 : 0;
        }
        long[] shape = new long[p.value().getShape().dimension()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = v.length;
        return Engines.create(m, v, new Shape(shape));
    }

    /** Zeroes the gradients of the frozen neurons' weights and biases, and counts the work saved. */
    @Override
    public void beforeUpdate(TrainingContext context) {
        Model model = context.model();
        for (Map.Entry<String, Long> e : macsPerNeuron.entrySet()) {
            boolean[] stop = frozen.get(e.getKey());
            int count = 0;
            if (stop != null) {
                for (boolean s : stop) {
                    count += s ? 1 : 0;
                }
            }
            totalMacs += (double) e.getValue() * channels.get(e.getKey());
            if (count == 0) {
                continue;
            }
            savedMacs += (double) e.getValue() * count;
            for (Parameter p : model.parametersOf(e.getKey()).values()) {
                if (!p.trainable()) {
                    continue;
                }
                try (NDManager m = model.manager().newSubManager(); NDArray grad = p.value().getGradient()) {
                    grad.muli(rowMask(m, stop, p, false));
                }
            }
        }
    }

    /** One epoch's outputs of every neuron; updates similarity, velocity and who is frozen. */
    private void measure(Model model) {
        Map<String, float[][]> outputs = outputs(model);
        frozenNow = 0;
        for (Map.Entry<String, float[][]> e : outputs.entrySet()) {
            float[][] now = e.getValue();
            float[][] before = previousOutputs.get(e.getKey());
            if (before != null) {
                double[] phiBefore = previousSimilarity.computeIfAbsent(e.getKey(), k -> new double[now.length]);
                double[] v = velocity.computeIfAbsent(e.getKey(), k -> new double[now.length]);
                boolean[] stop = frozen.computeIfAbsent(e.getKey(), k -> new boolean[now.length]);
                for (int n = 0; n < now.length; n++) {
                    double phi = cosine(now[n], before[n]);
                    v[n] = velocity(phi, phiBefore[n], v[n], momentum);
                    phiBefore[n] = phi;
                    stop[n] = Math.abs(v[n]) < epsilon;
                    frozenNow += stop[n] ? 1 : 0;
                }
            }
            previousOutputs.put(e.getKey(), now);
        }
    }

    /** NEq's velocity of the similarity: its change, less μ times the previous velocity. */
    static double velocity(double similarity, double previousSimilarity, double previousVelocity, double momentum) {
        return (similarity - previousSimilarity) - momentum * previousVelocity;
    }

    /** Per conv/linear node and output neuron, its outputs over the validation set (in eval mode). */
    private Map<String, float[][]> outputs(Model model) {
        Map<String, java.util.List<float[]>> parts = new LinkedHashMap<>(); // per batch: (C, N·positions)
        for (Batch batch : validation.epoch(0)) {
            try (NDManager m = model.manager().newSubManager()) {
                model.forward(batch.toNDList(m).get(0), false, Map.of(), (node, out) -> {
                    if (channels.containsKey(node)) {
                        parts.computeIfAbsent(node, k -> new java.util.ArrayList<>())
                                .add(out.swapAxes(0, 1).reshape(channels.get(node), -1).toFloatArray());
                    }
                });
            }
        }
        Map<String, float[][]> result = new LinkedHashMap<>();
        parts.forEach((node, batches) -> {
            int c = channels.get(node);
            int length = batches.stream().mapToInt(b -> b.length / c).sum();
            float[][] rows = new float[c][length];
            int offset = 0;
            for (float[] part : batches) {
                int per = part.length / c;
                for (int n = 0; n < c; n++) {
                    System.arraycopy(part, n * per, rows[n], offset, per);
                }
                offset += per;
            }
            result.put(node, rows);
        });
        return result;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? (na == nb ? 1 : 0) : dot / Math.sqrt(na * nb);
    }

    /** The share of the weight-gradient multiply-adds of the backward pass that frozen neurons skipped. */
    public double savedBackwardShare() {
        return totalMacs == 0 ? 0 : savedMacs / totalMacs;
    }

    /** Neurons at equilibrium after the last epoch, out of {@link #neurons()}. */
    public int frozenNeurons() {
        return frozenNow;
    }

    public int neurons() {
        return neurons;
    }

    public Map<String, Object> settings() {
        return Map.of("epsilon", epsilon, "momentum", momentum, "validationSamples", validation.dataset().size());
    }
}
