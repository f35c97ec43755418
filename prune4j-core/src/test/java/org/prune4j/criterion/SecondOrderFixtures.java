package org.prune4j.criterion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.prune4j.dependency.Group;
import org.prune4j.engine.Engines;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.AddOp;
import org.prune4j.graph.ops.BatchNormOp;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.GlobalAvgPoolOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.train.Loss;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A smooth network with a coupled residual group, and finite differences along parameter directions, for the second-order criteria's tests. */
final class SecondOrderFixtures {

    private SecondOrderFixtures() {}

    /** conv → BN → SiLU, then conv → BN added to it (one coupled group), SiLU, average pool, linear. */
    static Graph smoothResidualNet() {
        return Graph.builder().setInput("x", new Shape(1, 28, 28))
                .add("c1", Conv2dOp.builder().setOutChannels(6).setKernel(3).optStride(2).optPadding(1).build(), "x")
                .add("bn1", new BatchNormOp())
                .add("act1", new ActivationOp(ActivationOp.Kind.SILU))
                .add("c2", Conv2dOp.builder().setOutChannels(6).setKernel(3).optPadding(1).build())
                .add("bn2", new BatchNormOp())
                .add("res", new AddOp(), "bn2", "act1")
                .add("act2", new ActivationOp(ActivationOp.Kind.SILU))
                .add("c3", Conv2dOp.builder().setOutChannels(4).setKernel(3).optPadding(1).build())
                .add("act3", new ActivationOp(ActivationOp.Kind.SILU))
                .add("gap", new GlobalAvgPoolOp())
                .add("fc", new LinearOp(10))
                .build();
    }

    /** The loss with every trainable parameter set to {@code w + α·u + β·w}. */
    static double loss(Model model, NDList xy, Map<String, double[]> w, Map<String, double[]> u, double alpha,
            double beta) {
        setParameters(model, w, u, alpha, beta);
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray logits = model.forward(xy.get(0), false);
            logits.attach(scope);
            try (NDArray loss = Loss.crossEntropy(logits, xy.get(1))) {
                return loss.getDouble();
            }
        }
    }

    /** Sets every trainable parameter to {@code w + α·u + β·w} ({@code u} may leave parameters out: zero). */
    static void setParameters(Model model, Map<String, double[]> w, Map<String, double[]> u, double alpha, double beta) {
        for (Parameter p : model.trainableParameters()) {
            double[] base = w.get(p.fullName());
            double[] dir = u.get(p.fullName());
            double[] v = new double[base.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = base[i] + alpha * (dir == null ? 0 : dir[i]) + beta * base[i];
            }
            p.setValue(Engines.create(model.manager(), v, p.value().getShape()));
        }
    }

    static void restore(Model model, Map<String, double[]> w) {
        for (Parameter p : model.trainableParameters()) {
            p.setValue(Engines.create(model.manager(), w.get(p.fullName()), p.value().getShape()));
        }
    }

    /** The group's slices of channel k, with their weights; every other element zero. */
    static Map<String, double[]> channelDirection(Model model, Group g, int k, Map<String, double[]> w) {
        Map<String, double[]> u = new HashMap<>();
        for (GroupSlices.Slice s : GroupSlices.of(model, g)) {
            Parameter p = model.parameter(s.node(), s.parameter());
            double[] values = w.get(p.fullName());
            double[] dir = u.computeIfAbsent(p.fullName(), n -> new double[values.length]);
            long[] dims = p.value().getShape().getShape();
            long inner = 1;
            for (int d = s.axis() + 1; d < dims.length; d++) {
                inner *= dims[d];
            }
            List<Integer> mine = new ArrayList<>(g.indicesIn(s.space(), k));
            for (int i = 0; i < values.length; i++) {
                if (mine.contains((int) ((i / inner) % dims[s.axis()]))) {
                    dir[i] = values[i];
                }
            }
        }
        return u;
    }

    /** The logits (flattened) with every trainable parameter set to {@code w + α·u}. */
    static double[] logits(Model model, NDList xy, Map<String, double[]> w, Map<String, double[]> u, double alpha) {
        setParameters(model, w, u, alpha, 0);
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray logits = model.forward(xy.get(0), false);
            logits.attach(scope);
            return logits.toDoubleArray();
        }
    }
}
