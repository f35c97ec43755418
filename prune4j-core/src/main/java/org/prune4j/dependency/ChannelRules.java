package org.prune4j.dependency;

import ai.djl.ndarray.types.Shape;

import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;
import org.prune4j.graph.Op;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.AddOp;
import org.prune4j.graph.ops.BatchNormOp;
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
import org.prune4j.graph.ops.SoftmaxOp;
import org.prune4j.graph.ops.ChannelAffineOp;
import org.prune4j.graph.ops.ChannelShuffleOp;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The op table: one {@link ChannelRule} per op type. Adding an op to the pruner is one entry.
 */
public final class ChannelRules {

    private static final Map<Class<? extends Op>, ChannelRule> RULES = new HashMap<>();

    /** Output channel c is input channel c (elementwise or per-channel ops). */
    private static final ChannelRule PASS_THROUGH = (node, graph, c) -> {
        long channels = graph.shapeOf(node.name()).get(0);
        for (String in : node.inputs()) {
            for (int i = 0; i < channels; i++) {
                c.couple(node.name(), i, in, i);
            }
        }
    };

    /** An op that keeps channel c at c and whose named parameters hold one value per channel. */
    private static ChannelRule perChannel(String... parameters) {
        List<ParamAxes> axes = java.util.Arrays.stream(parameters).map(p -> ParamAxes.output(p, 0)).toList();
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
    private static ChannelRule fixedAround(String kind, String why) {
        return (node, graph, c) -> {
            c.markFixed(node.name(), kind + " " + why);
            c.markFixed(node.inputs().get(0), "input of " + kind + " '" + node.name() + "'");
        };
    }

    static {
        register(ActivationOp.class, PASS_THROUGH);
        register(Pool2dOp.class, PASS_THROUGH);
        register(GlobalAvgPoolOp.class, PASS_THROUGH);
        register(DropoutOp.class, PASS_THROUGH);
        register(IdentityOp.class, PASS_THROUGH);
        register(ScaleShiftOp.class, PASS_THROUGH);
        register(ChannelAffineOp.class, perChannel("scale", "shift"));
        register(SoftmaxOp.class, (node, graph, c) -> {
            if (node.name().equals(graph.outputName())) {
                PASS_THROUGH.couple(node, graph, c); // a final softmax: its input is the (never pruned) logits
                return;
            }
            fixedAround("softmax", "mixes all features").couple(node, graph, c);
        });
        register(ChannelShuffleOp.class, fixedAround("channel shuffle", "permutes channels"));
        // Residual adds and (channel-gated) products: every input shares the output's indices.
        register(AddOp.class, PASS_THROUGH);
        register(MulOp.class, PASS_THROUGH);
        register(BatchNormOp.class, perChannel("weight", "bias", "runningMean", "runningVar"));
        register(ConcatOp.class, (node, graph, c) -> {
            int offset = 0;
            for (String in : node.inputs()) {
                long channels = graph.shapeOf(in).get(0);
                for (int i = 0; i < channels; i++) {
                    c.couple(node.name(), offset + i, in, i);
                }
                offset += (int) channels;
            }
        });
        // Channel c of an image becomes the block of features [c*H*W, (c+1)*H*W).
        register(FlattenOp.class, (node, graph, c) -> {
            String in = node.inputs().get(0);
            Shape s = graph.shapeOf(in);
            long block = s.dimension() == 3 ? s.get(1) * s.get(2) : 1;
            for (int ch = 0; ch < s.get(0); ch++) {
                for (int j = 0; j < block; j++) {
                    c.couple(node.name(), (int) (ch * block + j), in, ch);
                }
            }
        });
        register(LinearOp.class, new ChannelRule() {
            @Override
            public void couple(Node node, Graph graph, ChannelCoupling c) {
                c.markCreated(node.name());
            }

            @Override
            public List<ParamAxes> parameterAxes(Op op) {
                return ((LinearOp) op).hasBias()
                        ? List.of(ParamAxes.output("weight", 0), ParamAxes.input("weight", 1), ParamAxes.output("bias", 0))
                        : List.of(ParamAxes.output("weight", 0), ParamAxes.input("weight", 1));
            }

            @Override
            public Op resize(Op op, List<Shape> newInputs, long newOutputChannels) {
                return new LinearOp((int) newOutputChannels, ((LinearOp) op).hasBias());
            }
        });
        register(Conv2dOp.class, new ConvRule());
    }

    private ChannelRules() {}

    public static synchronized void register(Class<? extends Op> type, ChannelRule rule) {
        RULES.put(type, rule);
    }

    public static synchronized ChannelRule of(Op op) {
        ChannelRule rule = RULES.get(op.getClass());
        if (rule == null) {
            throw new IllegalArgumentException("no channel rule for op type '" + op.type()
                    + "': structured pruning cannot tell how it passes channels");
        }
        return rule;
    }

    /** Dense convs create channels; depthwise convs pass them through; other groupings stay fixed. */
    private static final class ConvRule implements ChannelRule {

        @Override
        public void couple(Node node, Graph graph, ChannelCoupling c) {
            Conv2dOp conv = (Conv2dOp) node.op();
            String in = node.inputs().get(0);
            long inChannels = graph.shapeOf(in).get(0);
            if (conv.groups() == 1) {
                c.markCreated(node.name());
            } else if (isDepthwise(conv, inChannels)) {
                PASS_THROUGH.couple(node, graph, c);
            } else {
                c.markFixed(node.name(), "grouped conv with groups=" + conv.groups());
                c.markFixed(in, "input of grouped conv '" + node.name() + "'");
            }
        }

        @Override
        public List<ParamAxes> parameterAxes(Op op) {
            Conv2dOp conv = (Conv2dOp) op;
            List<ParamAxes> axes = new java.util.ArrayList<>();
            axes.add(ParamAxes.output("weight", 0));
            if (conv.groups() == 1) {
                axes.add(ParamAxes.input("weight", 1));
            }
            if (conv.hasBias()) {
                axes.add(ParamAxes.output("bias", 0));
            }
            return axes;
        }

        @Override
        public Op resize(Op op, List<Shape> newInputs, long newOutputChannels) {
            Conv2dOp conv = (Conv2dOp) op;
            Conv2dOp.Builder b = conv.toBuilder().setOutChannels((int) newOutputChannels);
            if (conv.groups() > 1) {
                b.optGroups((int) newOutputChannels); // depthwise stays depthwise
            }
            return b.build();
        }

        private static boolean isDepthwise(Conv2dOp conv, long inChannels) {
            return conv.groups() == inChannels && conv.outChannels() == inChannels;
        }
    }
}
