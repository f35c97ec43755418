package org.prune4j.dependency;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import org.prune4j.graph.ChannelRule;
import org.prune4j.graph.ParamAxes;
import org.prune4j.graph.ChannelRules;
import org.prune4j.engine.Engines;
import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;
import org.prune4j.graph.Op;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.model.ParameterState;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Removes channels for real: a smaller graph (ops resized by their {@link ChannelRule}s) and
 * parameters, batch-norm buffers and optimizer state sliced to the surviving channels. Also
 * the reference it is tested against: {@link #mask}, which zeroes what reads those channels.
 */
public final class ChannelRemoval {

    private ChannelRemoval() {}

    /**
     * Removes channels of several groups at once, and from {@code state} (e.g. an optimizer's
     * momentum; may be null) the same slices. Nothing changes if any check fails: every space
     * must keep at least one channel.
     */
    public static void remove(Model model, Map<Group, int[]> removals, ParameterState state) {
        Graph graph = model.graph();
        Map<String, TreeSet<Integer>> removed = removedPerSpace(graph, removals);
        Graph pruned = resize(graph, removed);

        Map<String, Map<String, Parameter>> params = new LinkedHashMap<>();
        Map<String, Map<String, NDArray>> sliced = new HashMap<>();
        for (Node n : graph.nodes()) {
            Map<String, Parameter> own = new LinkedHashMap<>();
            for (Parameter p : model.parametersOf(n.name()).values()) {
                NDArray value = slice(p.value(), n, p.name(), removed);
                own.put(p.name(), model.newParameter(n.name(), p.name(), p.trainable(), value));
                if (state != null && !state.state(p.fullName()).isEmpty()) {
                    Map<String, NDArray> slices = new LinkedHashMap<>();
                    state.state(p.fullName()).forEach((k, v) -> slices.put(k, slice(v, n, p.name(), removed)));
                    sliced.put(p.fullName(), slices);
                }
            }
            params.put(n.name(), own);
        }
        model.setStructure(pruned, params);
        if (state != null) {
            sliced.forEach(state::setState);
        }
    }

    /** The graph that {@link #remove} would produce, without touching any weights (for budgets). */
    public static Graph prunedGraph(Graph graph, Map<Group, int[]> removals) {
        return resize(graph, removedPerSpace(graph, removals));
    }

    private static Graph resize(Graph graph, Map<String, TreeSet<Integer>> removed) {
        Graph.Builder b = Graph.builder().setInput(graph.inputName(), graph.inputShape());
        for (Node n : graph.nodes()) {
            List<Shape> newInputs = new ArrayList<>();
            n.inputs().forEach(i -> newInputs.add(b.shapeOf(i)));
            long newChannels = graph.shapeOf(n.name()).get(0) - removed.get(n.name()).size();
            List<java.util.SortedSet<Integer>> removedFromInputs = new ArrayList<>();
            n.inputs().forEach(i -> removedFromInputs.add(removed.get(i)));
            Op op = ChannelRules.of(n.op()).resize(n.op(), newInputs, newChannels, removedFromInputs);
            b.add(n.name(), op, n.inputs().toArray(String[]::new));
            if (b.shapeOf(n.name()).get(0) != newChannels) {
                throw new IllegalStateException("node '" + n.name() + "' would have " + b.shapeOf(n.name()).get(0)
                        + " channels after pruning, expected " + newChannels + ": its channel rule is inconsistent");
            }
        }
        return b.setOutput(graph.outputName()).build();
    }

    /**
     * The masked equivalent of {@link #remove}: zeroes every parameter slice that reads a removed
     * channel (input axes), so the removed channels contribute nothing downstream. In eval mode
     * the pruned and the masked model compute the same outputs.
     */
    public static void mask(Model model, Map<Group, int[]> removals) {
        Graph graph = model.graph();
        Map<String, TreeSet<Integer>> removed = removedPerSpace(graph, removals);
        for (Node n : graph.nodes()) {
            for (ParamAxes axes : ChannelRules.of(n.op()).parameterAxes(n.op())) {
                if (axes.side() != ParamAxes.Side.INPUT) {
                    continue;
                }
                TreeSet<Integer> gone = removed.get(n.inputs().get(0));
                if (gone.isEmpty()) {
                    continue;
                }
                NDArray w = model.parameter(n.name(), axes.parameter()).value();
                float[] keep = new float[(int) w.getShape().get(axes.axis())];
                java.util.Arrays.fill(keep, 1f);
                gone.forEach(i -> keep[i] = 0f);
                long[] dims = new long[w.getShape().dimension()];
                java.util.Arrays.fill(dims, 1);
                dims[axes.axis()] = keep.length;
                try (NDManager tmp = model.manager().newSubManager();
                        NDArray m = Engines.create(tmp, keep, new Shape(dims)).toType(w.getDataType(), false)) {
                    w.muli(m);
                }
            }
        }
    }

    private static Map<String, TreeSet<Integer>> removedPerSpace(Graph graph, Map<Group, int[]> removals) {
        Map<String, TreeSet<Integer>> removed = new HashMap<>();
        removed.put(graph.inputName(), new TreeSet<>());
        graph.nodes().forEach(n -> removed.put(n.name(), new TreeSet<>()));
        for (Map.Entry<Group, int[]> r : removals.entrySet()) {
            Group g = r.getKey();
            for (int k : r.getValue()) {
                if (k < 0 || k >= g.size()) {
                    throw new IllegalArgumentException("group " + g.root() + " has channels 0.." + (g.size() - 1)
                            + ", got " + k);
                }
                for (String space : g.spaces()) {
                    removed.get(space).addAll(g.indicesIn(space, k));
                }
            }
        }
        for (Node n : graph.nodes()) {
            int gone = removed.get(n.name()).size();
            long channels = graph.shapeOf(n.name()).get(0);
            if (gone > 0 && gone >= channels) {
                throw new IllegalArgumentException("removing " + gone + " of " + channels
                        + " channels would empty '" + n.name() + "'; at least one must stay");
            }
        }
        return removed;
    }

    /** {@code a} with the removed indices dropped along every axis its rule ties to a space. */
    private static NDArray slice(NDArray a, Node node, String parameter, Map<String, TreeSet<Integer>> removed) {
        NDArray current = a.duplicate();
        for (ParamAxes axes : ChannelRules.of(node.op()).parameterAxes(node.op())) {
            if (!axes.parameter().equals(parameter)) {
                continue;
            }
            String space = axes.side() == ParamAxes.Side.OUTPUT ? node.name() : node.inputs().get(0);
            TreeSet<Integer> gone = removed.get(space);
            if (gone.isEmpty()) {
                continue;
            }
            long size = current.getShape().get(axes.axis());
            long[] keep = new long[(int) size - gone.size() / axes.block()];
            int j = 0;
            for (int i = 0; i < size; i++) {
                if (!gone.contains(i * axes.block())) { // a block's channels go together: its first stands for all
                    keep[j++] = i;
                }
            }
            try (NDManager tmp = current.getManager().newSubManager()) {
                NDArray index = Engines.create(tmp, keep);
                NDArray selected = current.get(new NDIndex(":, ".repeat(axes.axis()) + "{}", index));
                selected.attach(tmp);
                NDArray next = Engines.denseCopy(current.getManager(), selected);
                current.close();
                current = next;
            }
        }
        return current;
    }
}
