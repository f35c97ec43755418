package org.prune4j.graph;

import java.util.Arrays;
import java.util.List;

/**
 * The channel rules many ops share, and the lookup of an op's rule through its
 * {@link OpDescriptor}. An op with its own way of passing channels declares its rule next to it.
 */
public final class ChannelRules {

    /** Output channel c is input channel c, for every input (elementwise and per-channel ops, residual adds). */
    public static final ChannelRule PASS_THROUGH = (node, graph, c) -> {
        long channels = graph.shapeOf(node.name()).get(0);
        for (String in : node.inputs()) {
            for (int i = 0; i < channels; i++) {
                c.couple(node.name(), i, in, i);
            }
        }
    };

    private ChannelRules() {}

    /** The rule of {@code op}'s type. */
    public static ChannelRule of(Op op) {
        return OpRegistry.descriptorOf(op).channelRule();
    }

    /** An op that keeps channel c at c and whose named parameters hold one value per channel. */
    public static ChannelRule perChannel(String... parameters) {
        List<ParamAxes> axes = Arrays.stream(parameters).map(p -> ParamAxes.output(p, 0)).toList();
        return new ChannelRule() {
            @Override
            public void couple(Node node, Graph graph, ChannelCoupling c) {
                PASS_THROUGH.couple(node, graph, c);
            }

            @Override
            public List<ParamAxes> parameterAxes(Op op) {
                return axes;
            }
        };
    }

    /** An op (named by kind) that mixes or permutes channels: the channels on both sides stay as they are. */
    public static ChannelRule fixedAround(String kind, String why) {
        return (node, graph, c) -> {
            c.markFixed(node.name(), kind + " " + why);
            c.markFixed(node.inputs().get(0), "input of " + kind + " '" + node.name() + "'");
        };
    }
}
