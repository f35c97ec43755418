package org.prune4j.criterion;

import org.prune4j.graph.ChannelRules;
import org.prune4j.dependency.Group;
import org.prune4j.graph.ParamAxes;
import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameter slices a group's channels own: every parameter axis (output or input side)
 * whose space belongs to the group, e.g. a conv's filters, the BN's γ/β, and the next conv's
 * input columns. Magnitude and Taylor criteria sum over these.
 */
public final class GroupSlices {

    /** One parameter axis tied to the group, and the space that indexes it. */
    public record Slice(String node, String parameter, int axis, String space) {}

    private GroupSlices() {}

    public static List<Slice> of(Model model, Group group) {
        Graph graph = model.graph();
        List<Slice> slices = new ArrayList<>();
        for (Node n : graph.nodes()) {
            for (ParamAxes a : ChannelRules.of(n.op()).parameterAxes(n.op())) {
                String space = a.side() == ParamAxes.Side.OUTPUT ? n.name() : n.inputs().get(0);
                // a per-block axis (an attention head's position bias) holds no weight of single channels
                if (a.block() == 1 && group.spaces().contains(space)
                        && model.parameter(n.name(), a.parameter()).trainable()) {
                    slices.add(new Slice(n.name(), a.parameter(), a.axis(), space));
                }
            }
        }
        return slices;
    }

    /**
     * For each channel of the group, the sum of {@code f} over the elements it owns in every
     * parameter the group slices; {@code f} reads element i of a parameter in row-major order.
     * An element is counted once per channel even when two of its axes are in the group (a conv
     * that reads and writes the same coupled space, e.g. across a residual add).
     */
    static double[] sumPerChannel(Model model, Group group, ParameterFunction f) {
        Map<Parameter, List<Slice>> byParameter = new LinkedHashMap<>();
        for (Slice s : of(model, group)) {
            byParameter.computeIfAbsent(model.parameter(s.node(), s.parameter()), p -> new ArrayList<>()).add(s);
        }
        double[] total = new double[group.size()];
        byParameter.forEach((p, slices) -> {
            ElementFunction element = f.of(p);
            long[] dims = p.value().getShape().getShape();
            double[] part = slices.size() == 1 ? alongOneAxis(group, slices.get(0), dims, element)
                    : alongSeveralAxes(group, slices, dims, element);
            for (int k = 0; k < total.length; k++) {
                total[k] += part[k];
            }
        });
        return total;
    }

    /** The elements channel {@code k} owns in each parameter the group slices (the union of its slices). */
    static Map<Parameter, boolean[]> ownedBy(Model model, Group group, int k) {
        Map<Parameter, boolean[]> owned = new LinkedHashMap<>();
        for (Slice s : of(model, group)) {
            Parameter p = model.parameter(s.node(), s.parameter());
            long[] dims = p.value().getShape().getShape();
            boolean[] mask = owned.computeIfAbsent(p, x -> new boolean[size(dims)]);
            markOwned(group, s, k, dims, mask);
        }
        return owned;
    }

    private static void markOwned(Group group, Slice s, int k, long[] dims, boolean[] mask) {
        long inner = inner(dims, s.axis());
        boolean[] onAxis = new boolean[(int) dims[s.axis()]];
        group.indicesIn(s.space(), k).forEach(i -> onAxis[i] = true);
        for (int i = 0; i < mask.length; i++) {
            mask[i] |= onAxis[(int) ((i / inner) % dims[s.axis()])];
        }
    }

    private static double[] alongOneAxis(Group group, Slice slice, long[] dims, ElementFunction f) {
        int axis = slice.axis();
        long inner = inner(dims, axis);
        long outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= dims[d];
        }
        long axisLen = dims[axis];
        double[] perIndex = new double[(int) axisLen];
        for (long o = 0; o < outer; o++) {
            for (int i = 0; i < axisLen; i++) {
                long base = (o * axisLen + i) * inner;
                double acc = 0;
                for (long j = 0; j < inner; j++) {
                    acc += f.apply((int) (base + j));
                }
                perIndex[i] += acc;
            }
        }
        double[] perChannel = new double[group.size()];
        for (int k = 0; k < group.size(); k++) {
            for (int idx : group.indicesIn(slice.space(), k)) {
                perChannel[k] += perIndex[idx];
            }
        }
        return perChannel;
    }

    /** The union of the channel's slices, element by element (rare, and small layers). */
    private static double[] alongSeveralAxes(Group group, List<Slice> slices, long[] dims, ElementFunction f) {
        int size = size(dims);
        double[] perChannel = new double[group.size()];
        boolean[] owned = new boolean[size];
        for (int k = 0; k < group.size(); k++) {
            Arrays.fill(owned, false);
            for (Slice s : slices) {
                markOwned(group, s, k, dims, owned);
            }
            for (int i = 0; i < size; i++) {
                if (owned[i]) {
                    perChannel[k] += f.apply(i);
                }
            }
        }
        return perChannel;
    }

    private static int size(long[] dims) {
        return (int) Arrays.stream(dims).reduce(1, (a, b) -> a * b);
    }

    private static long inner(long[] dims, int axis) {
        long inner = 1;
        for (int d = axis + 1; d < dims.length; d++) {
            inner *= dims[d];
        }
        return inner;
    }

    /** A value computed from element {@code i} of a parameter's flat array(s). */
    @FunctionalInterface
    interface ElementFunction {
        double apply(int i);
    }

    /** The element function of one parameter (read its arrays once, then index them). */
    @FunctionalInterface
    interface ParameterFunction {
        ElementFunction of(Parameter p);
    }
}
