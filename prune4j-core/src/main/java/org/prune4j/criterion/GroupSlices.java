package org.prune4j.criterion;

import org.prune4j.graph.ChannelRules;
import org.prune4j.dependency.Group;
import org.prune4j.graph.ParamAxes;
import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;
import org.prune4j.model.Model;

import java.util.ArrayList;
import java.util.List;

/**
 * The parameter slices a group's channels own: every parameter axis (output or input side)
 * whose space belongs to the group, e.g. a conv's filters, the BN's γ/β, and the next conv's
 * input columns. Magnitude and Taylor criteria sum over these.
 */
final class GroupSlices {

    /** One parameter axis tied to the group, and the space that indexes it. */
    record Slice(String node, String parameter, int axis, String space) {}

    private GroupSlices() {}

    static List<Slice> of(Model model, Group group) {
        Graph graph = model.graph();
        List<Slice> slices = new ArrayList<>();
        for (Node n : graph.nodes()) {
            for (ParamAxes a : ChannelRules.of(n.op()).parameterAxes(n.op())) {
                String space = a.side() == ParamAxes.Side.OUTPUT ? n.name() : n.inputs().get(0);
                if (group.spaces().contains(space) && model.parameter(n.name(), a.parameter()).trainable()) {
                    slices.add(new Slice(n.name(), a.parameter(), a.axis(), space));
                }
            }
        }
        return slices;
    }

    /**
     * Sums {@code f} over the elements of one slice that belong to each channel of the group:
     * {@code values} is the parameter in row-major order with shape {@code dims}.
     */
    static double[] reducePerChannel(Group group, Slice slice, float[] values, long[] dims, ElementFunction f) {
        int axis = slice.axis();
        long inner = 1;
        for (int d = axis + 1; d < dims.length; d++) {
            inner *= dims[d];
        }
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

    /** A value computed from element {@code i} of the parameter's flat array(s). */
    @FunctionalInterface
    interface ElementFunction {
        double apply(int i);
    }
}
