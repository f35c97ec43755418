package org.prune4j.graph.ops;

import ai.djl.ndarray.types.Shape;

import org.prune4j.graph.ChannelCoupling;
import org.prune4j.graph.ChannelRule;
import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;
import org.prune4j.graph.Op;
import org.prune4j.graph.ParamAxes;

import java.util.ArrayList;
import java.util.List;

/**
 * Dense convolutions create channels. A grouped convolution's group i reads only input block i
 * and writes only output block i, so it is pruned by whole groups: both blocks form one
 * removable channel of the group that feeds it (a depthwise conv's blocks are single channels,
 * which makes it a pass-through). The weight's input axis (per group) never changes.
 */
final class ConvChannelRule implements ChannelRule {

    @Override
    public void couple(Node node, Graph graph, ChannelCoupling c) {
        Conv2dOp conv = (Conv2dOp) node.op();
        String in = node.inputs().get(0);
        long inChannels = graph.shapeOf(in).get(0);
        if (conv.groups() == 1) {
            c.markCreated(node.name());
            return;
        }
        int inPerGroup = (int) (inChannels / conv.groups());
        int outPerGroup = conv.outChannels() / conv.groups();
        for (int g = 0; g < conv.groups(); g++) {
            int first = g * inPerGroup;
            for (int i = 0; i < inPerGroup; i++) {
                c.couple(in, first, in, first + i);
            }
            for (int o = 0; o < outPerGroup; o++) {
                c.couple(in, first, node.name(), g * outPerGroup + o);
            }
        }
    }

    @Override
    public List<ParamAxes> parameterAxes(Op op) {
        Conv2dOp conv = (Conv2dOp) op;
        List<ParamAxes> axes = new ArrayList<>();
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
            int outPerGroup = conv.outChannels() / conv.groups();
            b.optGroups((int) (newOutputChannels / outPerGroup)); // whole groups were removed
        }
        return b.build();
    }
}
