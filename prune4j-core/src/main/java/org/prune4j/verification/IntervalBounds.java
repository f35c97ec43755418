package org.prune4j.verification;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import org.prune4j.engine.Scalars;
import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;
import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.Op;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.AddOp;
import org.prune4j.graph.ops.BatchNormOp;
import org.prune4j.graph.ops.ChannelAffineOp;
import org.prune4j.graph.ops.ChannelShuffleOp;
import org.prune4j.graph.ops.ConcatOp;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.DropoutOp;
import org.prune4j.graph.ops.FlattenOp;
import org.prune4j.graph.ops.GlobalAvgPoolOp;
import org.prune4j.graph.ops.IdentityOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.graph.ops.MulOp;
import org.prune4j.graph.ops.Pool2dOp;
import org.prune4j.graph.ops.ScaleShiftOp;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Interval bound propagation (Gowal et al. 2018) through a model graph, in eval mode: given a box
 * of inputs, a box that contains every node's output for every input in it. Affine layers
 * (convolution, linear, batch norm, channel affine) map the box's centre exactly and its radius
 * through the absolute weights; monotone layers (ReLU, ReLU6, sigmoid, pooling, flatten, add,
 * concat, ...) map the lower and upper bounds; a product of two nodes takes the extremes of the
 * four corner products. Ops whose bounds are not implemented (SiLU, hard-swish, softmax) are
 * refused naming the node.
 */
public final class IntervalBounds {

    private static final Set<Class<? extends Op>> MONOTONE = Set.of(Pool2dOp.class, GlobalAvgPoolOp.class,
            FlattenOp.class, IdentityOp.class, DropoutOp.class, ChannelShuffleOp.class, ConcatOp.class, AddOp.class);

    private IntervalBounds() {}

    /** Checks that every node's bounds can be propagated; throws naming the first that cannot. */
    public static void checkSupported(Graph graph) {
        for (Node node : graph.nodes()) {
            Op op = node.op();
            boolean ok = MONOTONE.contains(op.getClass()) || op instanceof Conv2dOp || op instanceof LinearOp
                    || op instanceof BatchNormOp || op instanceof ChannelAffineOp || op instanceof ScaleShiftOp
                    || op instanceof MulOp || (op instanceof ActivationOp a && monotone(a.kind()));
            if (!ok) {
                throw new IllegalArgumentException("interval bounds cannot pass node '" + node.name() + "' (" + op
                        + "): supported are convolution, linear, batch norm, channel affine, scale-shift, pooling, "
                        + "flatten, add, concat, mul, dropout and the monotone activations relu, relu6, sigmoid, "
                        + "hard-sigmoid");
            }
        }
    }

    /** The nodes whose outputs enter a ReLU (or ReLU6): their intervals decide which ReLUs are stable. */
    public static Set<String> reluInputs(Graph graph) {
        Set<String> inputs = new java.util.HashSet<>();
        for (Node node : graph.nodes()) {
            if (node.op() instanceof ActivationOp a && a.isRectifier()) {
                inputs.add(node.inputs().get(0));
            }
        }
        return inputs;
    }

    private static boolean monotone(ActivationOp.Kind kind) {
        return kind == ActivationOp.Kind.RELU || kind == ActivationOp.Kind.RELU6 || kind == ActivationOp.Kind.SIGMOID
                || kind == ActivationOp.Kind.HARD_SIGMOID;
    }

    /**
     * Propagates {@code input} (a batch of boxes in the model's input space, after normalization)
     * and returns the output node's box; every node's box (and the input's) is shown to
     * {@code observer} before it may be released, so the observer must not keep it. Arrays are
     * created in the input's manager.
     */
    public static Box propagate(Model model, Box input, BiConsumer<String, Box> observer) {
        Graph graph = model.graph();
        checkSupported(graph);
        List<Node> nodes = graph.nodes();
        Map<String, Integer> lastUse = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).inputs()) {
                lastUse.put(in, i);
            }
        }
        Map<String, Box> live = new HashMap<>();
        live.put(graph.inputName(), input);
        observer.accept(graph.inputName(), input);
        Box result = null;
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            List<Box> args = new ArrayList<>();
            node.inputs().forEach(in -> args.add(live.get(in)));
            Box out = bounds(node, args, model.parametersOf(node.name()));
            live.put(node.name(), out);
            observer.accept(node.name(), out);
            if (node.name().equals(graph.outputName())) {
                result = out;
            }
            for (String in : node.inputs()) {
                if (lastUse.get(in) == i && !in.equals(graph.inputName()) && !in.equals(graph.outputName())) {
                    Box done = live.remove(in);
                    if (done != null) {
                        done.close();
                    }
                }
            }
        }
        return result;
    }

    private static Box bounds(Node node, List<Box> in, Map<String, Parameter> own) {
        Op op = node.op();
        NodeParameters params = name -> own.get(name) == null ? null : own.get(name).value();
        if (op instanceof Conv2dOp || op instanceof LinearOp) {
            return affine(op, in.get(0), params, name -> switch (name) {
                case "weight" -> params.get("weight").abs();
                case "bias" -> params.get("bias") == null ? null : params.get("bias").zerosLike();
                default -> params.get(name);
            });
        }
        if (op instanceof BatchNormOp) {
            return affine(op, in.get(0), params, name -> switch (name) {
                case "weight" -> params.get("weight").abs();
                case "bias", "runningMean" -> params.get(name).zerosLike();
                default -> params.get(name);
            });
        }
        if (op instanceof ChannelAffineOp) {
            return affine(op, in.get(0), params, name -> name.equals("scale") ? params.get("scale").abs()
                    : params.get("shift").zerosLike());
        }
        if (op instanceof ScaleShiftOp s) {
            try (NDArray mid = centre(in.get(0)); NDArray rad = radius(in.get(0));
                    NDArray m = op.forward(List.of(mid), params, false);
                    NDArray r = Scalars.times(rad, Math.abs(((Number) s.attributes().get("scale")).doubleValue()))) {
                return new Box(m.sub(r), m.add(r));
            }
        }
        if (op instanceof MulOp) {
            return product(in.get(0), in.get(1));
        }
        // monotone non-decreasing in every input: bounds map to bounds
        List<NDArray> lowers = new ArrayList<>();
        List<NDArray> uppers = new ArrayList<>();
        in.forEach(b -> {
            lowers.add(b.lower());
            uppers.add(b.upper());
        });
        return new Box(op.forward(lowers, params, false), op.forward(uppers, params, false));
    }

    /** An affine op: the centre through the op, the radius through the op with |weights| and no offsets. */
    private static Box affine(Op op, Box in, NodeParameters params, NodeParameters absolute) {
        List<NDArray> made = new ArrayList<>();
        NodeParameters tracked = name -> {
            NDArray a = absolute.get(name);
            if (a != null && a != params.get(name)) {
                made.add(a);
            }
            return a;
        };
        try (NDArray mid = centre(in); NDArray rad = radius(in);
                NDArray m = op.forward(List.of(mid), params, false);
                NDArray r = op.forward(List.of(rad), tracked, false)) {
            return new Box(m.sub(r), m.add(r));
        } finally {
            new NDList(made).close();
        }
    }

    private static Box product(Box a, Box b) {
        try (NDArray ll = a.lower().mul(b.lower()); NDArray lu = a.lower().mul(b.upper());
                NDArray ul = a.upper().mul(b.lower()); NDArray uu = a.upper().mul(b.upper());
                NDArray min1 = ll.minimum(lu); NDArray min2 = ul.minimum(uu);
                NDArray max1 = ll.maximum(lu); NDArray max2 = ul.maximum(uu)) {
            return new Box(min1.minimum(min2), max1.maximum(max2));
        }
    }

    private static NDArray centre(Box b) {
        try (NDArray sum = b.lower().add(b.upper())) {
            return Scalars.times(sum, 0.5);
        }
    }

    private static NDArray radius(Box b) {
        try (NDArray diff = b.upper().sub(b.lower())) {
            return Scalars.times(diff, 0.5);
        }
    }
}
